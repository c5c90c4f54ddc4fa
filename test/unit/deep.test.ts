/**
 * Structures deeper than a call stack goes: a chain of 100,000 nested processes, 100,000
 * mounts stacked on one another, 100,000 peer groups each a slave of the one before. Any
 * user can make the first two (a shell loop, `mount --bind d d` in a user namespace); every
 * function that walks them must loop, not recurse.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DRAWN_LEVELS, flatten, processTree } from '../../src/cli/render';
import { mountTreeText } from '../../src/cli/mounts';
import { forest, processForest, prune, TreeNode } from '../../src/core/model/hierarchy';
import { parseMountinfo } from '../../src/core/mounts/mountinfo';
import { mountForest, mountRecords } from '../../src/core/mounts/mountTable';
import { MountTable, PropagationIndex } from '../../src/core/mounts/propagation';
import { propagationGraph } from '../../src/core/mounts/propagationGraph';
import { NamespaceRecord, ProcessRecord } from '../../src/core/model/snapshot';
import { mountTableView } from '../../src/ui/propagation/propagationViews';
import { TreeModel } from '../../src/ui/namespaces/treeModel';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

const DEPTH = 100_000;

/** PIDs 1‥DEPTH, each the child of the one before. */
function processChain(): ProcessRecord[] {
  return Array.from({ length: DEPTH }, (_, i) => ({
    pid: i + 1,
    ppid: i,
    uid: 0,
    user: 'root',
    name: 'sh',
    command: 'sh -c nest',
    nspid: [i + 1],
    ns: { ...HOST },
  }));
}

/** The keys along a forest that is one chain, checked to be one: no node has two children. */
function chainKeys<T>(roots: TreeNode<T>[], key: (item: T) => number): number[] {
  assert.equal(roots.length, 1, 'one root');
  const keys: number[] = [];
  for (let node: TreeNode<T> | undefined = roots[0]; node; node = node.children[0]) {
    assert.ok(node.children.length <= 1, `one child under ${key(node.item)}`);
    keys.push(key(node.item));
  }
  return keys;
}

/** DEPTH tmpfs mounts at /tmp/d, each on the one before (mountinfo as the kernel writes it). */
function stackedMountinfo(): string {
  const lines = ['21 1 254:1 / / rw shared:1 - ext4 /dev/vda rw'];
  for (let i = 0; i < DEPTH; i++) lines.push(`${100 + i} ${i ? 99 + i : 21} 0:40 / /tmp/d rw - tmpfs d rw`);
  return lines.join('\n') + '\n';
}

function stackedTable(): MountTable {
  return {
    ns: 4026531841,
    label: 'stack',
    via: '/proc/7/mountinfo',
    mounts: mountRecords(parseMountinfo(stackedMountinfo()).mounts),
    errors: [],
  };
}

const timed = <T>(t: { diagnostic: (s: string) => void }, what: string, run: () => T): T => {
  const start = performance.now();
  const value = run();
  t.diagnostic(`${what}: ${Math.round(performance.now() - start)} ms`);
  return value;
};

test('processForest, forest and prune build and cut a chain of 100,000 nested processes', (t) => {
  const procs = processChain();
  const roots = timed(t, 'processForest', () => processForest(procs));
  assert.deepEqual(
    chainKeys(roots, (p) => p.pid),
    procs.map((p) => p.pid),
  );
  const reversed = timed(t, 'forest of the items in reverse', () =>
    forest(
      [...procs].reverse(),
      (p) => p.pid,
      (p) => p.ppid,
    ),
  );
  assert.equal(chainKeys(reversed, (p) => p.pid).length, DEPTH);
  // Only the deepest matches: every ancestor stays, as the path to it.
  const pruned = timed(t, 'prune', () => prune(roots, (p) => p.pid === DEPTH));
  assert.equal(chainKeys(pruned, (p) => p.pid).length, DEPTH);
  assert.deepEqual(
    prune(roots, () => false),
    [],
  );
});

test('flatten and processTree draw a chain of 100,000 processes, each row at most DRAWN_LEVELS levels of lines wide', (t) => {
  const roots = processForest(processChain());
  const rows = timed(t, 'flatten', () => flatten(roots));
  assert.equal(rows.length, DEPTH);
  assert.equal(rows[0]!.prefix, '');
  assert.equal(rows[1]!.prefix, '└─');
  assert.equal(rows[DRAWN_LEVELS]!.prefix, '  '.repeat(DRAWN_LEVELS - 1) + '└─', 'the deepest row drawn in full');
  assert.equal(
    rows[DRAWN_LEVELS + 1]!.prefix,
    `[${DRAWN_LEVELS + 1}]` + '  '.repeat(DRAWN_LEVELS - 1) + '└─',
    'deeper: its depth, then its nearest levels',
  );
  assert.equal(rows[DEPTH - 1]!.prefix, `[${DEPTH - 1}]` + '  '.repeat(DRAWN_LEVELS - 1) + '└─');
  assert.deepEqual([rows[0]!.parent, rows[DEPTH - 1]!.parent?.pid], [null, DEPTH - 1]);

  const text = timed(t, 'processTree', () => processTree(roots));
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, DEPTH + 1, 'a header and a row per process');
  assert.match(lines.at(-1)!, new RegExp(`^\\[${DEPTH - 1}\\] +└─${DEPTH} +${DEPTH} +root +- +sh -c nest$`));
  assert.ok(
    lines.every((l) => l.length < 200),
    'no row as wide as the tree is deep',
  );
});

