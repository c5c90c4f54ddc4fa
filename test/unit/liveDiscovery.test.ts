/**
 * The live engine on a copy of a fixture tree that the test changes between ticks: after
 * each change, the engine's snapshot equals a full scan of the same tree, within the bound
 * the README states; a tick that finds nothing new reads only its slice of the sweep.
 * (test/integration/liveEngine.property.test.ts does the same against the real kernel.)
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { discover } from '../../src/core/discovery/discover';
import { ProcSource } from '../../src/core/linux/procfs';
import {
  DEFAULT_SWEEP_TICKS,
  HEARING_SWEEP_TICKS,
  LiveDiscovery,
  LiveOptions,
  WHOLE_TURNS,
} from '../../src/core/live/liveDiscovery';
import { Snapshot } from '../../src/core/model/snapshot';
import { FIXTURES, FixtureProbe } from './fixture-probe';

const FIXTURE = path.join(FIXTURES, 'bindmounts');
/** Seconds since boot in the tree's /proc/uptime. */
const UPTIME_S = 1000;

let dir: string;
let proc: string;

/** A /proc/PID/stat whose start time (field 22) is START_S seconds after boot. */
function writeStat(pid: number, startS: number, ppid = 1): void {
  const fields = ['S', String(ppid), ...Array<string>(17).fill('0'), String(startS * 100), '0'];
  fs.writeFileSync(path.join(proc, String(pid), 'stat'), `${pid} (sleep) ${fields.join(' ')}\n`);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-live-'));
  fs.cpSync(FIXTURE, dir, { recursive: true, verbatimSymlinks: true });
  proc = path.join(dir, 'proc');
  fs.writeFileSync(path.join(proc, 'uptime'), `${UPTIME_S}.00 1.00\n`);
  for (const pid of fs.readdirSync(proc).filter((n) => /^\d+$/.test(n))) writeStat(Number(pid), 1);
});

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Counts the whole reads of a tick (start times are read once per whole read), and every look at a process. */
class Counting extends ProcSource {
  reads: number[] = [];
  opened: number[] = [];

  override startTime(pid: number): number {
    this.reads.push(pid);
    return super.startTime(pid);
  }

  override openPid(pid: number) {
    this.opened.push(pid);
    return super.openPid(pid);
  }
}

function source(): Counting {
  return new Counting(proc, path.join(dir, 'etc', 'passwd'));
}

function engine(options: Partial<LiveOptions> = {}): LiveDiscovery {
  return new LiveDiscovery({ proc: source(), probe: FixtureProbe.of(FIXTURE), viewerUid: 0, ...options });
}

/** What a snapshot shows, without when and how fast it was taken. */
function content(s: Snapshot): unknown {
  return { ...s, takenAt: null, scanner: { ...s.scanner, durationMs: 0 } };
}

function assertFullScan(live: Snapshot): void {
  const full = discover({ proc: source(), probe: FixtureProbe.of(FIXTURE), viewerUid: 0 });
  assert.deepEqual(content(live), content(full));
}

/** Adds process PID as a copy of 601 (a sleep in mount namespace 4026532500), NS overriding some links. */
function addProcess(pid: number, startS: number, ns: Record<string, number> = {}): void {
  fs.cpSync(path.join(proc, '601'), path.join(proc, String(pid)), { recursive: true, verbatimSymlinks: true });
  fs.renameSync(path.join(proc, String(pid), 'task', '601'), path.join(proc, String(pid), 'task', String(pid)));
  const status = path.join(proc, String(pid), 'status');
  fs.writeFileSync(status, fs.readFileSync(status, 'utf8').replace(/^Pid:\t601$/m, `Pid:\t${pid}`));
  for (const [type, ino] of Object.entries(ns)) setLink(pid, type, ino);
  writeStat(pid, startS);
}

function setLink(pid: number, type: string, ino: number): void {
  const link = path.join(proc, String(pid), 'ns', type);
  fs.rmSync(link);
  fs.symlinkSync(`${type.replace('_for_children', '')}:[${ino}]`, link);
}

test('the first tick is a full scan, and a tick that finds nothing hands back the same snapshot', () => {
  const live = engine();
  const first = live.tick();
  assert.equal(first.changed, true);
  assertFullScan(first.snapshot);
  const again = live.tick();
  assert.equal(again.changed, false);
  assert.equal(again.snapshot, first.snapshot);
});

test('an idle tick glances at its slice of the sweep and reads a few whole; every process is glanced at within sweepTicks ticks, read whole within WHOLE_TURNS sweeps', () => {
  const proc = source();
  const live = new LiveDiscovery({ proc, probe: FixtureProbe.of(FIXTURE), viewerUid: 0, sweepTicks: 2 });
  live.tick();
  const all = new Set(proc.reads);
  [proc.reads, proc.opened] = [[], []];
  live.tick();
  const wholeTurn = Math.ceil(all.size / (2 * WHOLE_TURNS));
  assert.equal(proc.reads.length, wholeTurn, `whole reads in one tick: ${proc.reads.join(' ')}`);
  assert.ok(proc.opened.length <= Math.ceil(all.size / 2) + wholeTurn, `looked at: ${proc.opened.join(' ')}`);
  live.tick();
  assert.deepEqual(new Set(proc.opened), all, 'two slices look at every process');
  for (let tick = 3; tick <= 2 * WHOLE_TURNS; tick++) live.tick();
  assert.deepEqual(new Set(proc.reads), all, 'every process was read whole within WHOLE_TURNS sweeps');
});

