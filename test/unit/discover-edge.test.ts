/**
 * discover() on the hand-made fixture trees of test/fixtures (see its README.md): processes
 * that vanish or deny access, threads, fds, bind mounts, container labels, ghosts and the
 * host's namespaces. Permission cases are simulated by subclassing ProcSource, so that
 * these tests need no root and create no namespace.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { discover, DiscoveryError, DiscoverOptions } from '../../src/core/discovery/discover';
import { PathPidDir, PidDir, ProcSource } from '../../src/core/linux/procfs';
import { NamespaceRecord, NS_TYPES, Snapshot } from '../../src/core/model/snapshot';
import { FIXTURES, FixtureProbe, fixtureSource, HOST } from './fixture-probe';

function scan(name: string, options: DiscoverOptions = {}): Snapshot {
  return discover({
    proc: fixtureSource(name),
    probe: FixtureProbe.of(path.join(FIXTURES, name)),
    viewerUid: 0,
    ...options,
  });
}

function ns(snap: Snapshot, ino: number): NamespaceRecord {
  const rec = snap.namespaces.find((n) => n.ns === ino);
  assert.ok(rec, `namespace ${ino} not found in ${snap.namespaces.map((n) => n.ns).join(' ')}`);
  return rec;
}

/** A ProcSource whose reads of some PIDs' namespaces fail, counting every call per PID. */
class Recording extends ProcSource {
  readonly nsCalls = new Map<number, number>();
  readonly fdCalls = new Map<number, number>();
  readonly mountinfoCalls: number[] = [];

  constructor(
    name: string,
    /** PIDs whose ns links answer EACCES. */
    private readonly denied: ReadonlySet<number> = new Set(),
    /** Simulated owners of /proc/PID: the status's real UID, as for an ordinary process. */
    private readonly simulateOwners = false,
  ) {
    const dir = path.join(FIXTURES, name);
    super(path.join(dir, 'proc'), path.join(dir, 'etc', 'passwd'));
  }

  /** Scans read through the path-based methods below, so that their failures and counts apply. */
  override openPid(pid: number): PidDir {
    return new PathPidDir(this, pid);
  }

  override taskDirStat(pid: number): ReturnType<ProcSource['taskDirStat']> {
    const real = super.taskDirStat(pid);
    return this.simulateOwners ? { ...real, uid: this.status(pid).uid } : real;
  }

  override nsInode(pid: number, link: Parameters<ProcSource['nsInode']>[1], tid?: number): number {
    this.nsCalls.set(pid, (this.nsCalls.get(pid) ?? 0) + 1);
    if (this.denied.has(pid)) {
      throw Object.assign(new Error(`EACCES: permission denied, readlink '${this.nsPath(pid, link, tid)}'`), {
        code: 'EACCES',
      });
    }
    return super.nsInode(pid, link, tid);
  }

  override fds(pid: number): number[] {
    this.fdCalls.set(pid, (this.fdCalls.get(pid) ?? 0) + 1);
    return super.fds(pid);
  }

  override mountinfo(pid: number): string {
    this.mountinfoCalls.push(pid);
    return super.mountinfo(pid);
  }
}

function scanWith(proc: Recording, name: string, options: DiscoverOptions = {}): Snapshot {
  return discover({ proc, probe: FixtureProbe.of(path.join(FIXTURES, name)), viewerUid: 0, ...options });
}

// --- vanished and hidden processes ---------------------------------------------------

test('a PID directory without status is counted as vanished, not listed', () => {
  const snap = scan('vanished');
  assert.ok(!snap.processes.some((p) => p.pid === 101));
  assert.equal(snap.hidden.byReason.vanished, 2);
});

test('a PID whose status exists but whose ns links are gone is counted as vanished, not listed', () => {
  const snap = scan('vanished');
  assert.ok(!snap.processes.some((p) => p.pid === 102));
  assert.deepEqual(
    snap.processes.map((p) => p.pid),
    [1],
  );
  assert.deepEqual(snap.hidden, { total: 2, byReason: { EACCES: 0, vanished: 2 } });
});

