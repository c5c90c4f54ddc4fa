/** src/core/enter.ts: what `nsx enter` and "Open Terminal in Namespace…" go into, on a hand-made snapshot. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Blame } from '../../src/core/model/blame';
import { Caller } from '../../src/core/terminals/rootNeeded';
import {
  EnterError,
  EnterPlan,
  EnterRequest,
  enterTitle,
  identityProblem,
  planEnter,
} from '../../src/core/terminals/enter';
import { NS_TYPES, NsType, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { HOST } from './fixture-probe';
import { nsRecord as nsRec } from './records';

const ALICE = 1000;
const SELF = process.pid;

const ALICE_USER = 4026532100; // alice's user namespace, a child of the host's
const ALICE_NET = 4026532101;
const ALICE_UTS = 4026532102;
const NGINX_MNT = 4026532200;
const NGINX_NET = 4026532201;
const NGINX_UTS = 4026532202;
const BLUE = 4026532300; // a net namespace held only by a bind mount
const FD_UTS = 4026532301; // a uts namespace held only by an open fd
const FOR_CHILDREN = 4026532302; // a pid namespace held only as pid_for_children
const TASK_UTS = 4026532303; // a uts namespace held only by a thread
const GHOST = 4026532400; // a user namespace known only as an owner

const alice: Caller = { uid: ALICE, userns: HOST.user };
const root: Caller = { uid: 0, userns: HOST.user };

function proc(
  pid: number,
  name: string,
  uid: number,
  ns: Partial<Record<NsType, number>>,
  extra: Partial<ProcessRecord> = {},
): ProcessRecord {
  return { pid, ppid: 1, uid, user: uid === 0 ? 'root' : 'alice', name, command: name, nspid: [pid], ns, ...extra };
}

function snapshot(): Snapshot {
  const { time: _noTime, ...hostWithoutTime } = HOST;
  const processes = [
    proc(1, 'systemd', 0, { ...HOST }),
    proc(SELF, 'nsx', ALICE, { ...HOST }),
    proc(500, 'nginx', 0, { ...HOST, mnt: NGINX_MNT, net: NGINX_NET, uts: NGINX_UTS }),
    proc(600, 'sleep', ALICE, { ...HOST, user: ALICE_USER, net: ALICE_NET, uts: ALICE_UTS }),
    proc(700, 'old', 0, { ...hostWithoutTime, net: NGINX_NET }),
    proc(800, 'secret', 0, {}, { hidden: 'EACCES' }),
    proc(900, 'gone', 0, {}, { hidden: 'vanished' }),
    proc(1100, 'twin', ALICE, { ...HOST }),
  ];
  const members = (type: NsType, ino: number) => processes.filter((p) => p.ns[type] === ino);
  const namespaces = [
    ...NS_TYPES.map((t) => nsRec(HOST[t], t, members(t, HOST[t]), t === 'user' ? { ons: null, ownerUid: 0 } : {})),
    nsRec(ALICE_USER, 'user', members('user', ALICE_USER), { pns: HOST.user, ownerUid: ALICE }),
    nsRec(ALICE_NET, 'net', members('net', ALICE_NET), { ons: ALICE_USER }),
    nsRec(ALICE_UTS, 'uts', members('uts', ALICE_UTS), { ons: ALICE_USER }),
    nsRec(NGINX_MNT, 'mnt', members('mnt', NGINX_MNT)),
    nsRec(NGINX_NET, 'net', members('net', NGINX_NET)),
    nsRec(NGINX_UTS, 'uts', members('uts', NGINX_UTS)),
    nsRec(BLUE, 'net', [], {
      nsfs: ['/run/netns/blue'],
      holders: [{ kind: 'bindmount', pid: 1, path: '/run/netns/blue', mntns: HOST.mnt }],
    }),
    nsRec(FD_UTS, 'uts', [], { holders: [{ kind: 'fd', pid: 500, fd: 5, path: '/proc/500/fd/5' }] }),
    nsRec(FOR_CHILDREN, 'pid', [], {
      pns: HOST.pid,
      holders: [{ kind: 'process', pid: 600, path: '/proc/600/ns/pid_for_children' }],
    }),
    nsRec(TASK_UTS, 'uts', [], { holders: [{ kind: 'task', pid: 500, tid: 502 }] }),
    nsRec(GHOST, 'user', [], { ghost: true, pns: HOST.user, ownerUid: 65534 }),
  ];
  return {
    version: 1,
    takenAt: '2026-01-01T00:00:00.000Z',
    scanner: { uid: ALICE, procRoot: '/proc', durationMs: 1 },
    capabilities: { hierarchy: true },
    hidden: { total: 2, byReason: { EACCES: 1, vanished: 1 } },
    namespaces,
    processes,
  };
}

function refused(
  req: EnterRequest,
  message: string,
  caller: Caller = alice,
  snap: Snapshot = snapshot(),
  blame: Blame = 'request',
): void {
  assert.throws(
    () => planEnter(snap, req, caller),
    (err: unknown) => {
      assert.ok(err instanceof EnterError, `EnterError, got ${String(err)}`);
      assert.equal(err.message, message);
      assert.equal(err.blame, blame, `whose failure: ${message}`);
      return true;
    },
  );
}

const inodes = (plan: EnterPlan) => plan.namespaces.map((n) => n.ns);

test('planEnter: a PID that vanished during the scan is gone (the attempt failed); one the snapshot does not have is no process (the request is wrong)', () => {
  refused({ pid: 900, asRoot: false }, 'PID 900 is gone: the process exited', alice, snapshot(), 'attempt');
  refused({ pid: 900, asRoot: false }, 'PID 900 is gone: the process exited', root, snapshot(), 'attempt');
  refused({ pid: 424242, asRoot: false }, 'no process with PID 424242');
});

test('planEnter: an inode the snapshot does not have is no namespace, of those the caller can see', () => {
  refused({ ns: 4026539999, asRoot: false }, 'no namespace you can see has inode 4026539999');
  const asRoot = snapshot();
  asRoot.scanner.uid = 0;
  refused({ ns: 4026539999, asRoot: false }, 'no namespace has inode 4026539999', root, asRoot);
});

test('planEnter: neither a PID nor an inode is refused', () => {
  refused({ asRoot: false }, 'say what to enter: a PID or a namespace inode');
});

test('planEnter: a ghost, with nothing holding it, cannot be entered', () => {
  refused({ ns: GHOST, asRoot: false }, `user:[${GHOST}] has no process, bind mount or open file: nothing can open it`);
  refused(
    { ns: GHOST, asRoot: true },
    `user:[${GHOST}] has no process, bind mount or open file: nothing can open it`,
    root,
  );
});

test('planEnter --ns: a namespace with a member process is entered through that process, that type only', () => {
  const plan = planEnter(snapshot(), { ns: NGINX_NET, asRoot: false }, alice);
  assert.deepEqual(plan.target, { kind: 'process', pid: 500 });
  assert.deepEqual(plan.types, ['net']);
  assert.deepEqual(inodes(plan), [NGINX_NET]);
  assert.equal(plan.name, 'nginx');
  assert.equal(plan.privilege, 'root');
});

test('planEnter --ns: a namespace of a user namespace alice owns needs no password', () => {
  const plan = planEnter(snapshot(), { ns: ALICE_NET, asRoot: false }, alice);
  assert.deepEqual([plan.target, plan.types, plan.privilege], [{ kind: 'process', pid: 600 }, ['net'], 'userns']);
  const user = planEnter(snapshot(), { ns: ALICE_USER, asRoot: false }, alice);
  assert.deepEqual([user.target, user.types, user.privilege], [{ kind: 'process', pid: 600 }, ['user'], 'userns']);
});

test('planEnter --ns with --type of another type is refused; the same type is accepted', () => {
  refused({ ns: NGINX_NET, types: ['uts'], asRoot: false }, `namespace ${NGINX_NET} is a net namespace`);
  refused({ ns: NGINX_NET, types: ['net', 'uts'], asRoot: false }, `namespace ${NGINX_NET} is a net namespace`);
  assert.deepEqual(planEnter(snapshot(), { ns: NGINX_NET, types: ['net'], asRoot: false }, alice).types, ['net']);
});

test("planEnter --ns: a namespace held only by a bind mount is a file under /proc/PID/root of the mount's reader, named by its own path", () => {
  const plan = planEnter(snapshot(), { ns: BLUE, asRoot: false }, alice);
  assert.deepEqual(plan, {
    target: { kind: 'file', path: '/proc/1/root/run/netns/blue', type: 'net' },
    namespaces: [snapshot().namespaces.find((n) => n.ns === BLUE)],
    types: ['net'],
    privilege: 'root',
    asRoot: false,
    name: '/run/netns/blue',
    inodes: { net: BLUE },
  });
  assert.equal(planEnter(snapshot(), { ns: BLUE, asRoot: true }, root).privilege, 'none');
});

test('planEnter --ns: a namespace held only by an fd is entered through /proc/PID/fd/N, named as that fd', () => {
  const plan = planEnter(snapshot(), { ns: FD_UTS, asRoot: false }, alice);
  assert.deepEqual(plan.target, { kind: 'file', path: '/proc/500/fd/5', type: 'uts' });
  assert.deepEqual(inodes(plan), [FD_UTS]);
  assert.equal(plan.name, 'fd 5 of PID 500');
});

test('planEnter --ns: a pid_for_children holder and a thread holder are entered through their links, with no name', () => {
  const forChildren = planEnter(snapshot(), { ns: FOR_CHILDREN, asRoot: false }, alice);
  assert.deepEqual(
    [forChildren.target, forChildren.name],
    [{ kind: 'file', path: '/proc/600/ns/pid_for_children', type: 'pid' }, null],
  );
  const task = planEnter(snapshot(), { ns: TASK_UTS, asRoot: false }, alice);
  assert.deepEqual([task.target, task.name], [{ kind: 'file', path: '/proc/500/task/502/ns/uts', type: 'uts' }, null]);
});

test('planEnter --pid: by default, the types in which the process differs from the caller (not user when it is the same)', () => {
  const plan = planEnter(snapshot(), { pid: 500, asRoot: false }, alice);
  assert.deepEqual(plan.target, { kind: 'process', pid: 500 });
  assert.deepEqual(plan.types, ['mnt', 'net', 'uts']);
  assert.deepEqual(inodes(plan), [NGINX_MNT, NGINX_NET, NGINX_UTS]);
  assert.equal(plan.privilege, 'root');
  assert.equal(plan.name, 'nginx');
});

test('planEnter --pid: the user type is entered by default when the process is in another user namespace', () => {
  const plan = planEnter(snapshot(), { pid: 600, asRoot: false }, alice);
  assert.deepEqual(plan.types, ['net', 'user', 'uts']);
  assert.deepEqual(inodes(plan), [ALICE_NET, ALICE_USER, ALICE_UTS]);
  assert.equal(plan.privilege, 'userns');
});

test("planEnter --pid: the default compares with the caller's own process (process.pid) in the snapshot", () => {
  // Were the caller itself in nginx's mount namespace, mnt would no longer differ.
  const snap = snapshot();
  snap.processes.find((p) => p.pid === SELF)!.ns.mnt = NGINX_MNT;
  assert.deepEqual(planEnter(snap, { pid: 500, asRoot: false }, alice).types, ['net', 'uts']);
});

test("planEnter --pid: the user type is compared with the caller's user namespace, the others with its process in the snapshot", () => {
  // Without the caller's own process in the snapshot, every other type differs; user still does not.
  const snap = snapshot();
  snap.processes = snap.processes.filter((p) => p.pid !== SELF);
  assert.deepEqual(planEnter(snap, { pid: 500, asRoot: false }, alice).types, [
    'cgroup',
    'ipc',
    'mnt',
    'net',
    'pid',
    'time',
    'uts',
  ]);
  // A caller that says it is in another user namespace gets the user type too.
  assert.deepEqual(planEnter(snapshot(), { pid: 500, asRoot: false }, { uid: ALICE, userns: ALICE_USER }).types, [
    'mnt',
    'net',
    'user',
    'uts',
  ]);
});

test("planEnter --pid: a process in all of the caller's namespaces has nothing to enter", () => {
  refused(
    { pid: 1100, asRoot: false },
    'PID 1100 (twin) is already in all of your namespaces: there is nothing to enter',
  );
});

test("planEnter --pid --type user: the caller's own user namespace is left out, and alone it is refused", () => {
  refused(
    { pid: 1100, types: ['user'], asRoot: false },
    'PID 1100 (twin) is already in your user namespace: there is nothing to enter',
  );
});

test('planEnter --pid --type: types in NS_TYPES order, without duplicates, even those the caller shares', () => {
  const plan = planEnter(snapshot(), { pid: 500, types: ['uts', 'net', 'uts', 'ipc'], asRoot: false }, alice);
  assert.deepEqual(plan.types, ['ipc', 'net', 'uts']);
  assert.deepEqual(inodes(plan), [HOST.ipc, NGINX_NET, NGINX_UTS]);
});

test('planEnter --pid --type: a type the process lacks is refused', () => {
  refused({ pid: 700, types: ['net', 'time'], asRoot: false }, 'this kernel has no time namespaces (PID 700 has none)');
});

test('planEnter --pid: a type the process lacks is left out of the default', () => {
  assert.deepEqual(planEnter(snapshot(), { pid: 700, asRoot: false }, alice).types, ['net']);
});

test("planEnter --pid: one namespace not owned through alice's user namespace makes it root", () => {
  assert.equal(planEnter(snapshot(), { pid: 600, types: ['net', 'cgroup'], asRoot: false }, alice).privilege, 'root');
});

test('planEnter --pid: root needs nothing', () => {
  assert.equal(planEnter(snapshot(), { pid: 500, asRoot: true }, root).privilege, 'none');
  assert.equal(planEnter(snapshot(), { pid: 600, asRoot: false }, root).privilege, 'none');
});

test("planEnter --pid: another user's hidden process needs root, with the namespaces left for root to find", () => {
  const plan = planEnter(snapshot(), { pid: 800, asRoot: false }, alice);
  assert.deepEqual(plan, {
    target: { kind: 'process', pid: 800 },
    namespaces: [],
    types: [],
    privilege: 'root',
    asRoot: false,
    name: 'secret',
    inodes: {},
  });
  const typed = planEnter(snapshot(), { pid: 800, types: ['net', 'uts'], asRoot: true }, alice);
  assert.deepEqual([typed.types, typed.namespaces, typed.privilege, typed.asRoot], [['net', 'uts'], [], 'root', true]);
});

test('planEnter --pid: a process hidden even from root is refused for root', () => {
  refused(
    { pid: 800, asRoot: false },
    'cannot open the namespaces of PID 800 (secret): permission denied, even to root',
    root,
    snapshot(),
    'attempt',
  );
});

test('planEnter --pid: the plan carries every namespace the scan saw the process in, which nsx checks it enters', () => {
  const plan = planEnter(snapshot(), { pid: 500, types: ['net'], asRoot: false }, alice);
  assert.deepEqual(plan.inodes, snapshot().processes.find((p) => p.pid === 500)!.ns);
  assert.equal(plan.inodes.net, plan.namespaces[0]!.ns);
});

test('planEnter keeps asRoot as asked', () => {
  assert.equal(planEnter(snapshot(), { pid: 500, asRoot: true }, alice).asRoot, true);
  assert.equal(planEnter(snapshot(), { ns: BLUE, asRoot: false }, alice).asRoot, false);
});

test('enterTitle: the types joined with + and the process name with its PID', () => {
  assert.equal(enterTitle(planEnter(snapshot(), { pid: 500, asRoot: false }, alice)), 'mnt+net+uts of nginx (500)');
  assert.equal(
    enterTitle({ target: { kind: 'process', pid: 42 }, types: ['net'], name: null, asRoot: false }),
    'net of PID (42)',
  );
});

test('enterTitle: all eight types read "all namespaces"; asRoot adds "as root"', () => {
  assert.equal(
    enterTitle({ target: { kind: 'process', pid: 7 }, types: [...NS_TYPES], name: 'init', asRoot: true }),
    'all namespaces of init (7) as root',
  );
  assert.equal(
    enterTitle({ target: { kind: 'process', pid: 7 }, types: NS_TYPES.slice(1), name: 'init', asRoot: false }),
    'ipc+mnt+net+pid+time+user+uts of init (7)',
  );
});

test("enterTitle: a file target is named by its holder: the bind mount's own path, the fd, else the path entered", () => {
  assert.equal(enterTitle(planEnter(snapshot(), { ns: BLUE, asRoot: false }, alice)), 'net of /run/netns/blue');
  assert.equal(
    enterTitle(planEnter(snapshot(), { ns: FD_UTS, asRoot: true }, alice)),
    'uts of fd 5 of PID 500 as root',
  );
  assert.equal(
    enterTitle(planEnter(snapshot(), { ns: TASK_UTS, asRoot: false }, alice)),
    'uts of /proc/500/task/502/ns/uts',
  );
});

test('identityProblem: staying yourself through root rules out the user type, and only then', () => {
  const base = { privilege: 'root' as const, asRoot: false, types: ['net', 'user'] as NsType[] };
  assert.match(
    identityProblem(base) ?? '',
    /^as yourself, a user namespace that only root may enter cannot be entered/,
  );
  assert.equal(identityProblem({ ...base, asRoot: true }), null, 'as root');
  assert.equal(identityProblem({ ...base, types: ['net'] }), null, 'without the user type');
  assert.equal(identityProblem({ ...base, privilege: 'userns' }), null, 'through a user namespace one owns');
});
