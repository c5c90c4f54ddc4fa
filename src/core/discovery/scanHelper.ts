/**
 * A second thread for one full scan. procfs reads of different processes do not contend:
 * on 2 cores two threads reading alternate chunks of /proc took half the time of one
 * (measured in C and in Node, 2,000 processes). Each thread claims the next chunk of the
 * PID list from a shared counter, so the helper takes whatever is left once it is up
 * (~25 ms) and neither waits for the other; results are put back in PID order.
 *
 * scanAll() stays synchronous: this thread blocks on Atomics.wait for the helper's last
 * chunk and takes its results with receiveMessageOnPort. A helper that fails or never
 * starts leaves its chunks to this thread.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { MessageChannel, MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { emptyResult, ScanDetail, ScanResult, ScanSharing } from './scan';

export const SCAN_BUNDLE = 'scan.worker.js';
/** Built beside this bundle by esbuild.mjs; absent when running from the sources. */
const HELPER_SCRIPT = path.join(__dirname, SCAN_BUNDLE);
/** Below this many processes a second thread costs more than it saves. */
export const PARALLEL_MIN_PIDS = 400;
const CHUNK = 32;
/** How long to wait for the helper's last chunk before scanning what it left here. */
const WAIT_MS = 10_000;

/** Slots of the shared Int32Array. */
const NEXT = 0;
const STATE = 1;
const DONE = 2;
/** Values of STATE: the helper joins only while it is IDLE, this thread closes it once done. */
const IDLE = 0;
const WORKING = 1;
const CLOSED = 2;

/** What the helper is sent. */
export interface HelperJob {
  procRoot: string;
  pids: number[];
  viewerUid: number;
  detail: ScanDetail;
  ctl: SharedArrayBuffer;
  port: MessagePort;
}

/** What the helper sends back: the chunks it scanned. */
export type HelperParts = { chunk: number; result: ScanResult }[];

/** Started ahead of the scan (prestart()), for the next start() to take. */
let early: ScanHelper | undefined;

/**
 * Starts a helper now, while the caller still loads: it takes ~25 ms to come up, time the
 * scan would otherwise spend alone. For a one-off command that is about to scan.
 */
export function prestart(): void {
  early ??= ScanHelper.start();
}

export class ScanHelper implements ScanSharing {
  private constructor(private readonly worker: Worker) {
    // An idle helper must not keep the process alive; one that fails leaves its chunks here.
    worker.unref();
    worker.on('error', () => undefined);
  }

  /** A helper thread (the one prestart() started, if any), or undefined where none can be started. */
  static start(script = HELPER_SCRIPT): ScanHelper | undefined {
    if (early && script === HELPER_SCRIPT) {
      const helper = early;
      early = undefined;
      return helper;
    }
    if (!fs.existsSync(script)) return undefined;
    try {
      return new ScanHelper(new Worker(script));
    } catch {
      return undefined;
    }
  }

  share(
    procRoot: string,
    pids: number[],
    viewerUid: number,
    detail: ScanDetail,
    scanHere: (pids: number[], into: ScanResult) => void,
    users: Map<number, string>,
  ): ScanResult {
    const ctl = new Int32Array(new SharedArrayBuffer(3 * Int32Array.BYTES_PER_ELEMENT));
    const { port1, port2 } = new MessageChannel();
    const parts = new Map<number, ScanResult>();
    try {
      const job: HelperJob = { procRoot, pids, viewerUid, detail, ctl: ctl.buffer, port: port2 };
      this.worker.postMessage(job, [port2]);
      for (const { chunk, result } of claimChunks(ctl, pids, scanHere)) {
        parts.set(chunk, result);
      }
      if (Atomics.compareExchange(ctl, STATE, IDLE, CLOSED) === WORKING) {
        Atomics.wait(ctl, DONE, 0, WAIT_MS);
        const theirs = receiveMessageOnPort(port1)?.message as HelperParts | undefined;
        for (const { chunk, result } of theirs ?? []) {
          // Read without the user table: named here.
          for (const p of result.processes) p.user = users.get(p.uid) ?? null;
          parts.set(chunk, result);
        }
      }
    } finally {
      port1.close();
      void this.worker.terminate();
    }
    return assemble(pids, parts, scanHere);
  }
}

/** Scans chunk after chunk of PIDS until none is left; used by both threads. */
export function claimChunks(
  ctl: Int32Array,
  pids: number[],
  scan: (pids: number[], into: ScanResult) => void,
): HelperParts {
  const parts: HelperParts = [];
  const chunks = Math.ceil(pids.length / CHUNK);
  for (let chunk = Atomics.add(ctl, NEXT, 1); chunk < chunks; chunk = Atomics.add(ctl, NEXT, 1)) {
    const result = emptyResult();
    scan(pids.slice(chunk * CHUNK, (chunk + 1) * CHUNK), result);
    parts.push({ chunk, result });
  }
  return parts;
}

/** The helper's side: joins unless this thread has finished without it, then reports its chunks. */
export function helpWith(job: HelperJob, scan: (pids: number[], into: ScanResult) => void): void {
  const ctl = new Int32Array(job.ctl);
  if (Atomics.compareExchange(ctl, STATE, IDLE, WORKING) !== IDLE) return;
  let parts: HelperParts = [];
  try {
    parts = claimChunks(ctl, job.pids, scan);
  } finally {
    job.port.postMessage(parts);
    Atomics.store(ctl, DONE, 1);
    Atomics.notify(ctl, DONE);
  }
}

/** The chunks in PID order; any the helper claimed and did not report is scanned here. */
function assemble(
  pids: number[],
  parts: Map<number, ScanResult>,
  scanHere: (pids: number[], into: ScanResult) => void,
): ScanResult {
  const all = emptyResult();
  for (let chunk = 0; chunk * CHUNK < pids.length; chunk++) {
    let part = parts.get(chunk);
    if (!part) scanHere(pids.slice(chunk * CHUNK, (chunk + 1) * CHUNK), (part = emptyResult()));
    all.processes.push(...part.processes);
    all.fds.push(...part.fds);
    all.failed.EACCES += part.failed.EACCES;
    all.failed.vanished += part.failed.vanished;
  }
  return all;
}