test('non-numeric /proc entries (self, uptime, sys) are not taken for processes', () => {
  const snap = scan('vanished');
  assert.equal(snap.namespaces.length, 8);
  assert.ok(snap.namespaces.every((n) => n.nprocs === 1 && n.pid === 1));
});

test('a process whose ns links answer EACCES is listed hidden with no namespaces and counted', () => {
  const proc = new Recording('users', new Set([200]));
  const snap = scanWith(proc, 'users');
  const nginx = snap.processes.find((p) => p.pid === 200);
  assert.ok(nginx);
  assert.equal(nginx.hidden, 'EACCES');
  assert.deepEqual(nginx.ns, {});
  assert.equal(nginx.user, 'www-data');
  assert.deepEqual(snap.hidden, { total: 1, byReason: { EACCES: 1, vanished: 0 } });
  assert.ok(!snap.namespaces.some((n) => n.ns === 4026532210), 'its own network namespace stays unknown');
  assert.ok(!snap.namespaces.some((n) => n.holders.some((h) => h.pid === 200)));
});

test('a non-root viewer skips other users\u2019 processes without reading their namespaces', () => {
  const proc = new Recording('users', new Set(), true);
  scanWith(proc, 'users', { viewerUid: 1000 });
  for (const pid of [1, 200, 302]) {
    assert.equal(proc.nsCalls.get(pid), undefined, `no nsInode call for PID ${pid}`);
    assert.equal(proc.fdCalls.get(pid), undefined, `no fd listing for PID ${pid}`);
  }
  assert.ok((proc.nsCalls.get(300) ?? 0) >= 8, 'the viewer\u2019s own processes are read');
});

test('other users\u2019 processes are counted under hidden.byReason.EACCES and listed as hidden', () => {
  const snap = scanWith(new Recording('users', new Set(), true), 'users', { viewerUid: 1000 });
  assert.deepEqual(snap.hidden, { total: 3, byReason: { EACCES: 3, vanished: 0 } });
  const hidden = snap.processes.filter((p) => p.hidden);
  assert.deepEqual(
    hidden.map((p) => [p.pid, p.hidden, p.uid, p.user]),
    [
      [1, 'EACCES', 0, 'root'],
      [200, 'EACCES', 33, 'www-data'],
      [302, 'EACCES', 0, 'root'],
    ],
  );
  for (const p of hidden) assert.deepEqual(p.ns, {});
  assert.equal(hidden.find((p) => p.pid === 200)?.command, 'nginx: worker process', 'status and cmdline stay readable');
  assert.equal(snap.scanner.uid, 1000);
});

test('a non-root viewer still sees the namespaces of its own processes, with their owner', () => {
  const snap = scanWith(new Recording('users', new Set(), true), 'users', { viewerUid: 1000 });
  const user = ns(snap, 4026532220);
  assert.equal(user.nprocs, 1);
  assert.equal(user.pid, 301);
  assert.equal(user.user, 'dev');
  assert.equal(user.ownerUid, 1000);
  assert.equal(ns(snap, 4026532221).ons, 4026532220);
  assert.equal(ns(snap, HOST.net).nprocs, 1, 'only PID 300 is counted in the host netns');
  assert.equal(ns(snap, HOST.net).pid, 300);
});

test('hidden.total is the sum of EACCES and vanished', () => {
  const snap = scanWith(new Recording('vanished', new Set([1])), 'vanished');
  assert.deepEqual(snap.hidden, { total: 3, byReason: { EACCES: 1, vanished: 2 } });
  assert.equal(snap.processes.length, 1);
  assert.equal(snap.namespaces.length, 0);
});

// --- threads, fds and bind mounts ----------------------------------------------------

