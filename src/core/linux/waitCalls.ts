/**
 * The libc calls for the kernel's notifications about mounts, through koffi, loaded on
 * first use: pidfds and fanotify (the waiting itself is fdPoller.ts's). Node opens none of
 * these fds, so they are closed through libc too.
 */
import { errnoText } from './syscalls';

export interface WaitCalls {
  /** pidfd_open(2) (Linux 5.3): an fd that becomes readable when PID exits. */
  pidfdOpen(pid: number): number;
  fanotifyInit(flags: number, eventFlags: number): number;
  fanotifyMark(fd: number, flags: number, mask: number, dirfd: number, path: string | null): number;
  read(fd: number, buf: Buffer, length: number): number;
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
  const syscall = lib.func('long syscall(long number, ...)');
  loaded = {
    pidfdOpen: (pid) => Number(syscall(SYS_PIDFD_OPEN, 'int', pid, 'unsigned int', 0)),
    fanotifyInit: lib.func('int fanotify_init(unsigned int flags, unsigned int eventFlags)'),
    fanotifyMark: lib.func('int fanotify_mark(int fd, unsigned int flags, uint64_t mask, int dirfd, const char *path)'),
    read: lib.func('intptr_t read(int fd, _Out_ void *buf, size_t length)'),
    close: lib.func('int close(int fd)'),
    errno: () => koffi.errno(),
  };
  return loaded;
}

/** The error of a call that just failed, with its errno: `fanotify_init failed: EPERM (errno 1)`. */
export function waitCallFailed(call: string, errno: number): string {
  return `${call} failed: ${errnoText(errno)}`;
}
