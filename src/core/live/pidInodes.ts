/**
 * The PIDs under /proc with the inode of each one's directory. procfs gives every process
 * a directory inode of its own, so a PID that one process left and another took between
 * two ticks shows a new inode: one listing tells it, where a read per PID would cost a
 * tick more than the rest of it. Node's readdir drops the inodes; getdents64 gives them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { callFailed, libc, Syscalls } from '../linux/syscalls';

const BUFFER_BYTES = 64 * 1024;
let buffer: Buffer | undefined;

/** PID → inode of its directory under PROC_ROOT; null where getdents64 cannot be called. */
export function pidInodes(procRoot: string): Map<number, number> | null {
  let calls: Syscalls;
  try {
    calls = libc();
  } catch {
    return null; // no koffi for this platform: the sweep alone finds a PID taken again
  }
  buffer ??= Buffer.alloc(BUFFER_BYTES);
  const inodes = new Map<number, number>();
  const fd = fs.openSync(procRoot, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    for (;;) {
      const length = calls.getdents64(fd, buffer, BUFFER_BYTES);
      if (length < 0) throw callFailed(`getdents64 of ${procRoot}`);
      if (length === 0) return inodes;
      parseDirents(buffer, length, inodes);
    }
  } finally {
    fs.closeSync(fd);
  }
}

const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * Adds the numeric entries of LENGTH bytes of `struct linux_dirent64` records (d_ino u64,
 * d_off s64, d_reclen u16, d_type u8, then the NUL-terminated name) to INODES.
 */
export function parseDirents(buf: Buffer, length: number, inodes: Map<number, number>, le = LITTLE_ENDIAN): void {
  for (let at = 0; at < length; at += le ? buf.readUInt16LE(at + 16) : buf.readUInt16BE(at + 16)) {
    const name = at + 19;
    let pid = 0;
    let end = name;
    for (let c = buf[end]!; c >= 48 && c <= 57; c = buf[++end]!) pid = pid * 10 + c - 48;
    if (end > name && buf[end] === 0) inodes.set(pid, Number(le ? buf.readBigUInt64LE(at) : buf.readBigUInt64BE(at)));
  }
}
