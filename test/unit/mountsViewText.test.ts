/** mountRows.ts, the Mounts view's own words: its notes, the namespaces offered, root's answer, the set read. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMountinfo } from '../../src/core/mounts/mountinfo';
import { mountRecords } from '../../src/core/mounts/mountTable';
import { MountSet, MountTable } from '../../src/core/mounts/propagation';
import {
  addTable,
  mountNsOf,
  namespaceChoice,
  rootAnswerTable,
  sentence,
  tableNotes,
} from '../../src/ui/mounts/mountRows';
import { Node } from '../../src/ui/namespaces/treeModel';
import { HOST } from './fixture-probe';
import { nsRecord } from './records';

const MOUNTS = mountRecords(parseMountinfo('22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw').mounts);

function table(ns: number, errors: MountTable['errors'] = []): MountTable {
  return { ns, label: null, via: `/proc/${ns}/mountinfo`, mounts: MOUNTS, errors };
}

test('the notes say how many lines were skipped, and that a table was read as root', () => {
  assert.equal(tableNotes(table(1), false), undefined);
  assert.equal(
    tableNotes(table(1, [{ line: 3, message: 'bad' }]), false),
    '1 line of /proc/1/mountinfo could not be read and was skipped (see the log).',
  );
  const two = [
    { line: 3, message: 'bad' },
    { line: 4, message: 'bad' },
  ];
  assert.equal(
    tableNotes(table(1, two), true),
    '2 lines of /proc/1/mountinfo could not be read and were skipped (see the log). ' +
      'Read as root; Refresh asks again.',
  );
});

test('a mount namespace offered says whose it is, whether it is shown, and what holds it', () => {
  const held = nsRecord(4026532900, 'mnt', [], {
    label: 'box',
    nprocs: 0,
    holders: [
      { kind: 'bindmount', pid: 1, path: '/run/netns/box', mntns: HOST.mnt },
      { kind: 'fd', pid: 1, fd: 9, path: '/proc/1/fd/9' },
    ],
  });
  assert.deepEqual(namespaceChoice(held, HOST.mnt, 4026532900), {
    label: 'mnt 4026532900',
    description: 'box · shown',
    detail: 'no process: held by /run/netns/box, fd',
    ns: 4026532900,
  });
  const mine = nsRecord(HOST.mnt, 'mnt', [], { nprocs: 3 });
  assert.equal(namespaceChoice(mine, HOST.mnt, 0).description, 'yours');
  assert.equal(namespaceChoice(mine, HOST.mnt, 0).detail, '3 processes');
  assert.equal(
    namespaceChoice({ ...mine, nprocs: 0, holders: [] }, 0, 0).detail,
    'no process: held by nothing visible',
  );
});

test('the mount namespace of a row: its own, its process’s, or none', () => {
  const mnt = nsRecord(HOST.mnt, 'mnt', []);
  const net = nsRecord(HOST.net, 'net', []);
  const base = { id: 'x', parent: undefined };
  assert.equal(mountNsOf(undefined), undefined);
  assert.equal(mountNsOf({ ...base, kind: 'namespace', ns: mnt, nested: [] } as Node), HOST.mnt);
  assert.equal(mountNsOf({ ...base, kind: 'namespace', ns: net, nested: [] } as Node), undefined);
  assert.equal(mountNsOf({ ...base, kind: 'members', ns: mnt, count: 2 } as Node), HOST.mnt);
  const process = { pid: 9, ns: { mnt: 4026532999 } };
  assert.equal(mountNsOf({ ...base, kind: 'process', process, ns: net } as unknown as Node), 4026532999);
});

test('root’s answer becomes a table, labelled by the snapshot when it has no label', () => {
  const answer = {
    namespace: { ns: 4026532900, label: null, via: '/run/netns/box' },
    mounts: MOUNTS,
    errors: [],
  };
  assert.deepEqual(rootAnswerTable(JSON.stringify(answer), 'box'), {
    ns: 4026532900,
    label: 'box',
    via: '/run/netns/box',
    mounts: MOUNTS,
    errors: [],
  });
  const labelled = { ...answer, namespace: { ...answer.namespace, label: 'own' } };
  assert.equal(rootAnswerTable(JSON.stringify(labelled), 'box').label, 'own');
});

test('a table added to a set is no longer unreadable, and a namespace is never there twice', () => {
  const set: MountSet = { tables: [table(1)], unreadable: [{ ns: 2, label: null, reason: 'needs root' }] };
  addTable(set, table(1));
  addTable(set, undefined);
  assert.equal(set.tables.length, 1);
  addTable(set, table(2));
  assert.deepEqual(
    set.tables.map((t) => t.ns),
    [1, 2],
  );
  assert.deepEqual(set.unreadable, []);
});

test('a reader’s message becomes a sentence', () => {
  assert.equal(sentence('the namespaces are still being scanned'), 'The namespaces are still being scanned.');
});
