/**
 * One process's /proc directory held open, read relative to it: the hot path of a scan.
 * Through koffi a read is a readlinkat/statx/getdents64 on the directory's fd, with no path
 * walk from / and no exception when the process is gone (each read answers an errno).
 * Without koffi the same reads go through ProcSource's path-based methods.
 *
 * Only ProcSource hands these out (procfs.ts), and it stays the only reader of /proc.
 */
import * as os from 'node:os';
import { NsType } from '../model/snapshot';
import { bracketAt, decimalName, linkInode, linkNsType } from './linkBytes';

export type NsLink = NsType | 'pid_for_children' | 'time_for_children';

export const ENOENT = 2;
export const EINVAL = 22;

/** What one stat of /proc/PID/task tells (see ProcSource.taskDirStat). */
export interface TaskDirStat {
  uid: number;
  threads: number | undefined;
}

/** Reads of one process; a failed read answers its errno as a negative number. */
export interface PidDir {
  taskDirStat(): TaskDirStat | number;
  /** Inode of ns/LINK (or task/TID/ns/LINK). */
  nsInode(link: NsLink, tid?: number): number;
  hasNsDir(): boolean;
  /** The TIDs of task/, unsorted. */
  tids(): number[] | number;
  /** Calls `visit` for each fd open on a namespace. Answers 0 or the errno of listing fd/. */
  nsFds(visit: (fd: number, type: NsType, ino: number) => void): number;
  /** Releases the directory's fd (koffi: closed through koffi, which opened it). */
  close(): void;
}

interface Libc {
  openat(dirfd: number, path: string, flags: number): number;
  readlinkat(dirfd: number, path: string, buf: Buffer, size: number): number;
  statx(dirfd: number, path: string, flags: number, mask: number, buf: Buffer): number;
  getdents64(fd: number, buf: Buffer, size: number): number;
  read(fd: number, buf: Buffer, size: number): number;
  close(fd: number): number;
  errno(): number;
}

const AT_FDCWD = -100;
const O_RDONLY = 0;
const O_DIRECTORY = 0o200000;
const O_CLOEXEC = 0o2000000;
/** The directory is only a starting point for *at() calls: no read permission needed to hold it. */
const O_PATH = 0o10000000;
const STATX_NLINK = 0x4;
const STATX_UID = 0x8;
/** struct statx: the same layout on every architecture. */
const STX_NLINK = 16;
const STX_UID = 20;
/** struct linux_dirent64: d_ino u64, d_off s64, d_reclen u16, d_type u8, d_name. */
const DIRENT_RECLEN = 16;
const DIRENT_NAME = 19;
/** The longest record: a 255-byte name and its NUL after the header, padded to 8 bytes. */
const DIRENT_MAX = 280;

/** The paths of a process's links, made once: a scan reads ten per process. */
const NS_PATHS = new Map<string, string>();
/** fd numbers as the names readlinkat takes; most fds are small numbers. */
const FD_NAMES: string[] = [];
const FD_NAMES_KEPT = 1024;

function nsPath(link: NsLink): string {
  let path = NS_PATHS.get(link);
  if (path === undefined) NS_PATHS.set(link, (path = `ns/${link}`));
  return path;
}

function fdName(fd: number): string {
  return fd < FD_NAMES_KEPT ? (FD_NAMES[fd] ??= String(fd)) : String(fd);
}

let libc: Libc | null | undefined;

/** The koffi calls, or null when koffi cannot be loaded (the path-based reads then serve). */
function loadLibc(): Libc | null {
  if (libc !== undefined) return libc;
  try {
    // Required here, not imported: a missing native module only costs speed.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    const lib = koffi.load('libc.so.6');
    libc = {
      openat: lib.func('int openat(int dirfd, const char *path, int flags)'),
      readlinkat: lib.func('intptr_t readlinkat(int dirfd, const char *path, void *buf, size_t size)'),
      statx: lib.func('int statx(int dirfd, const char *path, int flags, unsigned int mask, void *buf)'),
      getdents64: lib.func('intptr_t getdents64(int fd, void *buf, size_t size)'),
      read: lib.func('intptr_t read(int fd, void *buf, size_t size)'),
      close: lib.func('int close(int fd)'),
      errno: () => koffi.errno(),
    };
  } catch {
    libc = null;
  }
  return libc;
}

/** Whether the fast reader is available in this process. */
export function fastReads(): boolean {
  return loadLibc() !== null;
}

// Shared by every FdPidDir: a scan reads one process at a time, on one thread.
const link = Buffer.allocUnsafe(256);
const statBuf = Buffer.allocUnsafe(256);
const dents = Buffer.allocUnsafe(32 * 1024);
/** Small files are read into this; a larger one in pieces of its size. */
const fileBuf = Buffer.allocUnsafe(64 * 1024);

/**
 * A small procfs file read whole through READ (into BUF from AT, at most WANT bytes: the
 * count read or a negative errno), in one reusable buffer: no fstat, no per-call
 * allocation. procfs hands over a small file in one read, so a short read is its end.
 */
