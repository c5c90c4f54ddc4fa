/**
 * In-process timing of the propagation computation, for bench/mounts.mjs:
 *
 *   node --import tsx bench/propagation-probe.mjs --runs 7 --path PATH --base BASE PID...
 *
 * Does what `nsx propagation` does after discovery, with the very functions it uses (the
 * TypeScript sources, compiled by tsx with esbuild as the bundle is): reads the mountinfo
 * of each PID, parses it, decodes the records (propagation, hidden), indexes every peer
 * group across the tables, and answers PATH in the first PID's table. Each phase is timed
 * on its own, one cold run and then RUNS more; prints one JSON object, with the fewest and
 * most mounts at or below BASE that a table has (the load's own, whatever else comes and
 * goes in the namespace the load was copied from).
 */
import { parseArgs } from 'node:util';
import { parseMountinfo } from '../src/core/mounts/mountinfo.ts';
import { mountRecords } from '../src/core/mounts/mountTable.ts';
import { ProcSource } from '../src/core/linux/procfs.ts';
import { PropagationIndex } from '../src/core/mounts/propagation.ts';

const { values, positionals } = parseArgs({
  options: { runs: { type: 'string', default: '7' }, path: { type: 'string' }, base: { type: 'string' } },
  allowPositionals: true,
});
const pids = positionals.map(Number);
const runs = Number(values.runs);
if (
  !values.path ||
  !values.base ||
  pids.length === 0 ||
  pids.some((p) => !Number.isInteger(p)) ||
  !Number.isInteger(runs)
) {
  console.error('usage: propagation-probe.mjs --runs N --path PATH --base BASE PID...');
  process.exit(2);
}

const proc = new ProcSource();
const now = () => process.hrtime.bigint();
const since = (t) => Number(now() - t) / 1e6;

function once() {
  const ms = {};
  let t = now();
  const texts = pids.map((pid) => ({ pid, ns: proc.nsInode(pid, 'mnt'), text: proc.mountinfo(pid) }));
  ms.read = since(t);

  t = now();
  const parsed = texts.map((x) => parseMountinfo(x.text));
  ms.parse = since(t);

  t = now();
  const tables = texts.map((x, i) => ({
    ns: x.ns,
    label: null,
    via: `/proc/${x.pid}/mountinfo`,
    mounts: mountRecords(parsed[i].mounts),
    errors: parsed[i].errors,
  }));
  ms.records = since(t);

  t = now();
  const index = new PropagationIndex({ tables, unreadable: [] });
  ms.index = since(t);

  t = now();
  const answer = index.answer(tables[0], values.path);
  ms.answer = since(t);

  const ours = tables.map(
    (x) => x.mounts.filter((m) => m.target === values.base || m.target.startsWith(`${values.base}/`)).length,
  );
  const result = {
    ms,
    tables: tables.length,
    namespaces: new Set(tables.map((x) => x.ns)).size,
    lines: tables.reduce((n, x) => n + x.mounts.length, 0),
    oursMin: Math.min(...ours),
    oursMax: Math.max(...ours),
    bytes: texts.reduce((n, x) => n + x.text.length, 0),
    errors: tables.reduce((n, x) => n + x.errors.length, 0),
    sendsTo: answer.sendsTo.length,
    receivesFrom: answer.receivesFrom.length,
    placementNamespaces: new Set(answer.sendsTo.map((p) => p.ns)).size,
    covered: answer.sendsTo.filter((p) => p.coveredBy).length,
    mount: {
      id: answer.mount.id,
      target: answer.mount.target,
      propagation: answer.mount.propagation,
      peer: answer.mount.peer,
    },
  };
  return { result, keep: { tables, index } };
}

/** Heap in use after a full collection (with --expose-gc), else null. */
function heapKb() {
  if (typeof globalThis.gc !== 'function') return null;
  globalThis.gc();
  return Math.round(process.memoryUsage().heapUsed / 1024);
}

const before = heapKb();
const first = once();
// What the tables and the index keep on the heap, as `nsx propagation` holds them while it
// answers (the mountinfo texts are garbage by then).
const after = heapKb();
const retainedKb = before !== null && after !== null ? after - before : null;
first.keep = null;
const warm = [];
for (let i = 0; i < runs; i++) warm.push(once().result.ms);
const cold = first.result;
process.stdout.write(
  `${JSON.stringify({ ...cold, cold: cold.ms, warm, retainedKb, maxRssKb: process.resourceUsage().maxRSS })}\n`,
);
