/** When the live engine runs (liveSwitch.ts), and what the kernel says of processes (procConnector.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProcEvent } from '../../src/core/linux/procConnector';
import { LiveSwitch } from '../../src/ui/shared/liveSwitch';

function recorder(interval: { ms: number }) {
  const calls: string[] = [];
  const live = new LiveSwitch({
    start: (ms) => calls.push(`start ${ms}`),
    stop: () => calls.push('stop'),
    once: () => calls.push('once'),
    interval: () => interval.ms,
  });
  return { calls, live };
}

test('it runs while visible, stops while hidden or while root’s view is shown, and restarts at a new interval', () => {
  const interval = { ms: 1000 };
  const { calls, live } = recorder(interval);
  live.setVisible(true);
  live.setVisible(true);
  live.setPaused(true);
  live.setPaused(false);
  interval.ms = 500;
  live.reschedule();
  live.setVisible(false);
  assert.deepEqual(calls, ['start 1000', 'stop', 'start 1000', 'start 500', 'stop']);
});

test('with automatic refresh off, a view that is shown scans once', () => {
  const { calls, live } = recorder({ ms: 0 });
  live.setVisible(true);
  live.setVisible(false);
  live.setVisible(true);
  assert.deepEqual(calls, ['once', 'once']);
});

/** A proc connector message: 36 bytes of headers, then what, cpu, timestamp and the event's data. */
function message(what: number, data: number[]): Buffer {
  const b = Buffer.alloc(36 + 16 + 24);
  b.writeUInt32LE(what, 36);
  data.forEach((v, i) => b.writeUInt32LE(v, 52 + 4 * i));
  return b;
}

test('process events: a process forked, exec’d, exited, changed its user or its name; new threads are left out', () => {
  assert.deepEqual(parseProcEvent(message(0x1, [10, 10, 11, 11])), { kind: 'fork', pid: 11 });
  assert.equal(parseProcEvent(message(0x1, [10, 10, 12, 10])), null, 'a new thread of 10');
  assert.deepEqual(parseProcEvent(message(0x2, [11, 11])), { kind: 'exec', pid: 11 });
  assert.deepEqual(parseProcEvent(message(0x80000000, [11, 11, 0, 17])), { kind: 'exit', pid: 11 });
  assert.equal(parseProcEvent(message(0x80000000, [12, 10, 0, 0])), null, 'a thread of 10 ended');
  assert.deepEqual(parseProcEvent(message(0x4, [11, 11, 0, 1000])), { kind: 'status', pid: 11 }, 'setuid');
  assert.deepEqual(parseProcEvent(message(0x40, [13, 11, 0, 1000])), { kind: 'status', pid: 11 }, 'setgid in a thread');
  assert.deepEqual(parseProcEvent(message(0x200, [11, 11, 0x65, 0])), { kind: 'status', pid: 11 }, 'a rename');
  assert.equal(parseProcEvent(message(0x0, [])), null, 'the answer to LISTEN');
  assert.equal(parseProcEvent(Buffer.alloc(20)), null, 'too short');
});
