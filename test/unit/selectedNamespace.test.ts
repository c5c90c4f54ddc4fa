/** src/ui/selectedNamespace.ts: the namespace the API names for the row selected in the view. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NS_TYPES, NsType, ProcessRecord } from '../../src/core/model/snapshot';
import { selectedNamespace } from '../../src/ui/api/selectedNamespace';
import { Node, TreeModel } from '../../src/ui/namespaces/treeModel';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

const BOX_NET = 4026532600;
const BOX_UTS = 4026532601;

function proc(pid: number, ppid: number, name: string, ns: Partial<Record<NsType, number>>): ProcessRecord {
  return { pid, ppid, uid: 0, user: 'root', name, command: name, nspid: [pid], ns: { ...HOST, ...ns } };
}

const processes = [proc(1, 0, 'init', {}), proc(200, 1, 'unshare', { net: BOX_NET, uts: BOX_UTS })];
const members = (t: NsType, ino: number) => processes.filter((p) => p.ns[t] === ino);
const snapshot = snapshotOf(
  [
    ...NS_TYPES.map((t) => nsRecord(HOST[t], t, members(t, HOST[t]), { label: 'host' })),
    nsRecord(BOX_NET, 'net', members('net', BOX_NET), { label: 'unshare' }),
    nsRecord(BOX_UTS, 'uts', members('uts', BOX_UTS), {
      label: String(BOX_UTS),
      holders: [{ kind: 'fd', pid: 1, fd: 9, path: '/proc/1/fd/9' }],
    }),
  ].sort((a, b) => a.ns - b.ns),
  processes,
);
const model = new TreeModel(snapshot, 'type');
const group = (type: NsType) => model.roots().find((n) => n.kind === 'group' && n.type === type)!;
const namespaceRow = (type: NsType, ino: number) =>
  model.children(group(type)).find((n) => n.kind === 'namespace' && n.ns.ns === ino)!;
const childOf = (node: Node, kind: Node['kind']) => model.children(node).find((n) => n.kind === kind)!;

test('a namespace row names its namespace with the label the row shows', () => {
  assert.deepEqual(selectedNamespace(namespaceRow('net', BOX_NET), snapshot), {
    ns: BOX_NET,
    type: 'net',
    label: 'unshare',
  });
});

test('a namespace whose label is its inode is named by type and inode, as its row is', () => {
  assert.deepEqual(selectedNamespace(namespaceRow('uts', BOX_UTS), snapshot), {
    ns: BOX_UTS,
    type: 'uts',
    label: `uts ${BOX_UTS}`,
  });
});

test('a process row and a holder row name the namespace they are under', () => {
  const expected = { ns: BOX_UTS, type: 'uts', label: `uts ${BOX_UTS}` };
  const uts = namespaceRow('uts', BOX_UTS);
  assert.deepEqual(selectedNamespace(childOf(uts, 'process'), snapshot), expected);
  assert.deepEqual(selectedNamespace(childOf(uts, 'holder'), snapshot), expected);
});

test('a type group, a note, no row or no snapshot name no namespace', () => {
  assert.equal(selectedNamespace(group('net'), snapshot), undefined);
  const note: Node = { kind: 'info', id: 'info/x', parent: undefined, message: 'm', detail: 'd', sentence: 's' };
  assert.equal(selectedNamespace(note, snapshot), undefined);
  assert.equal(selectedNamespace(undefined, snapshot), undefined);
  assert.equal(selectedNamespace(namespaceRow('net', BOX_NET), undefined), undefined);
});
