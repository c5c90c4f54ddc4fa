/** hierarchy.ts: the three forests of a snapshot, prune, and a forest as JSON. */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { discover } from '../../src/core/discovery/discover';
import {
  forest,
  forestJson,
  INDENTED_LEVELS,
  ownerForest,
  parentForest,
  processForest,
  prune,
  TreeNode,
} from '../../src/core/model/hierarchy';
import { NamespaceRecord, NsType, ProcessRecord } from '../../src/core/model/snapshot';
import { FIXTURES, FixtureProbe, fixtureSource } from './fixture-probe';

function ns(ino: number, type: NsType, ons: number | null, pns: number | null = null): NamespaceRecord {
  return {
    ns: ino,
    type,
    nprocs: 1,
    pid: 1,
    ppid: 0,
    command: 'x',
    uid: 0,
    user: 'root',
    pns,
    ons,
    nsfs: [],
    holders: [],
    label: null,
    ghost: false,
  };
}

function proc(pid: number, ppid: number): ProcessRecord {
  return { pid, ppid, uid: 0, user: 'root', name: `p${pid}`, command: `p${pid}`, nspid: [pid], ns: {} };
}

/** A forest as nested [key, children] pairs, for compact comparisons. */
function shape<T>(nodes: TreeNode<T>[], key: (item: T) => number): unknown[] {
  return nodes.map((n) => (n.children.length ? [key(n.item), shape(n.children, key)] : key(n.item)));
}

function count<T>(nodes: TreeNode<T>[]): number {
  return nodes.reduce((sum, n) => sum + 1 + count(n.children), 0);
}

const U0 = 100; // initial user namespace
const U1 = 110; // child user namespace
const U2 = 120; // grandchild
const sample = [
  ns(U0, 'user', null),
  ns(101, 'net', U0),
  ns(U1, 'user', U0, U0),
  ns(111, 'net', U1),
  ns(112, 'uts', U1),
  ns(U2, 'user', U1, U1),
  ns(121, 'mnt', U2),
  ns(200, 'pid', U0),
  ns(210, 'pid', U1, 200),
];

test('ownerForest nests every namespace under its owning user namespace', () => {
  assert.deepEqual(
    shape(ownerForest(sample), (n) => n.ns),
    [[U0, [101, [U1, [111, 112, [U2, [121]], 210]], 200]]],
  );
});

test('parentForest nests PID and user namespaces under their parents, and leaves the other types out', () => {
  assert.deepEqual(
    shape(parentForest(sample), (n) => n.ns),
    [
      [U0, [[U1, [U2]]]],
      [200, [210]],
    ],
  );
});

test('processForest nests processes under their parents; PIDs whose parent is absent are roots', () => {
  const procs = [proc(1, 0), proc(2, 0), proc(10, 1), proc(11, 10), proc(12, 10), proc(3, 2), proc(50, 999)];
  assert.deepEqual(
    shape(processForest(procs), (p) => p.pid),
    [[1, [[10, [11, 12]]]], [2, [3]], 50],
  );
});

test('forest keeps the input order among siblings and roots', () => {
  const procs = [proc(5, 0), proc(3, 0), proc(9, 5), proc(7, 5)];
  assert.deepEqual(
    shape(processForest(procs), (p) => p.pid),
    [[5, [9, 7]], 3],
  );
});

test('forest cuts a cycle without hanging or losing items', () => {
  const cyclic = [proc(1, 3), proc(2, 1), proc(3, 2), proc(4, 0)];
  const roots = processForest(cyclic);
  assert.equal(count(roots), 4);
  assert.deepEqual(
    shape(roots, (p) => p.pid),
    [4, [1, [[2, [3]]]]],
  );
});

test('forest treats an item that is its own parent as a root', () => {
  assert.deepEqual(
    shape(processForest([proc(7, 7), proc(8, 7)]), (p) => p.pid),
    [[7, [8]]],
  );
});

