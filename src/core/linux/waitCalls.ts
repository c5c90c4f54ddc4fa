/**
 * The libc calls that wait for the kernel's notifications, through koffi, loaded on first
 * use: poll(2) (also on libuv's thread pool, so that waiting never blocks the event loop),
 * an eventfd to interrupt it, pidfds and fanotify. Node opens none of these fds, so they
 * are closed through libc too.
 */
import { errnoText } from './syscalls';

export interface WaitCalls {
  /** poll(2) on libuv's thread pool: DONE gets its result once it returns. FDS must stay alive till then. */
  pollAsync(fds: Buffer, count: number, timeoutMs: number, done: (err: unknown, result: number) => void): void;
  eventfd(initval: number, flags: number): number;
  /** pidfd_open(2) (Linux 5.3): an fd that becomes readable when PID exits. */
  pidfdOpen(pid: number): number;
  fanotifyInit(flags: number, eventFlags: number): number;
  fanotifyMark(fd: number, flags: number, mask: number, dirfd: number, path: string | null): number;
  read(fd: number, buf: Buffer, length: number): number;
  write(fd: number, buf: Buffer, length: number): number;
  close(fd: number): number;
  errno(): number;
}

const SYS_PIDFD_OPEN = 434; // the same number on every architecture (the unified syscall table)

let loaded: WaitCalls | undefined;

export function waitCalls(): WaitCalls {
  if (loaded) return loaded;
  // Required here, not imported: a missing native module costs only the watching.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof import('koffi');
  const lib = koffi.load('libc.so.6');
  const poll = lib.func('int poll(_Inout_ void *fds, unsigned long count, int timeout)');
  const syscall = lib.func('long syscall(long number, ...)');
  loaded = {
    pollAsync: (fds, count, timeoutMs, done) => poll.async(fds, count, timeoutMs, done),
    eventfd: lib.func('int eventfd(unsigned int initval, int flags)'),
    pidfdOpen: (pid) => Number(syscall(SYS_PIDFD_OPEN, 'int', pid, 'unsigned int', 0)),
    fanotifyInit: lib.func('int fanotify_init(unsigned int flags, unsigned int eventFlags)'),
    fanotifyMark: lib.func('int fanotify_mark(int fd, unsigned int flags, uint64_t mask, int dirfd, const char *path)'),
    read: lib.func('intptr_t read(int fd, _Out_ void *buf, size_t length)'),
    write: lib.func('intptr_t write(int fd, const void *buf, size_t length)'),
    close: lib.func('int close(int fd)'),
    errno: () => koffi.errno(),
  };
  return loaded;
}

/** The error of a call that just failed, with its errno: `fanotify_init failed: EPERM (errno 1)`. */
export function waitCallFailed(call: string, errno: number): string {
  return `${call} failed: ${errnoText(errno)}`;
}