export function readWhole(read: (buf: Buffer, at: number, want: number) => number): string | number {
  let length = 0;
  let pieces: Buffer[] | undefined;
  for (;;) {
    const n = read(fileBuf, length, fileBuf.length - length);
    if (n < 0) return n;
    length += n;
    if (length < fileBuf.length) break;
    (pieces ??= []).push(Buffer.from(fileBuf));
    length = 0;
  }
  if (!pieces) return fileBuf.toString('utf8', 0, length);
  // Decoded once, so that a character split across pieces stays whole.
  return Buffer.concat([...pieces, fileBuf.subarray(0, length)]).toString('utf8');
}

/** A small file of /proc read whole through koffi, with no exception when it is gone (a negative errno). */
export function readProcFile(path: string): string | number {
  const c = loadLibc();
  if (!c) throw new Error('koffi is not available');
  const fd = c.openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -c.errno();
  try {
    return readWhole((buf, at, want) => {
      const n = c.read(fd, at ? buf.subarray(at) : buf, want);
      return n < 0 ? -c.errno() : n;
    });
  } finally {
    c.close(fd);
  }
}

/**
 * Opens `dir` (a /proc/PID); a negative errno when it cannot be. PROCFS: it is on procfs
 * (not a fixture tree), whose listings may be read in one call (see entries()).
 */
export function openPidDir(dir: string, procfs: boolean): PidDir | number {
  const c = loadLibc();
  if (!c) throw new Error('koffi is not available');
  const fd = c.openat(AT_FDCWD, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  return fd < 0 ? -c.errno() : new FdPidDir(c, fd, procfs);
}

class FdPidDir implements PidDir {
  constructor(
    private readonly c: Libc,
    private fd: number,
    private readonly procfs: boolean,
  ) {}

  taskDirStat(): TaskDirStat | number {
    if (this.c.statx(this.fd, 'task', 0, STATX_NLINK | STATX_UID, statBuf) < 0) return -this.c.errno();
    const nlink = statBuf.readUInt32LE(STX_NLINK);
    return { uid: statBuf.readUInt32LE(STX_UID), threads: nlink >= 2 ? nlink - 2 : undefined };
  }

  nsInode(name: NsLink, tid?: number): number {
    return this.inodeAt(this.fd, tid === undefined ? nsPath(name) : `task/${tid}/ns/${name}`);
  }

  hasNsDir(): boolean {
    return this.c.statx(this.fd, 'ns', 0, 0, statBuf) === 0;
  }

  tids(): number[] | number {
    const dir = this.c.openat(this.fd, 'task', O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return -this.c.errno();
    const out: number[] = [];
    try {
      const err = this.entries(dir, (tid) => out.push(tid));
      return err < 0 ? err : out;
    } finally {
      this.c.close(dir);
    }
  }

  nsFds(visit: (fd: number, type: NsType, ino: number) => void): number {
    const dir = this.c.openat(this.fd, 'fd', O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return -this.c.errno();
    try {
      return this.entries(dir, (fd) => {
        const n = this.c.readlinkat(dir, fdName(fd), link, link.length);
        // A target that fills the buffer is a long path; nsfs targets are short.
        const open = n > 0 && n < link.length ? bracketAt(link, n) : -1;
        const type = open > 0 ? linkNsType(link, open) : null;
        const ino = type ? linkInode(link, n) : NaN;
        if (type && Number.isSafeInteger(ino)) visit(fd, type, ino);
      });
    } finally {
      this.c.close(dir);
    }
  }

  close(): void {
    if (this.fd >= 0) this.c.close(this.fd);
    this.fd = -1;
  }

  private inodeAt(dir: number, path: string): number {
    const n = this.c.readlinkat(dir, path, link, link.length);
    if (n < 0) return -this.c.errno();
    const ino = linkInode(link, n);
    return Number.isSafeInteger(ino) ? ino : -EINVAL;
  }

  /**
   * Calls `each` with every numeric entry of the open directory `dir`, as its number.
   * procfs lists fd/ and task/ until it runs out of entries or of room for the next one, so
   * a listing that left room for the longest record is whole: the call that would answer
   * 0 is saved (one per process).
   */
  private entries(dir: number, each: (entry: number) => void): number {
    for (;;) {
      const n = this.c.getdents64(dir, dents, dents.length);
      if (n === 0) return 0;
      if (n < 0) return -this.c.errno();
      for (let at = 0; at < n; at += dents.readUInt16LE(at + DIRENT_RECLEN)) {
        const entry = decimalName(dents, at + DIRENT_NAME);
        if (Number.isSafeInteger(entry)) each(entry);
      }
      if (this.procfs && n + DIRENT_MAX <= dents.length) return 0;
    }
  }
}

/**
 * The PIDs under PROC_ROOT with the inode of each one's directory (Node's readdir drops
 * the inodes; getdents64 gives them); null where koffi cannot be loaded. procfs gives every
 * process a directory inode of its own, so a PID that one process left and another took
 * shows a new inode.
 */
export function listPidInodes(procRoot: string): Map<number, number> | null {
  const c = loadLibc();
  if (!c) return null;
  const dir = c.openat(AT_FDCWD, procRoot, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir < 0) throw new Error(`cannot open ${procRoot} (errno ${c.errno()})`);
  const inodes = new Map<number, number>();
  try {
    for (;;) {
      const length = c.getdents64(dir, dents, dents.length);
      if (length < 0) throw new Error(`getdents64 of ${procRoot} failed (errno ${c.errno()})`);
      if (length === 0) return inodes;
      parseDirents(dents, length, inodes);
    }
  } finally {
    c.close(dir);
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