test('property: forest places every item exactly once, whatever the parent links', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }).chain((keys) =>
        fc.tuple(
          fc.constant(keys),
          fc.array(fc.option(fc.integer({ min: 0, max: 45 }), { nil: null }), {
            minLength: keys.length,
            maxLength: keys.length,
          }),
        ),
      ),
      ([keys, parents]) => {
        const items = keys.map((k, i) => ({ k, p: parents[i] }));
        const roots = forest(
          items,
          (x) => x.k,
          (x) => x.p,
        );
        const seen: number[] = [];
        const walk = (nodes: TreeNode<{ k: number }>[]) =>
          nodes.forEach((n) => (seen.push(n.item.k), walk(n.children)));
        walk(roots);
        assert.deepEqual(
          [...seen].sort((a, b) => a - b),
          [...keys].sort((a, b) => a - b),
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('prune keeps the matching nodes and the ancestors that lead to them', () => {
  const pruned = prune(ownerForest(sample), (n) => n.type === 'mnt');
  assert.deepEqual(
    shape(pruned, (n) => n.ns),
    [[U0, [[U1, [[U2, [121]]]]]]],
  );
});

test('prune keeps a matching node\u2019s subtree only where it matches', () => {
  const pruned = prune(ownerForest(sample), (n) => n.ns === U1 || n.ns === 111);
  assert.deepEqual(
    shape(pruned, (n) => n.ns),
    [[U0, [[U1, [111]]]]],
  );
});

test('prune of nothing matching is empty', () => {
  assert.deepEqual(
    prune(ownerForest(sample), () => false),
    [],
  );
});

/** The forest as JSON.stringify would write it, each item with its children (none on leaves). */
function nested<T extends object>(nodes: TreeNode<T>[]): object[] {
  return nodes.map((n) => (n.children.length ? { ...n.item, children: nested(n.children) } : { ...n.item }));
}

test('forestJson gives each item its children, and omits children on leaves', () => {
  const [root] = JSON.parse(forestJson(ownerForest(sample))) as (NamespaceRecord & { children?: NamespaceRecord[] })[];
  assert.equal(root!.ns, U0);
  assert.deepEqual(
    root!.children?.map((c) => c.ns),
    [101, U1, 200],
  );
  const net = root!.children![0]!;
  assert.equal('children' in net, false);
  assert.equal(net.type, 'net');
});

test('forestJson does not modify the records it writes', () => {
  const records = sample.map((n) => ({ ...n }));
  forestJson(ownerForest(records), '  ');
  assert.deepEqual(records, sample);
  assert.ok(records.every((r) => !('children' in r)));
});

test('property: forestJson is the text JSON.stringify gives, compact or indented, at any level of a document', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 1, max: 40 }), { maxLength: 30 }).chain((keys) =>
        fc.tuple(
          fc.constant(keys),
          fc.array(fc.option(fc.integer({ min: 0, max: 45 }), { nil: null }), {
            minLength: keys.length,
            maxLength: keys.length,
          }),
          fc.array(fc.dictionary(fc.string(), fc.jsonValue()), { minLength: keys.length, maxLength: keys.length }),
        ),
      ),
      fc.constantFrom('', '  ', '\t'),
      ([keys, parents, extras], indent) => {
        // Items with nested values of their own, and some with no members at all.
        const items = keys.map((k, i) => (k % 7 ? { ...extras[i], k, p: parents[i] } : {}));
        const roots = forest(
          items,
          (x) => (x as { k?: number }).k ?? 0,
          (x) => (x as { p?: number | null }).p ?? null,
        );
        assert.equal(forestJson(roots, indent), JSON.stringify(nested(roots), null, indent));
        const doc = JSON.stringify({ key: nested(roots) }, null, indent);
        assert.equal(
          `{${indent ? `\n${indent}` : ''}"key":${indent ? ' ' : ''}` +
            `${forestJson(roots, indent, 1)}${indent ? '\n' : ''}}`,
          doc,
        );
      },
    ),
    { numRuns: 300 },
  );
});

test('forestJson writes a chain of 100,000 nested processes, which JSON.stringify cannot; indented, no line deeper than INDENTED_LEVELS', () => {
  const chain = (length: number) => processForest(Array.from({ length }, (_, i) => proc(i + 1, i)));
  assert.throws(() => JSON.stringify(deepObject(100_000)), RangeError, 'JSON.stringify recurses');
  const pids = (text: string) => {
    const out: number[] = [];
    for (let node: ChainNode | undefined = (JSON.parse(text) as ChainNode[])[0]; node; node = node.children?.[0]) {
      assert.ok((node.children?.length ?? 0) <= 1);
      out.push(node.pid);
    }
    return out;
  };
  const compact = forestJson(chain(100_000));
  assert.deepEqual(
    pids(compact),
    Array.from({ length: 100_000 }, (_, i) => i + 1),
  );
  const indented = forestJson(chain(10_000), '  ');
  assert.equal(pids(indented).length, 10_000);
  assert.ok(
    indented.split('\n').every((line) => /^ */.exec(line)![0].length <= 2 * (INDENTED_LEVELS + 2)),
    'indentation stops growing',
  );
});

interface ChainNode {
  pid: number;
  children?: ChainNode[];
}

/** {children: [{children: [...]}]}, DEPTH levels, built without recursion. */
function deepObject(depth: number): object {
  let o: object = {};
  for (let i = 0; i < depth; i++) o = { children: [o] };
  return o;
}

test('on the captured fixture, the owner forest has one root: the initial user namespace', () => {
  const snap = discover({
    proc: fixtureSource('captured'),
    probe: FixtureProbe.of(path.join(FIXTURES, 'captured')),
    viewerUid: 0,
  });
  const roots = ownerForest(snap.namespaces);
  assert.deepEqual(
    roots.map((r) => r.item.ns),
    [4026531837],
  );
  assert.equal(count(roots), snap.namespaces.length);
  const parents = parentForest(snap.namespaces);
  assert.equal(count(parents), snap.namespaces.filter((n) => n.type === 'pid' || n.type === 'user').length);
});
