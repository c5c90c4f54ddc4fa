/**
 * treeChanges.ts with TreeModel: which rows a new snapshot redraws. A view is simulated
 * the way VS Code asks: the roots, then the children of the rows it shows expanded, and
 * the item of every row it was given.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NS_TYPES, NsType, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { namespaceTooltip, rowText } from '../../src/ui/namespaces/presentation';
import { coveringRow, GivenTree, TreeNow } from '../../src/ui/namespaces/treeChanges';
import { Node, TreeModel } from '../../src/ui/namespaces/treeModel';
import { HOST } from './fixture-probe';
import { nsRecord } from './records';

const BLUE = 4026532800;
const RED = 4026532801;
const BOX_UTS = 4026532900;

function proc(pid: number, name: string, ns: Partial<Record<NsType, number>> = {}): ProcessRecord {
  return { pid, ppid: 1, uid: 0, user: 'root', name, command: name, nspid: [pid], ns: { ...HOST, ...ns } };
}

/** The host, netns blue (a bind mount), and whatever EXTRA adds: processes and namespaces. */
function snapshot(extra: { processes?: ProcessRecord[]; red?: boolean; hidden?: number } = {}): Snapshot {
  const processes = [proc(1, 'init'), ...(extra.processes ?? [])];
  const members = (t: NsType, ino: number) => processes.filter((p) => p.ns[t] === ino);
  const bound = (ino: number, name: string) =>
    nsRecord(ino, 'net', [], {
      label: name,
      nsfs: [`/run/netns/${name}`],
      holders: [{ kind: 'bindmount', pid: 1, path: `/run/netns/${name}`, mntns: HOST.mnt }],
    });
  const namespaces = [
    ...NS_TYPES.map((t) => nsRecord(HOST[t], t, members(t, HOST[t]), { label: 'host' })),
    bound(BLUE, 'blue'),
  ];
  if (extra.red) namespaces.push(bound(RED, 'red'));
  const boxes = [...new Set(processes.map((p) => p.ns.uts!).filter((ino) => ino !== HOST.uts))];
  for (const ino of boxes) namespaces.push(nsRecord(ino, 'uts', members('uts', ino), { label: 'sleep' }));
  const hidden = extra.hidden ?? 0;
  return {
    version: 1,
    takenAt: '2026-01-01T00:00:00.000Z',
    scanner: { uid: 1000, procRoot: '/proc', durationMs: 1 },
    capabilities: { hierarchy: true },
    hidden: { total: hidden, byReason: { EACCES: hidden, vanished: 0 } },
    namespaces: namespaces.sort((a, b) => a.ns - b.ns),
    processes,
  };
}

/** The tree of MODEL as the provider shows it: row text and tooltip make a row's look. */
function now(model: TreeModel): TreeNow {
  return {
    roots: () => model.roots(),
    children: (n) => model.children(n),
    look: (n) =>
      JSON.stringify([rowText(n, model, new Set()), n.kind === 'namespace' ? namespaceTooltip(n.ns, model) : '']),
  };
}

/** A view that has drawn the roots and expanded the groups of EXPANDED types. */
function draw(given: GivenTree, model: TreeModel, expanded: NsType[]): void {
  const tree = now(model);
  const roots = tree.roots();
  given.gaveChildren(undefined, roots);
  const items = (nodes: Node[]) => nodes.forEach((n) => given.gaveItem(n, tree.look(n)));
  items(roots);
  for (const group of roots) {
    if (group.kind !== 'group' || !expanded.includes(group.type)) continue;
    const children = tree.children(group);
    given.gaveChildren(group, children);
    items(children);
  }
}

const ids = (changes: Node[] | 'all') => (changes === 'all' ? 'all' : changes.map((n) => n.id));

/** A view drawn on BEFORE with EXPANDED groups open; then the model of AFTER, adopting the view's rows. */
function step(before: Snapshot, after: Snapshot, expanded: NsType[] = ['net', 'uts']) {
  const given = new GivenTree();
  draw(given, new TreeModel(before, 'type'), expanded);
  const model = new TreeModel(after, 'type', '', (id) => given.reusable(id));
  return { given, model, changes: given.changes(now(model)) };
}

test("a snapshot that changes nothing shown redraws nothing, and keeps each row's object", () => {
  const given = new GivenTree();
  const first = new TreeModel(snapshot(), 'type');
  draw(given, first, ['net']);
  const second = new TreeModel(snapshot(), 'type', '', (id) => given.reusable(id));
  assert.deepEqual(given.changes(now(second)), []);
  const net = (m: TreeModel) => m.roots().find((n) => n.id === 'type/net')!;
  assert.equal(net(second), net(first), 'the same group object');
  const blue = (m: TreeModel) => m.children(net(m)).find((n) => n.kind === 'namespace' && n.ns.ns === BLUE);
  assert.ok(blue(first));
  assert.equal(blue(second), blue(first), 'the same row object for netns blue');
});

