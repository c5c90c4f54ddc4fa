/**
 * What the Mounts view spends on one big table while nothing changes, for bench/mounts.mjs:
 *
 *   node --import tsx bench/mount-watch-probe.mjs --pid PID --seconds 20 --every 2000 --mounts N --dir DIR
 *
 * before: the view's reading code (tableOfPid, then the comparison show() makes before it
 *   redraws) run every EVERY ms, as the refresh timer did;
 * after:  the watch (watchMounts) on the same table, with nothing changing;
 * and, for reference, the same process doing nothing at all.
 * Each for SECONDS of wall time, CPU time of this whole process (every thread, the one
 * blocked in poll() included) from process.cpuUsage(). Then the latency: N times, a tmpfs
 * is mounted on DIR (a directory that exists only in PID's namespace) and unmounted again,
 * from the moment mount(8) returned (it prints the clock) to the listener's call.
 * Prints one JSON object.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { tableOfPid } from '../src/core/mounts/mountNamespaces.ts';
import { watchMounts } from '../src/core/mounts/mountWatch.ts';
import { ProcSource } from '../src/core/linux/procfs.ts';

const { values } = parseArgs({
  options: {
    pid: { type: 'string' },
    seconds: { type: 'string', default: '20' },
    every: { type: 'string', default: '2000' },
    mounts: { type: 'string', default: '10' },
    dir: { type: 'string' },
  },
});
const pid = Number(values.pid);
const seconds = Number(values.seconds);
const every = Number(values.every);
const changes = Number(values.mounts);
if (!Number.isInteger(pid) || !(seconds > 0) || !(every > 0) || !Number.isInteger(changes) || !values.dir) {
  console.error('usage: mount-watch-probe.mjs --pid PID --seconds S --every MS --mounts N --dir DIR');
  process.exit(2);
}

const proc = new ProcSource();
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const cpuMs = (since) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1000;
};
/** Milliseconds since the epoch, to the microsecond: comparable with `date +%s%N`. */
const clock = () => performance.timeOrigin + performance.now();

/** CPU ms spent over SECONDS while TICK runs every EVERY ms (or never). */
async function idle(tick) {
  // What an earlier phase left on the heap is not this one's cost (run with --expose-gc).
  globalThis.gc?.();
  const started = process.cpuUsage();
  const end = Date.now() + seconds * 1000;
  let reads = 0;
  while (Date.now() < end) {
    if (tick) {
      tick();
      reads++;
    }
    await sleep(Math.min(every, end - Date.now()));
  }
  return { cpuMs: cpuMs(started), reads };
}

// before: the refresh timer's work, as mountsView.ts refresh() → show() did it.
let shown = '';
let mounts = 0;
const readMs = [];
const before = await idle(() => {
  const t = performance.now();
  const table = tableOfPid(pid, proc, null);
  const json = JSON.stringify([table.ns, table.mounts, table.errors]);
  if (json !== shown) shown = json;
  readMs.push(performance.now() - t);
  mounts = table.mounts.length;
});

shown = '';
// For reference: this process doing nothing at all (Node's own timers and heap upkeep).
const nothing = await idle(null);

// after: the watch, idle.
const watch = watchMounts();
const ns = proc.nsInode(pid, 'mnt');
let heard = [];
let waiting = null;
watch.onChange((mntns) => {
  heard.push(...mntns);
  if (waiting && mntns.includes(ns)) waiting(clock());
});
watch.watch(new Map([[ns, pid]]));
const after = await idle(null);
const spurious = heard.length;

const latencyMs = [];
for (let i = 0; i < changes * 2; i++) {
  const cmd =
    i % 2 ? `umount ${values.dir}` : `mkdir -p ${values.dir} && mount -t tmpfs -o size=16k nsxbench ${values.dir}`;
  const heardAt = new Promise((resolve) => (waiting = resolve));
  const r = spawnSync('nsenter', [`--target=${pid}`, '--mount', '--', 'sh', '-c', `${cmd} && date +%s%N`], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`${cmd} in PID ${pid}'s namespace: ${r.stderr.trim()}`);
  const done = Number(BigInt(r.stdout.trim()) / 1000n) / 1000;
  latencyMs.push((await heardAt) - done);
}
watch.close();

const perMinute = (x) => (x.cpuMs * 60) / seconds;
process.stdout.write(
  `${JSON.stringify({
    mounts,
    method: watch.method,
    seconds,
    every,
    before: { ...before, perMinuteMs: perMinute(before), readMs },
    nothing: { ...nothing, perMinuteMs: perMinute(nothing) },
    after: { ...after, perMinuteMs: perMinute(after), spurious },
    latencyMs,
  })}\n`,
);
