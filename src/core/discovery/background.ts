/**
 * Discovery off the caller's thread. The extension host must not block for the 50–300 ms
 * a scan takes, so a worker thread (discovery.worker.ts) keeps the engine loaded. While
 * the caller wants it live, the worker runs the live engine and sends each snapshot that
 * changed; it also answers each scan asked for, saying "unchanged" instead of sending a
 * snapshot when nothing moved, and reads what is inside namespaces of the last snapshot
 * it sent, which can take as long (every member's status, fds…). This side loads none of
 * the engine: activating the extension stays cheap.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { NamespaceDetails } from '../details/types';
import type { Snapshot } from '../model/snapshot';
import type { Finding } from '../findings/types';
import { SentSnapshot, SnapshotReceiver } from './snapshotChanges';

/**
 * FINDINGS come with every new snapshot, and with an unchanged one when they changed on
 * their own (a loopback brought up): the live engine then pushes an "unchanged" reply.
 */
export type ScanReply = ({ snapshot: Snapshot; fingerprint: string } | { unchanged: true; fingerprint: string }) &
  FindingsCarried;

export interface FindingsCarried {
  findings?: Finding[];
  /** Why the findings could not be checked (the snapshot came all the same). */
  findingsError?: string;
}

export interface ScanRequest {
  /** The fingerprint of the snapshot the caller has; a match makes the reply "unchanged". */
  known?: string;
}

/** Per inode asked for: its details, or why they could not be read. */
export type DetailsReply = { details: (NamespaceDetails | { error: string })[] };

/** Run the live engine with a tick every INTERVALMS; null stops it. */
export type LiveRequest = { intervalMs: number } | null;

/** The inodes whose details to read; TOPOLOGY for the map's net namespaces only (ReadOptions.topology). */
export type WorkerRequest = { scan: ScanRequest } | { details: number[]; topology?: boolean } | { live: LiveRequest };

type Failure = { error: string; name: string };

export type WorkerReply = ScanReply | DetailsReply | { live: boolean } | Failure;

/** A snapshot the live engine sent unasked (or why it could not), and how long its tick ran. */
export type Pushed = { pushed: ScanReply | Failure; ranMs: number };

export type WorkerMessage = WorkerReply | Pushed;

/** A message as the worker sends it: its snapshots as changes (snapshotChanges.ts). */
export type SentScanReply = (
  { snapshot: SentSnapshot; fingerprint: string } | { unchanged: true; fingerprint: string }
) &
  FindingsCarried;
export type SentMessage =
  | Exclude<WorkerReply, { snapshot: Snapshot }>
  | { snapshot: SentSnapshot; fingerprint: string }
  | { pushed: SentScanReply | Failure; ranMs: number };

/** Built beside this bundle by esbuild.mjs. */
const WORKER_SCRIPT = path.join(__dirname, 'discovery.worker.js');

export class BackgroundDiscovery {
  private worker?: Worker;
  private queue: Promise<unknown> = Promise.resolve();
  private onPushed: ((pushed: Pushed) => void) | undefined;

  /**
   * One scan at a time: a request made during a scan (or a details read) waits for it.
   * `ranMs` is how long the scan itself ran, without that wait.
   */
  async scan(request: ScanRequest): Promise<ScanReply & { ranMs: number }> {
    let ranMs = 0;
    const reply = (await this.enqueue({ scan: request }, (ms) => (ranMs = ms))) as ScanReply;
    return Object.assign(reply, { ranMs });
  }

  /**
   * What is inside the namespaces INOS of the last snapshot this sent, read with its rights;
   * of net namespaces only what the map draws when TOPOLOGY.
   */
  async details(inos: number[], topology = false): Promise<DetailsReply['details']> {
    return ((await this.enqueue({ details: inos, ...(topology ? { topology } : {}) })) as DetailsReply).details;
  }

  /**
   * Runs the live engine, a tick every INTERVALMS, and calls LISTENER with each snapshot
   * that changed; null stops it (and forgets what it knew: a later start scans in full).
   */
  async live(intervalMs: number | null, listener?: (pushed: Pushed) => void): Promise<void> {
    this.onPushed = intervalMs === null ? undefined : listener;
    await this.enqueue({ live: intervalMs === null ? null : { intervalMs } });
  }

  /**
   * Stops the live engine, which closes what it holds open (the kernel's event sockets,
   * mountinfo fds) and ends its poller thread, then the worker.
   */
  dispose(): void {
    const worker = this.worker;
    if (!worker) return;
    this.worker = undefined;
    this.onPushed = undefined;
    worker.postMessage({ live: null } satisfies WorkerRequest);
    worker.on('message', (reply: WorkerMessage) => {
      if ('live' in reply) void worker.terminate();
    });
    // A worker busy with a long scan is not waited for.
    setTimeout(() => void worker.terminate(), 1000).unref();
  }

  private enqueue(request: WorkerRequest, ran?: (ms: number) => void): Promise<WorkerReply> {
    const next = this.queue.then(async () => {
      const started = Date.now();
      try {
        return await this.run(request);
      } finally {
        ran?.(Date.now() - started);
      }
    });
    this.queue = next.catch(() => undefined);
    return next;
  }

  private run(request: WorkerRequest): Promise<WorkerReply> {
    const worker = (this.worker ??= this.start());
    return new Promise((resolve, reject) => {
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.unref();
      };
      const onMessage = (reply: WorkerMessage) => {
        if ('pushed' in reply) return;
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

  private start(): Worker {
    const worker = new Worker(WORKER_SCRIPT);
    // A new worker sends its first snapshot whole.
    const receiver = new SnapshotReceiver();
    // The first listener: every message's snapshot is made whole here, in place, before
    // run() sees a reply and before a push is handed on.
    worker.on('message', (message: SentMessage) => {
      const carrier = 'pushed' in message ? message.pushed : message;
      if ('snapshot' in carrier) (carrier as { snapshot: Snapshot }).snapshot = receiver.decode(carrier.snapshot);
      if ('pushed' in message) this.onPushed?.(message as Pushed);
    });
    return worker;
  }
}
