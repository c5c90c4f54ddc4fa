/**
 * The live engine's threads never keep a program from ending: its poller thread sleeps in
 * poll(2), a native call that terminating a worker cannot interrupt. A program that ends
 * while the engine runs (the extension host shutting down) must not hang, and stopping
 * the engine ends the poller thread and closes what it held.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { DIST } from './helpers';

const WORKER = path.join(DIST, 'discovery.worker.js');

/** Runs SCRIPT (CommonJS, WORKER in scope) in a child Node; its stdout, or a failure that says it hung. */
function runChild(script: string): string {
  const r = spawnSync(process.execPath, ['-e', `const WORKER = ${JSON.stringify(WORKER)};\n${script}`], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  assert.notEqual(r.error?.message.includes('ETIMEDOUT'), true, `the program did not end: ${r.stderr}`);
  assert.equal(r.status, 0, `exit status ${r.status} ${r.signal ?? ''}: ${r.stderr}`);
  return r.stdout;
}

const START_LIVE = `
const { Worker } = require('node:worker_threads');
const fs = require('node:fs');
const comm = (t) => fs.readFileSync('/proc/self/task/' + t + '/comm', 'utf8').trim();
const threads = () => fs.readdirSync('/proc/self/task').map(comm);
const worker = new Worker(WORKER);
worker.postMessage({ live: { intervalMs: 1000 } });
// The first snapshot, once the poller has started: a thread has its parent's name until it
// names itself. (A program that exits while a thread is still defining its koffi functions
// is aborted by koffi: that moment, the first milliseconds of the engine, is not tested here.)
const pushed = new Promise((resolve) => worker.on('message', (m) => 'pushed' in m && resolve())).then(async () => {
  for (let i = 0; i < 100 && !threads().includes('nsx-poller'); i++) await new Promise((r) => setTimeout(r, 50));
});
`;

test('a program whose worker runs the live engine ends when it exits, or terminates the worker, without stopping the engine', async () => {
  runChild(`${START_LIVE}
pushed.then(() => process.exit(0));`);
  runChild(`${START_LIVE}
pushed.then(async () => { await worker.terminate(); process.exit(0); });`);
});

test('stopping the live engine ends its poller thread', async () => {
  const out = runChild(`${START_LIVE}
pushed.then(async () => {
  const running = threads();
  const stopped = new Promise((resolve) => worker.on('message', (m) => 'live' in m && resolve()));
  worker.postMessage({ live: null });
  await stopped;
  await new Promise((resolve) => setTimeout(resolve, 300));
  console.log(JSON.stringify({ running, stopped: threads() }));
  await worker.terminate();
});`);
  const { running, stopped } = JSON.parse(out) as { running: string[]; stopped: string[] };
  assert.ok(running.includes('nsx-poller'), `the engine's poller thread, among ${running.join(', ')}`);
  assert.ok(running.includes('nsx-discovery'), `the engine's thread, among ${running.join(', ')}`);
  assert.ok(!stopped.includes('nsx-poller'), `no poller thread after the stop: ${stopped.join(', ')}`);
});
