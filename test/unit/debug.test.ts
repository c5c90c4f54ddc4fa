/** src/core/terminals/debug.ts: the plan of a debug shell, on a hand-made snapshot with containers. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerRecord } from '../../src/core/containers/types';
import { NS_TYPES, NsType, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { debugBanner, debugCommand, debugTitle, planDebug, targetOf } from '../../src/core/terminals/debug';
import { EnterError } from '../../src/core/terminals/enter';
import { Caller } from '../../src/core/terminals/rootNeeded';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

const ALICE = 1000;
const root: Caller = { uid: 0, userns: HOST.user };
const alice: Caller = { uid: ALICE, userns: HOST.user };

const WEB: Partial<Record<NsType, number>> = {
  ...HOST,
  mnt: 4026532500,
  net: 4026532501,
  uts: 4026532502,
  ipc: 4026532503,
  pid: 4026532504,
  cgroup: 4026532505,
};
const ROOTLESS_USER = 4026532600;
const ROOTLESS: Partial<Record<NsType, number>> = {
  ...HOST,
  user: ROOTLESS_USER,
  mnt: 4026532601,
  net: 4026532602,
  uts: 4026532603,
  ipc: 4026532604,
  pid: 4026532605,
};

function proc(pid: number, name: string, uid: number, ns: Partial<Record<NsType, number>>, nspid: number[]) {
  const p: ProcessRecord = { pid, ppid: 1, uid, user: uid ? 'alice' : 'root', name, command: name, nspid, ns };
  return p;
}

function container(name: string, id: string, pids: number[], extra: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    engine: 'docker',
    id,
    name,
    key: `docker/${id}`,
    kind: 'container',
    state: 'running',
    pid: pids[0] ?? null,
    pids,
    namespaces: [],
    ...extra,
  };
}

const DWEB = container('dweb', '898e30928e07' + 'a'.repeat(52), [1569, 1600]);
const MINE = container('mine', 'a5e364f72de5' + 'b'.repeat(52), [3001], { engine: 'podman' });
const DOLD = container('dold', 'cafe' + 'c'.repeat(60), [], { state: 'exited' });

function snapshot(scanner: Partial<Snapshot['scanner']> = {}, extra: Partial<Snapshot> = {}): Snapshot {
  const processes = [
    proc(1, 'systemd', 0, { ...HOST }, [1]),
    proc(process.pid, 'nsx', 0, { ...HOST }, [process.pid]),
    proc(1569, 'sleep', 0, WEB, [1569, 1]),
    proc(1600, 'sh', 0, WEB, [1600, 7]),
    proc(2000, 'nginx', 0, { ...HOST, net: 4026532700 }, [2000]),
    proc(3001, 'sleep', ALICE, ROOTLESS, [3001, 1]),
  ];
  const inodes = new Map<number, NsType>();
  for (const p of processes) for (const t of NS_TYPES) if (p.ns[t] !== undefined) inodes.set(p.ns[t]!, t);
  const namespaces = [...inodes].map(([ino, type]) =>
    nsRecord(
      ino,
      type,
      processes.filter((p) => p.ns[type] === ino),
      ino === ROOTLESS_USER
        ? { pns: HOST.user, ownerUid: ALICE }
        : type === 'user'
          ? { ons: null, ownerUid: 0 }
          : ROOTLESS[type] === ino && WEB[type] !== ino
            ? { ons: ROOTLESS_USER }
            : {},
    ),
  );
  return { ...snapshotOf(namespaces, processes, scanner), containers: [DWEB, MINE, DOLD], ...extra };
}

function refused(fn: () => unknown, message: RegExp, blame: 'request' | 'attempt'): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof EnterError, String(err));
    assert.match(err.message, message);
    assert.equal(err.blame, blame);
    return true;
  });
}

test("a container's name, id prefix or any of its PIDs is its first process", () => {
  for (const q of ['dweb', '898e3', '1600'])
    assert.deepEqual(targetOf(snapshot(), q, true), { pid: 1569, container: DWEB });
});

test('a PID in no container is a debug target as it is, but not a container to enter', () => {
  assert.deepEqual(targetOf(snapshot(), '2000', true), { pid: 2000, container: null });
  refused(
    () => targetOf(snapshot(), '2000', false),
    /no container matches '2000': PID 2000 is in no container \(--pid enters it\)/,
    'request',
  );
  refused(() => targetOf(snapshot(), '4242', true), /no container matches '4242': no process has PID 4242/, 'request');
});

test('a stopped container is a failed attempt; no match, a wrong request that names what would show more', () => {
  refused(() => targetOf(snapshot(), 'dold', true), /^dold \(docker\) is not running \(exited\)$/, 'attempt');
  refused(
    () => targetOf(snapshot(), 'nope', true),
    /^no container matches 'nope' \(there are: dweb, mine, dold\)$/,
    'request',
  );
  const refusals = [{ engine: 'docker' as const, socket: '/run/docker.sock', hint: 'join the docker group' }];
  refused(
    () => targetOf(snapshot({ uid: ALICE }, { engineRefusals: refusals }), 'nope', true),
    /\(there are: dweb, mine, dold\); docker's socket \/run\/docker.sock refused you: join the docker group; root sees every user's containers: add --as-root$/,
    'request',
  );
});

test("a container the scan missed because it is stopped is named from the engines' stopped list", () => {
  const created = container('dnew', 'beef' + 'd'.repeat(60), [], { state: 'created' });
  const scanned = snapshot({}, { containers: [DWEB, MINE] });
  refused(() => targetOf(scanned, 'dnew', true, [created]), /^dnew \(docker\) is not running \(created\)$/, 'attempt');
  refused(
    () => targetOf(scanned, 'beefd', false, [created]),
    /^dnew \(docker\) is not running \(created\)$/,
    'attempt',
  );
  refused(
    () => targetOf(scanned, 'nope', true, [created]),
    /^no container matches 'nope' \(there are: dweb, mine\)$/,
    'request',
  );
  assert.deepEqual(targetOf(scanned, 'dweb', true, [created]), { pid: 1569, container: DWEB });
});

test("a debug shell enters the container's net, uts, ipc, pid and cgroup namespaces, never its mnt, and sees its files at /proc/1/root", () => {
  const plan = planDebug(snapshot(), { pid: 1569, container: DWEB }, root);
  assert.deepEqual(plan.enter.types, ['cgroup', 'ipc', 'net', 'pid', 'uts']);
  assert.equal(plan.enter.privilege, 'none');
  assert.equal(plan.enter.name, 'dweb (docker)');
  assert.equal(plan.rootPath, '/proc/1/root');
  assert.equal(debugTitle(plan), 'debug dweb (docker)');
  assert.deepEqual(debugBanner(plan), [
    'debug shell in container dweb (docker): its cgroup, ipc, net, pid and uts namespaces, PID 1569 on the host',
    'its files: /proc/1/root',
    "/proc shows its processes; the tools are the host's, in a private mount namespace that ends with the shell",
  ]);
});

test("a process that is not its PID namespace's first is found under its own PID there", () => {
  const plan = planDebug(snapshot(), { pid: 1600, container: null }, root);
  assert.equal(plan.rootPath, '/proc/7/root');
  assert.equal(debugTitle(plan), 'debug sh (1600)');
  assert.match(debugBanner(plan)[0]!, /^debug shell in PID 1600 \(sh\): /);
});

test("another user's container needs root; one in a user namespace you own enters it, no password", () => {
  assert.equal(planDebug(snapshot({ uid: ALICE }), { pid: 1569, container: DWEB }, alice).enter.privilege, 'root');
  const own = planDebug(snapshot({ uid: ALICE }), { pid: 3001, container: MINE }, alice);
  assert.equal(own.enter.privilege, 'userns');
  // Its cgroup namespace is the host's, as the caller's: not entered (setns would refuse it).
  assert.deepEqual(own.enter.types, ['ipc', 'net', 'pid', 'uts']);
});

test('a process in all of your namespaces has nothing to debug', () => {
  refused(
    () => planDebug(snapshot(), { pid: 1, container: null }, root),
    /PID 1 \(systemd\) shares all of your namespaces: there is nothing to debug/,
    'request',
  );
});

test('the command: nsenter into the opened files, then unshare a private mount namespace with a fresh /proc', () => {
  const opened = {
    kind: 'opened' as const,
    files: { net: '/proc/9/fd/20', pid: '/proc/9/fd/21', user: '/proc/9/fd/22' },
  };
  const tools = { nsenter: '/usr/bin/nsenter', unshare: '/usr/bin/unshare' };
  assert.deepEqual(debugCommand(tools, opened, { types: ['pid', 'net'], privilege: 'none' }, ['ps', '-e']), [
    '/usr/bin/nsenter',
    '--net=/proc/9/fd/20',
    '--pid=/proc/9/fd/21',
    '--',
    '/usr/bin/unshare',
    '--mount',
    '--propagation=private',
    '--mount-proc',
    '--',
    'ps',
    '-e',
  ]);
  // In a user namespace the caller owns: entered first, keeping the caller's credentials.
  assert.deepEqual(debugCommand(tools, opened, { types: ['net'], privilege: 'userns' }, ['sh']).slice(0, 5), [
    '/usr/bin/nsenter',
    '--net=/proc/9/fd/20',
    '--user=/proc/9/fd/22',
    '--preserve-credentials',
    '--',
  ]);
});
