#!/usr/bin/env node
/**
 * `npm run bench`, in two parts:
 *
 *   namespaces: nsx (`node dist/cli.js list --json`) against `lsns -J -l`, on 2,000 processes in
 *               500 namespaces and on 10,000 processes in 2,000, printed side by side at the end.
 *   mounts:     `nsx mounts --pid PID --json` against `findmnt -J -N PID` on a mount
 *               namespace with 10,000 mounts, and `nsx propagation` across 50 mount
 *               namespaces of that size (bench/mounts.mjs).
 *
 *   containers: what naming 50 running containers adds to a full scan (bench/naming.mjs).
 *
 *   net:        `nsx net --json` on 500 net namespaces, half of them on one bridge, against
 *               `lsns -t net -J` and against itself on the machine as it was (bench/net.mjs).
 *
 *   watch:      on the first namespace load, the CPU `nsx watch --json` uses in 60 s in which
 *               nothing changes against one full scan's, and the time from `ip netns add`,
 *               `unshare --net sleep`, a mount in a watched mount namespace and an exec into a
 *               new net namespace under the same PID to the event line, median and worst of
 *               20 (bench/watch.mjs).
 *
 *   node bench/run.mjs [--only namespaces|mounts|containers|net|watch] [--procs 2000,10000] [--namespaces 500,2000]
 *                      [--mounts 10000] [--mountns 50] [--containers 50] [--netns 500] [--runs 7]
 *
 * As root each part first builds a load (bench/load.mjs, bench/mounts.mjs), times the
 * tools on it alternately (bench/measure.mjs), prints medians, memory, the targets and
 * what each tool reported, then removes everything it made and checks that nothing is
 * left, also on an exception or a signal. As an ordinary user the namespaces part times
 * the machine as it is, and the mounts part is skipped (mounting needs root).
 * NSX_BENCH_CLI=path overrides dist/cli.js.
 */
import { existsSync, readdirSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Tracker, buildNamespaceLoad, countProcessNamespaces } from './load.mjs';
import { compare, haveGnuTime, mb, ms, stats, table } from './measure.mjs';
import { MountLoad, checkMountOptions, mountBench } from './mounts.mjs';
import { containerLoad } from './containers.mjs';
import { namingBench } from './naming.mjs';
import { NetLoad, netBare, netBench } from './net.mjs';
import { watchBench } from './watch.mjs';

const SPEED_TARGET = 2.5; // nsx must be at least this many times faster than lsns
const SPEED_AIM = 3;
const RSS_TARGET_MB = 150;
const CLI = process.env.NSX_BENCH_CLI || join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');

const PARTS = ['namespaces', 'mounts', 'containers', 'net', 'watch'];

function options() {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      procs: { type: 'string', default: '2000,10000' },
      namespaces: { type: 'string', default: '500,2000' },
      mounts: { type: 'string', default: '10000' },
      mountns: { type: 'string', default: '50' },
      containers: { type: 'string', default: '50' },
      netns: { type: 'string', default: '500' },
      runs: { type: 'string', default: '7' },
    },
  });
  const { only, procs, namespaces, ...numbers } = values;
  if (only !== undefined && !PARTS.includes(only)) throw new Error(`--only must be one of: ${PARTS.join(', ')}`);
  const opts = Object.fromEntries(Object.entries(numbers).map(([k, v]) => [k, Number(v)]));
  for (const [k, v] of Object.entries(opts)) {
    if (!Number.isInteger(v) || v < (k === 'runs' ? 1 : 0)) throw new Error(`--${k} must be a whole number`);
  }
  return { ...opts, loads: namespaceLoads(procs, namespaces), parts: only ? [only] : PARTS };
}

/** `--procs 2000,10000 --namespaces 500,2000`: one load per pair. */
function namespaceLoads(procs, namespaces) {
  const list = (name, text) =>
    text.split(',').map((v) => {
      if (!/^\d+$/.test(v.trim())) throw new Error(`--${name} must be whole numbers separated by commas`);
      return Number(v);
    });
  const p = list('procs', procs);
  const n = list('namespaces', namespaces);
  if (p.length !== n.length) throw new Error('--procs and --namespaces must name as many loads each');
  return p.map((count, i) => ({ procs: count, namespaces: n[i] }));
}

