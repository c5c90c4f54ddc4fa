/**
 * discover() on test/fixtures/captured: a real scenario captured as root with
 * test/fixtures/make-captured.sh (see test/fixtures/README.md), its hierarchy replayed by
 * FixtureProbe. Expected values come from the fixture's own files (symlinks, status,
 * hierarchy.json, pids.txt), so a re-capture keeps these tests meaningful.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { discover } from '../../src/core/discovery/discover';
import { parseNsLink } from '../../src/core/linux/procfs';
import { isNsType, NamespaceRecord, NS_TYPES, NsType, Snapshot } from '../../src/core/model/snapshot';
import { FIXTURES, FixtureProbe, fixtureSource, readHierarchy } from './fixture-probe';

const DIR = path.join(FIXTURES, 'captured');
const PROC = path.join(DIR, 'proc');
const hierarchy = readHierarchy(DIR);

/** Roles of the captured PIDs, from pids.txt: `role pid` per line. */
const role: Record<string, number> = Object.fromEntries(
  fs
    .readFileSync(path.join(DIR, 'pids.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => {
      const [name, pid] = line.split(' ');
      return [name, Number(pid)];
    }),
);
const capturedPids = fs
  .readdirSync(PROC)
  .map(Number)
  .sort((a, b) => a - b);

/** The inode a fixture symlink points at, read straight from the tree. */
function linkIno(rel: string): number {
  const parsed = parseNsLink(fs.readlinkSync(path.join(PROC, rel)));
  assert.ok(parsed, `${rel} is not a namespace link`);
  return parsed.ino;
}
const nsOf = (pid: number, type: NsType | 'pid_for_children') => linkIno(`${pid}/ns/${type}`);

function scan(): { snap: Snapshot; probe: FixtureProbe } {
  const probe = FixtureProbe.of(DIR);
  return { snap: discover({ proc: fixtureSource('captured'), probe, viewerUid: 0 }), probe };
}
const { snap, probe } = scan();

function record(ino: number): NamespaceRecord {
  const rec = snap.namespaces.find((n) => n.ns === ino);
  assert.ok(rec, `namespace ${ino} not found`);
  return rec;
}

/** The one namespace a holder of `kind` of `pid` keeps alive, found by scanning the fixture. */
function heldOnlyBy(kind: string, pid: number): NamespaceRecord {
  const found = snap.namespaces.filter((n) => n.holders.some((h) => h.kind === kind && h.pid === pid));
  assert.equal(found.length, 1, `expected one namespace held by a ${kind} of ${pid}, found ${found.map((n) => n.ns)}`);
  return found[0];
}

test('the captured fixture has the roles the tests rely on', () => {
  for (const r of ['kthreadd', 'pidchain-outer', 'pidchain-inner', 'userns', 'fdholder', 'threaded', 'netns']) {
    assert.ok(capturedPids.includes(role[r]), `pids.txt names ${r}, and proc/${role[r]} exists`);
  }
  assert.equal(role.kthreadd, 2);
});

test('finds a namespace of every type', () => {
  assert.deepEqual([...new Set(snap.namespaces.map((n) => n.type))].sort(), [...NS_TYPES].sort());
});

test('finds every namespace that a captured ns link, thread, fd or bind mount points at', () => {
  const expected = new Set<number>();
  for (const pid of capturedPids) {
    for (const type of NS_TYPES) expected.add(nsOf(pid, type));
    expected.add(nsOf(pid, 'pid_for_children'));
  }
  const found = new Set(snap.namespaces.filter((n) => !n.ghost).map((n) => n.ns));
  for (const ino of expected) assert.ok(found.has(ino), `${ino} missing`);
  // Everything else found is a thread's, an fd's or a bind mount's namespace.
  for (const n of snap.namespaces.filter((x) => !x.ghost && !expected.has(x.ns))) {
    assert.ok(
      n.holders.length > 0 && n.holders.every((h) => h.kind !== 'process'),
      `${n.ns} has only non-member holders`,
    );
  }
});

test('every captured process is in the snapshot, none hidden', () => {
  assert.deepEqual(
    snap.processes.map((p) => p.pid),
    capturedPids,
  );
  assert.deepEqual(snap.hidden, { total: 0, byReason: { EACCES: 0, vanished: 0 } });
  assert.ok(snap.processes.every((p) => p.hidden === undefined));
});

