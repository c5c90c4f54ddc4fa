/**
 * Waiting for the kernel's events without a timer and without holding a thread of
 * libuv's pool (which the whole extension host shares): one thread of our own sleeps in
 * poll(2) (fdPoller.worker.ts) and says which fd became ready. Each fd is one-shot: after
 * its handler ran, the owner re-arms it once it consumed what made it ready.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, MessagePort, Worker } from 'node:worker_threads';
import { libc } from './syscalls';

export { POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLPRI } from './pollSet';

export interface PollerData {
  wakeFd: number;
  port: MessagePort;
}

export type PollerOrder = { stop?: true; arm?: { fd: number; events: number }; disarm?: number };

export interface PollerReady {
  /** fd and the events poll reported on it. */
  ready: [number, number][];
}

const EFD_CLOEXEC = 0o2000000;
const EFD_NONBLOCK = 0o4000;

export const POLLER_BUNDLE = 'fdPoller.worker.js';
/** Built beside this bundle by esbuild.mjs; run from the sources (under tsx), the module beside this one. */
const WORKER_SCRIPT = [POLLER_BUNDLE, 'fdPoller.worker.ts'].map((f) => path.join(__dirname, f)).find(fs.existsSync)!;

export class FdPoller {
  private readonly handlers = new Map<number, (revents: number) => void>();
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly wakeFd: number;
  private readonly one = Buffer.from([1, 0, 0, 0, 0, 0, 0, 0]);
  private closed = false;
  /** fd → the events it is watched for. */
  private readonly armed = new Map<number, number>();

  constructor() {
    const c = libc();
    this.wakeFd = c.eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (this.wakeFd < 0) throw new Error(`eventfd failed (errno ${c.errno()})`);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.worker = new Worker(WORKER_SCRIPT, {
      workerData: { wakeFd: this.wakeFd, port: port2 },
      transferList: [port2],
      // From the sources the thread needs tsx's loader, which a worker does not inherit from --import.
      ...(WORKER_SCRIPT.endsWith('.ts') ? { execArgv: ['--require', 'tsx/cjs'] } : {}),
    });
    this.worker.on('message', ({ ready }: PollerReady) => {
      for (const [fd, revents] of ready) this.handlers.get(fd)?.(revents);
    });
    // Without the thread, nothing is told early: the owner's ticks still find every change.
    this.worker.on('error', () => this.handlers.clear());
    // A sleeping poller must not keep a program alive: what it waits for is its owner's business.
    this.worker.unref();
  }

  /** Calls ON_READY once when FD reports one of EVENTS; `rearm` to be told again. */
  watch(fd: number, events: number, onReady: (revents: number) => void): void {
    this.handlers.set(fd, onReady);
    this.order({ arm: { fd, events } });
    this.armed.set(fd, events);
  }

  rearm(fd: number): void {
    const events = this.armed.get(fd);
    if (events !== undefined && this.handlers.has(fd)) this.order({ arm: { fd, events } });
  }

  /** Stops watching FD; call before closing it. */
  forget(fd: number): void {
    this.handlers.delete(fd);
    this.armed.delete(fd);
    this.order({ disarm: fd });
  }

  close(): void {
    if (this.closed) return;
    this.order({ stop: true });
    this.closed = true;
    this.handlers.clear();
    void this.worker.terminate().finally(() => libc().close(this.wakeFd));
  }

  private order(order: PollerOrder): void {
    if (this.closed) return;
    this.port.postMessage(order);
    libc().write(this.wakeFd, this.one, 8);
  }
}