test('a thread in another UTS namespace becomes a task holder; a thread that ended is skipped', () => {
  const snap = scan('threads');
  const python = snap.processes.find((p) => p.pid === 400);
  assert.ok(python);
  assert.equal(python.hidden, undefined);
  assert.deepEqual(python.tasks, [{ tid: 402, ns: { uts: 4026532310 } }]);
  const uts = ns(snap, 4026532310);
  assert.deepEqual(uts.holders, [{ kind: 'task', pid: 400, tid: 402 }]);
  assert.equal(uts.nprocs, 0);
  assert.equal(uts.label, 'python3 (thread 402)');
  assert.equal(ns(snap, HOST.uts).nprocs, 2, 'a thread is not a member: the process still counts once');
});

test('only nsfs fd targets become fd holders, one per fd', () => {
  const snap = scan('fds');
  const fdHolders = snap.namespaces.flatMap((n) =>
    n.holders.filter((h) => h.kind === 'fd').map((h) => [n.ns, n.type, h]),
  );
  const fdPath = (fd: number) => path.join(FIXTURES, 'fds', 'proc', '500', 'fd', String(fd));
  assert.deepEqual(fdHolders, [
    [4026532410, 'net', { kind: 'fd', pid: 500, fd: 3, path: fdPath(3) }],
    [4026532410, 'net', { kind: 'fd', pid: 500, fd: 7, path: fdPath(7) }],
    [4026532411, 'mnt', { kind: 'fd', pid: 500, fd: 6, path: fdPath(6) }],
    [4026532412, 'pid', { kind: 'fd', pid: 500, fd: 9, path: fdPath(9) }],
  ]);
});

test('a namespace held only by an fd is labelled by the holder\u2019s name and fd', () => {
  const snap = scan('fds');
  assert.equal(ns(snap, 4026532410).label, 'holder (fd 3)');
  assert.equal(ns(snap, 4026532410).nprocs, 0);
  assert.equal(ns(snap, 4026532412).pns, HOST.pid);
});

test('an octal-escaped space in a bind mount path is unescaped in nsfs, label and holder', () => {
  const snap = scan('bindmounts');
  const spaced = ns(snap, 4026532502);
  assert.deepEqual(spaced.nsfs, ['/run/netns/with space']);
  assert.equal(spaced.label, 'with space');
  assert.deepEqual(spaced.holders, [{ kind: 'bindmount', pid: 600, path: '/run/netns/with space', mntns: 4026532500 }]);
});

test('the probe opens a bind-mounted namespace through /proc/PID/root and the unescaped path', () => {
  const probe = FixtureProbe.of(path.join(FIXTURES, 'bindmounts'));
  discover({ proc: fixtureSource('bindmounts'), probe, viewerUid: 0 });
  const call = probe.calls.find((c) => c.ino === 4026532502);
  assert.equal(call?.path, path.join(FIXTURES, 'bindmounts', 'proc', '600', 'root', 'run', 'netns', 'with space'));
});

test('/var/run/netns names are netns names too', () => {
  assert.equal(ns(scan('bindmounts'), 4026532504).label, 'red');
});

test('a bind mount outside the netns directories is labelled by its path', () => {
  const snap = scan('bindmounts');
  assert.equal(ns(snap, 4026532503).label, '/srv/pins/uts');
  assert.equal(ns(snap, 4026532503).type, 'uts');
  assert.equal(ns(snap, 4026532506).label, '/srv/pins/ipc\ttab', 'an escaped tab is unescaped too');
});

test('a bind mount seen in two mount namespaces gives a holder in each, and its path once in nsfs', () => {
  const blue = ns(scan('bindmounts'), 4026532501);
  assert.deepEqual(
    blue.holders.filter((h) => h.kind === 'bindmount'),
    [
      { kind: 'bindmount', pid: 600, path: '/run/netns/blue', mntns: 4026532500 },
      { kind: 'bindmount', pid: 602, path: '/run/netns/blue', mntns: 4026532510 },
    ],
  );
  assert.deepEqual(blue.nsfs, ['/run/netns/blue']);
});