test('nprocs, pid, ppid, command and user of each namespace are those of its lowest member PID', () => {
  const statusOf = (pid: number) => fs.readFileSync(path.join(PROC, String(pid), 'status'), 'utf8');
  const cmdlineOf = (pid: number) =>
    fs
      .readFileSync(path.join(PROC, String(pid), 'cmdline'), 'utf8')
      .replace(/\0+$/, '')
      .replaceAll('\0', ' ');
  for (const n of snap.namespaces.filter((x) => !x.ghost)) {
    const members = capturedPids.filter((pid) => nsOf(pid, n.type) === n.ns);
    assert.equal(n.nprocs, members.length, `nprocs of ${n.ns}`);
    if (!members.length) {
      assert.deepEqual(
        [n.pid, n.ppid, n.command, n.uid, n.user],
        [null, null, null, null, null],
        `${n.ns} has no member`,
      );
      continue;
    }
    const senior = members[0];
    const status = statusOf(senior);
    assert.equal(n.pid, senior, `pid of ${n.ns}`);
    assert.equal(n.ppid, Number(/^PPid:\s*(\d+)/m.exec(status)![1]), `ppid of ${n.ns}`);
    assert.equal(n.command, cmdlineOf(senior) || /^Name:\s*(.*)$/m.exec(status)![1], `command of ${n.ns}`);
    const uid = Number(/^Uid:\s*(\d+)/m.exec(status)![1]);
    assert.equal(n.uid, uid);
    assert.equal(n.user, uid === 0 ? 'root' : 'nobody');
  }
});

test('the kernel thread (PID 2) is shown by its name, with parent 0', () => {
  const kthreadd = snap.processes.find((p) => p.pid === 2);
  assert.ok(kthreadd);
  assert.equal(kthreadd.command, 'kthreadd');
  assert.equal(kthreadd.name, 'kthreadd');
  assert.equal(kthreadd.ppid, 0);
  assert.equal(record(nsOf(2, 'net')).command, 'kthreadd', 'PID 2 is the senior member of the host namespaces');
});

test('the innermost process of a 3-level PID namespace chain has 3 NSpid entries, ending in 1', () => {
  const inner = snap.processes.find((p) => p.pid === role['pidchain-inner']);
  assert.ok(inner);
  assert.equal(inner.nspid.length, 3);
  assert.equal(inner.nspid[0], inner.pid);
  assert.equal(inner.nspid[2], 1);
});

test('the PID namespace chain is replayed: inner → middle → host', () => {
  const inner = record(nsOf(role['pidchain-inner'], 'pid'));
  const middle = record(nsOf(role['pidchain-outer'], 'pid_for_children'));
  const host = record(nsOf(2, 'pid'));
  assert.equal(inner.pns, middle.ns);
  assert.equal(middle.pns, host.ns);
  assert.equal(host.pns, null);
});

test('pid_for_children makes a process holder with the link path, not a member', () => {
  const outer = role['pidchain-outer'];
  const middle = record(nsOf(outer, 'pid_for_children'));
  assert.deepEqual(middle.holders, [
    { kind: 'process', pid: outer, path: path.join(PROC, String(outer), 'ns', 'pid_for_children') },
  ]);
  assert.equal(middle.nprocs, 0);
  assert.equal(middle.label, 'unshare (for children)');
  assert.deepEqual(snap.processes.find((p) => p.pid === outer)?.forChildren, { pid: middle.ns });
});

test('a thread in another UTS namespace is a task holder of it', () => {
  const pid = role.threaded;
  const tids = fs.readdirSync(path.join(PROC, String(pid), 'task')).map(Number);
  const mainUts = nsOf(pid, 'uts');
  const odd = tids.filter((tid) => linkIno(`${pid}/task/${tid}/ns/uts`) !== mainUts);
  assert.equal(odd.length, 1, 'the fixture has one thread in another UTS namespace');
  const uts = heldOnlyBy('task', pid);
  assert.equal(uts.ns, linkIno(`${pid}/task/${odd[0]}/ns/uts`));
  assert.equal(uts.type, 'uts');
  assert.deepEqual(uts.holders, [{ kind: 'task', pid, tid: odd[0] }]);
  assert.equal(uts.nprocs, 0);
  assert.equal(uts.label, `node (thread ${odd[0]})`);
  assert.deepEqual(snap.processes.find((p) => p.pid === pid)?.tasks, [{ tid: odd[0], ns: { uts: uts.ns } }]);
});

