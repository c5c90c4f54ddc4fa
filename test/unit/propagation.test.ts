/**
 * propagation.ts: where a mount made at a path also appears, across mount namespaces, on
 * hand-built mount tables. Ground truth is the kernel's propagation tree (shared-subtrees.rst):
 * an event goes to every peer of the group and every slave of it; a slave that is also
 * shared passes it on to its own peers and slaves; a copy is made only where the directory
 * is inside the receiving mount's root.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Mount } from '../../src/core/mounts/mountinfo';
import { mountRecords } from '../../src/core/mounts/mountTable';
import {
  describePropagation,
  mountAt,
  MountSet,
  MountTable,
  normalisePath,
  Placement,
  PropagationError,
  PropagationIndex,
  UnreadableTable,
} from '../../src/core/mounts/propagation';

interface Spec {
  id: number;
  parent: number;
  target: string;
  opt?: string[];
  root?: string;
}

function table(ns: number | null, label: string | null, specs: Spec[]): MountTable {
  const mounts = specs.map((s): Mount => ({
    id: s.id,
    parent: s.parent,
    majmin: '0:50',
    root: s.root ?? '/',
    target: s.target,
    options: 'rw',
    optionalFields: s.opt ?? [],
    fstype: 'tmpfs',
    source: `src${s.id}`,
    superOptions: 'rw',
  }));
  return { ns, label, via: `/proc/${ns}/mountinfo`, mounts: mountRecords(mounts), errors: [] };
}

function mountOf(t: MountTable, id: number) {
  const m = t.mounts.find((r) => r.id === id);
  assert.ok(m, `mount ${id} in the table`);
  return m;
}

/** [mount id, ns, path] of each placement, sorted by mount id. */
function where(placements: Placement[]): [number, number | null, string][] {
  return placements.map((p): [number, number | null, string] => [p.mount.id, p.ns, p.path]).sort((a, b) => a[0] - b[0]);
}

// Several namespaces around peer group 5 (the shared /mnt of the host):
//   HOST  10 /mnt shared:5, 11 /srv/bind shared:5 (bind of /mnt in the same namespace),
//         12 /priv private, 13 /unb unbindable
//   PEER  110 /mnt shared:5
//   SLAVE 210 /data master:5                      (receives, sends nothing)
//   MID   310 /x shared:7 master:5                (slave of 5, passes on through group 7)
//   END   410 /y master:7, 411 /y2 shared:8 master:7; LAST 510 /z master:8 (5 → 7 → 8)
//   SUB   610 /sub-view shared:5 root /sub        (bind of the subdirectory /sub)
const HOST = table(1001, 'host', [
  { id: 1, parent: 0, target: '/', opt: ['shared:1'] },
  { id: 10, parent: 1, target: '/mnt', opt: ['shared:5'] },
  { id: 11, parent: 1, target: '/srv/bind', opt: ['shared:5'] },
  { id: 12, parent: 1, target: '/priv' },
  { id: 13, parent: 1, target: '/unb', opt: ['unbindable'] },
]);
const PEER = table(1002, 'peer', [
  { id: 100, parent: 0, target: '/' },
  { id: 110, parent: 100, target: '/mnt', opt: ['shared:5'] },
]);
const SLAVE = table(1003, null, [
  { id: 200, parent: 0, target: '/' },
  { id: 210, parent: 200, target: '/data', opt: ['master:5'] },
]);
const MID = table(1004, 'mid', [
  { id: 300, parent: 0, target: '/' },
  { id: 310, parent: 300, target: '/x', opt: ['shared:7', 'master:5'] },
]);
const END = table(1005, 'end', [
  { id: 400, parent: 0, target: '/' },
  { id: 410, parent: 400, target: '/y', opt: ['master:7'] },
  { id: 411, parent: 400, target: '/y2', opt: ['shared:8', 'master:7'] },
]);
const LAST = table(1006, 'last', [
  { id: 500, parent: 0, target: '/' },
  { id: 510, parent: 500, target: '/z', opt: ['master:8'] },
]);
const SUB = table(1007, 'sub', [
  { id: 600, parent: 0, target: '/' },
  { id: 610, parent: 600, target: '/sub-view', opt: ['shared:5'], root: '/sub' },
]);
const SET: MountSet = { tables: [HOST, PEER, SLAVE, MID, END, LAST, SUB], unreadable: [] };
const INDEX = new PropagationIndex(SET);

