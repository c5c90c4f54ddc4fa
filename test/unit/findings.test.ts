/**
 * src/core/findings: every kind of finding from hand-built snapshots and facts, the healthy
 * case, and the parsers of the facts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerRecord } from '../../src/core/containers/types';
import { FactMemory } from '../../src/core/findings/check';
import type { FactTarget } from '../../src/core/findings/factTargets';
import { noFacts, type FindingFacts } from '../../src/core/findings/facts';
import { findingsOf } from '../../src/core/findings/findingsOf';
import { peerGroups, sharedWith } from '../../src/core/findings/mountFacts';
import { netFactsOf } from '../../src/core/findings/netFacts';
import type { Finding } from '../../src/core/findings/types';
import { rootOutside } from '../../src/core/findings/userFacts';
import {
  NS_TYPES,
  type NamespaceRecord,
  type NsType,
  type ProcessRecord,
  type Snapshot,
} from '../../src/core/model/snapshot';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

function proc(pid: number, ns: Partial<Record<NsType, number>>, nspid = [pid], uid = 0): ProcessRecord {
  return { pid, ppid: 1, uid, user: uid === 0 ? 'root' : `u${uid}`, name: 'sleep', command: 'sleep 100', nspid, ns };
}

const INIT = proc(1, { ...HOST });
const hostNamespaces = (): NamespaceRecord[] =>
  NS_TYPES.map((t) => nsRecord(HOST[t], t, [INIT], { label: 'host', ...(t === 'user' ? { ownerUid: 0 } : {}) }));

/** The host, plus NAMESPACES and PROCESSES; root's scan unless SCANNER says otherwise. */
function world(namespaces: NamespaceRecord[] = [], processes: ProcessRecord[] = [], scanner = {}): Snapshot {
  return snapshotOf([...hostNamespaces(), ...namespaces], [INIT, ...processes], scanner);
}

function facts(over: Partial<FindingFacts>): FindingFacts {
  return { ...noFacts(), ...over };
}

function kinds(found: Finding[]): string[] {
  return found.map((f) => `${f.kind} ${f.ns}`);
}

const NET = 4026532100;
const PID = 4026532101;
const MNT = 4026532102;
const USER = 4026532103;

test('a healthy set of namespaces, made the right way, has no finding', () => {
  const p = proc(500, { ...HOST, net: NET, pid: PID, mnt: MNT, user: USER }, [500, 1]);
  const snapshot = world(
    [
      nsRecord(NET, 'net', [p]),
      nsRecord(PID, 'pid', [p], { pns: HOST.pid }),
      nsRecord(MNT, 'mnt', [p]),
      nsRecord(USER, 'user', [p], { pns: HOST.user, ownerUid: 0 }),
    ],
    [p],
  );
  const healthy = facts({
    net: new Map([[NET, { loUp: true, routeOut: true }]]),
    pid: new Map([[PID, { init: 500, zombies: [] }]]),
    mnt: new Map([[MNT, { shared: [] }]]),
    user: new Map([[USER, { rootOutside: 0 }]]),
    procViews: [{ pid: 500, pidns: PID, mntns: MNT, own: true, level: 1 }],
    limits: { net: 1000, pid: 1000 },
  });
  assert.deepEqual(findingsOf(snapshot, healthy), []);
});

test('facts that could not be read make no finding', () => {
  const p = proc(500, { ...HOST, net: NET, pid: PID }, [500, 1]);
  const snapshot = world([nsRecord(NET, 'net', [p]), nsRecord(PID, 'pid', [p], { pns: HOST.pid })], [p]);
  assert.deepEqual(findingsOf(snapshot, noFacts()), []);
});