test('threads sharing all their namespaces with the process are not listed', () => {
  const fdholder = snap.processes.find((p) => p.pid === role.fdholder);
  assert.ok(fdholder);
  assert.ok(fs.readdirSync(path.join(PROC, String(role.fdholder), 'task')).length > 1, 'node has several threads');
  assert.equal(fdholder.tasks, undefined);
});

test('an nsfs fd among sockets, pipes and anon inodes is an fd holder', () => {
  const pid = role.fdholder;
  const fdDir = path.join(PROC, String(pid), 'fd');
  const targets = fs.readdirSync(fdDir).map((fd) => [fd, fs.readlinkSync(path.join(fdDir, fd))]);
  assert.ok(targets.some(([, t]) => t.startsWith('socket:[')) && targets.some(([, t]) => t.startsWith('pipe:[')));
  const nsfds = targets.filter(([, t]) => isNsType(parseNsLink(t)?.type ?? '')).map(([fd]) => fd);
  assert.equal(nsfds.length, 1, 'the fixture holds one namespace fd');
  const held = heldOnlyBy('fd', pid);
  assert.deepEqual(held.holders, [{ kind: 'fd', pid, fd: Number(nsfds[0]), path: path.join(fdDir, nsfds[0]) }]);
  assert.equal(held.ns, linkIno(`${pid}/fd/${nsfds[0]}`));
  assert.equal(held.nprocs, 0);
  assert.equal(held.label, `node (fd ${nsfds[0]})`);
});

test('an `ip netns add` bind mount is a bindmount holder with its mount namespace, labelled by the netns name', () => {
  const pid = role.netns;
  const net = snap.namespaces.find((n) => n.type === 'net' && n.holders.some((h) => h.kind === 'bindmount'));
  assert.ok(net);
  assert.deepEqual(net.holders, [{ kind: 'bindmount', pid, path: '/run/netns/nsxcap', mntns: nsOf(pid, 'mnt') }]);
  assert.deepEqual(net.nsfs, ['/run/netns/nsxcap']);
  assert.equal(net.label, 'nsxcap');
  assert.equal(net.nprocs, 0);
});

test('a bind mount outside /run/netns is labelled by its path', () => {
  const uts = snap.namespaces.find((n) => n.type === 'uts' && n.holders.some((h) => h.kind === 'bindmount'));
  assert.ok(uts);
  assert.deepEqual(uts.nsfs, ['/mnt/uts-pin']);
  assert.equal(uts.label, '/mnt/uts-pin');
});

test('a namespace held only by a bind mount is probed through /proc/PID/root + its path', () => {
  const net = snap.namespaces.find((n) => n.nsfs.includes('/run/netns/nsxcap'));
  assert.ok(net);
  const call = probe.calls.find((c) => c.ino === net.ns);
  assert.ok(call, 'probed');
  assert.equal(call.path, path.join(PROC, String(role.netns), 'root', 'run', 'netns', 'nsxcap'));
  assert.equal(call.type, 'net');
});

test('pns, ons and ownerUid are those of hierarchy.json for every namespace', () => {
  assert.equal(snap.namespaces.length, Object.keys(hierarchy).length, 'one record per namespace of hierarchy.json');
  for (const n of snap.namespaces) {
    const rel = hierarchy[n.ns];
    assert.ok(rel, `${n.ns} in hierarchy.json`);
    assert.equal(n.type, rel.type, `type of ${n.ns}`);
    assert.equal(n.pns, rel.pns, `pns of ${n.ns}`);
    assert.equal(n.ons, rel.ons, `ons of ${n.ns}`);
    assert.equal(n.ownerUid, rel.ownerUid, `ownerUid of ${n.ns}`);
  }
});

test('a user namespace made by nobody has ownerUid 65534 and owns its network namespace', () => {
  const pid = role.userns;
  const user = record(nsOf(pid, 'user'));
  assert.equal(user.ownerUid, 65534);
  assert.equal(user.user, 'nobody');
  assert.equal(user.pns, nsOf(2, 'user'));
  assert.equal(record(nsOf(pid, 'net')).ons, user.ns);
});

test('ownerUid is set on user namespaces only', () => {
  for (const n of snap.namespaces) assert.equal(n.ownerUid !== undefined, n.type === 'user', `${n.type} ${n.ns}`);
});

