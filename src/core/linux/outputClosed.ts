/**
 * Whether nobody reads an output any more: a pipe whose reader has gone polls POLLERR.
 * A program that writes only now and then (`nsx watch`) would otherwise learn it at its
 * next write, which may never come.
 */
import { pollBuffer, POLLERR, POLLHUP, readyEntries } from './pollSet';
import { libc } from './syscalls';

export function outputClosed(fd: number): boolean {
  // No events asked: POLLERR and POLLHUP are always reported.
  const set = pollBuffer([{ fd, events: 0 }]);
  if (libc().poll(set, 1, 0) !== 1) return false;
  return ((readyEntries(set)[0]?.revents ?? 0) & (POLLERR | POLLHUP)) !== 0;
}
