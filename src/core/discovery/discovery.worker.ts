/**
 * Worker-thread side of BackgroundDiscovery (background.ts). It keeps the live engine
 * (../live) while the caller wants it, and sends each snapshot that changed; it also
 * answers one scan, or one read of details, per message.
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { DetailsReply, LiveRequest, ScanRequest, SentMessage, SentScanReply, WorkerRequest } from './background';
import { readDetails } from '../details';
import { discoverNamed, nameContainers } from '../containers';
import { Snapshot } from '../model/snapshot';
import { LiveLoop } from '../live/liveLoop';
import { ProcSource } from '../linux/procfs';
import { nameThisThread } from '../linux/threadName';
import { SnapshotSender } from './snapshotChanges';

/** The last snapshot sent: the one the caller shows, whose namespaces it asks about. */
let sent: Snapshot | undefined;
/** The fingerprint of the last snapshot sent. */
let sentPrint: string | undefined;
let live: LiveLoop | undefined;
/** Sends each snapshot's processes as changes to the last sent. */
const sender = new SnapshotSender();

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

/** The caller's snapshot, unless it already has one with the same content. */
function replyFor(snapshot: Snapshot, known: string | undefined): SentScanReply {
  const print = fingerprint(snapshot);
  if (print === known) return { unchanged: true, fingerprint: print };
  sent = snapshot;
  sentPrint = print;
  return { snapshot: sender.encode(snapshot), fingerprint: print };
}

/** A tick of the live engine when it runs (a full scan on its first), else a full scan. */
async function scanOnce(request: ScanRequest): Promise<SentScanReply> {
  if (!live) return replyFor(await discoverNamed(), request.known);
  const { snapshot, changed } = live.engine.tick();
  if (changed || !snapshot.containers) await nameContainers(snapshot, { proc: live.engine.texts });
  return replyFor(snapshot, request.known);
}

/** Starts, re-times or stops the live engine; each snapshot that changed is sent. */
function setLive(request: LiveRequest): void {
  live?.stop();
  live = undefined;
  if (!request) return;
  const proc = new ProcSource();
  const loop = new LiveLoop(
    { proc },
    request.intervalMs,
    async ({ snapshot, changed }, ranMs) => {
      if (!changed && sentPrint !== undefined) return;
      await nameContainers(snapshot, { proc: loop.engine.texts });
      // Stopped, or a Refresh took a newer snapshot, while the engines were asked.
      if (live !== loop || loop.engine.current() !== snapshot) return;
      const reply = replyFor(snapshot, sentPrint);
      if (!('unchanged' in reply)) post({ pushed: reply, ranMs });
    },
    (err) => post({ pushed: { error: (err as Error).message, name: (err as Error).name }, ranMs: 0 }),
  );
  live = loop;
  loop.start();
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

function post(message: SentMessage): void {
  parentPort!.postMessage(message);
}

nameThisThread('nsx-discovery');
parentPort?.on('message', async (request: WorkerRequest) => {
  try {
    if ('live' in request) post((setLive(request.live), { live: request.live !== null }));
    else if ('scan' in request) post(await scanOnce(request.scan));
    else post(await detailsOf(request.details, request.topology));
  } catch (err) {
    post({ error: (err as Error).message, name: (err as Error).name });
  }
});