test('a named netns with a member process is labelled by its name, not the command', () => {
  const blue = ns(scan('bindmounts'), 4026532501);
  assert.equal(blue.nprocs, 1);
  assert.equal(blue.pid, 603);
  assert.equal(blue.command, 'ping -c 100 192.0.2.1');
  assert.equal(blue.label, 'blue');
});

test('a truncated nsfs line in mountinfo is skipped, not fatal', () => {
  const snap = scan('bindmounts');
  assert.ok(!snap.namespaces.some((n) => n.ns === 4026532505));
  assert.equal(snap.hidden.total, 0);
});

test('one mountinfo is read per mount namespace with members', () => {
  const proc = new Recording('bindmounts');
  scanWith(proc, 'bindmounts');
  // PIDs 600 and 601 share mount namespace 4026532500: only 600 is read.
  assert.deepEqual(
    [...proc.mountinfoCalls].sort((a, b) => a - b),
    [1, 600, 602, 603],
  );
});

// --- labels --------------------------------------------------------------------------

const DOCKER = '3f5a0c2b9d8e';
test('a docker container (cgroup v2, systemd driver) is labelled docker + short id', () => {
  const snap = scan('containers');
  for (const ino of [4026532700, 4026532701, 4026532702, 4026532703, 4026532704, 4026532705]) {
    assert.equal(ns(snap, ino).label, `docker ${DOCKER}`, `${ns(snap, ino).type}`);
  }
});

test('a podman container is labelled podman + short id', () => {
  assert.equal(ns(scan('containers'), 4026532713).label, 'podman 9a8b7c6d5e4f');
});

test('a containerd container under kubepods is labelled with its pod uid and short id', () => {
  assert.equal(
    ns(scan('containers'), 4026532723).label,
    'kubepods pod 1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e containerd c0ffee012345',
  );
});

test('a docker container on cgroup v1 (no 0:: line) is labelled docker + short id', () => {
  assert.equal(ns(scan('containers'), 4026532752).label, 'docker d0d0cafe0123');
});

test('a systemd service\u2019s private namespaces are labelled with the unit name', () => {
  const snap = scan('containers');
  assert.equal(ns(snap, 4026532730).label, 'nginx.service');
  assert.equal(ns(snap, 4026532731).label, 'nginx.service');
});

test('an app scope under user@1000.service falls back to the process name', () => {
  const snap = scan('containers');
  assert.equal(ns(snap, 4026532740).label, 'chrome');
  assert.equal(ns(snap, 4026532741).label, 'chrome');
});

test('the initial namespaces (inodes 4026531832..4026531839) are labelled host without PID 2', () => {
  const snap = scan('containers');
  assert.ok(!snap.processes.some((p) => p.pid === 2));
  for (const [type, ino] of Object.entries(HOST)) assert.equal(ns(snap, ino).label, 'host', type);
  assert.deepEqual(
    snap.namespaces.filter((n) => n.label === 'host').map((n) => n.ns),
    Object.values(HOST).sort((a, b) => a - b),
  );
});

test('on kernels without fixed net/mnt inodes, the namespaces of kthreadd are labelled host', () => {
  const snap = scan('oldkernel');
  assert.equal(ns(snap, 4026531992).label, 'host');
  assert.equal(ns(snap, 4026531840).label, 'host');
  assert.equal(ns(snap, 4026532900).label, 'sleep');
});

test('kernel threads have their name as command', () => {
  const snap = scan('oldkernel');
  assert.deepEqual(
    snap.processes.filter((p) => p.ppid === 2 || p.pid === 2).map((p) => [p.pid, p.command]),
    [
      [2, 'kthreadd'],
      [3, 'rcu_gp'],
    ],
  );
});