test('once the kernel tells of processes, the sweep is HEARING_SWEEP_TICKS long, unless it was given', () => {
  const live = engine();
  assert.equal(live.sweepTicks, DEFAULT_SWEEP_TICKS);
  live.hearProcesses();
  assert.equal(live.sweepTicks, HEARING_SWEEP_TICKS);
  const given = engine({ sweepTicks: 5 });
  given.hearProcesses();
  assert.equal(given.sweepTicks, 5);
});

test('an old process whose command line changed under its PID is seen within sweepTicks ticks', () => {
  const live = engine({ sweepTicks: 3 });
  live.tick();
  fs.writeFileSync(path.join(proc, '602', 'cmdline'), 'renamed\0--now\0');
  let seenAt = 0;
  for (let tick = 1; tick <= 3 && !seenAt; tick++) if (live.tick().changed) seenAt = tick;
  assert.ok(seenAt >= 1, 'seen within 3 ticks');
  assertFullScan(live.current()!);
});

test('a new process and a gone one are in the very next tick', () => {
  const live = engine();
  live.tick();
  addProcess(700, 900, { net: 4026532900 });
  const added = live.tick();
  assert.equal(added.changed, true);
  assert.ok(added.snapshot.namespaces.some((n) => n.ns === 4026532900));
  assertFullScan(added.snapshot);
  fs.rmSync(path.join(proc, '700'), { recursive: true });
  const gone = live.tick();
  assert.equal(gone.changed, true);
  assert.ok(!gone.snapshot.namespaces.some((n) => n.ns === 4026532900));
  assertFullScan(gone.snapshot);
});

test('a young process that changes namespaces under its PID is seen at the next tick', () => {
  addProcess(700, UPTIME_S - 2); // started 2 s ago
  const live = engine({ sweepTicks: 1000 });
  live.tick();
  setLink(700, 'net', 4026532901);
  const moved = live.tick();
  assert.equal(moved.changed, true);
  assertFullScan(moved.snapshot);
});

test('an old process that changes namespaces under its PID is seen within sweepTicks ticks', () => {
  const live = engine({ sweepTicks: 3 });
  live.tick();
  setLink(602, 'uts', 4026532902);
  let seenAt = 0;
  for (let tick = 1; tick <= 3 && !seenAt; tick++) if (live.tick().changed) seenAt = tick;
  assert.ok(seenAt >= 1, 'seen within 3 ticks');
  assertFullScan(live.current()!);
});

test('a PID taken by another process between ticks is read as the new process', () => {
  const live = engine({ youngMs: 0, sweepTicks: 1 });
  live.tick();
  setLink(602, 'ipc', 4026532903);
  writeStat(602, 990); // the same PID, started later: another process
  assertFullScan(live.tick().snapshot);
});

test('without a mount watch, a bind mount that appears in a table is in the next tick', () => {
  const live = engine();
  live.tick();
  const mountinfo = path.join(proc, '1', 'mountinfo');
  fs.appendFileSync(mountinfo, '99 26 0:4 net:[4026532904] /run/netns/blue rw shared:5 - nsfs nsfs rw\n');
  const mounted = live.tick();
  assert.equal(mounted.changed, true);
  assert.ok(mounted.snapshot.namespaces.find((n) => n.ns === 4026532904)?.nsfs.includes('/run/netns/blue'));
  assertFullScan(mounted.snapshot);
});

test('a child whose parent exited is read again at once: it has a new parent', () => {
  addProcess(700, 1);
  addProcess(701, 1);
  writeStat(701, 1, 700);
  const status = path.join(proc, '701', 'status');
  fs.writeFileSync(status, fs.readFileSync(status, 'utf8').replace(/^PPid:\t1$/m, 'PPid:\t700'));
  const live = engine({ youngMs: 0, sweepTicks: 1000 });
  live.tick();
  fs.rmSync(path.join(proc, '700'), { recursive: true });
  fs.writeFileSync(status, fs.readFileSync(status, 'utf8').replace(/^PPid:\t700$/m, 'PPid:\t1'));
  assertFullScan(live.tick().snapshot);
});

test('what naming reads of a process is read once, and again after the engine reads that process whole', () => {
  const live = engine();
  live.tick();
  const cgroup = path.join(proc, '602', 'cgroup');
  const first = live.texts.cgroup(602);
  fs.writeFileSync(cgroup, '0::/system.slice/moved.service\n');
  assert.equal(live.texts.cgroup(602), first, 'remembered while the engine has not read 602 again');
  live.touch([602]);
  live.tick();
  assert.equal(live.texts.cgroup(602), '0::/system.slice/moved.service\n', 'read again after the whole read');
});
