#!/usr/bin/env node
/**
 * `npm run bench`: nsx (`node dist/cli.js list --json`) against `lsns -J -l`.
 *
 *   node bench/run.mjs [--procs 2000] [--namespaces 500] [--runs 7]
 *
 * As root it first builds a load (bench/load.mjs), times both tools on it alternately
 * (bench/measure.mjs), prints medians, memory, the 3x / 100 MB targets and what each tool
 * reported, then removes everything it made and checks that nothing is left. As an
 * ordinary user it times the machine as it is. NSX_BENCH_CLI=path overrides dist/cli.js.
 */
import { existsSync, readdirSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Tracker, buildNamespaceLoad, countProcessNamespaces } from './load.mjs';
import { compare, haveGnuTime, stats, table } from './measure.mjs';

const SPEED_TARGET = 3; // nsx must be at least this many times faster than lsns
const RSS_TARGET_MB = 100;
const CLI = process.env.NSX_BENCH_CLI || join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'cli.js');

function options() {
  const { values } = parseArgs({
    options: {
      procs: { type: 'string', default: '2000' },
      namespaces: { type: 'string', default: '500' },
      runs: { type: 'string', default: '7' },
    },
  });
  const opts = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Number(v)]));
  for (const [k, v] of Object.entries(opts)) {
    if (!Number.isInteger(v) || v < (k === 'runs' ? 1 : 0)) throw new Error(`--${k} must be a whole number`);
  }
  return opts;
}

// ---------------------------------------------------------------------------------------
// Cleanup wiring: once on normal end, on exceptions (finally), on signals, and a
// synchronous last resort on 'exit'.

function installCleanup(tracker) {
  let pending = null;
  let done = false;
  const cleanup = () =>
    (pending ??= tracker.teardown().then(() => {
      done = true;
      return tracker.leftovers();
    }));
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, async () => {
      console.error(`\n${sig}: removing the load...`);
      printLeftovers(await cleanup(), tracker);
      process.exit(130);
    });
  }
  process.on('exit', () => {
    if (!done) tracker.teardownSync();
  });
  return cleanup;
}

function printLeftovers(left, tracker) {
  const n = left.processes.length + left.netns.length + left.mounts.length;
  if (n === 0) {
    console.log(
      `cleanup: all ${tracker.groups.size} process groups gone, ${tracker.netns.length} netns deleted, nothing left`,
    );
  } else {
    process.exitCode = 1;
    console.log(
      `cleanup: LEFT OVER ${left.processes.length} processes (${left.processes.map((p) => p.pid).join(' ')}), ` +
        `netns [${left.netns.join(' ')}], mounts [${left.mounts.join(' ')}]`,
    );
  }
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

const ms = (x) => (x === undefined || x === null ? '-' : `${x.toFixed(1)} ms`);
const mb = (kb) => (kb === undefined || kb === null ? '-' : `${(kb / 1024).toFixed(1)} MB`);

function machineLine(root) {
  const procs = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).length;
  return (
    `machine: ${cpus().length} cores, kernel ${release()}, ${procs} processes under /proc, ` +
    `${countProcessNamespaces()} namespaces with a process (distinct /proc/*/ns links), ` +
    `${root ? 'root' : `uid ${process.getuid()}`}`
  );
}

