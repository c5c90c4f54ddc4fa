/**
 * Discovery off the caller's thread. The extension host must not block for the 50–300 ms
 * a scan takes, so a worker thread (discovery.worker.ts) keeps the engine loaded and
 * answers each request, saying "unchanged" instead of sending a snapshot when nothing
 * moved. It also reads what is inside namespaces of the last snapshot it sent, which can
 * take as long (every member's status, fds…). This side loads none of the engine:
 * activating the extension stays cheap.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { NamespaceDetails } from '../details/types';
import type { Snapshot } from '../model/snapshot';

export type ScanReply = { snapshot: Snapshot; fingerprint: string } | { unchanged: true; fingerprint: string };

export interface ScanRequest {
  /** The fingerprint of the snapshot the caller has; a match makes the reply "unchanged". */
  known?: string;
}

/** Per inode asked for: its details, or why they could not be read. */
export type DetailsReply = { details: (NamespaceDetails | { error: string })[] };

/** The inodes whose details to read; TOPOLOGY for the map's net namespaces only (ReadOptions.topology). */
export type WorkerRequest = { scan: ScanRequest } | { details: number[]; topology?: boolean };

export type WorkerReply = ScanReply | DetailsReply | { error: string; name: string };

/** Built beside this bundle by esbuild.mjs. */
const WORKER_SCRIPT = path.join(__dirname, 'discovery.worker.js');

export class BackgroundDiscovery {
  private worker?: Worker;
  private queue: Promise<unknown> = Promise.resolve();

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

  dispose(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private enqueue(request: WorkerRequest, ran?: (ms: number) => void): Promise<ScanReply | DetailsReply> {
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

  private run(request: WorkerRequest): Promise<ScanReply | DetailsReply> {
    const worker = (this.worker ??= new Worker(WORKER_SCRIPT));
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
}
