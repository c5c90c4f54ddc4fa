/** viewHeader.ts: what the Namespaces view says above its rows, in the log, and when a PID cannot be revealed. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessRecord } from '../../src/core/model/snapshot';
import {
  filterReplacedNote,
  headerText,
  pidToReveal,
  rootScanSummary,
  scanSummary,
} from '../../src/ui/namespaces/viewHeader';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

test('the header says nothing when the user’s own view is shown unfiltered', () => {
  assert.deepEqual(headerText({ filter: '' }), { description: undefined, message: undefined });
});

test('the header names root’s view and the filter, and the message says why a refresh failed', () => {
  const header = headerText({ elevatedAt: '10:42:00', filter: 'nginx', failure: 'the worker exited' });
  assert.equal(header.description, 'all processes (root) · 10:42:00 · filter: nginx');
  assert.equal(
    header.message,
    'Showing all processes (root), as scanned at 10:42:00; Refresh scans again. Filtered by “nginx”. ' +
      'Refresh failed: the worker exited',
  );
});

test('a failed refresh shows in the message only', () => {
  assert.deepEqual(headerText({ filter: '', failure: 'EIO' }), {
    description: undefined,
    message: 'Refresh failed: EIO',
  });
});

const init: ProcessRecord = {
  pid: 1,
  ppid: 0,
  uid: 0,
  user: 'root',
  name: 'init',
  command: 'init',
  nspid: [1],
  ns: { ...HOST },
};
const other: ProcessRecord = { ...init, pid: 77, name: 'sshd', ns: {}, hidden: 'EACCES' };

function snapshot() {
  const s = snapshotOf([nsRecord(HOST.net, 'net', [init])], [init, other], { durationMs: 12 });
  return { ...s, hidden: { total: 1, byReason: { EACCES: 1, vanished: 0 } } };
}

test('the log lines of a scan count namespaces, processes and hidden ones, and the times', () => {
  assert.equal(scanSummary(snapshot(), 30), '1 namespaces, 2 processes (1 hidden), scan 12 ms, total 30 ms');
  assert.equal(rootScanSummary(snapshot()), "root's view: 1 namespaces, 2 processes, scan 12 ms");
});

test('a PID is revealed when it is known and readable, else the user is told why not', () => {
  assert.deepEqual(pidToReveal(snapshot(), 1), { process: init });
  assert.deepEqual(pidToReveal(snapshot(), 5), { problem: 'No process with PID 5 (it may have exited).' });
  assert.deepEqual(pidToReveal(snapshot(), 77), {
    problem: 'PID 77 (sshd) belongs to another user; its namespaces cannot be read without root.',
  });
});

test('revealing a PID tells the user only when it replaces another filter', () => {
  assert.equal(filterReplacedNote('', 42), undefined);
  assert.equal(filterReplacedNote('42', 42), undefined);
  assert.equal(filterReplacedNote('nginx', 42), 'Filter “nginx” replaced by “42” to show the namespaces of PID 42.');
});