function report(results, { memory, load }) {
  const nsx = results.nsx;
  const lsns = results.lsns;
  const nsxList = parseNamespaces(nsx.output ?? Buffer.alloc(0));
  const lsnsList = parseNamespaces(lsns.output ?? Buffer.alloc(0));

  const rows = [['tool', 'median', 'min', 'max', 'peak RSS median', 'peak RSS max', 'namespaces', 'output']];
  for (const [name, r, list] of [['nsx', nsx, nsxList], ['lsns', lsns, lsnsList]]) {
    const t = stats(r.samples.map((s) => s.ms));
    const m = stats(r.samples.map((s) => s.rssKb));
    const size = r.output ? `${(r.output.length / 1024).toFixed(0)} KiB` : '-';
    rows.push([name, ms(t?.median), ms(t?.min), ms(t?.max), mb(m?.median), mb(m?.max), list ? list.length : 'unparsable', size]);
  }
  console.log(`\n${table(rows)}\n`);

  const tn = stats(nsx.samples.map((s) => s.ms));
  const tl = stats(lsns.samples.map((s) => s.ms));
  const ratio = tl.median / tn.median;
  const verdict = ratio >= SPEED_TARGET ? 'MET' : 'NOT MET';
  const how = ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`;
  console.log(
    `speed:  nsx is ${how} than lsns (lsns median / nsx median = ${ratio.toFixed(2)}) - ` +
      `target ${SPEED_TARGET}x faster: ${verdict}`,
  );
  if (memory) {
    const peak = stats(nsx.samples.map((s) => s.rssKb)).max / 1024;
    console.log(
      `memory: nsx peak RSS ${peak.toFixed(1)} MB (worst run) - target < ${RSS_TARGET_MB} MB: ` +
        `${peak < RSS_TARGET_MB ? 'MET' : 'NOT MET'}`,
    );
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
    if (r.failures.length) console.log(`WARNING ${name} failed ${r.failures.length} time(s): ${r.failures[0]}`);
  }
}

/**
 * The environment nsx runs in. Node 20 parses NODE_EXTRA_CA_CERTS at start-up, before any
 * script runs (~80 ms on the test VMs for a full CA bundle), though nsx never opens a TLS
 * connection; a sandbox may set it for every process, a user's shell rarely does.
 */
function nodeEnv() {
  if (!process.env.NODE_EXTRA_CA_CERTS) return process.env;
  console.log('note:   NODE_EXTRA_CA_CERTS is unset for nsx (Node parses that CA bundle at start-up; nsx makes no TLS connection)');
  const { NODE_EXTRA_CA_CERTS: _unused, ...env } = process.env;
  return env;
}

// ---------------------------------------------------------------------------------------

async function main() {
  const opts = options();
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  const root = process.getuid() === 0;
  const memory = haveGnuTime();
  console.log('Namespace Explorer benchmark: `nsx list --json` vs `lsns -J -l`');
  if (!memory) console.log('note: /usr/bin/time not found (Debian package `time`); peak memory will not be measured');

  const tracker = root ? new Tracker() : null;
  const cleanup = tracker ? installCleanup(tracker) : null;
  let load = null;
  try {
    if (root) {
      console.log(`building load: ${opts.procs} processes in ${opts.namespaces} namespaces...`);
      load = await buildNamespaceLoad(tracker, opts);
      const s = load.special;
      console.log(
        `load:   ${load.processes} new processes, ${load.namespaces} new namespaces (${load.groups} unshare groups; ` +
          `${s.bindmount.length} netns bind mounts, ${s.fd.length} fd-held, ${s.task.length} thread-held, ` +
          `${s.ghost.length} ghost user) built in ${load.seconds.toFixed(1)} s`,
      );
      for (const note of load.notes) console.log(`note:   ${note}`);
    } else {
      console.log('not root: building the load needs root; timing the machine as it is.');
    }
    console.log(machineLine(root));
    console.log(`timing: ${opts.runs} runs each (+1 warm-up), alternating, stdout through a pipe`);

    const tools = [
      { name: 'nsx', cmd: process.execPath, args: [CLI, 'list', '--json'], env: nodeEnv() },
      { name: 'lsns', cmd: 'lsns', args: ['-J', '-l'] },
    ];
    const results = await compare(tools, { runs: opts.runs, measureMemory: memory });
    for (const [name, r] of Object.entries(results)) {
      console.log(`${name.padEnd(5)} runs (ms): ${r.samples.map((s) => s.ms.toFixed(0)).join(' ')}`);
    }
    report(results, { memory, load });
  } finally {
    if (cleanup) printLeftovers(await cleanup(), tracker);
  }
}

main().catch((err) => {
  console.error(`bench failed: ${err.stack ?? err}`);
  process.exitCode = 1;
});
