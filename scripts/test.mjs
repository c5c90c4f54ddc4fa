#!/usr/bin/env node
// `npm test`: every tier, in order, each one run even when an earlier one failed, then one
// summary (passed / failed / skipped per tier, and why tests were skipped). The exit status
// is 1 when any tier failed.
//
//   node scripts/test.mjs [TIER...]    tiers: lint packages build typecheck unit integration e2e
//                                      (all of them when none is named)
//
// `lint` is ESLint (the layers' boundaries, no import cycle, short functions and lines) and
// Prettier's check: `npm run lint` alone, `npm run format` to fix what can be fixed.
//
// `packages` checks the Debian packages of scripts/debian-packages.cjs: as root it installs
// the missing ones, as anyone else it names them and the command that installs them (the
// tests that need them are then skipped). Plain Node, no dependencies.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { installCommand, PACKAGES } from './debian-packages.cjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TALLY = pathToFileURL(join(REPO, 'scripts', 'test-tally.mjs')).href;
const ROOT = process.getuid?.() === 0;

/** Each tier: a title, and what it runs (commands in order, then node:test over a folder). */
const TIERS = {
  lint: {
    title: 'lint',
    run: () =>
      everyCommand([
        ['npx', 'eslint', '.'],
        ['npx', 'prettier', '--check', '.'],
      ]),
  },
  packages: { title: 'system packages', run: () => systemPackages() },
  build: { title: 'build', run: () => commands([['npm', 'run', 'build']]) },
  typecheck: { title: 'typecheck', run: () => commands([['npm', 'run', 'typecheck']]) },
  unit: { title: 'unit tests', run: () => nodeTests('test/unit') },
  // The integration and e2e tests start daemons and change the machine: one file at a time.
  integration: { title: 'integration tests', run: () => nodeTests('test/integration', { concurrency: 1 }) },
  e2e: {
    title: 'e2e tests',
    run: () => nodeTests('test/e2e', { concurrency: 1, before: [['npm', 'run', 'package']] }),
  },
};

const log = (line = '') => process.stdout.write(`${line}\n`);

let current = null;
let interrupted = null;
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    interrupted = signal;
    current?.kill(signal);
  });
}

/** Runs argv with the output shown; resolves its exit status (1 when it could not start). */
function execute(argv) {
  return new Promise((resolvePromise) => {
    log(`$ ${argv.join(' ')}`);
    const child = spawn(argv[0], argv.slice(1), { cwd: REPO, stdio: 'inherit' });
    current = child;
    child.once('error', (err) => {
      log(`${argv[0]}: ${err.message}`);
      resolvePromise(1);
    });
    child.once('exit', (code, signal) => {
      current = null;
      resolvePromise(code ?? (signal ? 128 : 1));
    });
  });
}

async function commands(list) {
  for (const argv of list) {
    const status = await execute(argv);
    if (status !== 0) return { failed: true, note: `\`${argv.join(' ')}\` exited ${status}` };
  }
  return { failed: false };
}

/** Each command even when one before failed (ESLint's findings and Prettier's are both wanted). */
async function everyCommand(list) {
  const failed = [];
  for (const argv of list) {
    const status = await execute(argv);
    if (status !== 0) failed.push(`\`${argv.join(' ')}\` exited ${status}`);
  }
  return failed.length > 0 ? { failed: true, note: failed.join('; ') } : { failed: false };
}

