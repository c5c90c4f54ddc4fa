/**
 * The thread of FdPoller (fdPoller.ts): it sleeps in poll(2) on the fds it is given, plus
 * an eventfd that wakes it when the set changes, and tells which fds became ready. A fd
 * that became ready is left out until it is re-armed: its owner must first consume what
 * made it ready (a mountinfo read again, a socket drained), or poll would report it again
 * at once.
 */
import { MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import type { PollerData, PollerOrder, PollerReady } from './fdPoller';
import { pollBuffer, POLLIN, readyEntries } from './pollSet';
import { nameThisThread } from './threadName';

/**
 * poll() wakes at least this often when nothing happens. A thread asleep in a native call
 * cannot be terminated: when its owner ends without close() (a worker terminated, a
 * process.exit), the thread notices within this time, and the owner's exit does not hang
 * waiting for it. One wake-up a second costs a few microseconds.
 */
const WAKE_AT_LEAST_MS = 1000;

function main({ wakeFd, port }: PollerData): void {
  nameThisThread('nsx-poller');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const koffi = require('koffi') as typeof import('koffi');
  const lib = koffi.load('libc.so.6');
  const poll = lib.func('int poll(_Inout_ void *fds, unsigned long count, int timeout)');
  const read = lib.func('intptr_t read(int fd, _Out_ void *buf, size_t count)');
  const counter = Buffer.alloc(8);
  /** fd → events to poll for, while armed. */
  const armed = new Map<number, number>();
  for (;;) {
    for (let order; (order = receiveMessageOnPort(port as MessagePort));) {
      const o = order.message as PollerOrder;
      if (o.stop) return;
      if (o.arm) armed.set(o.arm.fd, o.arm.events);
      if (o.disarm !== undefined) armed.delete(o.disarm);
    }
    const entries = [{ fd: wakeFd, events: POLLIN }, ...[...armed].map(([fd, events]) => ({ fd, events }))];
    const set = pollBuffer(entries);
    if (poll(set, entries.length, WAKE_AT_LEAST_MS) <= 0) continue; // nothing yet, or EINTR
    const ready: PollerReady['ready'] = [];
    for (const { index, revents } of readyEntries(set)) {
      if (index === 0) read(wakeFd, counter, 8);
      else {
        ready.push([entries[index].fd, revents]);
        armed.delete(entries[index].fd);
      }
    }
    if (ready.length) parentPort!.postMessage({ ready } satisfies PollerReady);
  }
}

main(workerData as PollerData);
