/**
 * Timing harness: runs commands as whole processes, alternating between tools, and records
 * wall time (process.hrtime.bigint around spawn -> exit, stdout read fully through a pipe)
 * and peak RSS (GNU time's %M, written to a temp file so it never mixes with the tool's
 * own output).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export function haveGnuTime() {
  return existsSync(GNU_TIME);
}

/** Runs one command; resolves { ms, rssKb, code, stdout: Buffer, stderr }. */
export function runOnce(tool, { measureMemory, scratch }) {
  const rssFile = join(scratch, 'rss');
  const [cmd, args] = measureMemory
    ? [GNU_TIME, ['-f', '%M', '-o', rssFile, tool.cmd, ...tool.args]]
    : [tool.cmd, tool.args];
  return new Promise((resolve, reject) => {
    const chunks = [];
    let stderr = '';
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: tool.env ?? process.env });
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.setEncoding('utf8').on('data', (c) => (stderr += c));
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const rssKb = measureMemory ? readRss(rssFile) : null;
      resolve({ ms, rssKb, code, stdout: Buffer.concat(chunks), stderr });
    });
  });
}

function readRss(file) {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const kb = Number(lines.at(-1));
    return Number.isFinite(kb) ? kb : null;
  } catch {
    return null;
  }
}

/**
 * One warm-up run per tool, then `runs` rounds; odd rounds reverse the order so neither
 * tool always runs right after the other. Returns, per tool name, { samples, output } where
 * output is the stdout of its first measured run. A tool's `redo(run)` names runs that
 * measured nothing (the tool gave up midway): those are done again, at most 5 times in a
 * row, and counted in `redone`.
 */
export async function compare(tools, { runs, measureMemory, onRun = () => {} }) {
  const scratch = mkdtempSync(join(tmpdir(), 'nsx-bench-'));
  const removeScratch = () => rmSync(scratch, { recursive: true, force: true });
  process.once('exit', removeScratch); // also when a signal handler calls process.exit()
  const results = Object.fromEntries(
    tools.map((t) => [t.name, { samples: [], output: null, failures: [], redone: 0 }]),
  );
  try {
    for (const tool of tools) await runChecked(tool, results[tool.name], { measureMemory, scratch }, false);
    for (let round = 0; round < runs; round++) {
      const order = round % 2 ? [...tools].reverse() : tools;
      for (const tool of order) {
        const r = await runChecked(tool, results[tool.name], { measureMemory, scratch }, true);
        onRun(tool.name, round, r);
      }
    }
  } finally {
    process.removeListener('exit', removeScratch);
    removeScratch();
  }
  return results;
}

async function runChecked(tool, result, opts, record) {
  let r = await runOnce(tool, opts);
  for (let again = 0; again < 5 && tool.redo?.(r); again++) {
    result.redone++;
    r = await runOnce(tool, opts);
  }
  if (r.code !== 0) result.failures.push(`exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  if (record) {
    result.samples.push({ ms: r.ms, rssKb: r.rssKb });
    result.output ??= r.stdout;
  }
  return r;
}

/** { median, min, max } of a list of numbers (nulls ignored); null when empty. */
export function stats(values) {
  const v = values.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v.at(-1) };
}

/** A duration or a memory size for the tables; `-` when there is none. */
export const ms = (x) => (x === undefined || x === null ? '-' : `${x.toFixed(1)} ms`);
export const mb = (kb) => (kb === undefined || kb === null ? '-' : `${(kb / 1024).toFixed(1)} MB`);

/** Renders rows (arrays of strings) as a left-aligned text table. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => String(c).padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
