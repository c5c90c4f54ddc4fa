/** Worker-thread side of BackgroundDiscovery (background.ts): one scan per message. */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { ScanReply, ScanRequest, WorkerReply } from './background';
import { discover } from './discover';
import { Snapshot } from './snapshot';

/** `kworker/1:1-events`: the kernel renames its workers after the queue they last served. */
const KWORKER_QUEUE = /^(kworker\/\d+:\d+H?|kworker\/u\d+:\d+)-.*$/;

/**
 * What identifies the content of a snapshot: everything but when and how fast it was
 * taken, the processes that vanished mid-scan, and the names kernel workers change
 * every second.
 */
function fingerprint(snapshot: Snapshot): string {
  const { takenAt: _t, scanner, hidden, ...content } = snapshot;
  const stable = { ...content, scanner: { ...scanner, durationMs: 0 }, hidden: hidden.byReason.EACCES };
  const json = JSON.stringify(stable, (key, value) =>
    (key === 'name' || key === 'command') && typeof value === 'string' ? value.replace(KWORKER_QUEUE, '$1') : value,
  );
  return createHash('sha1').update(json).digest('hex');
}

function scanOnce(request: ScanRequest): ScanReply {
  const snapshot = discover();
  const print = fingerprint(snapshot);
  return print === request.known ? { unchanged: true, fingerprint: print } : { snapshot, fingerprint: print };
}

parentPort?.on('message', (request: ScanRequest) => {
  let reply: WorkerReply;
  try {
    reply = scanOnce(request);
  } catch (err) {
    reply = { error: (err as Error).message, name: (err as Error).name };
  }
  parentPort!.postMessage(reply);
});