/** node:test over every *.test.ts of `folder`, counted by scripts/test-tally.mjs. */
async function nodeTests(folder, { concurrency, before = [] } = {}) {
  const prepared = await commands(before);
  if (prepared.failed) return { ...prepared, note: `${prepared.note}; no test ran` };
  const files = readdirSync(join(REPO, folder))
    .filter((f) => f.endsWith('.test.ts'))
    .sort()
    .map((f) => `${folder}/${f}`);
  const scratch = mkdtempSync(join(tmpdir(), 'nsx-test-tally-'));
  const tallyFile = join(scratch, 'tally.json');
  try {
    const status = await execute([
      process.execPath,
      '--import',
      'tsx',
      '--test',
      ...(concurrency ? [`--test-concurrency=${concurrency}`] : []),
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      `--test-reporter=${TALLY}`,
      `--test-reporter-destination=${tallyFile}`,
      ...files,
    ]);
    let tally;
    try {
      tally = JSON.parse(readFileSync(tallyFile, 'utf8'));
    } catch {
      return { failed: true, note: `node --test exited ${status} without a tally` };
    }
    return {
      failed: status !== 0 || tally.failed > 0,
      tally,
      ...(status !== 0 && tally.failed === 0 ? { note: `node --test exited ${status}` } : {}),
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** The packages of the list that dpkg does not have installed; null without dpkg-query. */
function notInstalled() {
  const names = PACKAGES.map((p) => p.name);
  const r = spawnSync('dpkg-query', ['-W', '-f', '${Package}\\t${db:Status-Status}\\n', ...names], {
    encoding: 'utf8',
  });
  if (r.error) return null;
  const installed = new Set(
    r.stdout
      .split('\n')
      .filter((l) => l.endsWith('\tinstalled'))
      .map((l) => l.split('\t')[0]),
  );
  return PACKAGES.filter((p) => !installed.has(p.name));
}

async function systemPackages() {
  const missing = notInstalled();
  if (missing === null) {
    log(
      'dpkg-query is not there (not Debian?): the packages of scripts/debian-packages.cjs are not checked; ' +
        'tests whose programs are missing will be skipped.',
    );
    return { failed: false, note: 'not checked (no dpkg-query)' };
  }
  if (missing.length === 0) {
    log(`all ${PACKAGES.length} packages the tests use are installed`);
    return { failed: false, note: `all ${PACKAGES.length} installed` };
  }
  for (const p of missing) log(`missing: ${p.name} (${p.for})`);
  const names = missing.map((p) => p.name);
  if (!ROOT) {
    log(
      `Not root, so nothing is installed; the tests that need them are skipped. Install them ` +
        `with:\n  ${installCommand(names, { asRoot: false })}`,
    );
    return { failed: false, note: `${names.length} missing, not installed (not root): ${names.join(' ')}` };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const argv of [
    ['apt-get', 'update', '-qq'],
    ['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...names],
  ]) {
    log(`$ ${argv.join(' ')}`);
    const r = spawnSync(argv[0], argv.slice(1), { cwd: REPO, stdio: 'inherit', env });
    if (r.status !== 0)
      return { failed: true, note: `\`${argv.join(' ')}\` exited ${r.status ?? r.signal ?? r.error?.message}` };
  }
  const still = notInstalled() ?? [];
  if (still.length > 0) return { failed: true, note: `still not installed: ${still.map((p) => p.name).join(' ')}` };
  return { failed: false, note: `installed ${names.join(' ')}` };
}

// ---------------------------------------------------------------------------------------
// The summary

function duration(ms) {
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

function counted(t) {
  const parts = [`${t.passed} passed`];
  if (t.failed) parts.push(`${t.failed} failed`);
  if (t.skipped) parts.push(`${t.skipped} skipped`);
  if (t.todo) parts.push(`${t.todo} todo`);
  return `${t.tests} tests: ${parts.join(', ')}`;
}

/**
 * Why tests were skipped, counted: "needs root: <why>" counts as one reason whatever the
 * why, a missing program (with its install command) or anything else by its own words.
 */
function skipReasons(results) {
  const reasons = new Map();
  for (const { result } of results) {
    for (const skip of result.tally?.skips ?? []) {
      for (const part of (skip.reason || 'no reason given').split('; ')) {
        const reason = part.startsWith('needs root') ? 'need root (run the tests as root)' : part;
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
      }
    }
  }
  return [...reasons].sort((a, b) => b[1] - a[1]);
}

function summary(results, started) {
  log();
  log(`Summary (${duration(Date.now() - started)}${ROOT ? ', as root' : `, as uid ${process.getuid?.()}`})`);
  const width = Math.max(...results.map((r) => r.title.length));
  for (const { title, result, ms } of results) {
    const verdict = result.failed ? 'FAILED' : 'ok';
    const what = [result.tally ? counted(result.tally) : null, result.note].filter(Boolean).join('; ');
    log(`  ${title.padEnd(width)}  ${verdict.padEnd(6)}  ${duration(ms).padStart(11)}  ${what}`);
  }
  const reasons = skipReasons(results);
  if (reasons.length > 0) {
    log('Skipped, and why:');
    for (const [reason, n] of reasons) log(`  ${n} ${n === 1 ? 'test' : 'tests'}: ${reason}`);
  }
  const failures = results.flatMap(({ title, result }) =>
    (result.tally?.failures ?? []).map(
      (f) => `${title}: ${f.name}${f.file ? ` (${f.file.replace(`${REPO}/`, '')})` : ''}`,
    ),
  );
  if (failures.length > 0) {
    log('Failed:');
    for (const f of failures) log(`  ${f}`);
  }
}

async function main() {
  const asked = process.argv.slice(2);
  const unknown = asked.filter((t) => !(t in TIERS));
  if (unknown.length > 0) {
    process.stderr.write(`unknown tier ${unknown.join(', ')}; the tiers are: ${Object.keys(TIERS).join(' ')}\n`);
    process.exit(2);
  }
  const started = Date.now();
  const results = [];
  for (const name of asked.length > 0 ? asked : Object.keys(TIERS)) {
    if (interrupted) break;
    const { title } = TIERS[name];
    log(`\n=== ${title} ===`);
    const t = Date.now();
    let result;
    try {
      result = await TIERS[name].run();
    } catch (err) {
      result = { failed: true, note: String(err?.message ?? err) };
    }
    results.push({ title, result, ms: Date.now() - t });
  }
  summary(results, started);
  if (interrupted) {
    log(`stopped by ${interrupted}`);
    process.exit(130);
  }
  process.exit(results.some((r) => r.result.failed) ? 1 : 0);
}

await main();
