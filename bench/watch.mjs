/**
 * `npm run bench`, part `watch` (root, on the namespace load of bench/load.mjs):
 *
 *   idle:    the CPU time (utime + stime, /proc/PID/stat) `nsx watch --json` uses over 60 s
 *            in which nothing is made, counted from its `watching` line (its start-up is a
 *            full scan), against the CPU time of one full scan (`nsx list --json`, from the
 *            child's rusage through GNU time, median of RUNS), per tick at its 1 s tick.
 *   latency: from an action to the event line that tells it, median and worst of 20 each:
 *            `ip netns add`, `unshare --net sleep`, a `mount` in a mount namespace watched
 *            with --mounts, and a process that execs into a new net namespace under its PID
 *            (timed from a timestamp it writes just before the exec).
 *
 * Figures are printed beside the targets, never asserted. Every process (the
 * watches too) is spawned through the load's Tracker and every netns name is recorded
 * there, so that the load's teardown removes exactly what this part made.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstLine } from './load.mjs';
import { GNU_TIME, ms, stats, table } from './measure.mjs';

const IDLE_MS = 60_000;
const SAMPLES = 20;
const TICK_MS = 1000; // nsx watch's default
const IDLE_TARGET = 0.05; // of a full scan's CPU per tick
const SCANS_PER_MINUTE_TARGET = 3;
const EVENT_TIMEOUT_MS = 30_000;
/** The engine reads a process at every tick while it is younger than this (DEFAULT_YOUNG_MS, src/core/live). */
const YOUNG_MS = 10_000;

const sleepMs = (n) => new Promise((resolve) => setTimeout(resolve, n));
/** A moment anywhere in a tick, so that actions do not keep in step with the watch's ticks. */
const offBeat = () => sleepMs(Math.random() * TICK_MS);

function clockTicks() {
  const r = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  return Number(r.stdout?.trim()) || 100;
}

/** utime + stime of PID, in clock ticks. */
function cpuTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

