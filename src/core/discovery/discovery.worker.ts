/** Worker-thread side of BackgroundDiscovery (background.ts): one scan, or one read of details, per message. */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { DetailsReply, ScanReply, ScanRequest, WorkerReply, WorkerRequest } from './background';
import { readDetails } from '../details';
import { discoverNamed } from '../containers';
import { Snapshot } from '../model/snapshot';

/** The last snapshot sent: the one the caller shows, whose namespaces it asks about. */
let sent: Snapshot | undefined;

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

async function scanOnce(request: ScanRequest): Promise<ScanReply> {
  const snapshot = await discoverNamed();
  const print = fingerprint(snapshot);
  if (print === request.known) return { unchanged: true, fingerprint: print };
  sent = snapshot;
  return { snapshot, fingerprint: print };
}

/** Read together, so that root enters them all from one thread; a failure is the inode's own. */
async function detailsOf(inos: number[], topology = false): Promise<DetailsReply> {
  const snapshot = sent;
  if (!snapshot) return { details: inos.map(() => ({ error: 'the namespaces are still being scanned' })) };
  const known = new Set(snapshot.namespaces.map((n) => n.ns));
  const readable = inos.filter((ino) => known.has(ino));
  const read = new Map((await readDetails(snapshot, readable, { topology })).map((d) => [d.ns, d]));
  return { details: inos.map((ino) => read.get(ino) ?? { error: `namespace ${ino} is gone` }) };
}

parentPort?.on('message', async (request: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = 'scan' in request ? await scanOnce(request.scan) : await detailsOf(request.details, request.topology);
  } catch (err) {
    reply = { error: (err as Error).message, name: (err as Error).name };
  }
  parentPort!.postMessage(reply);
});