test('a mount made in a shared mount appears at every peer, every slave, and down a chain of shared slaves', () => {
  const a = INDEX.answer(HOST, '/mnt/sub/x');
  assert.equal(a.mount.id, 10);
  assert.equal(a.fsPath, '/sub/x');
  assert.deepEqual(where(a.sendsTo), [
    [11, 1001, '/srv/bind/sub/x'], // same-namespace peer
    [110, 1002, '/mnt/sub/x'], // peer in another namespace
    [210, 1003, '/data/sub/x'], // slave of 5
    [310, 1004, '/x/sub/x'], // shared slave of 5
    [410, 1005, '/y/sub/x'], // slave of 7
    [411, 1005, '/y2/sub/x'], // shared slave of 7
    [510, 1006, '/z/sub/x'], // slave of 8: 5 → 7 → 8
    [610, 1007, '/sub-view/x'], // its root /sub holds sub/x
  ]);
  assert.ok(a.sendsTo.every((p) => p.coveredBy === undefined));
});

test('each placement says by which group it is reached', () => {
  const via = new Map(INDEX.answer(HOST, '/mnt').sendsTo.map((p) => [p.mount.id, p.via]));
  assert.equal(via.get(110), 'peer group 5');
  assert.equal(via.get(210), 'slave of peer group 5');
  assert.equal(via.get(310), 'slave of peer group 5');
  assert.equal(via.get(410), 'slave of peer group 7');
  assert.equal(via.get(510), 'slave of peer group 8');
});

test('a bind mount of /sub receives nothing for paths outside /sub, nor for the mountpoint itself', () => {
  const ids = (path: string) => INDEX.answer(HOST, path).sendsTo.map((p) => p.mount.id);
  assert.ok(!ids('/mnt/other').includes(610));
  assert.ok(!ids('/mnt').includes(610));
  assert.ok(!ids('/mnt/subway').includes(610), '/subway is not inside /sub');
  assert.ok(ids('/mnt/sub').includes(610));
  assert.equal(INDEX.answer(HOST, '/mnt/sub').sendsTo.find((p) => p.mount.id === 610)!.path, '/sub-view');
});

test('from inside a bind of /sub, the path is translated back: /sub-view/q is /mnt/sub/q on the host', () => {
  const a = INDEX.answer(SUB, '/sub-view/q');
  assert.equal(a.fsPath, '/sub/q');
  const host = a.sendsTo.find((p) => p.mount.id === 10);
  assert.equal(host?.path, '/mnt/sub/q');
});

test('a slave receives from its master group but sends nothing back', () => {
  const a = INDEX.answer(SLAVE, '/data/sub/q');
  assert.deepEqual(a.sendsTo, []);
  assert.deepEqual(where(a.receivesFrom), [
    [10, 1001, '/mnt/sub/q'],
    [11, 1001, '/srv/bind/sub/q'],
    [110, 1002, '/mnt/sub/q'],
    [610, 1007, '/sub-view/q'],
  ]);
  assert.ok(a.receivesFrom.every((p) => p.via === 'master: peer group 5'));
  assert.ok(
    !INDEX.answer(PEER, '/mnt').receivesFrom.some((p) => p.mount.id === 210),
    'the master group does not receive from its slave',
  );
});

test('the end of a shared,slave chain receives from every group up the chain, and the chain does not flow back', () => {
  const a = INDEX.answer(LAST, '/z');
  assert.deepEqual(
    where(a.receivesFrom).map(([id]) => id),
    [10, 11, 110, 310, 411],
  );
  assert.equal(a.receivesFrom.find((p) => p.mount.id === 411)!.via, 'master: peer group 8');
  assert.equal(a.receivesFrom.find((p) => p.mount.id === 310)!.via, 'master: peer group 7');
  const mid = INDEX.answer(MID, '/x');
  assert.deepEqual(
    where(mid.sendsTo).map(([id]) => id),
    [410, 411, 510],
  );
  assert.ok(
    !mid.sendsTo.some((p) => [10, 11, 110, 210].includes(p.mount.id)),
    'a slave sends nothing to its master group',
  );
});

test('peers receive from each other, in this namespace and others', () => {
  assert.deepEqual(
    where(INDEX.answer(PEER, '/mnt').receivesFrom).map(([id]) => id),
    [10, 11],
  );
  assert.deepEqual(
    where(INDEX.answer(HOST, '/srv/bind').receivesFrom).map(([id]) => id),
    [10, 110],
  );
});

