/**
 * mountTable.ts: propagation decoded from mountinfo's optional fields, and which mounts
 * path resolution can no longer reach (hidden), with the kernel's walk as ground truth.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mount, parseMountinfo } from '../../src/core/mounts/mountinfo';
import { groupText, mountForest, MountRecord, mountRecords, propagationOf } from '../../src/core/mounts/mountTable';
import { TreeNode } from '../../src/core/model/hierarchy';

/** A mount in mountinfo order; only what the hidden rule and propagation look at varies. */
function mnt(id: number, parent: number, target: string, optionalFields: string[] = []): Mount {
  return {
    id,
    parent,
    majmin: `0:${id}`,
    root: '/',
    target,
    options: 'rw',
    optionalFields,
    fstype: 'tmpfs',
    source: 'tmpfs',
    superOptions: 'rw',
  };
}

function records(...mounts: Mount[]): Map<number, MountRecord> {
  return new Map(mountRecords(mounts).map((r) => [r.id, r]));
}

/** Ids of the hidden mounts, sorted, for compact comparisons. */
function hiddenIds(byId: Map<number, MountRecord>): number[] {
  return [...byId.values()]
    .filter((r) => r.hidden)
    .map((r) => r.id)
    .sort((a, b) => a - b);
}

function decoded(...optionalFields: string[]): Pick<MountRecord, 'propagation' | 'peer' | 'master' | 'propagateFrom'> {
  const [r] = mountRecords([mnt(30, 1, '/m', optionalFields)]);
  return { propagation: r.propagation, peer: r.peer, master: r.master, propagateFrom: r.propagateFrom };
}

// Propagation, as findmnt -o PROPAGATION says it.

test('no optional field: private', () => {
  assert.deepEqual(decoded(), { propagation: 'private', peer: null, master: null, propagateFrom: null });
});

test('shared:5: shared, peer group 5', () => {
  assert.deepEqual(decoded('shared:5'), { propagation: 'shared', peer: 5, master: null, propagateFrom: null });
});

test('master:3: a slave of group 3', () => {
  assert.deepEqual(decoded('master:3'), { propagation: 'slave', peer: null, master: 3, propagateFrom: null });
});

test('shared:5 master:3: shared,slave, in either order of the fields', () => {
  const expected = { propagation: 'shared,slave', peer: 5, master: 3, propagateFrom: null };
  assert.deepEqual(decoded('shared:5', 'master:3'), expected);
  assert.deepEqual(decoded('master:3', 'shared:5'), expected);
});

test('unbindable: unbindable, with no group', () => {
  assert.deepEqual(decoded('unbindable'), { propagation: 'unbindable', peer: null, master: null, propagateFrom: null });
});

test('master:3 propagate_from:2: a slave of 3 whose nearest visible source is group 2', () => {
  assert.deepEqual(decoded('master:3', 'propagate_from:2'), {
    propagation: 'slave',
    peer: null,
    master: 3,
    propagateFrom: 2,
  });
});

test('unknown optional fields from newer kernels are ignored', () => {
  assert.deepEqual(decoded('shared:5', 'future:9'), {
    propagation: 'shared',
    peer: 5,
    master: null,
    propagateFrom: null,
  });
});

test('a group field without a number is no group (not group 0)', () => {
  assert.deepEqual(decoded('shared:', 'master:x'), {
    propagation: 'private',
    peer: null,
    master: null,
    propagateFrom: null,
  });
  assert.deepEqual(decoded('shared:1e3'), { propagation: 'private', peer: null, master: null, propagateFrom: null });
});

test('propagationOf: shared wins over unbindable, a master makes it a slave', () => {
  assert.equal(propagationOf(1, null, true), 'shared');
  assert.equal(propagationOf(1, 2, false), 'shared,slave');
  assert.equal(propagationOf(null, 2, true), 'slave');
  assert.equal(propagationOf(null, null, true), 'unbindable');
  assert.equal(propagationOf(null, null, false), 'private');
});

test('groupText writes the groups the way mountinfo does', () => {
  assert.equal(groupText({ peer: 5, master: 3, propagateFrom: 2 }), 'shared:5 master:3 propagate_from:2');
  assert.equal(groupText({ peer: null, master: 3, propagateFrom: null }), 'master:3');
  assert.equal(groupText({ peer: null, master: null, propagateFrom: null }), '');
});

test('the other fields are carried over unchanged', () => {
  const m: Mount = {
    id: 7,
    parent: 1,
    majmin: '8:1',
    root: '/sub',
    target: '/srv',
    options: 'ro,nosuid',
    optionalFields: ['shared:2'],
    fstype: 'ext4',
    source: '/dev/sda1',
    superOptions: 'rw,errors=remount-ro',
  };
  const [r] = mountRecords([m]);
  assert.deepEqual(
    {
      id: r.id,
      parent: r.parent,
      majmin: r.majmin,
      root: r.root,
      target: r.target,
      options: r.options,
      fstype: r.fstype,
      source: r.source,
      superOptions: r.superOptions,
    },
    {
      id: 7,
      parent: 1,
      majmin: '8:1',
      root: '/sub',
      target: '/srv',
      options: 'ro,nosuid',
      fstype: 'ext4',
      source: '/dev/sda1',
      superOptions: 'rw,errors=remount-ro',
    },
  );
  assert.equal(r.hidden, false);
  assert.equal(r.hiddenBy, undefined);
});