test('inside a container\u2019s /proc, an ordinary PID 2 does not make the container\u2019s namespaces "host"', () => {
  // nsx run inside a container (its own PID namespace and /proc): PID 2 is a shell, not kthreadd.
  const snap = scan('container-view');
  const bash = snap.processes.find((p) => p.pid === 2);
  assert.equal(bash?.name, 'bash');
  for (const ino of [4026533001, 4026533002, 4026533003, 4026533004, 4026533005, 4026533006]) {
    assert.notEqual(ns(snap, ino).label, 'host', `${ns(snap, ino).type} ${ino} is the container's, not the host's`);
  }
});

test('an ordinary PID 2 is scanned like any process: its nsfs fd is a holder', () => {
  const snap = scan('container-view');
  assert.deepEqual(ns(snap, 4026533100).holders, [
    { kind: 'fd', pid: 2, fd: 3, path: path.join(FIXTURES, 'container-view', 'proc', '2', 'fd', '3') },
  ]);
});

// --- launchers, and namespaces told apart --------------------------------------------

const LAUNCHED = {
  mntA: 4026533400,
  mntB: 4026533401,
  pidA: 4026533410,
  pidB: 4026533411,
  nest: [4026533420, 4026533421, 4026533422],
};

test('a namespace led by unshare is named after the program it runs, in either detail', () => {
  for (const detail of ['full', 'namespaces'] as const) {
    const snap = scan('launchers', { detail });
    assert.equal(ns(snap, LAUNCHED.mntA).pid, 400, 'unshare is the senior member');
    assert.match(ns(snap, LAUNCHED.mntA).label ?? '', /^sleep\b/, detail);
    assert.match(ns(snap, LAUNCHED.pidA).label ?? '', /^sleep\b/, detail);
  }
});

test('a script run by sh (a file, or sh -c) is named after the script', () => {
  const snap = scan('launchers');
  assert.equal(ns(snap, 4026533430).label, 'nest.sh', "sh -c 'nest.sh 3'");
  for (const ino of LAUNCHED.nest) assert.match(ns(snap, ino).label ?? '', /^nest\.sh \(\d+\)$/);
});

test('equal labels of one type are told apart by the PID of the process that leads each', () => {
  const snap = scan('launchers');
  assert.deepEqual([ns(snap, LAUNCHED.mntA).label, ns(snap, LAUNCHED.mntB).label], ['sleep (400)', 'sleep (402)']);
  assert.deepEqual([ns(snap, LAUNCHED.pidA).label, ns(snap, LAUNCHED.pidB).label], ['sleep (401)', 'sleep (403)']);
  assert.deepEqual(
    LAUNCHED.nest.map((ino) => ns(snap, ino).label),
    ['nest.sh (421)', 'nest.sh (423)', 'nest.sh (425)'],
  );
  // Only within a type: the one UTS namespace named nest.sh keeps its name as it is.
  assert.equal(ns(snap, 4026533430).label, 'nest.sh');
  for (const type of NS_TYPES) {
    const labels = snap.namespaces.filter((n) => n.type === type && n.label !== null).map((n) => n.label);
    assert.equal(new Set(labels).size, labels.length, `${type}: ${labels.join(', ')}`);
  }
});

test('a launcher whose command line names nothing to run keeps its own name; odd names stay readable', () => {
  const snap = scan('launchers');
  assert.equal(ns(snap, 4026533440).label, 'unshare', 'unshare --ipc runs a shell it does not name');
  assert.equal(ns(snap, 4026533460).label, 'unshare', 'an empty program name');
  assert.equal(ns(snap, 4026533450).label, '" spaced"', 'a name starting with a space is quoted, not shown blank-led');
  assert.equal(ns(snap, 4026533470).label, 'my prog', 'an argument with a space is read whole from /proc/PID/cmdline');
});