function mustRun(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr || r.error}`);
}

/** `nsx watch --json ARGS`, each event line kept with the time it arrived. */
class Watcher {
  seen = [];
  #waiters = new Set();

  static async start(tracker, { cli, env }, args) {
    const child = await tracker.spawnGroup(process.execPath, [cli, 'watch', '--json', ...args], {
      stdout: 'pipe',
      env,
    });
    const w = new Watcher(child);
    await w.next((e) => e.event === 'watching', 0, 120_000);
    return w;
  }

  constructor(child) {
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
    let buf = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      const at = Date.now();
      buf += chunk;
      for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
        const item = { at, e: JSON.parse(buf.slice(0, nl)) };
        buf = buf.slice(nl + 1);
        this.seen.push(item);
        for (const waiter of this.#waiters) waiter(item);
      }
    });
  }

  get pid() {
    return this.child.pid;
  }

  /** The first event from index FROM on that PICK accepts: { at, e }. */
  next(pick, from = this.seen.length, timeoutMs = EVENT_TIMEOUT_MS) {
    const found = this.seen.slice(from).find((item) => pick(item.e));
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter = (item) => {
        if (!pick(item.e)) return;
        clearTimeout(timer);
        this.#waiters.delete(waiter);
        resolve(item);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        reject(new Error(`nsx watch (${this.pid}) printed no such event in ${timeoutMs} ms: ${pick}`));
      }, timeoutMs);
      this.#waiters.add(waiter);
    });
  }

  /** Ends it as Ctrl-C does; resolves with its exit status (or the signal that ended it). */
  async stop() {
    this.child.kill('SIGINT');
    return Promise.race([this.exited, sleepMs(10_000).then(() => 'still running after 10 s')]);
  }
}

/** CPU and wall time of `nsx list --json`, one warm-up and RUNS measured: [{ cpu, wall }] in ms. */
function fullScans({ cli, env }, runs) {
  const scratch = mkdtempSync(join(tmpdir(), 'nsx-bench-'));
  const out = join(scratch, 'time');
  try {
    const samples = [];
    for (let i = 0; i <= runs; i++) {
      const r = spawnSync(GNU_TIME, ['-f', '%e %U %S', '-o', out, process.execPath, cli, 'list', '--json'], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 256 * 1024 * 1024,
      });
      if (r.status !== 0) throw new Error(`nsx list --json exited ${r.status}: ${String(r.stderr).trim()}`);
      const [wall, user, sys] = readFileSync(out, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
      if (i > 0) samples.push({ wall: wall * 1000, cpu: (user + sys) * 1000 });
    }
    return samples;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * The CPU `nsx watch --json` uses over IDLE_MS from its watching line, and what it printed
 * meanwhile (other users of the machine may make namespaces). It starts once the load built
 * at LOADED is no longer young, when a watch would read all of it at every tick.
 */
async function idleCost(tracker, run, hz, loaded) {
  await sleepMs(loaded + YOUNG_MS + TICK_MS - Date.now());
  const w = await Watcher.start(tracker, run, []);
  const from = w.seen.length;
  const before = cpuTicks(w.pid);
  const started = Date.now();
  await sleepMs(IDLE_MS);
  const used = cpuTicks(w.pid) - before;
  const seconds = (Date.now() - started) / 1000;
  const events = {};
  for (const { e } of w.seen.slice(from)) events[e.event] = (events[e.event] ?? 0) + 1;
  const exit = await w.stop();
  return { cpuMs: (used / hz) * 1000, seconds, events, exit };
}

/** SAMPLES runs of SAMPLE, each at a random moment of a tick: its latencies in ms. */
async function sampled(sample) {
  const latencies = [];
  for (let i = 0; i < SAMPLES; i++) {
    await offBeat();
    latencies.push(await sample(i));
  }
  return latencies;
}

/**
 * `ip netns add` → namespace-appeared of its inode; then deleted, and its end waited for (the
 * next one may get the same inode: made within the same tick, it would look like the same
 * namespace with another bind mount).
 */
function netnsAdd(tracker, w) {
  return sampled(async (i) => {
    const name = `nsxbench-watch-${process.pid}-${i}`;
    const from = w.seen.length;
    const t = Date.now();
    const ino = tracker.addNetns(name);
    const { at } = await w.next((e) => e.event === 'namespace-appeared' && e.ns === ino, from);
    const deleted = w.seen.length;
    mustRun('ip', ['netns', 'del', name]);
    await w.next((e) => e.event === 'namespace-gone' && e.ns === ino, deleted);
    return at - t;
  });
}

/** `unshare --net sleep` → its process-entered of a net namespace. */
function unshareNet(tracker, w) {
  return sampled(async () => {
    const from = w.seen.length;
    const t = Date.now();
    const child = await tracker.spawnGroup('unshare', ['--net', 'sleep', '3600']);
    const entered = (e) => e.event === 'process-entered' && e.pid === child.pid && e.type === 'net';
    const { at } = await w.next(entered, from);
    process.kill(child.pid, 'SIGKILL');
    return at - t;
  });
}

/** `mount -t tmpfs` in a mount namespace of a sleep of ours → mount-added; each mount removed again. */
async function mountIn(tracker, w) {
  const holder = await tracker.spawnGroup('unshare', ['--mount', '--propagation', 'private', 'sleep', '3600']);
  const held = (e) => e.event === 'namespace-appeared' && e.type === 'mnt' && e.heldBy.endsWith(`(${holder.pid})`);
  const mntns = (await w.next(held, 0)).e.ns;
  const enter = ['-t', String(holder.pid), '-m'];
  const at = (event, from) => w.next((e) => e.event === event && e.mntns === mntns && e.target === '/mnt', from);
  return sampled(async () => {
    let from = w.seen.length;
    const t = Date.now();
    mustRun('nsenter', [...enter, 'mount', '-t', 'tmpfs', 'nsxbench', '/mnt']);
    const added = await at('mount-added', from);
    from = w.seen.length;
    mustRun('nsenter', [...enter, 'umount', '/mnt']);
    await at('mount-removed', from);
    return added.at - t;
  });
}

/**
 * `sh -c 'sleep S; date; exec unshare --net sleep'`, known to the watch before it execs →
 * process-entered of the new net namespace under the same PID, from the date it wrote.
 * Also counts the samples in which the watch told that PID leave the host's net namespace.
 */
async function sameProcessExec(tracker, w) {
  let left = 0;
  const latencies = await sampled(async () => {
    const from = w.seen.length;
    const wait = (TICK_MS * 1.2 + Math.random() * TICK_MS) / 1000;
    const script = `sleep ${wait.toFixed(3)}; date +%s%N; exec unshare --net sleep 3600`;
    const child = await tracker.spawnGroup('sh', ['-c', script], { stdout: 'pipe' });
    const t = Number(BigInt(await firstLine(child, 'sh')) / 1_000_000n);
    const pid = child.pid;
    const { at } = await w.next((e) => e.event === 'process-entered' && e.pid === pid && e.type === 'net', from);
    if (w.seen.slice(from).some(({ e }) => e.event === 'process-left' && e.pid === pid && e.type === 'net')) left++;
    process.kill(pid, 'SIGKILL');
    return at - t;
  });
  return { latencies, left };
}

function latencyRow(what, event, latencies) {
  const s = stats(latencies);
  return [what, event, ms(s.median), ms(s.max), ms(s.min)];
}

export async function watchBench(tracker, { cli, env, runs }) {
  const loaded = Date.now();
  const run = { cli, env };
  const hz = clockTicks();
  const scans = fullScans(run, runs);
  const scanCpu = stats(scans.map((s) => s.cpu));
  const scanWall = stats(scans.map((s) => s.wall));
  console.log(
    `full scan: \`nsx list --json\` CPU time median ${ms(scanCpu.median)} (${ms(scanCpu.min)}–${ms(scanCpu.max)}), ` +
      `wall ${ms(scanWall.median)}, ${runs} runs (+1 warm-up), node's start-up included`,
  );

  console.log(
    `idle:   \`nsx watch --json\` for ${IDLE_MS / 1000} s from its watching line, nothing made, once the ` +
      `load is ${(YOUNG_MS + TICK_MS) / 1000} s old...`,
  );
  const idle = await idleCost(tracker, run, hz, loaded);
  const told = Object.entries(idle.events).map(([event, n]) => `${n} ${event}`);
  const ticks = idle.seconds / (TICK_MS / 1000);
  const perTick = idle.cpuMs / ticks;
  const share = perTick / scanCpu.median;
  const scansPerMinute = ((idle.cpuMs / idle.seconds) * 60) / scanCpu.median;
  console.log(
    `idle:   ${ms(idle.cpuMs)} CPU in ${idle.seconds.toFixed(1)} s: ${ms(perTick)} per 1 s tick (events ` +
      `printed meanwhile, by others: ${told.join(', ') || 'none'}; exit ${idle.exit} on SIGINT)`,
  );
  console.log(
    `idle:   per tick ${(share * 100).toFixed(2)}% of a full scan's CPU - target < ${IDLE_TARGET * 100}%: ` +
      `${share < IDLE_TARGET ? 'MET' : 'NOT MET'}; per minute ${scansPerMinute.toFixed(2)} full scans - target < ` +
      `${SCANS_PER_MINUTE_TARGET}: ${scansPerMinute < SCANS_PER_MINUTE_TARGET ? 'MET' : 'NOT MET'}`,
  );

  console.log(`latency: ${SAMPLES} samples each, at random moments of the ${TICK_MS} ms tick...`);
  const rows = [['from', 'to the event', 'median', 'worst', 'best']];
  const w = await Watcher.start(tracker, run, []);
  rows.push(latencyRow('ip netns add', 'namespace-appeared', await netnsAdd(tracker, w)));
  rows.push(latencyRow('unshare --net sleep', 'process-entered', await unshareNet(tracker, w)));
  const exec = await sameProcessExec(tracker, w);
  rows.push(latencyRow('exec unshare --net sleep, same PID', 'process-entered', exec.latencies));
  const plainExit = await w.stop();
  const m = await Watcher.start(tracker, run, ['--mounts']);
  const mountStarted = { ticks: cpuTicks(m.pid), at: Date.now() };
  rows.push(latencyRow('mount (watch --mounts)', 'mount-added', await mountIn(tracker, m)));
  const mountCpuPerTick =
    (((cpuTicks(m.pid) - mountStarted.ticks) / hz) * 1000) / ((Date.now() - mountStarted.at) / TICK_MS);
  const mountsExit = await m.stop();
  console.log(`\n${table(rows)}\n`);
  console.log(
    `same PID: ${exec.left}/${SAMPLES} exec'd processes were also told leaving the host's net namespace ` +
      `under their PID (the watch had read them before the exec)`,
  );
  console.log(
    `watch --mounts: ${ms(mountCpuPerTick)} CPU per tick while the mounts were timed (it reads a table again ` +
      `when the kernel says it changed, and a tenth of the tables in turn for propagation changes); ` +
      `the watches exited ${plainExit} and ${mountsExit} on SIGINT`,
  );
}