test('lo down: a warning on the net namespace, with ip link set lo up to run inside it', () => {
  const p = proc(500, { ...HOST, net: NET });
  const snapshot = world([nsRecord(NET, 'net', [p], { label: 'sleep' })], [p]);
  const [f, ...rest] = findingsOf(snapshot, facts({ net: new Map([[NET, { loUp: false, routeOut: false }]]) }));
  assert.equal(rest.length, 0, 'lo down says it all: no second finding for the route');
  assert.equal(f!.kind, 'loopback-down');
  assert.equal(f!.severity, 'warning');
  assert.equal(f!.ns, NET);
  assert.match(f!.text, /net 4026532100 "sleep".*lo is down.*ping 127\.0\.0\.1/);
  assert.deepEqual(f!.actions[0], {
    kind: 'command',
    label: 'Bring lo up',
    command: 'ip link set lo up',
    inNamespace: true,
  });
});

test('lo up but no route out: a warning, except for the host', () => {
  const p = proc(500, { ...HOST, net: NET });
  const snapshot = world([nsRecord(NET, 'net', [p])], [p]);
  const net = new Map([
    [NET, { loUp: true, routeOut: false }],
    [HOST.net, { loUp: true, routeOut: false }],
  ]);
  assert.deepEqual(kinds(findingsOf(snapshot, facts({ net }))), [`no-route-out ${NET}`]);
});

test('a net namespace held only by an ip netns bind mount: ip netns delete NAME', () => {
  const held = nsRecord(NET, 'net', [], {
    label: 'blue',
    holders: [
      { kind: 'bindmount', pid: 1, path: '/run/netns/blue', mntns: HOST.mnt },
      { kind: 'bindmount', pid: 600, path: '/run/netns/blue', mntns: MNT },
    ],
  });
  const [f, ...rest] = findingsOf(world([held]), noFacts());
  assert.equal(rest.length, 0);
  assert.equal(f!.kind, 'held-without-process');
  assert.match(f!.text, /No process is in net 4026532100 "blue": only the bind mount \/run\/netns\/blue keeps it/);
  assert.deepEqual(f!.actions, [
    { kind: 'command', label: 'Delete the named net namespace blue', command: 'ip netns delete blue' },
  ]);
});

test('a namespace held by an fd: end the process that holds it', () => {
  const holder = proc(700, { ...HOST });
  const held = nsRecord(NET, 'net', [], { holders: [{ kind: 'fd', pid: 700, fd: 3, path: '/proc/700/fd/3' }] });
  const [f] = findingsOf(world([held], [holder]), noFacts());
  assert.match(f!.text, /only fd 3 of sleep \(700\) keeps it alive/);
  assert.deepEqual(f!.actions[0], {
    kind: 'command',
    label: 'End sleep (700), which holds it open as fd 3',
    command: 'kill 700',
  });
});

test('as an ordinary user with other users hidden, a namespace with no visible process is not said to have none', () => {
  const held = nsRecord(NET, 'net', [], {
    holders: [{ kind: 'bindmount', pid: 1, path: '/run/netns/x', mntns: HOST.mnt }],
  });
  const snapshot = world([held], [], { uid: 1000 });
  snapshot.hidden = { total: 3, byReason: { EACCES: 3, vanished: 0 } };
  assert.deepEqual(findingsOf(snapshot, noFacts()), []);
});

test('a PID namespace whose PID 1 exited, held by pid_for_children: the holder and the right way', () => {
  const shell = proc(800, { ...HOST }, [800]);
  const dead = nsRecord(PID, 'pid', [], {
    pns: HOST.pid,
    holders: [{ kind: 'process', pid: 800, path: '/proc/800/ns/pid_for_children' }],
  });
  const [f] = findingsOf(world([dead], [shell]), facts({ pid: new Map([[PID, { init: null, zombies: [] }]]) }));
  assert.equal(f!.kind, 'pid-init-gone');
  assert.match(f!.text, /PID 1 of pid 4026532101 has exited.*pid_for_children of sleep \(800\)/);
  assert.deepEqual(
    f!.actions.map((a) => a.kind === 'command' && a.command),
    ['kill 800', 'unshare --pid --fork --mount-proc bash'],
  );
});