// --- processes that exit while they are scanned --------------------------------------

/** A ProcSource on a fixture in which some processes exit after their namespace links were read. */
class Exiting extends ProcSource {
  constructor(
    name: string,
    private readonly exited: ReadonlySet<number>,
  ) {
    const dir = path.join(FIXTURES, name);
    super(path.join(dir, 'proc'), path.join(dir, 'etc', 'passwd'));
  }

  private gone(pid: number, what: string): never {
    throw Object.assign(new Error(`ENOENT: no such file or directory, open '${this.pidDir(pid)}/${what}'`), {
      code: 'ENOENT',
    });
  }

  override status(pid: number): ReturnType<ProcSource['status']> {
    return this.exited.has(pid) ? this.gone(pid, 'status') : super.status(pid);
  }

  override cmdline(pid: number): string {
    return this.exited.has(pid) ? this.gone(pid, 'cmdline') : super.cmdline(pid);
  }

  override argv(pid: number): string[] {
    return this.exited.has(pid) ? this.gone(pid, 'cmdline') : super.argv(pid);
  }

  override cgroup(pid: number): string {
    return this.exited.has(pid) ? this.gone(pid, 'cgroup') : super.cgroup(pid);
  }
}

function scanExiting(name: string, exited: number[]): Snapshot {
  return discover({
    proc: new Exiting(name, new Set(exited)),
    probe: FixtureProbe.of(path.join(FIXTURES, name)),
    viewerUid: 0,
    detail: 'namespaces',
  });
}

test('a senior member that exited during the scan gives way to the next member, and is counted as vanished', () => {
  const snap = scanExiting('launchers', [400]);
  const mnt = ns(snap, LAUNCHED.mntA);
  assert.deepEqual([mnt.pid, mnt.nprocs, mnt.command], [401, 1, 'sleep 100']);
  assert.equal(mnt.label, 'sleep (401)');
  assert.ok(!snap.processes.some((p) => p.pid === 400), 'the exited process is not listed');
  assert.ok(!ns(snap, LAUNCHED.pidA).holders.some((h) => h.pid === 400), 'nor kept as a holder');
  assert.deepEqual(snap.hidden, { total: 1, byReason: { EACCES: 0, vanished: 1 } });
});

test('a namespace all of whose processes exited during the scan is dropped', () => {
  const snap = scanExiting('launchers', [400, 401]);
  assert.ok(!snap.namespaces.some((n) => n.ns === LAUNCHED.mntA || n.ns === LAUNCHED.pidA));
  assert.equal(snap.hidden.byReason.vanished, 2);
});

test('a namespace held only for children keeps its holder when its one member exited', () => {
  const pid = ns(scanExiting('launchers', [403]), LAUNCHED.pidB);
  assert.equal(pid.nprocs, 0);
  assert.equal(pid.label, 'unshare (for children)');
});

