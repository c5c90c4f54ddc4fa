/** mountDiff.ts: two mount namespaces compared path by path, by the mount a person reaches there. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { compareMounts } from '../../src/core/mounts/mountDiff';
import { Mount } from '../../src/core/mounts/mountinfo';
import { MountRecord, mountRecords } from '../../src/core/mounts/mountTable';

function mnt(
  id: number,
  parent: number,
  target: string,
  fs: Partial<Pick<Mount, 'majmin' | 'root' | 'fstype' | 'source' | 'options'>> = {},
  optionalFields: string[] = [],
): Mount {
  return {
    id,
    parent,
    majmin: '0:50',
    root: '/',
    target,
    options: 'rw',
    optionalFields,
    fstype: 'tmpfs',
    source: 'tmpfs',
    superOptions: 'rw',
    ...fs,
  };
}

const ROOT = { majmin: '254:0', fstype: 'ext4', source: '/dev/vda' };

test('identical tables: every path is the same', () => {
  const here = mountRecords([mnt(1, 0, '/', ROOT), mnt(2, 1, '/proc', { majmin: '0:21', fstype: 'proc' })]);
  const there = mountRecords([mnt(11, 10, '/', ROOT), mnt(12, 11, '/proc', { majmin: '0:21', fstype: 'proc' })]);
  assert.deepEqual(compareMounts(here, there), {
    onlyHere: [],
    onlyThere: [],
    propagationDiffers: [],
    mountDiffers: [],
    same: 2,
  });
});

test('mount ids and sources do not matter; filesystem, root and propagation do', () => {
  const here = mountRecords([mnt(1, 0, '/', ROOT), mnt(2, 1, '/mnt', { source: 'a', options: 'ro' })]);
  const there = mountRecords([mnt(11, 10, '/', ROOT), mnt(99, 11, '/mnt', { source: 'b', options: 'rw' })]);
  assert.equal(compareMounts(here, there).same, 2);
});

test('a path mounted on one side only is listed on that side', () => {
  const here = mountRecords([mnt(1, 0, '/', ROOT), mnt(2, 1, '/only-here')]);
  const there = mountRecords([mnt(11, 10, '/', ROOT), mnt(12, 11, '/only-there'), mnt(13, 11, '/also-there')]);
  const d = compareMounts(here, there);
  assert.deepEqual(
    d.onlyHere.map((m) => m.id),
    [2],
  );
  assert.deepEqual(
    d.onlyThere.map((m) => m.id),
    [12, 13],
  );
  assert.equal(d.same, 1);
});

test('the same filesystem propagating differently is a propagation difference, not a different mount', () => {
  const here = mountRecords([
    mnt(1, 0, '/', ROOT, ['shared:1']),
    mnt(2, 1, '/run/netns', { ...ROOT, root: '/run/netns' }, ['shared:4']),
  ]);
  const there = mountRecords([
    mnt(11, 10, '/', ROOT, ['master:1']),
    mnt(12, 11, '/run/netns', { ...ROOT, root: '/run/netns' }),
  ]);
  const d = compareMounts(here, there);
  assert.deepEqual(
    d.propagationDiffers.map((p) => [p.target, p.here.propagation, p.there.propagation]),
    [
      ['/', 'shared', 'slave'],
      ['/run/netns', 'shared', 'private'],
    ],
  );
  assert.deepEqual([d.mountDiffers, d.same], [[], 0]);
});

test('a different device, root or filesystem type at a path is a different mount', () => {
  const here = mountRecords([
    mnt(1, 0, '/', ROOT),
    mnt(2, 1, '/a', { majmin: '0:60' }),
    mnt(3, 1, '/b', { ...ROOT, root: '/srv' }),
    mnt(4, 1, '/c', { fstype: 'ramfs' }),
  ]);
  const there = mountRecords([
    mnt(11, 10, '/', ROOT),
    mnt(12, 11, '/a', { majmin: '0:61' }),
    mnt(13, 11, '/b', { ...ROOT, root: '/home' }),
    mnt(14, 11, '/c', { fstype: 'tmpfs' }, ['shared:3']),
  ]);
  const d = compareMounts(here, there);
  assert.deepEqual(
    d.mountDiffers.map((p) => [p.target, p.here.id, p.there.id]),
    [
      ['/a', 2, 12],
      ['/b', 3, 13],
      ['/c', 4, 14],
    ],
  );
  assert.deepEqual(d.propagationDiffers, [], 'a different mount is not also reported for its propagation');
  assert.equal(d.same, 1);
});

test('a stacked path is compared by its reachable top mount, whichever side lists the hidden one', () => {
  const shm = { majmin: '0:27' };
  const here = mountRecords([
    mnt(1, 0, '/', ROOT),
    mnt(25, 1, '/dev/shm', { majmin: '0:23' }),
    mnt(30, 25, '/dev/shm', shm),
  ]);
  const there = mountRecords([mnt(11, 10, '/', ROOT), mnt(40, 11, '/dev/shm', shm)]);
  assert.deepEqual(compareMounts(here, there), {
    onlyHere: [],
    onlyThere: [],
    propagationDiffers: [],
    mountDiffers: [],
    same: 2,
  });
  assert.equal(compareMounts(there, here).same, 2);
});

test('the reachable mount is chosen even when the hidden one is listed after it (tucked)', () => {
  // 60 was re-parented onto 70 when 70 was propagated under it: 70 is listed later but hidden.
  const here = mountRecords([
    mnt(1, 0, '/', ROOT),
    mnt(60, 70, '/mnt', { majmin: '0:60' }),
    mnt(70, 1, '/mnt', { majmin: '0:70' }),
  ]);
  const there = mountRecords([mnt(11, 10, '/', ROOT), mnt(80, 11, '/mnt', { majmin: '0:60' })]);
  assert.equal(here.find((m) => m.id === 70)!.hidden, true);
  const d = compareMounts(here, there);
  assert.deepEqual([d.same, d.mountDiffers], [2, []]);
});

test('a path where every mount is hidden is compared by the last one listed', () => {
  const here = mountRecords([
    mnt(1, 0, '/', ROOT),
    mnt(2, 1, '/a/b', { majmin: '0:2' }),
    mnt(3, 1, '/a/b', { majmin: '0:3' }),
    mnt(4, 1, '/a', { majmin: '0:4' }),
  ]);
  assert.ok(here.filter((m) => m.target === '/a/b').every((m) => m.hidden));
  const there = mountRecords([mnt(11, 10, '/', ROOT), mnt(12, 11, '/a/b', { majmin: '0:2' })]);
  const d = compareMounts(here, there);
  assert.deepEqual(
    d.mountDiffers.map((p) => [p.target, p.here.id]),
    [['/a/b', 3]],
  );
  assert.deepEqual(
    d.onlyHere.map((m) => m.id),
    [4],
  );
});

test('empty tables: nothing to compare', () => {
  assert.deepEqual(compareMounts([], []), {
    onlyHere: [],
    onlyThere: [],
    propagationDiffers: [],
    mountDiffers: [],
    same: 0,
  });
  const one = mountRecords([mnt(1, 0, '/', ROOT)]);
  assert.deepEqual(
    compareMounts(one, []).onlyHere.map((m) => m.id),
    [1],
  );
  assert.deepEqual(
    compareMounts([], one).onlyThere.map((m) => m.id),
    [1],
  );
});

const table = fc
  .uniqueArray(
    fc.record({
      target: fc.constantFrom('/', '/a', '/a/b', '/b', '/c', '/dev/shm'),
      dev: fc.integer({ min: 1, max: 3 }),
      shared: fc.boolean(),
    }),
    {
      maxLength: 8,
    },
  )
  .map((rows) =>
    mountRecords(rows.map((r, i) => mnt(i + 1, 0, r.target, { majmin: `0:${r.dev}` }, r.shared ? ['shared:1'] : []))),
  );

test('property: every target lands in exactly one bucket, and swapping the sides swaps the buckets', () => {
  fc.assert(
    fc.property(table, table, (here, there) => {
      const d = compareMounts(here, there);
      const targets = (ms: readonly MountRecord[]) => new Set(ms.map((m) => m.target));
      const both = [...targets(here)].filter((t) => targets(there).has(t)).length;
      assert.equal(d.onlyHere.length, targets(here).size - both);
      assert.equal(d.onlyThere.length, targets(there).size - both);
      assert.equal(d.same + d.mountDiffers.length + d.propagationDiffers.length, both);
      const r = compareMounts(there, here);
      assert.deepEqual(r.onlyHere.map((m) => m.target).sort(), d.onlyThere.map((m) => m.target).sort());
      assert.deepEqual(
        [r.same, r.mountDiffers.map((p) => p.target).sort(), r.propagationDiffers.map((p) => p.target).sort()],
        [d.same, d.mountDiffers.map((p) => p.target).sort(), d.propagationDiffers.map((p) => p.target).sort()],
      );
    }),
    { numRuns: 300 },
  );
});

test('property: a table compared with itself is all the same', () => {
  fc.assert(
    fc.property(table, (ms) => {
      const d = compareMounts(ms, ms);
      assert.equal(d.same, new Set(ms.map((m) => m.target)).size);
      assert.deepEqual([d.onlyHere, d.onlyThere, d.mountDiffers, d.propagationDiffers], [[], [], [], []]);
    }),
    { numRuns: 200 },
  );
});
