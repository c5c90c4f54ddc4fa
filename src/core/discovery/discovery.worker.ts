/**
 * Worker-thread side of BackgroundDiscovery (background.ts). It keeps the live engine
 * (../live) while the caller wants it, and sends each snapshot that changed; it also
 * answers one scan, or one read of details, per message.
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type {
  DetailsReply,
  FindingsCarried,
  LiveRequest,
  ScanRequest,
  SentMessage,
  SentScanReply,
  WorkerRequest,
} from './background';
import { readDetails } from '../details';
import { discoverNamed, nameContainers } from '../containers';
import { Snapshot } from '../model/snapshot';
import { LiveLoop } from '../live/liveLoop';
import { ProcSource } from '../linux/procfs';
import { checkSnapshot, FactMemory } from '../findings';
import { nameThisThread } from '../linux/threadName';
import { SnapshotSender } from './snapshotChanges';

/** The last snapshot sent: the one the caller shows, whose namespaces it asks about. */
let sent: Snapshot | undefined;
/** The fingerprint of the last snapshot sent. */
let sentPrint: string | undefined;
let live: LiveLoop | undefined;
/** The facts findings are made of, kept between snapshots: a check reads again only what may have changed. */
const facts = new FactMemory();
/** The findings last sent, as JSON. */
let sentFindings: string | undefined;
/**
 * A quiet tick checks the findings again only after this many times the last check's
 * length has passed (0.1% of a core). A check re-reads the facts of the namespaces that
 * have a finding: on a desktop's few, ~1 ms, so at every tick (`ip link set lo up` clears
 * its finding within a second); on the benchmark's 2,000 processes with 172 findings
 * ~17 ms, so about every 17 s there.
 */
const CHECK_REST_FACTOR = 1000;
/** When the last check ended, and how long it took (performance.now() ms). */
let checked = { at: 0, ms: 0 };
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

/** The findings of SNAPSHOT, checked now (or why they could not be). */
async function checkFindings(snapshot: Snapshot, proc?: ProcSource): Promise<FindingsCarried> {
  const started = performance.now();
  try {
    return { findings: await checkSnapshot(snapshot, { memory: facts, ...(proc ? { proc } : {}) }) };
  } catch (err) {
    return { findingsError: (err as Error).message };
  } finally {
    checked = { at: performance.now(), ms: performance.now() - started };
  }
}

/** FOUND, to send: with a new snapshot always (the caller may have none), else only when they changed. */
function toSend(found: FindingsCarried, always: boolean): FindingsCarried {
  const print = JSON.stringify(found);
  if (!always && print === sentFindings) return {};
  sentFindings = print;
  return found;
}

/**
 * The reply to the caller's scan, with the findings when the snapshot is new or they
 * changed. They are checked first: a snapshot is encoded as changes to the last one
 * encoded, so nothing may come between its encoding and its sending.
 */
async function replyWithFindings(snapshot: Snapshot, known: string | undefined): Promise<SentScanReply> {
  const found = await checkFindings(snapshot);
  const reply = replyFor(snapshot, known);
  return { ...reply, ...toSend(found, !('unchanged' in reply)) };
}

/** A tick of the live engine when it runs (a full scan on its first), else a full scan. */
async function scanOnce(request: ScanRequest): Promise<SentScanReply> {
  if (!live) return replyWithFindings(await discoverNamed(), request.known);
  const { snapshot, changed } = live.engine.tick();
  if (changed || !snapshot.containers) await nameContainers(snapshot, { proc: live.engine.texts });
  return replyWithFindings(snapshot, request.known);
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
      if (!changed && sentPrint !== undefined) return findingsOnTick(snapshot, proc, ranMs);
      await nameContainers(snapshot, { proc: loop.engine.texts });
      const found = await checkFindings(snapshot, proc);
      // Stopped, or a Refresh took a newer snapshot, while the engines were asked.
      if (live !== loop || loop.engine.current() !== snapshot) return;
      const reply = replyFor(snapshot, sentPrint);
      if (!('unchanged' in reply)) post({ pushed: { ...reply, ...toSend(found, true) }, ranMs });
    },
    (err) => post({ pushed: { error: (err as Error).message, name: (err as Error).name }, ranMs: 0 }),
  );
  live = loop;
  loop.start();
}

/**
 * A tick that found nothing new: the findings that rest on facts outside the snapshot (lo
 * up or down, PID 1's zombies) are checked again, and sent alone when they changed.
 */
async function findingsOnTick(snapshot: Snapshot, proc: ProcSource, ranMs: number): Promise<void> {
  const started = performance.now();
  if (started - checked.at < checked.ms * CHECK_REST_FACTOR) return;
  const changed = toSend(await checkFindings(snapshot, proc), false);
  if (changed.findings || changed.findingsError)
    post({
      pushed: { unchanged: true, fingerprint: sentPrint!, ...changed },
      ranMs: ranMs + performance.now() - started,
    });
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

parentPort?.on('message', async (request: WorkerRequest) => {
  nameThisThread('nsx-discovery');
  try {
    if ('live' in request) post((setLive(request.live), { live: request.live !== null }));
    else if ('scan' in request) post(await scanOnce(request.scan));
    else post(await detailsOf(request.details, request.topology));
  } catch (err) {
    post({ error: (err as Error).message, name: (err as Error).name });
  }
});
