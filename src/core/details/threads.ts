/**
 * Root reads what /proc does not show of another namespace (netlink of a net namespace,
 * the hostname of a UTS namespace, SysV IPC objects…) by entering it. setns() changes
 * only the calling thread, so one worker thread (details.worker.ts) enters each namespace
 * in turn and reads from inside; the editor's and nsx's own threads stay where they are.
 * Nothing is run inside: a program started there could be chosen by the namespace's owner.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ThreadJob, ThreadKind, ThreadReply, ThreadResults } from './threadProtocol';

/** Built beside this bundle by esbuild.mjs; the installed helper copies it too (privilege/policy.ts). */
export const THREAD_BUNDLE = 'details.worker.js';
const THREAD_SCRIPT = path.join(__dirname, THREAD_BUNDLE);

export class ThreadRunner {
  private worker: Worker | undefined;
  private next = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  /** Enters the namespace of FILE (it must still be inode INO) and runs the KIND reader there. */
  run<K extends ThreadKind>(kind: K, file: string, ino: number, args?: ThreadJob['args']): Promise<ThreadResults[K]> {
    const worker = this.start();
    const id = this.next++;
    return new Promise<ThreadResults[K]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, kind, file, ino, args } satisfies ThreadJob);
    });
  }

  /** Ends the thread; the namespaces it entered are let go with it. */
  close(): void {
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    // Referenced: while a reply is awaited the worker is what keeps the process running. close() ends it.
    const worker = new Worker(THREAD_SCRIPT);
    const failAll = (why: string) => {
      for (const p of this.pending.values()) p.reject(new Error(why));
      this.pending.clear();
      if (this.worker === worker) this.worker = undefined;
    };
    worker.on('message', (reply: ThreadReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if ('error' in reply) p.reject(new Error(reply.error));
      else p.resolve(reply.value);
    });
    worker.once('error', (err) => failAll(`the reading thread failed: ${err.message}`));
    worker.once('exit', () => failAll('the reading thread stopped'));
    this.worker = worker;
    return worker;
  }
}