// ---------------------------------------------------------------------------------------
// Cleanup wiring: each load is removed once, on normal end or an exception (finally), on a
// signal, and synchronously as a last resort on 'exit'. A load is { teardown(),
// teardownSync(), leftovers() -> { problems, summary } }.

/** Loads that are up and not yet removed. */
const live = new Set();

function installCleanup() {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      console.error(`\n${sig}: removing the load...`);
      for (const entry of live) await removeLoad(entry);
      process.exit(130);
    });
  }
  process.on('exit', () => {
    for (const entry of live) if (!entry.done) entry.load.teardownSync();
  });
}

/** Runs BODY with LOAD up, then removes it, checks that nothing is left and says so. */
async function withLoad(load, body) {
  const entry = { load, pending: null, done: false };
  live.add(entry);
  try {
    return await body(load);
  } finally {
    await removeLoad(entry);
  }
}

function removeLoad(entry) {
  return (entry.pending ??= entry.load.teardown().then(() => {
    entry.done = true;
    live.delete(entry);
    printLeftovers(entry.load.leftovers());
  }));
}

function printLeftovers({ problems, summary }) {
  if (problems.length === 0) {
    console.log(`cleanup: ${summary}`);
  } else {
    process.exitCode = 1;
    console.log(`cleanup: LEFT OVER ${problems.join('; ')}`);
  }
}

