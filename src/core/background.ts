/**
 * Discovery off the caller's thread. The extension host must not block for the 50–300 ms
 * a scan takes, so a worker thread keeps the engine loaded and answers each request,
 * saying "unchanged" instead of sending a snapshot when nothing moved.
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { discover, DiscoverOptions } from './discover';
import { Snapshot } from './snapshot';

export type ScanReply = { snapshot: Snapshot; fingerprint: string } | { unchanged: true; fingerprint: string };

export interface ScanRequest {
  /** The fingerprint of the snapshot the caller has; a match makes the reply "unchanged". */
  known?: string;
  options?: Omit<DiscoverOptions, 'proc' | 'probe'>;
}

type WorkerReply = ScanReply | { error: string; name: string };

/** `kworker/1:1-events`: the kernel renames its workers after the queue they last served. */
const KWORKER_QUEUE = /^(kworker\/\d+:\d+H?|kworker\/u\d+:\d+)-.*$/;

/**
 * What identifies the content of a snapshot: everything but when and how fast it was
 * taken, the processes that vanished mid-scan, and the names kernel workers change
 * every second.
 */
export function fingerprint(snapshot: Snapshot): string {
  const { takenAt: _t, scanner, hidden, ...content } = snapshot;
  const stable = { ...content, scanner: { ...scanner, durationMs: 0 }, hidden: hidden.byReason.EACCES };
  const json = JSON.stringify(stable, (key, value) =>
    (key === 'name' || key === 'command') && typeof value === 'string' ? value.replace(KWORKER_QUEUE, '$1') : value,
  );
  return createHash('sha1').update(json).digest('hex');
}

export function scanOnce(request: ScanRequest): ScanReply {
  const snapshot = discover(request.options);
  const print = fingerprint(snapshot);
  return print === request.known ? { unchanged: true, fingerprint: print } : { snapshot, fingerprint: print };
}

const WORKER_SCRIPT = path.join(__dirname, 'discovery-worker.js');

export class BackgroundDiscovery {
  private worker?: Worker;
  private queue: Promise<unknown> = Promise.resolve();

  /** One scan at a time: a request made during a scan waits for it. */
  scan(request: ScanRequest): Promise<ScanReply> {
    const next = this.queue.then(() => this.run(request));
    this.queue = next.catch(() => undefined);
    return next;
  }

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private run(request: ScanRequest): Promise<ScanReply> {
    const worker = this.ensureWorker();
    if (!worker) return Promise.resolve().then(() => scanOnce(request));
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.unref();
      };
      const onMessage = (reply: WorkerReply) => {
        cleanup();
        if ('error' in reply) reject(Object.assign(new Error(reply.error), { name: reply.name }));
        else resolve(reply);
      };
      const onError = (err: Error) => {
        cleanup();
        this.worker = undefined;
        reject(err);
      };
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.ref(); // an idle worker must not keep a process alive; a busy one must
      worker.postMessage(request);
    });
  }

  private ensureWorker(): Worker | undefined {
    if (!this.worker && existsSync(WORKER_SCRIPT)) {
      this.worker = new Worker(WORKER_SCRIPT);
      this.worker.unref();
    }
    return this.worker;
  }
}
