/**
 * Taking the terminal back after a shell that held it is killed. An interactive shell
 * makes its own process group the terminal's foreground (job control), and gives it back
 * when it exits; killed, it cannot, and the terminal stays with a group that no longer
 * exists: nsx, now in the background, gets EIO reading from it. Node has no tcsetpgrp(),
 * so it is called through koffi, with SIGTTOU blocked (a background process that asks for
 * the foreground is otherwise stopped by it).
 */

const SIG_BLOCK = 0;
const SIG_SETMASK = 2;
const SIGTTOU = 22;
/** The kernel's sigset_t, as glibc sizes it. */
const SIGSET_BYTES = 128;

interface Calls {
  tcgetpgrp(fd: number): number;
  tcsetpgrp(fd: number, pgrp: number): number;
  getpgrp(): number;
  pthread_sigmask(how: number, set: Buffer, old: Buffer): number;
}

let loaded: Calls | null | undefined;

function calls(): Calls | null {
  if (loaded !== undefined) return loaded;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    const lib = koffi.load('libc.so.6');
    loaded = {
      tcgetpgrp: lib.func('int tcgetpgrp(int fd)'),
      tcsetpgrp: lib.func('int tcsetpgrp(int fd, int pgrp)'),
      getpgrp: lib.func('int getpgrp()'),
      pthread_sigmask: lib.func('int pthread_sigmask(int how, const void *set, _Out_ void *old)'),
    };
  } catch {
    loaded = null;
  }
  return loaded;
}

/**
 * Makes this process's group the foreground of the terminal on FD, when it is not. False
 * when that could not be done (no terminal, or koffi could not load).
 */
export function takeForeground(fd = 0): boolean {
  const c = calls();
  if (!c) return false;
  const own = c.getpgrp();
  if (c.tcgetpgrp(fd) === own) return true;
  const block = Buffer.alloc(SIGSET_BYTES);
  // Signal N is bit N-1, counted from the first byte (little-endian words).
  block[(SIGTTOU - 1) >> 3] = 1 << ((SIGTTOU - 1) & 7);
  const old = Buffer.alloc(SIGSET_BYTES);
  if (c.pthread_sigmask(SIG_BLOCK, block, old) !== 0) return false;
  try {
    return c.tcsetpgrp(fd, own) === 0;
  } finally {
    c.pthread_sigmask(SIG_SETMASK, old, Buffer.alloc(SIGSET_BYTES));
  }
}