test('private and unbindable mounts send and receive nothing, and nobody counts them', () => {
  for (const path of ['/priv/a', '/unb']) {
    const a = INDEX.answer(HOST, path);
    assert.deepEqual([a.sendsTo, a.receivesFrom], [[], []], path);
  }
  const everywhere = SET.tables.flatMap((t) =>
    t.mounts.flatMap((m) => [...INDEX.answerFor(t, m).sendsTo, ...INDEX.answerFor(t, m).receivesFrom]),
  );
  assert.ok(!everywhere.some((p) => p.mount.id === 12 || p.mount.id === 13));
});

test('the shared root of the host is its own group: /etc sends to nobody in group 5', () => {
  const a = INDEX.answer(HOST, '/etc');
  assert.equal(a.mount.id, 1);
  assert.deepEqual(a.sendsTo, []);
});

test('relations lists the other peers, the master group and the slaves', () => {
  const r = INDEX.relations(mountOf(MID, 310));
  assert.deepEqual(r.peers, []);
  assert.deepEqual(r.masters.map((l) => l.mount.id).sort(), [10, 11, 110, 610].sort());
  assert.deepEqual(r.slaves.map((l) => l.mount.id).sort(), [410, 411]);
  assert.deepEqual(
    INDEX.relations(mountOf(HOST, 10))
      .peers.map((l) => l.mount.id)
      .sort((a, b) => a - b),
    [11, 110, 610],
  );
  assert.deepEqual(INDEX.relations(mountOf(HOST, 12)), { peers: [], masters: [], slaves: [] });
});

test('a receiving mount that is covered there is marked with what covers it', () => {
  const stacked = table(2001, null, [
    { id: 800, parent: 0, target: '/' },
    { id: 810, parent: 800, target: '/mnt', opt: ['shared:5'] },
    { id: 811, parent: 810, target: '/mnt' }, // stacked on 810
  ]);
  const a = new PropagationIndex({ tables: [HOST, stacked], unreadable: [] }).answer(HOST, '/mnt/a');
  const p = a.sendsTo.find((q) => q.mount.id === 810);
  assert.deepEqual(p?.coveredBy, { id: 811, target: '/mnt' });
  assert.match(a.explanation.join('\n'), /out of reach there: covered by \/mnt, mount 811/);
});

test('a path covered in the receiving namespace by a deeper mount is marked with that mount', () => {
  const deeper = table(2002, null, [
    { id: 900, parent: 0, target: '/' },
    { id: 910, parent: 900, target: '/mnt', opt: ['shared:5'] },
    { id: 911, parent: 910, target: '/mnt/a' }, // private, only here
  ]);
  const index = new PropagationIndex({ tables: [HOST, deeper], unreadable: [] });
  assert.deepEqual(index.answer(HOST, '/mnt/a/b').sendsTo.find((p) => p.mount.id === 910)?.coveredBy, {
    id: 911,
    target: '/mnt/a',
  });
  assert.equal(index.answer(HOST, '/mnt/b').sendsTo.find((p) => p.mount.id === 910)?.coveredBy, undefined);
  // At the covering mount's own mountpoint the new mount would be tucked under it.
  assert.deepEqual(index.answer(HOST, '/mnt/a').sendsTo.find((p) => p.mount.id === 910)?.coveredBy, {
    id: 911,
    target: '/mnt/a',
  });
});

test('a receiving mount inside a hidden mount is marked with what actually covers it, not with the mount it sits in', () => {
  const behind = table(2008, null, [
    { id: 950, parent: 0, target: '/' },
    { id: 951, parent: 950, target: '/a/b' }, // hidden: /a is mounted over it
    { id: 952, parent: 951, target: '/a/b/c', opt: ['shared:5'] }, // in the hidden 951
    { id: 953, parent: 950, target: '/a' },
  ]);
  const p = new PropagationIndex({ tables: [HOST, behind], unreadable: [] })
    .answer(HOST, '/mnt')
    .sendsTo.find((q) => q.mount.id === 952);
  assert.deepEqual(p?.coveredBy, { id: 953, target: '/a' });
});

test('answer walks into the visible mount: at a stacked target it is the top one', () => {
  const t = table(2003, null, [
    { id: 1, parent: 0, target: '/' },
    { id: 2, parent: 1, target: '/dev/shm', opt: ['shared:5'] },
    { id: 3, parent: 2, target: '/dev/shm' },
  ]);
  const a = new PropagationIndex({ tables: [t, HOST], unreadable: [] }).answer(t, '/dev/shm/f');
  assert.equal(a.mount.id, 3);
  assert.deepEqual(a.sendsTo, [], 'the top mount is private');
});

