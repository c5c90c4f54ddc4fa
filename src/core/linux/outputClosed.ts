/**
 * Whether nobody reads an output any more: a pipe whose reader has gone polls POLLERR.
 * A program that writes only now and then (`nsx watch`) would otherwise learn it at its
 * next write, which may never come.
 */
import { libc } from './syscalls';

const POLLERR = 0x008;
const POLLHUP = 0x010;
const pollfd = Buffer.alloc(8);

export function outputClosed(fd: number): boolean {
  pollfd.writeInt32LE(fd, 0);
  pollfd.writeInt16LE(0, 4); // no events asked: POLLERR and POLLHUP are always reported
  pollfd.writeInt16LE(0, 6);
  if (libc().poll(pollfd, 1, 0) !== 1) return false;
  return (pollfd.readInt16LE(6) & (POLLERR | POLLHUP)) !== 0;
}