// Hidden mounts. Ground truth: the kernel walks a path from the root mount; at each
// mountpoint it enters the last mount made there, so whatever that one sits on is lost.

test('stacked mount: /dev/shm walks into the top mount; the lower one and its children are out of reach', () => {
  const byId = records(
    mnt(20, 1, '/'),
    mnt(24, 20, '/dev'),
    mnt(25, 24, '/dev/shm'), // lower
    mnt(26, 25, '/dev/shm/sub'), // made in the lower one before the stack
    mnt(30, 25, '/dev/shm'), // on top of 25
    mnt(31, 30, '/dev/shm/top'), // made in the top one
  );
  assert.deepEqual(hiddenIds(byId), [25, 26]);
  assert.deepEqual(byId.get(25)!.hiddenBy, { id: 30, target: '/dev/shm', how: 'on top' });
  assert.deepEqual(byId.get(26)!.hiddenBy, { id: 25, target: '/dev/shm', how: 'in a hidden mount' });
  assert.equal(byId.get(31)!.hidden, false);
});

test('three stacked: only the topmost is reachable', () => {
  const byId = records(mnt(20, 1, '/'), mnt(40, 20, '/mnt'), mnt(41, 40, '/mnt'), mnt(42, 41, '/mnt'));
  assert.deepEqual(hiddenIds(byId), [40, 41]);
  assert.deepEqual(byId.get(40)!.hiddenBy, { id: 41, target: '/mnt', how: 'on top' });
  assert.deepEqual(byId.get(41)!.hiddenBy, { id: 42, target: '/mnt', how: 'on top' });
});

test('a sibling over an ancestor directory: /a is entered before /a/b is reached, so the earlier /a/b and its children are hidden', () => {
  const byId = records(
    mnt(20, 1, '/'),
    mnt(40, 20, '/a/b'),
    mnt(41, 40, '/a/b/c'),
    mnt(42, 20, '/a'), // over /a, in the same parent
  );
  assert.deepEqual(hiddenIds(byId), [40, 41]);
  assert.deepEqual(byId.get(40)!.hiddenBy, { id: 42, target: '/a', how: 'above' });
  assert.deepEqual(byId.get(41)!.hiddenBy, { id: 40, target: '/a/b', how: 'in a hidden mount' });
});

test('a sibling over an ancestor directory hides the deeper one even when listed first (propagation can make that order)', () => {
  const byId = records(mnt(20, 1, '/'), mnt(42, 20, '/a'), mnt(40, 20, '/a/b/c/d'));
  assert.deepEqual(hiddenIds(byId), [40]);
  assert.deepEqual(byId.get(40)!.hiddenBy, { id: 42, target: '/a', how: 'above' });
});

test('a mount made at /a/b after /a was covered is a child of the cover, so it is reachable', () => {
  const byId = records(
    mnt(20, 1, '/'),
    mnt(40, 20, '/a/b'),
    mnt(42, 20, '/a'),
    mnt(43, 42, '/a/b'), // the walk to /a/b now goes through 42
    mnt(44, 43, '/a/b/c'),
  );
  assert.deepEqual(hiddenIds(byId), [40]);
});

test('a sibling at a name that only shares a prefix (/ab) does not cover /a/b', () => {
  const byId = records(mnt(20, 1, '/'), mnt(40, 20, '/a/b'), mnt(41, 20, '/ab'), mnt(42, 20, '/a/bc'));
  assert.deepEqual(hiddenIds(byId), []);
});

test('shadow siblings on the same target: the later in mountinfo order wins, whatever the ids', () => {
  const byId = records(
    mnt(20, 1, '/'),
    mnt(50, 20, '/mnt'),
    mnt(51, 50, '/mnt/in-first'),
    mnt(45, 20, '/mnt'), // later in the file, smaller id: the kernel reuses ids
    mnt(46, 45, '/mnt/in-second'),
  );
  assert.deepEqual(hiddenIds(byId), [50, 51]);
  assert.deepEqual(byId.get(50)!.hiddenBy, { id: 45, target: '/mnt', how: 'on top' });
  assert.deepEqual(byId.get(51)!.hiddenBy, { id: 50, target: '/mnt', how: 'in a hidden mount' });
});

test('tucked mount: a mount propagated under an existing one becomes its parent, so the parent is hidden and the child visible', () => {
  // Since Linux 4.11 a propagated mount goes under what was there: the old top (60) is
  // re-parented onto the newcomer (70), which mountinfo lists after its own child.
  const byId = records(
    mnt(20, 1, '/'),
    mnt(60, 70, '/mnt'),
    mnt(61, 60, '/mnt/top-child'),
    mnt(70, 20, '/mnt'),
    mnt(71, 70, '/mnt/under'),
  );
  assert.deepEqual(hiddenIds(byId), [70, 71]);
  assert.deepEqual(byId.get(70)!.hiddenBy, { id: 60, target: '/mnt', how: 'on top' });
  assert.equal(byId.get(61)!.hidden, false);
});