test('the owner of the fd-held namespace, whose creator exited, is a ghost', () => {
  const held = heldOnlyBy('fd', role.fdholder);
  assert.ok(held.ons !== null);
  const ghost = record(held.ons);
  assert.equal(ghost.type, 'user');
  assert.equal(ghost.ghost, true);
  assert.equal(ghost.nprocs, 0);
  assert.deepEqual(ghost.holders, []);
  assert.deepEqual(ghost.nsfs, []);
  assert.equal(ghost.label, null);
  assert.equal(ghost.ownerUid, 65534);
  assert.equal(ghost.pns, nsOf(2, 'user'));
});

test('ghosts are exactly the namespaces with no holder', () => {
  for (const n of snap.namespaces) assert.equal(n.ghost, n.holders.length === 0, `${n.ns}`);
  assert.ok(snap.namespaces.some((n) => n.ghost));
});

test('the initial namespaces are labelled host', () => {
  for (const type of NS_TYPES) assert.equal(record(nsOf(2, type)).label, 'host', type);
  for (const n of snap.namespaces) if (n.label === 'host') assert.ok(NS_TYPES.some((t) => nsOf(2, t) === n.ns));
});

test('every record carries the lsns JSON field names', () => {
  for (const n of snap.namespaces) {
    for (const key of ['ns', 'type', 'nprocs', 'pid', 'ppid', 'command', 'uid', 'user', 'pns', 'ons', 'nsfs']) {
      assert.ok(key in n, `${key} in record ${n.ns}`);
    }
  }
});

test('namespaces are sorted by inode, each once', () => {
  const inodes = snap.namespaces.map((n) => n.ns);
  assert.deepEqual(
    inodes,
    [...inodes].sort((a, b) => a - b),
  );
  assert.equal(new Set(inodes).size, inodes.length);
});

test('the snapshot is version 1 and survives a JSON round trip unchanged', () => {
  assert.equal(snap.version, 1);
  assert.deepEqual(JSON.parse(JSON.stringify(snap)), snap);
  assert.equal(snap.scanner.procRoot, PROC);
  assert.equal(snap.scanner.uid, 0);
  assert.ok(!Number.isNaN(Date.parse(snap.takenAt)));
  assert.deepEqual(snap.capabilities, { hierarchy: true });
});

test('the lean `namespaces` detail gives the same namespace records as `full`', () => {
  const lean = discover({
    proc: fixtureSource('captured'),
    probe: FixtureProbe.of(DIR),
    viewerUid: 0,
    detail: 'namespaces',
  });
  assert.deepEqual(lean.namespaces, snap.namespaces);
});

test('probe: null turns the hierarchy off with a reason and still finds every namespace', () => {
  const plain = discover({ proc: fixtureSource('captured'), probe: null, viewerUid: 0 });
  assert.equal(plain.capabilities.hierarchy, false);
  assert.ok(plain.capabilities.hierarchyError && plain.capabilities.hierarchyError.length > 0);
  assert.deepEqual(
    plain.namespaces.map((n) => n.ns),
    snap.namespaces.filter((n) => !n.ghost).map((n) => n.ns),
  );
  for (const n of plain.namespaces) {
    assert.equal(n.pns, null);
    assert.equal(n.ons, null);
    assert.equal(n.ownerUid, undefined);
    assert.equal(n.ghost, false);
  }
  const strip = (n: NamespaceRecord) => ({ ...n, pns: null, ons: null, ownerUid: undefined });
  assert.deepEqual(plain.namespaces.map(strip), snap.namespaces.filter((n) => !n.ghost).map(strip));
});

test('a probe that throws for one namespace does not stop the scan', () => {
  const failing = nsOf(role.userns, 'net');
  const partial = discover({
    proc: fixtureSource('captured'),
    probe: FixtureProbe.of(DIR, new Set([failing])),
    viewerUid: 0,
  });
  assert.equal(partial.capabilities.hierarchy, true);
  const broken = partial.namespaces.find((n) => n.ns === failing);
  assert.ok(broken, 'the namespace is still listed');
  assert.equal(broken.ons, null);
  assert.equal(broken.nprocs, 1);
  for (const n of partial.namespaces.filter((x) => x.ns !== failing)) {
    assert.equal(n.ons, hierarchy[n.ns].ons, `ons of ${n.ns} still replayed`);
    assert.equal(n.pns, hierarchy[n.ns].pns, `pns of ${n.ns} still replayed`);
  }
});
