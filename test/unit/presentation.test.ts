/** src/ui/presentation.ts rowText with terminal marks: a namespace a terminal made says so. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NS_TYPES, NsType, ProcessRecord } from '../../src/core/model/snapshot';
import { rowText, TYPE_ICON } from '../../src/ui/namespaces/presentation';
import { NamespaceNode, Node, TreeModel } from '../../src/ui/namespaces/treeModel';
import { HOST } from './fixture-probe';
import { nsRecord as nsRec, snapshotOf } from './records';

const BOX_NET = 4026532600;
const BOX_UTS = 4026532601;

function proc(pid: number, ppid: number, name: string, ns: Partial<Record<NsType, number>>): ProcessRecord {
  return { pid, ppid, uid: 0, user: 'root', name, command: name, nspid: [pid], ns: { ...HOST, ...ns } };
}

function model(): TreeModel {
  const processes = [
    proc(1, 0, 'init', {}),
    proc(200, 1, 'unshare', { net: BOX_NET, uts: BOX_UTS }),
    proc(201, 200, 'bash', { net: BOX_NET, uts: BOX_UTS }),
  ];
  const members = (t: NsType, ino: number) => processes.filter((p) => p.ns[t] === ino);
  const namespaces = [
    ...NS_TYPES.map((t) => nsRec(HOST[t], t, members(t, HOST[t]), { label: 'host' })),
    nsRec(BOX_NET, 'net', members('net', BOX_NET), { label: 'unshare' }),
    nsRec(BOX_UTS, 'uts', members('uts', BOX_UTS), {
      holders: [
        ...members('uts', BOX_UTS).map((p) => ({ kind: 'process' as const, pid: p.pid })),
        { kind: 'fd', pid: 1, fd: 9, path: '/proc/1/fd/9' },
      ],
    }),
  ].sort((a, b) => a.ns - b.ns);
  const snapshot = snapshotOf(namespaces, processes);
  return new TreeModel(snapshot, 'type');
}

function namespaceNode(m: TreeModel, ino: number): NamespaceNode {
  for (const group of m.roots()) {
    for (const n of m.children(group) as Node[]) if (n.kind === 'namespace' && n.ns.ns === ino) return n;
  }
  throw new Error(`no row for ${ino}`);
}

test('rowText: a namespace a terminal made says "terminal: NAME" and has the terminal icon', () => {
  const m = model();
  const row = rowText(namespaceNode(m, BOX_NET), m, new Set(), new Map([[BOX_NET, 'new net+uts']]));
  assert.equal(row.description, 'terminal: new net+uts · net 4026532600 · 2 processes · root');
  assert.equal(row.icon, 'terminal');
  assert.equal(row.label, 'unshare');
  assert.equal(row.contextValue, 'nsx:ns:net', 'still a namespace row for the menus');
  assert.match(row.ariaLabel, /terminal: new net\+uts/);
});

test('rowText: the terminal mark comes first, so that a narrow sidebar still shows it', () => {
  const m = model();
  const row = rowText(namespaceNode(m, BOX_UTS), m, new Set([BOX_UTS]), new Map([[BOX_UTS, 'box']]));
  assert.equal(row.description, 'terminal: box · 2 processes · root · yours · held by fd');
  assert.equal(row.icon, 'terminal');
});

test('rowText: an unmarked namespace keeps its type icon and no terminal words, with or without the marks argument', () => {
  const m = model();
  const node = namespaceNode(m, HOST.net);
  const marks = new Map([[BOX_NET, 'new net+uts']]);
  for (const row of [rowText(node, m, new Set(), marks), rowText(node, m, new Set())]) {
    assert.equal(row.icon, TYPE_ICON.net);
    assert.ok(!row.description.includes('terminal'), row.description);
  }
  const box = rowText(namespaceNode(m, BOX_NET), m, new Set());
  assert.equal(box.icon, TYPE_ICON.net);
  assert.equal(box.description, 'net 4026532600 · 2 processes · root');
});

test('rowText: the marks apply only to namespace rows, by inode', () => {
  const m = model();
  const group = m.roots().find((n) => n.kind === 'group' && n.type === 'net')!;
  const marks = new Map([[BOX_NET, 'T']]);
  assert.equal(rowText(group, m, new Set(), marks).icon, TYPE_ICON.net);
  const [members] = m.children(namespaceNode(m, BOX_NET));
  assert.ok(!rowText(members!, m, new Set(), marks).description.includes('terminal'));
});
