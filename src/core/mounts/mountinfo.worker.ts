/**
 * Worker thread: reads the mountinfo of a mount namespace that no process is in, without
 * running anything inside it. A program started in there would take its dynamic loader
 * and libraries from that namespace's files, which their owner chooses; this thread only
 * enters the namespace and reads its own /proc entry. It needs root (CAP_SYS_ADMIN over
 * the namespace, CAP_SYS_CHROOT), and its thread ends with the answer.
 */
import * as fs from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';

const CLONE_FS = 0x200;
const CLONE_NEWNS = 0x20000;
/** Node opens its own fds close-on-exec; one opened through libc must ask (a spawn elsewhere would inherit it). */
const O_CLOEXEC = 0o2000000;

export interface ReaderRequest {
  file: string;
  ino: number;
}

export type ReaderReply = { text: string } | { error: string };

function read({ file, ino }: ReaderRequest): ReaderReply {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof import('koffi');
  const libc = koffi.load('libc.so.6');
  const unshare = libc.func('int unshare(int flags)');
  const setns = libc.func('int setns(int fd, int nstype)');
  const openat = libc.func('int openat(int dirfd, const char *path, int flags)');
  const close = libc.func('int close(int fd)');
  const failed = (what: string) => ({ error: `${what} failed (errno ${koffi.errno()})` });

  // Every fd is closed before the thread ends: fds belong to the process, not the thread,
  // and an open mountinfo keeps its mount namespace alive after its bind mount is gone.
  // Opened before entering: the entered namespace may have no /proc, or another one.
  const taskDir = fs.openSync('/proc/thread-self', fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  try {
    const nsFd = fs.openSync(file, 'r');
    try {
      if (fs.fstatSync(nsFd).ino !== ino) return { error: `${file} now holds another namespace` };
      // A thread shares its root and working directory with the others until it unshares them;
      // only then may it enter another mount namespace.
      if (unshare(CLONE_FS) !== 0) return failed('unshare(CLONE_FS)');
      if (setns(nsFd, CLONE_NEWNS) !== 0) return failed('setns');
    } finally {
      fs.closeSync(nsFd);
    }
    const fd = openat(taskDir, 'mountinfo', fs.constants.O_RDONLY | O_CLOEXEC);
    if (fd < 0) return failed('opening mountinfo');
    try {
      const chunks: Buffer[] = [];
      const buf = Buffer.alloc(1 << 16);
      for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) chunks.push(Buffer.from(buf.subarray(0, n)));
      return { text: Buffer.concat(chunks).toString('utf8') };
    } finally {
      // Opened by libc, not by Node: closed the same way.
      close(fd);
    }
  } finally {
    fs.closeSync(taskDir);
  }
}

let reply: ReaderReply;
try {
  reply = read(workerData as ReaderRequest);
} catch (err) {
  reply = { error: (err as Error).message };
}
parentPort!.postMessage(reply);