test('answerFor a hidden mount still tells where its group goes', () => {
  const t = table(2004, null, [
    { id: 1, parent: 0, target: '/' },
    { id: 2, parent: 1, target: '/mnt', opt: ['shared:5'] },
    { id: 3, parent: 2, target: '/mnt' },
  ]);
  const a = new PropagationIndex({ tables: [t, PEER], unreadable: [] }).answerFor(t, mountOf(t, 2));
  assert.equal(a.path, '/mnt');
  assert.deepEqual(where(a.sendsTo), [[110, 1002, '/mnt']]);
});

test('answer throws PropagationError for a relative path and when no mount holds the path', () => {
  assert.throws(() => INDEX.answer(HOST, 'mnt/x'), PropagationError);
  assert.throws(() => INDEX.answer(HOST, ''), PropagationError);
  const chrooted = table(2005, null, [{ id: 5, parent: 4, target: '/srv' }]);
  assert.throws(
    () => INDEX.answer(chrooted, '/etc'),
    (e: unknown) => e instanceof PropagationError && /\/etc/.test(e.message),
  );
  const allHidden = table(2006, null, [
    { id: 1, parent: 0, target: '/' },
    { id: 2, parent: 1, target: '/' },
    { id: 3, parent: 2, target: '/' },
  ]);
  allHidden.mounts.forEach((m) => (m.hidden = true));
  assert.throws(() => INDEX.answer(allHidden, '/x'), PropagationError);
});

test('normalisePath drops trailing and doubled slashes and resolves . and ..', () => {
  assert.equal(normalisePath('/'), '/');
  assert.equal(normalisePath('/mnt/'), '/mnt');
  assert.equal(normalisePath('//mnt//a///'), '/mnt/a');
  assert.equal(normalisePath('/mnt/./a/../b'), '/mnt/b');
  assert.equal(normalisePath('/..'), '/');
  assert.equal(normalisePath('/a/../../..'), '/');
  assert.throws(() => normalisePath('./mnt'), PropagationError);
  assert.throws(() => normalisePath('mnt'), PropagationError);
});

test('answer takes the path normalised', () => {
  const a = INDEX.answer(HOST, '/mnt/sub/../sub/x/');
  assert.equal(a.path, '/mnt/sub/x');
  assert.equal(a.fsPath, '/sub/x');
});

test('mountAt: the deepest reachable mount holding the path, not one that only shares a prefix', () => {
  const t = table(2007, null, [
    { id: 1, parent: 0, target: '/' },
    { id: 2, parent: 1, target: '/mnt' },
    { id: 3, parent: 2, target: '/mnt/a' },
    { id: 4, parent: 3, target: '/mnt/a' }, // on top of 3
  ]);
  assert.equal(mountAt(t.mounts, '/mnt/a/b')?.id, 4);
  assert.equal(mountAt(t.mounts, '/mnt/ab')?.id, 2);
  assert.equal(mountAt(t.mounts, '/mnt')?.id, 2);
  assert.equal(mountAt(t.mounts, '/')?.id, 1);
});

test('the explanation names the namespaces, the mount and the groups', () => {
  const text = INDEX.answer(HOST, '/mnt/sub/x').explanation.join('\n');
  assert.match(
    text,
    /^\/mnt\/sub\/x in mnt 1001 \(host\) lies in mount 10 at \/mnt \(tmpfs src10\), which is shared \(peer group 5\)\./,
  );
  assert.match(text, /mnt 1002 \(peer\) at \/mnt\/sub\/x, mount 110: peer group 5/);
  assert.match(text, /mnt 1003 at \/data\/sub\/x, mount 210: slave of peer group 5/);
  assert.match(text, /mnt 1006 \(last\) at \/z\/sub\/x, mount 510: slave of peer group 8/);
  const slave = INDEX.answer(SLAVE, '/data').explanation.join('\n');
  assert.match(slave, /which is a slave of peer group 5/);
  assert.match(
    slave,
    /would appear nowhere else: mount 210 is a slave: it receives from peer group 5 and sends nothing back/,
  );
  const priv = INDEX.answer(HOST, '/priv').explanation.join('\n');
  assert.match(priv, /appear nowhere else: mount 12 is private/);
  assert.match(priv, /No mount made elsewhere would appear here: mount 12 is private/);
});

