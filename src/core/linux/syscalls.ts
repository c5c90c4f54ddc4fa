/**
 * The libc calls the details readers need and Node lacks, through koffi, loaded on first
 * use (in the reading thread only).
 */
import * as os from 'node:os';

export interface Syscalls {
  setns(fd: number, nstype: number): number;
  unshare(flags: number): number;
  mount(source: string | null, target: string, fstype: string | null, flags: number, data: string | null): number;
  umount2(target: string, flags: number): number;
  errno(): number;
  /** For rtnetlink (netlinkSocket.ts). close(), not fs.closeSync: Node warns about fds it did not open. */
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, length: number): number;
  send(fd: number, buf: Buffer, length: number, flags: number): number;
  recv(fd: number, buf: Buffer, length: number, flags: number): number;
  close(fd: number): number;
  poll(fds: Buffer, count: number, timeoutMs: number): number;
  eventfd(initial: number, flags: number): number;
  bind(fd: number, address: Buffer, length: number): number;
  write(fd: number, buf: Buffer, length: number): number;
  prctl(option: number, arg2: string, arg3: number, arg4: number, arg5: number): number;
}

let loaded: Syscalls | undefined;

/** The name of an errno, "EPERM" for 1; undefined for a number Node does not name. */
export function errnoName(code: number): string | undefined {
  return Object.entries(os.constants.errno).find(([, n]) => n === code)?.[0];
}

/** An errno as its name and number, "EPERM (errno 1)", for the messages a user reads. */
export function errnoText(code: number): string {
  const name = errnoName(code);
  return name ? `${name} (errno ${code})` : `errno ${code}`;
}

/** The error of a libc call that just failed, with its errno. */
export function callFailed(call: string): Error {
  return new Error(`${call} failed: ${errnoText(libc().errno())}`);
}

export function libc(): Syscalls {
  if (loaded) return loaded;
  // Required here, not imported: only the reading thread loads the native module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof import('koffi');
  const lib = koffi.load('libc.so.6');
  loaded = {
    setns: lib.func('int setns(int fd, int nstype)'),
    unshare: lib.func('int unshare(int flags)'),
    mount: lib.func(
      'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
    ),
    umount2: lib.func('int umount2(const char *target, int flags)'),
    errno: () => koffi.errno(),
    socket: lib.func('int socket(int domain, int type, int protocol)'),
    setsockopt: lib.func('int setsockopt(int fd, int level, int name, const void *value, uint32_t length)'),
    send: lib.func('intptr_t send(int fd, const void *buf, size_t length, int flags)'),
    recv: lib.func('intptr_t recv(int fd, _Out_ void *buf, size_t length, int flags)'),
    close: lib.func('int close(int fd)'),
    poll: lib.func('int poll(_Inout_ void *fds, unsigned long count, int timeout)'),
    eventfd: lib.func('int eventfd(unsigned int initial, int flags)'),
    bind: lib.func('int bind(int fd, const void *address, uint32_t length)'),
    write: lib.func('intptr_t write(int fd, const void *buf, size_t length)'),
    prctl: lib.func(
      'int prctl(int option, const char *arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)',
    ),
  };
  return loaded;
}
