import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcSource } from '../../src/core/linux/procfs';
import { ProcessState } from '../../src/core/live/processState';
import { Sweep } from '../../src/core/live/sweep';

function state(pid: number): ProcessState {
  return { pid, start: 0, ppid: 1, read: 'vanished', fds: [] };
}

/** The most ticks a known PID went without being chosen, new PIDs counting as read at their first tick. */
function longestWait(ticks: number, births: (tick: number) => number[], start = 1, rounds = 60): number {
  const sweep = new Sweep(ticks, 0);
  const known = new Map<number, ProcessState>();
  const readAt = new Map<number, number>();
  let longest = 0;
  for (let pid = start; pid < start + 200; pid++) known.set(pid, state(pid));
  for (let tick = 1; tick <= rounds; tick++) {
    for (const pid of tick > 1 ? births(tick) : []) known.set(pid, state(pid));
    for (const pid of known.keys()) if (!readAt.has(pid)) readAt.set(pid, tick);
    for (const pid of sweep.next(known, new ProcSource())) readAt.set(pid, tick);
    for (const at of readAt.values()) longest = Math.max(longest, tick - at);
  }
  return longest;
}

test('the sweep reads every known process again within its ticks, however many PIDs it has', () => {
  assert.equal(
    longestWait(3, () => []),
    2,
  );
  assert.equal(
    longestWait(20, () => []),
    19,
  );
});

test('the sweep keeps its bound while new PIDs take places ahead of its slice', () => {
  let next = 1000;
  const twenty = () => Array.from({ length: 20 }, () => next++);
  assert.ok(longestWait(3, twenty) <= 2);
  next = 5000;
  assert.ok(longestWait(20, twenty) <= 19);
  // PIDs wrapped round: the new ones land below the cursor
  let low = 1;
  assert.ok(longestWait(3, () => Array.from({ length: 20 }, () => low++), 10_000) <= 2);
});