test('a PID 1 that leaves zombies: named with them, kill PID 1 offered', () => {
  const init = proc(900, { ...HOST, pid: PID }, [900, 1]);
  const snapshot = world([nsRecord(PID, 'pid', [init], { pns: HOST.pid })], [init]);
  const [f] = findingsOf(snapshot, facts({ pid: new Map([[PID, { init: 900, zombies: [901, 902] }]]) }));
  assert.equal(f!.kind, 'zombies-unreaped');
  assert.match(f!.text, /PID 1 \(sleep \(900\)\) leaves 2 zombie children unreaped \(901, 902\)/);
  assert.deepEqual(f!.subjects, ['PID 901', 'PID 902']);
});

test('a /proc of the parent PID namespace: ps shows the host, mount-proc is the fix', () => {
  const p = proc(500, { ...HOST, pid: PID, mnt: MNT }, [500, 1]);
  const snapshot = world([nsRecord(PID, 'pid', [p], { pns: HOST.pid, label: 'bash' }), nsRecord(MNT, 'mnt', [p])], [p]);
  const view = { pid: 500, pidns: PID, mntns: MNT, own: false, level: 0 };
  const [f] = findingsOf(snapshot, facts({ procViews: [view] }));
  assert.equal(f!.kind, 'proc-of-other-pidns');
  assert.match(f!.text, /^ps in pid 4026532101 "bash" lists the processes of the host's pid namespace/);
  assert.deepEqual(
    f!.actions.map((a) => (a.kind === 'command' ? a.command : `reveal ${a.ns}`)),
    [
      'nsenter --target 500 --pid --mount mount -t proc proc /proc',
      'unshare --pid --fork --mount-proc bash',
      `reveal ${HOST.pid}`,
    ],
  );
  // A launcher outside the namespace it made sees that namespace's procfs: level unknown, no finding.
  assert.deepEqual(findingsOf(snapshot, facts({ procViews: [{ ...view, level: null }] })), []);
});

test('in the host mount namespace the in-place fix is not offered: it would cover the host /proc', () => {
  const p = proc(500, { ...HOST, pid: PID }, [500, 1]);
  const snapshot = world([nsRecord(PID, 'pid', [p], { pns: HOST.pid })], [p]);
  const [f] = findingsOf(
    snapshot,
    facts({ procViews: [{ pid: 500, pidns: PID, mntns: HOST.mnt, own: false, level: 0 }] }),
  );
  assert.ok(!f!.actions.some((a) => a.kind === 'command' && a.command.includes('mount -t proc')));
});

test('mounts in peer groups of the host: named, with make-rprivate inside', () => {
  const p = proc(500, { ...HOST, mnt: MNT });
  const snapshot = world([nsRecord(MNT, 'mnt', [p])], [p]);
  const mnt = new Map([[MNT, { shared: [{ target: '/mnt/shared', group: 7 }] }]]);
  const [f] = findingsOf(snapshot, facts({ mnt }));
  assert.equal(f!.kind, 'mounts-propagate-with-host');
  assert.match(f!.text, /the mounts at \/mnt\/shared share peer groups \(shared:7\)/);
  assert.deepEqual(f!.subjects, ['/mnt/shared']);
  assert.equal(f!.actions[0]!.kind === 'command' && f!.actions[0]!.command, 'mount --make-rprivate /');
});

test('root inside mapped to an ordinary user outside: info, not a warning', () => {
  const p = proc(500, { ...HOST, user: USER }, [500], 1000);
  const snapshot = world([nsRecord(USER, 'user', [p], { pns: HOST.user, ownerUid: 1000 })], [p]);
  const [f] = findingsOf(snapshot, facts({ user: new Map([[USER, { rootOutside: 1000 }]]) }));
  assert.equal(f!.kind, 'root-is-unprivileged-outside');
  assert.equal(f!.severity, 'info');
  assert.match(f!.text, /is UID 1000 \(u1000\) outside it/);
  assert.deepEqual(findingsOf(snapshot, facts({ user: new Map([[USER, { rootOutside: null }]]) })), []);
});

function container(kind: ContainerRecord['kind'], sharing: Partial<Record<NsType, 'host'>>): ContainerRecord {
  return {
    engine: kind === 'sandbox' ? null : 'docker',
    key: 'docker/abc',
    kind,
    id: 'abc',
    name: 'web',
    state: 'running',
    pid: 500,
    pids: [500],
    namespaces: NS_TYPES.map((type) =>
      sharing[type]
        ? { type, ns: HOST[type], sharing: 'host' }
        : { type, ns: MNT + NS_TYPES.indexOf(type) * 10, sharing: 'own' },
    ),
  };
}

test('a container with the host net and user namespaces: a warning and an info on its own mount namespace row', () => {
  const snapshot = world();
  snapshot.containers = [container('container', { net: 'host', user: 'host' })];
  const found = findingsOf(snapshot, noFacts());
  assert.deepEqual(
    found.map((f) => [f.kind, f.severity, f.type, f.actions[0]!.kind === 'reveal' && f.actions[0]!.ns]),
    [
      ['container-shares-host-ns', 'warning', 'mnt', HOST.net],
      ['container-shares-host-ns', 'info', 'mnt', HOST.user],
    ],
  );
  assert.match(found[0]!.text, /^Container web \(docker\) shares the host's net namespace/);
  snapshot.containers = [container('sandbox', { net: 'host' })];
  assert.deepEqual(findingsOf(snapshot, noFacts()), [], 'a sandbox (unshare) shares what it did not unshare');
});

test('a user near max_net_namespaces (90 % or more) is warned, on the host net namespace', () => {
  const own = (i: number) => nsRecord(NET + i, 'net', [proc(1000 + i, { ...HOST, net: NET + i }, [1000 + i], 1000)]);
  const nine = Array.from({ length: 9 }, (_, i) => own(i));
  const [f] = findingsOf(world(nine), facts({ limits: { net: 10 } }));
  assert.equal(f!.kind, 'namespace-limit-near');
  assert.equal(f!.ns, HOST.net);
  assert.match(f!.text, /UID 1000 has about 9 net namespaces, 90% of \/proc\/sys\/user\/max_net_namespaces \(10\)/);
  assert.deepEqual(findingsOf(world(nine.slice(1)), facts({ limits: { net: 10 } })), []);
});

test('namespaces in a user namespace count for its creator', () => {
  const userns = nsRecord(USER, 'user', [], { pns: HOST.user, ownerUid: 1000, ghost: true });
  const nets = Array.from({ length: 2 }, (_, i) =>
    nsRecord(NET + i, 'net', [proc(2000 + i, { ...HOST, net: NET + i }, [2000 + i], 0)], { ons: USER }),
  );
  const [f] = findingsOf(world([userns, ...nets]), facts({ limits: { net: 2 } }));
  assert.match(f!.text, /^UID 1000 has about 2 net namespaces/);
});

test('kinds switched off and namespaces dismissed are left out; warnings come before info', () => {
  const p = proc(500, { ...HOST, net: NET, user: USER });
  const snapshot = world([nsRecord(NET, 'net', [p]), nsRecord(USER, 'user', [p], { pns: HOST.user })], [p]);
  const both = facts({
    net: new Map([[NET, { loUp: false, routeOut: false }]]),
    user: new Map([[USER, { rootOutside: 1000 }]]),
  });
  assert.deepEqual(kinds(findingsOf(snapshot, both)), [`loopback-down ${NET}`, `root-is-unprivileged-outside ${USER}`]);
  assert.deepEqual(kinds(findingsOf(snapshot, both, { disabled: ['loopback-down'] })), [
    `root-is-unprivileged-outside ${USER}`,
  ]);
  assert.deepEqual(kinds(findingsOf(snapshot, both, { dismissed: [USER] })), [`loopback-down ${NET}`]);
});

const FIB_LO_UP = `Main:
  +-- 0.0.0.0/0 3 0 5
Local:
  +-- 127.0.0.0/8 2 0 2
     +-- 127.0.0.0/31 1 0 0
        |-- 127.0.0.0
           /8 host LOCAL
        |-- 127.0.0.1
           /32 host LOCAL
`;
const ROUTE_HEADER = 'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n';

test('lo is up when 127.0.0.1 is in the local table, or ::1 routes through lo', () => {
  assert.deepEqual(netFactsOf(FIB_LO_UP, ROUTE_HEADER, ''), { loUp: true, routeOut: false });
  assert.deepEqual(netFactsOf('Main:\nLocal:\n', ROUTE_HEADER, ''), { loUp: false, routeOut: false });
  const zero = '0'.repeat(32);
  const v6 = `${'0'.repeat(31)}1 80 ${zero} 00 ${zero} 00000000 00000001 00000000 80200001       lo\n`;
  assert.equal(netFactsOf('', ROUTE_HEADER, v6).loUp, true);
});

test('a route through any device but lo is a route out; an unreachable one is not', () => {
  const veth = `${ROUTE_HEADER}veth0\t0000C80A\t00000000\t0001\t0\t0\t0\tFCFFFFFF\t0\t0\t0\n`;
  assert.equal(netFactsOf(FIB_LO_UP, veth, '').routeOut, true);
  const reject = `${ROUTE_HEADER}lo\t00000000\t00000000\t0201\t0\t0\t0\t00000000\t0\t0\t0\n`;
  assert.equal(netFactsOf(FIB_LO_UP, reject, '').routeOut, false);
});

test('uid_map: whom UID 0 inside is outside', () => {
  assert.equal(rootOutside('         0       1000          1\n'), 1000);
  assert.equal(rootOutside('         0          0 4294967295\n'), 0);
  assert.equal(rootOutside('      1000       1000          1\n'), null, 'root not mapped');
  assert.equal(rootOutside(''), null);
});

test('shared peer groups of the host, and the mounts elsewhere in them; slaves are not peers', () => {
  const host = [
    '22 1 0:21 / / rw shared:1 - ext4 /dev/vda rw',
    '23 22 0:22 / /run/netns rw shared:5 - tmpfs tmpfs rw',
    '24 22 0:23 / /private rw - tmpfs tmpfs rw',
  ].join('\n');
  const groups = peerGroups(host);
  assert.deepEqual([...groups], [1, 5]);
  const inside = [
    '40 39 0:21 / / rw shared:1 - ext4 /dev/vda rw',
    '41 40 0:22 / /run/netns rw master:5 - tmpfs tmpfs rw',
    '42 40 0:24 / /mnt rw shared:9 - tmpfs tmpfs rw',
  ].join('\n');
  assert.deepEqual(sharedWith(inside, groups), [{ target: '/', group: 1 }]);
});

/** A target whose reads are counted; FLAG says whether a value points at a finding. */
function counted(key: string, reads: Map<string, number>, flag = () => false, value: unknown = 1): FactTarget {
  return {
    key,
    kinds: ['loopback-down'],
    read: () => {
      reads.set(key, (reads.get(key) ?? 0) + 1);
      return value;
    },
    flagged: flag,
    store: () => {},
  };
}

test('FactMemory reads new targets, flagged ones at every check, and each other one within 30 checks', () => {
  const reads = new Map<string, number>();
  const memory = new FactMemory();
  const quiet = Array.from({ length: 60 }, (_, i) => counted(`net:${i}`, reads));
  const flagged = counted('net:bad', reads, () => true);
  memory.refresh([...quiet, flagged]);
  assert.equal(reads.get('net:0'), 1, 'new: read at once');
  for (let i = 0; i < 30; i++) memory.refresh([...quiet, flagged]);
  assert.equal(reads.get('net:bad'), 31, 'flagged: read at every check');
  for (const t of quiet) assert.equal(reads.get(t.key), 2, `${t.key} read again once in 30 checks`);
  memory.refresh([flagged, counted('net:new', reads)]);
  assert.equal(reads.get('net:new'), 1);
});