test('whichever process exits mid-scan, no label is blank or space-led and no member-led namespace says "(for children)"', () => {
  const problems: string[] = [];
  for (const name of ['launchers', 'bindmounts', 'containers', 'threads', 'fds', 'users', 'captured']) {
    for (const p of discover({
      proc: fixtureSource(name),
      probe: FixtureProbe.of(path.join(FIXTURES, name)),
      viewerUid: 0,
    }).processes) {
      for (const n of scanExiting(name, [p.pid]).namespaces) {
        const what = `${name}, PID ${p.pid} exited: ${n.type} ${n.ns} labelled ${JSON.stringify(n.label)}`;
        if (n.label !== null && !/^\S/.test(n.label)) problems.push(`${what}: blank or space-led`);
        if (n.nprocs > 0 && /\(for children\)/.test(n.label ?? ''))
          problems.push(`${what}: "(for children)" on a namespace with members`);
        if (!n.ghost && n.holders.length === 0) problems.push(`${what}: kept with nothing holding it`);
        if (n.pid === p.pid) problems.push(`${what}: still led by the exited process`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

// --- ghosts --------------------------------------------------------------------------

test('parents known only through the hierarchy are ghosts with no holder, process or label', () => {
  const snap = scan('ghost');
  for (const ino of [4026532801, 4026532811]) {
    const g = ns(snap, ino);
    assert.equal(g.ghost, true);
    assert.equal(g.nprocs, 0);
    assert.deepEqual(g.holders, []);
    assert.deepEqual(g.nsfs, []);
    assert.deepEqual([g.pid, g.ppid, g.command, g.uid, g.user, g.label], [null, null, null, null, null, null]);
  }
  assert.deepEqual(
    snap.namespaces.filter((n) => n.ghost).map((n) => n.ns),
    [4026532801, 4026532811],
  );
});

test('a ghost keeps its own relations: parent, owner and owner UID', () => {
  const snap = scan('ghost');
  assert.deepEqual(
    [ns(snap, 4026532801).pns, ns(snap, 4026532801).ons, ns(snap, 4026532801).ownerUid],
    [HOST.user, HOST.user, 1000],
  );
  assert.deepEqual([ns(snap, 4026532811).pns, ns(snap, 4026532811).ons], [HOST.pid, 4026532801]);
  assert.equal(ns(snap, 4026532802).pns, 4026532801);
  assert.equal(ns(snap, 4026532812).pns, 4026532811);
});

test('without a probe there are no ghosts', () => {
  const snap = scan('ghost', { probe: null });
  assert.ok(snap.namespaces.every((n) => !n.ghost));
  assert.equal(snap.capabilities.hierarchy, false);
  assert.match(snap.capabilities.hierarchyError ?? '', /\S/);
});

// --- kernels and roots ---------------------------------------------------------------

test('on a kernel without time namespaces (no ns/time link), processes are still read', () => {
  // Kernels before 5.6 or built without CONFIG_TIME_NS (RHEL 8's 4.18) have no ns/time.
  const snap = scan('no-timens');
  assert.deepEqual(snap.hidden, { total: 0, byReason: { EACCES: 0, vanished: 0 } });
  assert.deepEqual(
    snap.processes.map((p) => p.pid),
    [1, 950],
  );
  assert.equal(ns(snap, 4026532950).pid, 950);
  assert.deepEqual([...new Set(snap.namespaces.map((n) => n.type))].sort(), [
    'cgroup',
    'ipc',
    'mnt',
    'net',
    'pid',
    'user',
    'uts',
  ]);
});

test('a procRoot that does not exist throws DiscoveryError naming it', () => {
  const missing = path.join(FIXTURES, 'no-such-proc');
  assert.throws(
    () => discover({ proc: new ProcSource(missing, path.join(FIXTURES, 'no-such-passwd')), probe: null, viewerUid: 0 }),
    (err: unknown) => {
      assert.ok(err instanceof DiscoveryError, `DiscoveryError, got ${String(err)}`);
      assert.ok(err.message.includes(missing), err.message);
      assert.match(err.message, /procfs/);
      assert.ok(!err.message.includes('\n'), 'one line');
      return true;
    },
  );
});

test('a missing passwd file leaves user names null, nothing else', () => {
  const dir = path.join(FIXTURES, 'users');
  const snap = discover({
    proc: new ProcSource(path.join(dir, 'proc'), path.join(dir, 'no-passwd')),
    probe: null,
    viewerUid: 0,
  });
  assert.equal(snap.processes.length, 5);
  assert.ok(snap.processes.every((p) => p.user === null));
  assert.equal(snap.processes.find((p) => p.pid === 200)?.uid, 33);
});

test('requestedBy is recorded in the scanner when given', () => {
  assert.equal(scan('vanished', { requestedBy: 1000 }).scanner.requestedBy, 1000);
  assert.equal('requestedBy' in scan('vanished').scanner, false);
});
