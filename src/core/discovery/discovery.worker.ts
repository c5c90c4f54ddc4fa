/**
 * Worker-thread side of BackgroundDiscovery (background.ts). It keeps the live engine
 * (../live) while the caller wants it, and sends each snapshot that changed; it also
 * answers one scan, or one read of details, per message.
 */
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import type { DetailsReply, LiveRequest, ScanReply, ScanRequest, WorkerMessage, WorkerRequest } from './background';
import { readDetails } from '../details';
import { discoverNamed, nameContainers } from '../containers';
import { Snapshot } from '../model/snapshot';
import { LiveLoop } from '../live/liveLoop';
import { ProcSource } from '../linux/procfs';
import { checkSnapshot, FactMemory } from '../findings';

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
 * length has passed (0.5% of a core): on 2,000 processes in 500 namespaces a check with
 * the facts kept takes ~17 ms, more than the quiet tick itself (~15 ms), so about every
 * 3 s there; on a desktop's few namespaces ~1 ms, so at every tick.
 */
const CHECK_REST_FACTOR = 200;
/** When the last check ended, and how long it took (performance.now() ms). */
let checked = { at: 0, ms: 0 };

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
function replyFor(snapshot: Snapshot, known: string | undefined): ScanReply {
  const print = fingerprint(snapshot);
  if (print === known) return { unchanged: true, fingerprint: print };
  sent = snapshot;
  sentPrint = print;
  return { snapshot, fingerprint: print };
}

/**
 * The findings of SNAPSHOT, checked now: with a new snapshot always (the caller may have
 * none), else only when they changed since those sent (a loopback brought up).
 */
async function findingsFor(snapshot: Snapshot, always: boolean, proc?: ProcSource): Promise<Partial<ScanReply>> {
  let reply: Partial<ScanReply>;
  const started = performance.now();
  try {
    reply = { findings: await checkSnapshot(snapshot, { memory: facts, ...(proc ? { proc } : {}) }) };
  } catch (err) {
    reply = { findingsError: (err as Error).message };
  }
  checked = { at: performance.now(), ms: performance.now() - started };
  const print = JSON.stringify(reply);
  if (!always && print === sentFindings) return {};
  sentFindings = print;
  return reply;
}

/** The reply to the caller's scan, with the findings when the snapshot is new or they changed. */
async function withFindings(reply: ScanReply, snapshot: Snapshot, proc?: ProcSource): Promise<ScanReply> {
  return { ...reply, ...(await findingsFor(snapshot, !('unchanged' in reply), proc)) };
}

/** A tick of the live engine when it runs (a full scan on its first), else a full scan. */
async function scanOnce(request: ScanRequest): Promise<ScanReply> {
  if (!live) {
    const snapshot = await discoverNamed();
    return withFindings(replyFor(snapshot, request.known), snapshot);
  }
  const { snapshot, changed } = live.engine.tick();
  if (changed || !snapshot.containers) await nameContainers(snapshot);
  return withFindings(replyFor(snapshot, request.known), snapshot);
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
      await nameContainers(snapshot, { proc });
      // Stopped, or a Refresh took a newer snapshot, while the engines were asked.
      if (live !== loop || loop.engine.current() !== snapshot) return;
      const reply = replyFor(snapshot, sentPrint);
      if (!('unchanged' in reply)) post({ pushed: await withFindings(reply, snapshot, proc), ranMs });
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
  const changed = await findingsFor(snapshot, false, proc);
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

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

parentPort?.on('message', async (request: WorkerRequest) => {
  try {
    if ('live' in request) post((setLive(request.live), { live: request.live !== null }));
    else if ('scan' in request) post(await scanOnce(request.scan));
    else post(await detailsOf(request.details, request.topology));
  } catch (err) {
    post({ error: (err as Error).message, name: (err as Error).name });
  }
});
