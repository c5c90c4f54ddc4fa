/** When the sidebar scans again (RefreshManager), with a scan that takes real time. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RefreshManager } from '../../src/ui/shared/refresh';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function counter(scanMs: number) {
  const state = { scans: 0, concurrent: 0, maxConcurrent: 0, startedAt: [] as number[] };
  const refresh = async () => {
    state.scans++;
    state.startedAt.push(performance.now());
    state.concurrent++;
    state.maxConcurrent = Math.max(state.maxConcurrent, state.concurrent);
    await sleep(scanMs);
    state.concurrent--;
  };
  return { state, refresh };
}

test('scans while visible, never sooner than the interval, and stops when hidden', { timeout: 10_000 }, async (t) => {
  const { state, refresh } = counter(1);
  const m = new RefreshManager(refresh, () => 60);
  // Disposed even when an assertion fails: an armed manager would keep the test process alive.
  t.after(() => m.dispose());
  m.setVisible(true);
  // How soon the scans come depends on the machine's load (a slow scan stretches the
  // interval tenfold); that they keep coming, and never closer than the interval, does not.
  while (state.scans < 4) await sleep(20);
  const gaps = state.startedAt.slice(1).map((at, i) => at - state.startedAt[i]);
  // 1 ms of slack: timers fire on whole milliseconds.
  assert.ok(
    gaps.every((gap) => gap >= 59),
    `never sooner than 60 ms apart: ${gaps.map((g) => g.toFixed(1)).join(', ')}`,
  );
  const whileVisible = state.scans;
  m.setVisible(false);
  await sleep(150);
  assert.ok(state.scans <= whileVisible + 1, 'no scans while hidden');
});

test('requests during a scan run once after it, never two scans at once', async (t) => {
  const { state, refresh } = counter(50);
  const m = new RefreshManager(refresh, () => 0);
  t.after(() => m.dispose());
  const first = m.trigger();
  void m.trigger();
  void m.trigger();
  await first;
  await sleep(120);
  assert.equal(state.scans, 2);
  assert.equal(state.maxConcurrent, 1);
});

test('an interval of 0 turns automatic scans off; a slow scan stretches the interval tenfold', async (t) => {
  const { refresh } = counter(30);
  const off = new RefreshManager(refresh, () => 0);
  off.setVisible(true);
  await sleep(60);
  assert.equal(off.nextDelay(), 0);
  off.dispose();

  const slow = new RefreshManager(refresh, () => 100);
  // Disposed even when the assertion fails: an armed manager would keep the test process alive.
  t.after(() => slow.dispose());
  slow.setVisible(true);
  await sleep(60);
  // A 30 ms timer can measure 29 ms on the millisecond clock.
  assert.ok(slow.nextDelay() >= 290, `at least ten times the 30 ms scan, got ${slow.nextDelay()}`);
});

test('a scan that says how long it ran is stretched by that, not by its wait for its turn', async (t) => {
  // 60 ms in all, of which the scan itself ran 5: it waited behind a details read.
  const m = new RefreshManager(
    async () => (await sleep(60), 5),
    () => 100,
  );
  t.after(() => m.dispose());
  m.setVisible(true);
  await sleep(90);
  assert.equal(m.nextDelay(), 100, 'the interval, as ten times 5 ms is less');
});