/** The namespace load's Tracker as a load. */
function namespaceLoad(tracker) {
  return {
    teardown: () => tracker.teardown(),
    teardownSync: () => tracker.teardownSync(),
    leftovers() {
      const left = tracker.leftovers();
      const n = left.processes.length + left.netns.length + left.mounts.length;
      return {
        problems: n
          ? [
              `${left.processes.length} processes (${left.processes.map((p) => p.pid).join(' ')}), netns ` +
                `[${left.netns.join(' ')}], mounts [${left.mounts.join(' ')}]`,
            ]
          : [],
        summary: `all ${tracker.groups.size} process groups gone, ${tracker.netns.length} netns deleted, nothing left`,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------
// Reading what the tools printed

function parseNamespaces(buf) {
  try {
    const json = JSON.parse(buf.toString('utf8'));
    return Array.isArray(json) ? json : Array.isArray(json.namespaces) ? json.namespaces : null;
  } catch {
    return null;
  }
}

/**
 * nsx's holders by kind: { kind: { holders, namespaces } } plus the ghost count; null if
 * its output carries no holders.
 */
function holderKinds(namespaces) {
  if (!namespaces.some((ns) => Array.isArray(ns.holders))) return null;
  const kinds = { task: 'threads', fd: 'fds', bindmount: 'bind mounts' };
  const count = Object.fromEntries(Object.keys(kinds).map((k) => [k, { holders: 0, namespaces: 0 }]));
  for (const ns of namespaces) {
    const seen = new Set();
    for (const h of ns.holders ?? []) {
      if (!(h.kind in count)) continue;
      count[h.kind].holders++;
      seen.add(h.kind);
    }
    for (const k of seen) count[k].namespaces++;
  }
  const parts = Object.entries(kinds).map(
    ([k, label]) => `${count[k].holders} ${label} (on ${count[k].namespaces} namespaces)`,
  );
  return `${parts.join(', ')}; ${namespaces.filter((ns) => ns.ghost === true).length} ghost namespaces`;
}

// ---------------------------------------------------------------------------------------
// Printing

function machineLine(root) {
  const procs = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
  return (
    `machine: ${cpus().length} cores, kernel ${release()}, ${procs} processes under /proc, ` +
    `${countProcessNamespaces()} namespaces with a process (distinct /proc/*/ns links), ` +
    `${root ? 'root' : `uid ${process.getuid()}`}`
  );
}

function speedVerdict(ratio) {
  const verdict = ratio >= SPEED_AIM ? 'MET, aim met' : ratio >= SPEED_TARGET ? `MET (aim ${SPEED_AIM}x)` : 'NOT MET';
  return `target ${SPEED_TARGET}x faster: ${verdict}`;
}

function memoryVerdict(peakMb) {
  return `target < ${RSS_TARGET_MB} MB: ${peakMb < RSS_TARGET_MB ? 'MET' : 'NOT MET'}`;
}

/** The loads' figures side by side: one row per load. */
function loadsSummary(rows) {
  const lines = [['load', 'nsx median', 'lsns median', 'lsns / nsx', 'nsx peak RSS', 'lsns peak RSS', 'verdict']];
  for (const { load, figures: f } of rows) {
    const ratio = f.lsnsMs / f.nsxMs;
    const memoryOk = f.nsxRssKb === null || f.nsxRssKb / 1024 < RSS_TARGET_MB;
    lines.push([
      load,
      ms(f.nsxMs),
      ms(f.lsnsMs),
      `${ratio.toFixed(2)}x`,
      mb(f.nsxRssKb),
      mb(f.lsnsRssKb),
      `${ratio >= SPEED_TARGET ? 'speed MET' : 'speed NOT MET'}, ${memoryOk ? 'memory MET' : 'memory NOT MET'}`,
    ]);
  }
  console.log(
    `\n--- namespaces, side by side (target: ${SPEED_TARGET}x faster than lsns, aim ${SPEED_AIM}x; ` +
      `peak RSS < ${RSS_TARGET_MB} MB) ---\n${table(lines)}`,
  );
}

function report(results, { memory, load }) {
  const nsx = results.nsx;
  const lsns = results.lsns;
  const nsxList = parseNamespaces(nsx.output ?? Buffer.alloc(0));
  const lsnsList = parseNamespaces(lsns.output ?? Buffer.alloc(0));

  const rows = [['tool', 'median', 'min', 'max', 'peak RSS median', 'peak RSS max', 'namespaces', 'output']];
  for (const [name, r, list] of [
    ['nsx', nsx, nsxList],
    ['lsns', lsns, lsnsList],
  ]) {
    const t = stats(r.samples.map((s) => s.ms));
    const m = stats(r.samples.map((s) => s.rssKb));
    const size = r.output ? `${(r.output.length / 1024).toFixed(0)} KiB` : '-';
    rows.push([
      name,
      ms(t?.median),
      ms(t?.min),
      ms(t?.max),
      mb(m?.median),
      mb(m?.max),
      list ? list.length : 'unparsable',
      size,
    ]);
  }
  console.log(`\n${table(rows)}\n`);

  const figures = {
    nsxMs: stats(nsx.samples.map((s) => s.ms)).median,
    lsnsMs: stats(lsns.samples.map((s) => s.ms)).median,
    nsxRssKb: memory ? stats(nsx.samples.map((s) => s.rssKb)).max : null,
    lsnsRssKb: memory ? stats(lsns.samples.map((s) => s.rssKb)).max : null,
  };
  const ratio = figures.lsnsMs / figures.nsxMs;
  const how = ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`;
  console.log(
    `speed:  nsx is ${how} than lsns (lsns median / nsx median = ${ratio.toFixed(2)}) - ${speedVerdict(ratio)}`,
  );
  if (memory) {
    const peak = figures.nsxRssKb / 1024;
    console.log(`memory: nsx peak RSS ${peak.toFixed(1)} MB (worst run) - ${memoryVerdict(peak)}`);
  } else {
    console.log('memory: not measured (/usr/bin/time missing: apt-get install time)');
  }

  if (nsxList && lsnsList) {
    const nsxSet = new Set(nsxList.map((n) => Number(n.ns)));
    const lsnsSet = new Set(lsnsList.map((n) => Number(n.ns)));
    const onlyNsx = [...nsxSet].filter((n) => !lsnsSet.has(n)).length;
    const onlyLsns = [...lsnsSet].filter((n) => !nsxSet.has(n));
    console.log(
      `found:  nsx ${nsxSet.size} namespaces, lsns ${lsnsSet.size}; ${onlyNsx} only in nsx, ` +
        `${onlyLsns.length} only in lsns${onlyLsns.length ? ` (${onlyLsns.slice(0, 10).join(' ')})` : ''}`,
    );
    console.log(`nsx holders: ${holderKinds(nsxList) ?? 'none in the list --json output'}`);
    if (load) {
      const parts = Object.entries(load.special).map(([kind, inos]) => {
        const a = inos.filter((i) => nsxSet.has(i)).length;
        const b = inos.filter((i) => lsnsSet.has(i)).length;
        return `${kind} ${a}/${inos.length} vs ${b}/${inos.length}`;
      });
      console.log(`bench-made special namespaces found (nsx vs lsns): ${parts.join(', ')}`);
    }
  }
  for (const [name, r] of Object.entries(results)) {
    if (r.redone)
      console.log(
        `note:   ${r.redone} run(s) of ${name} gave up midway (a process exited while it read it) and were done again`,
      );
    if (r.failures.length) console.log(`WARNING ${name} failed ${r.failures.length} time(s): ${r.failures[0]}`);
  }
  return figures;
}

/**
 * The environment nsx runs in. Node 20 parses NODE_EXTRA_CA_CERTS at start-up, before any
 * script runs (~80 ms on the test VMs for a full CA bundle), though nsx never opens a TLS
 * connection; a sandbox may set it for every process, a user's shell rarely does.
 */
function nodeEnv() {
  if (!process.env.NODE_EXTRA_CA_CERTS) return process.env;
  console.log(
    'note:   NODE_EXTRA_CA_CERTS is unset for nsx (Node parses that CA bundle at start-up; nsx makes no TLS ' +
      'connection)',
  );
  const { NODE_EXTRA_CA_CERTS: _unused, ...env } = process.env;
  return env;
}

// ---------------------------------------------------------------------------------------

/**
 * Part one: `nsx list --json` against `lsns -J -l`, on each namespace load in turn when
 * root (each removed before the next is built), then their figures side by side.
 */
async function namespacesPart(opts, { root, memory, env }) {
  console.log('\n=== namespaces: `nsx list --json` vs `lsns -J -l` ===');
  if (!root) {
    console.log('not root: building the loads needs root; timing the machine as it is.');
    await timeNamespaces(opts, { root, memory, env }, null);
    return;
  }
  const rows = [];
  for (const size of opts.loads) {
    const tracker = new Tracker();
    const figures = await withLoad(namespaceLoad(tracker), async () => {
      const load = await buildLoad(tracker, size);
      return timeNamespaces(opts, { root, memory, env }, load);
    });
    rows.push({ load: `${size.procs} processes / ${size.namespaces} namespaces`, figures });
  }
  loadsSummary(rows);
}

async function buildLoad(tracker, size) {
  console.log(`\n--- load: ${size.procs} processes in ${size.namespaces} namespaces ---`);
  // Only the sizes of this part: the net part's --netns is not this load's bind mount count.
  const load = await buildNamespaceLoad(tracker, size);
  const s = load.special;
  console.log(
    `load:   ${load.processes} new processes, ${load.namespaces} new namespaces (${load.groups} unshare groups; ` +
      `${s.bindmount.length} netns bind mounts, ${s.fd.length} fd-held, ${s.task.length} thread-held, ` +
      `${s.ghost.length} ghost user) built in ${load.seconds.toFixed(1)} s`,
  );
  for (const note of load.notes) console.log(`note:   ${note}`);
  return load;
}

/** Times both tools on the machine as it is now; returns report()'s figures. */
async function timeNamespaces(opts, { root, memory, env }, load) {
  console.log(machineLine(root));
  console.log(`timing: ${opts.runs} runs each (+1 warm-up), alternating, stdout through a pipe`);
  const tools = [
    { name: 'nsx', cmd: process.execPath, args: [CLI, 'list', '--json'], env },
    // lsns 2.38 abandons a run in which a process exits between its open of /proc/PID/stat
    // and the read (exit 1, nothing on stderr): such a run measured nothing.
    { name: 'lsns', cmd: 'lsns', args: ['-J', '-l'], redo: (r) => r.code === 1 && r.stderr === '' },
  ];
  const results = await compare(tools, { runs: opts.runs, measureMemory: memory });
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(5)} runs (ms): ${r.samples.map((s) => s.ms.toFixed(0)).join(' ')}`);
  }
  return report(results, { memory, load });
}

/** Part two: bench/mounts.mjs, root only. */
async function mountsPart(opts, { root, memory, env }) {
  console.log(
    `\n=== mounts: \`nsx mounts --json\` vs \`findmnt -J\` on ${opts.mounts.toLocaleString('en-US')} ` +
      `mounts; \`nsx propagation\` across ${opts.mountns} mount namespaces ===`,
  );
  if (!root) {
    console.log(
      `skipped: building a mount namespace with ${opts.mounts.toLocaleString('en-US')} mounts needs root ` +
        `(mount(2) needs CAP_SYS_ADMIN); ` +
        'run it as root: sudo node bench/run.mjs --only mounts',
    );
    return;
  }
  checkMountOptions(opts);
  await withLoad(new MountLoad(), (load) => mountBench(load, opts, { cli: CLI, nodeEnv: env, memory }));
}

/** Part three: what naming containers adds to a scan, root only (it starts a dockerd). */
async function containersPart(opts, { root }) {
  console.log(`\n=== containers: naming ${opts.containers} running containers, next to the full scan ===`);
  if (!root) {
    console.log('skipped: starting a dockerd needs root; run it as root: sudo node bench/run.mjs --only containers');
    return;
  }
  console.log(`building load: ${opts.containers} containers on a private dockerd...`);
  const started = performance.now();
  const load = await containerLoad({ count: opts.containers });
  console.log(
    `load:   ${load.ids.length} containers started in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  console.log(machineLine(root));
  await withLoad(load, () => namingBench(load, opts));
}

/** Part four: the network map on many net namespaces, root only (it makes them). */
async function netPart(opts, { root, env }) {
  console.log(`\n=== net: \`nsx net --json\` on ${opts.netns} net namespaces vs \`lsns -t net -J\` ===`);
  if (!root) {
    console.log('skipped: making net namespaces needs root; run it as root: sudo node bench/run.mjs --only net');
    return;
  }
  const timing = { cli: CLI, env, runs: opts.runs };
  console.log(`timing the bare machine first: ${opts.runs} runs (+1 warm-up)`);
  const before = await netBare(timing);
  await withLoad(new NetLoad(opts.netns), async (load) => {
    console.log(`building load: ${opts.netns} net namespaces, half of them with a veth to one bridge...`);
    const seconds = load.build();
    console.log(
      `load:   ${load.count} netns (nsxbench-net-${process.pid}-*), bridge ${load.bridge} with ${load.veths} ` +
        `veths, built in ${seconds.toFixed(1)} s`,
    );
    console.log(machineLine(root));
    await netBench(load, before, timing);
  });
}

/** Part five: bench/watch.mjs on the first namespace load, root only (it builds the load). */
async function watchPart(opts, { root, env }) {
  const size = opts.loads[0];
  console.log(
    `\n=== watch: \`nsx watch\` idle CPU against a full scan, and its events' latency, on ${size.procs} ` +
      `processes in ${size.namespaces} namespaces ===`,
  );
  if (!root) {
    console.log('skipped: building the load needs root; run it as root: sudo node bench/run.mjs --only watch');
    return;
  }
  if (!haveGnuTime()) {
    console.log("skipped: a full scan's CPU time is read through /usr/bin/time (apt-get install time)");
    return;
  }
  const tracker = new Tracker();
  await withLoad(namespaceLoad(tracker), async () => {
    await buildLoad(tracker, size);
    console.log(machineLine(root));
    await watchBench(tracker, { cli: CLI, env, runs: opts.runs });
  });
}

async function main() {
  const opts = options();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const root = process.getuid() === 0;
  const memory = haveGnuTime();
  console.log(`Namespace Explorer benchmark: ${opts.parts.join(', ')}`);
  if (!memory) console.log('note: /usr/bin/time not found (Debian package `time`); peak memory will not be measured');
  const env = nodeEnv();
  if (root) installCleanup();
  if (opts.parts.includes('namespaces')) await namespacesPart(opts, { root, memory, env });
  if (opts.parts.includes('mounts')) await mountsPart(opts, { root, memory, env });
  if (opts.parts.includes('containers')) await containersPart(opts, { root });
  if (opts.parts.includes('net')) await netPart(opts, { root, env });
  if (opts.parts.includes('watch')) await watchPart(opts, { root, env });
}

main().catch((err) => {
  console.error(`bench failed: ${err.stack ?? err}`);
  process.exitCode = 1;
});