test('a namespace made in one group redraws that group only, not the rows of the others', () => {
  const { changes } = step(snapshot(), snapshot({ processes: [proc(50, 'sleep', { uts: BOX_UTS })] }));
  // The uts group counts one namespace more (its redraw covers the host's UTS row); the
  // host's net row one process more; netns blue, beside it, stays as it is drawn.
  assert.deepEqual(ids(changes), ['type/net/ns:4026531833', 'type/uts']);
});

test("a process that only changes a row's count redraws that row, not its group", () => {
  const before = snapshot({ processes: [proc(50, 'sleep', { uts: BOX_UTS })] });
  const after = snapshot({ processes: [proc(50, 'sleep', { uts: BOX_UTS }), proc(51, 'sleep', { uts: BOX_UTS })] });
  const { changes } = step(before, after, ['uts']);
  assert.deepEqual(ids(changes), ['type/uts/ns:4026532900']);
});

test("rows of folded groups are not compared: a change under one redraws only the group's own row if its count changed", () => {
  const { changes } = step(snapshot(), snapshot({ red: true }), ['uts']);
  assert.deepEqual(ids(changes), ['type/net']);
  const same = step(
    snapshot({ processes: [proc(50, 'sleep', { uts: BOX_UTS })] }),
    snapshot({ processes: [proc(50, 'sleep', { uts: BOX_UTS }), proc(51, 'sleep', { uts: BOX_UTS })] }),
    [],
  );
  assert.deepEqual(ids(same.changes), [], 'a folded group whose count did not change');
});

test('a namespace that is gone redraws its group; a new row at the top redraws everything', () => {
  assert.deepEqual(ids(step(snapshot({ red: true }), snapshot()).changes), ['type/net']);
  assert.equal(
    step(snapshot(), snapshot({ hidden: 3 })).changes,
    'all',
    'the row about hidden processes appears above the groups',
  );
});

test('a change to a tooltip alone redraws the row: holders of netns blue', () => {
  const before = snapshot();
  const after = snapshot();
  const blue = after.namespaces.find((n) => n.ns === BLUE)!;
  blue.holders = [...blue.holders, { kind: 'fd', pid: 1, fd: 7, path: '/proc/1/fd/7' }];
  const { changes, model } = step(before, after, ['net']);
  assert.deepEqual(ids(changes), ['type/net/ns:4026532800']);
  assert.equal(rowText(model.findNamespace(BLUE)!, model, new Set()).description.includes('held by fd'), true);
});

test('once a row is redrawn, what was below it is forgotten: the next snapshot does not redraw it again', () => {
  const { given, model, changes } = step(snapshot(), snapshot({ processes: [proc(50, 'sleep', { uts: BOX_UTS })] }));
  assert.notEqual(changes, 'all');
  for (const node of changes as Node[]) given.redrawn(node);
  // VS Code asks again for the group it redraws (its item, and its children since it is open).
  const uts = model.roots().find((n) => n.id === 'type/uts')!;
  const tree = now(model);
  given.gaveItem(uts, tree.look(uts));
  given.gaveChildren(uts, tree.children(uts));
  for (const child of tree.children(uts)) given.gaveItem(child, tree.look(child));
  const again = new TreeModel(snapshot({ processes: [proc(50, 'sleep', { uts: BOX_UTS })] }), 'type', '', (id) =>
    given.reusable(id),
  );
  assert.deepEqual(given.changes(now(again)), []);
});

test('rows changed together are redrawn by one row that covers them: itself, their group, or the whole tree', () => {
  const model = new TreeModel(snapshot({ red: true, processes: [proc(10, 'sleep', { uts: BOX_UTS })] }), 'type');
  const group = (type: NsType) => model.roots().find((n) => n.id === `type/${type}`)!;
  const row = (type: NsType, ino: number) => model.children(group(type)).find((n) => n.id.endsWith(`/ns:${ino}`))!;
  const [blue, red, box] = [row('net', BLUE), row('net', RED), row('uts', BOX_UTS)];
  assert.ok(blue && red && box);
  assert.equal(coveringRow([blue]), blue, 'one row: itself');
  assert.equal(coveringRow([blue, red]), group('net'), 'two rows of the net group: the group');
  assert.equal(coveringRow([blue, group('net')]), group('net'), 'a row and its group: the group');
  assert.equal(coveringRow([blue, box]), undefined, 'rows of two groups: the whole tree');
});