test('the explanation counts the namespaces that could not be read', () => {
  const unreadable: UnreadableTable[] = [
    { ns: 3001, label: null, reason: 'permission denied' },
    { ns: 3002, label: 'x', reason: 'permission denied' },
  ];
  const a = new PropagationIndex({ tables: SET.tables, unreadable }).answer(HOST, '/mnt');
  assert.deepEqual(a.unread, unreadable);
  assert.equal(a.explanation.at(-1), 'Not counted: 2 mount namespaces could not be read (permission denied).');
  assert.ok(!INDEX.answer(HOST, '/mnt').explanation.some((l) => l.startsWith('Not counted')));
});

test('a namespace whose inode is unknown is named as such', () => {
  const t = table(null, null, [
    { id: 1, parent: 0, target: '/' },
    { id: 2, parent: 1, target: '/mnt', opt: ['shared:5'] },
  ]);
  assert.match(
    new PropagationIndex({ tables: [HOST, t], unreadable: [] }).answer(HOST, '/mnt').explanation.join('\n'),
    /mount namespace \(inode unknown\) at \/mnt, mount 2: peer group 5/,
  );
});

test('describePropagation says each kind in words', () => {
  assert.equal(describePropagation({ propagation: 'shared', peer: 5, master: null }), 'shared (peer group 5)');
  assert.equal(
    describePropagation({ propagation: 'shared,slave', peer: 7, master: 5 }),
    'shared (peer group 7) and a slave of peer group 5',
  );
  assert.equal(describePropagation({ propagation: 'slave', peer: null, master: 5 }), 'a slave of peer group 5');
  assert.equal(describePropagation({ propagation: 'private', peer: null, master: null }), 'private');
  assert.match(describePropagation({ propagation: 'unbindable', peer: null, master: null }), /^unbindable/);
});

// Random group graphs: each mount sits at its own target with root /, so the directory is
// always inside and only the groups decide.
const graph = fc.array(
  fc.record({
    ns: fc.integer({ min: 0, max: 2 }),
    peer: fc.option(fc.integer({ min: 1, max: 4 })),
    master: fc.option(fc.integer({ min: 1, max: 4 })),
  }),
  { minLength: 1, maxLength: 9 },
);

function setOf(mounts: { ns: number; peer: number | null; master: number | null }[]): MountSet {
  const tables = [0, 1, 2].map((ns) =>
    table(7000 + ns, null, [
      { id: ns + 1, parent: 0, target: '/' },
      ...mounts.flatMap((m, i) => {
        if (m.ns !== ns) return [];
        const opt = [
          ...(m.peer !== null ? [`shared:${m.peer}`] : []),
          ...(m.master !== null && m.master !== m.peer ? [`master:${m.master}`] : []),
        ];
        return [{ id: 100 + i, parent: ns + 1, target: `/m${i}`, opt }];
      }),
    ]),
  );
  return { tables, unreadable: [] };
}

test('property: Y receives from X exactly when X sends to Y', () => {
  fc.assert(
    fc.property(graph, (mounts) => {
      const set = setOf(mounts);
      const index = new PropagationIndex(set);
      const sends = new Map<number, Set<number>>();
      const receives = new Map<number, Set<number>>();
      for (const t of set.tables) {
        for (const m of t.mounts) {
          const a = index.answerFor(t, m);
          sends.set(m.id, new Set(a.sendsTo.map((p) => p.mount.id)));
          receives.set(m.id, new Set(a.receivesFrom.map((p) => p.mount.id)));
        }
      }
      for (const [x, to] of sends)
        for (const [y, from] of receives)
          assert.equal(to.has(y), from.has(x), `${x} sends to ${y} iff ${y} receives from ${x}`);
    }),
    { numRuns: 300 },
  );
});

test('property: sendsTo is the closure of "a shared mount that gets an event hands it to its group and the group\u2019s slaves"', () => {
  fc.assert(
    fc.property(graph, (mounts) => {
      const set = setOf(mounts);
      const index = new PropagationIndex(set);
      const all = set.tables.flatMap((t) => t.mounts);
      for (const t of set.tables) {
        for (const from of t.mounts) {
          const got = new Set<number>([from.id]);
          for (let grew = true; grew;) {
            grew = false;
            for (const m of all.filter((r) => got.has(r.id) && r.peer !== null)) {
              for (const r of all) {
                if (!got.has(r.id) && (r.peer === m.peer || r.master === m.peer)) {
                  got.add(r.id);
                  grew = true;
                }
              }
            }
          }
          got.delete(from.id);
          assert.deepEqual(
            index
              .answerFor(t, from)
              .sendsTo.map((p) => p.mount.id)
              .sort((a, b) => a - b),
            [...got].sort((a, b) => a - b),
          );
        }
      }
    }),
    { numRuns: 300 },
  );
});
