/** Snapshots sent from the discovery worker as changes to the last one (snapshotChanges.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SentSnapshot, SnapshotReceiver, SnapshotSender } from '../../src/core/discovery/snapshotChanges';
import type { ProcessRecord } from '../../src/core/model/snapshot';
import { nsRecord, snapshotOf } from './records';

function proc(pid: number, command = `sleep ${pid}`): ProcessRecord {
  return { pid, ppid: 1, uid: 0, user: 'root', name: 'sleep', command, nspid: [pid], ns: { net: 4026531840 } };
}

/** What crosses the thread boundary: a structured clone, as postMessage makes. */
function across(sent: SentSnapshot): SentSnapshot {
  return structuredClone(sent);
}

test('the first snapshot goes whole; later ones carry only the processes new, changed or gone', () => {
  const sender = new SnapshotSender();
  const receiver = new SnapshotReceiver();
  const [a, b, c] = [proc(10), proc(20), proc(30)];
  const first = snapshotOf([], [a, b, c]);
  const sentFirst = sender.encode(first);
  assert.ok(!('changes' in sentFirst), 'the first is whole');
  assert.deepEqual(receiver.decode(across(sentFirst)), first);

  // 20 exec'd (a new record), 30 ended, 25 and 5 started; 10 is the same object.
  const second = snapshotOf([], [proc(5), a, proc(20, 'sh -c true'), proc(25)]);
  const sentSecond = sender.encode(second);
  assert.ok('changes' in sentSecond);
  assert.deepEqual(sentSecond.changes.processes.keys, [5, 10, 20, 25]);
  assert.deepEqual(
    sentSecond.changes.processes.changed.map((p) => p.pid),
    [5, 20, 25],
  );
  assert.deepEqual(receiver.decode(across(sentSecond)), second, 'made whole again, in PID order');

  const third = snapshotOf([], second.processes);
  const sentThird = sender.encode(third);
  assert.ok('changes' in sentThird);
  assert.deepEqual(sentThird.changes.processes.changed, []);
  assert.deepEqual(receiver.decode(across(sentThird)), third);
});

test('a receiver given a whole snapshot starts again from it', () => {
  const receiver = new SnapshotReceiver();
  const sender = new SnapshotSender();
  receiver.decode(across(sender.encode(snapshotOf([], [proc(1), proc(2)]))));
  // A new worker: its sender has sent nothing yet.
  const restarted = new SnapshotSender();
  const whole = snapshotOf([], [proc(3)]);
  assert.deepEqual(receiver.decode(across(restarted.encode(whole))), whole);
  const next = snapshotOf([], [proc(3), proc(4)]);
  assert.deepEqual(receiver.decode(across(restarted.encode(next))), next);
});

test('namespaces and containers are sent when their content changed, whatever the object', () => {
  const sender = new SnapshotSender();
  const receiver = new SnapshotReceiver();
  const a = proc(10);
  const ns = (label: string | null) => nsRecord(4026532000, 'net', [a], { label });
  const first = { ...snapshotOf([ns(null), nsRecord(4026532001, 'uts', [a])], [a]), containers: [] };
  receiver.decode(across(sender.encode(first)));
  const relabelled = { ...snapshotOf([ns('blue'), nsRecord(4026532001, 'uts', [a])], [a]), containers: [] };
  const sent = sender.encode(relabelled);
  assert.ok('changes' in sent);
  assert.deepEqual(
    sent.changes.namespaces.changed.map((n) => n.label),
    ['blue'],
    'the uts record, put together again but the same, is not sent',
  );
  assert.deepEqual(receiver.decode(across(sent)), relabelled);
});