test('a mount stacked on a mount whose mountpoint is covered is out of reach too', () => {
  const byId = records(
    mnt(20, 1, '/'),
    mnt(40, 20, '/a/b'),
    mnt(41, 40, '/a/b'), // on top of 40, but /a/b itself is behind /a
    mnt(42, 20, '/a'),
  );
  assert.deepEqual(hiddenIds(byId), [40, 41]);
  assert.deepEqual(byId.get(41)!.hiddenBy, { id: 42, target: '/a', how: 'above' });
});

test('a mount stacked on the root mount hides the root and everything in it', () => {
  const byId = records(mnt(20, 1, '/'), mnt(21, 20, '/proc'), mnt(22, 20, '/'), mnt(23, 22, '/proc'));
  assert.deepEqual(hiddenIds(byId), [20, 21]);
  assert.deepEqual(byId.get(20)!.hiddenBy, { id: 22, target: '/', how: 'on top' });
});

test('roots whose parent is not listed (outside a chroot or another namespace) are reachable, as is a self-parented one', () => {
  const byId = records(
    mnt(27, 1, '/'),
    mnt(22, 27, '/proc'),
    mnt(90, 88, '/srv'),
    mnt(91, 91, '/x'),
    mnt(92, 91, '/x/y'),
  );
  assert.deepEqual(hiddenIds(byId), []);
});

test('a root whose parent is absent can still be covered by a mount on top of it', () => {
  const byId = records(mnt(27, 1, '/'), mnt(28, 27, '/'), mnt(29, 27, '/etc'));
  assert.deepEqual(hiddenIds(byId), [27, 29]);
});

test('a parent cycle (impossible from the kernel) does not hang and leaves the mounts unhidden', () => {
  const byId = records(mnt(20, 1, '/'), mnt(40, 41, '/a'), mnt(41, 40, '/a/b'));
  assert.deepEqual(hiddenIds(byId), []);
});

// The mountinfo of the machine these tests were written on: /dev/shm and /dev/pts are
// each stacked twice, the root is listed after its children and its parent (1) is absent.
/* eslint-disable max-len -- the lines as the kernel wrote them */
const MACHINE = `22 27 0:21 / /proc rw,relatime - proc proc rw
23 27 0:22 / /sys rw,relatime - sysfs sysfs rw
24 27 0:6 / /dev rw,relatime - devtmpfs devtmpfs rw,size=12334492k,nr_inodes=3083623,mode=755
25 24 0:23 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24684092k
26 24 0:24 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
28 27 0:25 / /mnt/sandboxing/model_tools_env/v1/python ro,nosuid,nodev,relatime - tmpfs model_tools_unavailable ro,size=4k,mode=755
29 26 0:26 / /dev/pts rw,relatime - devpts devpts rw,mode=600,ptmxmode=000
30 25 0:27 / /dev/shm rw,relatime - tmpfs tmpfs rw,size=24684092k
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
42 27 254:0 /run/netns /run/netns rw,relatime shared:1 - ext4 /dev/vda rw,discard,resv_strict,resuid=65534,resgid=65534
`;
/* eslint-enable max-len */

test('a real mountinfo: the lower /dev/shm and /dev/pts are hidden by the ones stacked on them, nothing else is', () => {
  const parsed = parseMountinfo(MACHINE);
  assert.deepEqual(parsed.errors, []);
  const byId = new Map(mountRecords(parsed.mounts).map((r) => [r.id, r]));
  assert.equal(byId.size, 21);
  assert.deepEqual(hiddenIds(byId), [25, 26]);
  assert.deepEqual(byId.get(25)!.hiddenBy, { id: 30, target: '/dev/shm', how: 'on top' });
  assert.deepEqual(byId.get(26)!.hiddenBy, { id: 29, target: '/dev/pts', how: 'on top' });
  assert.deepEqual(
    [...byId.values()].filter((r) => r.propagation !== 'private').map((r) => [r.id, r.propagation, r.peer, r.root]),
    [[42, 'shared', 1, '/run/netns']],
  );
});

test('a real mountinfo nests like findmnt draws it, the root first though listed sixth', () => {
  const shape = (nodes: TreeNode<MountRecord>[]): unknown[] =>
    nodes.map((n) => (n.children.length ? [n.item.id, shape(n.children)] : n.item.id));
  assert.deepEqual(shape(mountForest(mountRecords(parseMountinfo(MACHINE).mounts))), [
    [
      27,
      [
        22,
        [23, [[31, [32, 33, 34, 35, 36, 37, 38, 39, 40, 41]]]],
        [
          24,
          [
            [25, [30]],
            [26, [29]],
          ],
        ],
        28,
        42,
      ],
    ],
  ]);
});