test('100,000 stacked mounts: parsed, decoded (each hidden by the next), drawn as a tree, and answered about', (t) => {
  const table = timed(t, 'parse and decode', () => stackedTable());
  assert.equal(table.mounts.length, DEPTH + 1);
  assert.equal(table.mounts.filter((m) => m.hidden).length, DEPTH - 1, 'every mount but the top one is covered');
  assert.deepEqual(table.mounts.at(-2)!.hiddenBy, { id: 99 + DEPTH, target: '/tmp/d', how: 'on top' });
  assert.equal(chainKeys(mountForest(table.mounts), (m) => m.id).length, DEPTH + 1);

  const text = timed(t, 'mountTreeText', () => mountTreeText(table));
  const lines = text.trimEnd().split('\n');
  assert.equal(lines.length, DEPTH + 2);
  assert.match(lines.at(-1)!, new RegExp(`^\\[${DEPTH}\\] +└─/tmp/d +d +tmpfs +private +- +- +rw$`));

  const answer = timed(t, 'propagation answer', () =>
    new PropagationIndex({ tables: [table], unreadable: [] }).answer(table, '/tmp/d/x'),
  );
  assert.equal(answer.mount.id, 99 + DEPTH, 'the path lies in the top mount');
});

test('the Mount Propagation panel lists 100,000 stacked mounts in tree order with their depth', (t) => {
  const table = stackedTable();
  const view = timed(t, 'mountTableView', () =>
    mountTableView(table.ns, { tables: [table], unreadable: [] }, table, null, '12:00:00'),
  );
  assert.equal(view.mounts.length, DEPTH + 1);
  assert.deepEqual(
    [view.mounts[0], view.mounts.at(-1)].map((m) => [m!.id, m!.depth]),
    [
      [21, 0],
      [99 + DEPTH, DEPTH],
    ],
  );
});

test('the propagation drawing of a mount under a chain of 100,000 master groups puts each group below its master', (t) => {
  // Mount i is in peer group i + 1 and a slave of group i.
  const lines = ['21 1 254:1 / / rw - ext4 /dev/vda rw'];
  for (let i = 1; i <= DEPTH; i++)
    lines.push(`${100 + i} 21 0:40 / /m${i} rw shared:${i + 1}${i > 1 ? ` master:${i}` : ''} - tmpfs m rw`);
  const table: MountTable = {
    ns: 1,
    label: null,
    via: '/proc/1/mountinfo',
    mounts: mountRecords(parseMountinfo(lines.join('\n')).mounts),
    errors: [],
  };
  const index = new PropagationIndex({ tables: [table], unreadable: [] });
  const bottom = table.mounts.at(-1)!;
  const model = timed(t, 'propagationGraph', () => propagationGraph(index, table, bottom));
  const depthOf = new Map(model.bands.map((b) => [b.group, b.depth]));
  assert.equal(depthOf.get(2), 0, 'the top group');
  assert.equal(depthOf.get(DEPTH + 1), DEPTH - 1, 'the bottom mount’s group, below every master');
  assert.equal(model.edges.length, DEPTH - 1);
});

test('the sidebar nests 100,000 member processes, and looks for an inode through a 100,000-deep chain of user namespaces', (t) => {
  const procs = processChain();
  const namespaces: NamespaceRecord[] = [nsRecord(HOST.pid, 'pid', procs, { label: 'host' })];
  // A chain of user namespaces each owned by the one before (deeper than a kernel allows, not than a snapshot can say).
  for (let i = 0; i < DEPTH; i++)
    namespaces.push(nsRecord(5_000_000_000 + i, 'user', [], { ons: i ? 4_999_999_999 + i : null, pid: null }));
  const snapshot = snapshotOf(namespaces, procs);
  const byType = new TreeModel(snapshot, 'type');
  const pidRow = timed(t, 'findNamespace by type', () => byType.findNamespace(HOST.pid))!;
  const [top] = timed(t, 'the member process tree', () => byType.children(pidRow));
  assert.equal(top!.kind === 'process' && top.process.pid, 1);
  assert.equal(byType.children(top!).length, 1, 'its one child, and so on down');

  const byOwner = new TreeModel(snapshot, 'owner');
  assert.equal(
    timed(t, 'findNamespace of an inode no row has', () => byOwner.findNamespace(42)),
    undefined,
  );
});
