/** The details every type shares: capabilities, user and PID namespaces, sections, rows, text. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { capabilityNames, statusMasks } from '../../src/core/details/capabilities';
import { DetailsError, readDetails } from '../../src/core/details';
import { DetailsContext, entrances } from '../../src/core/details/context';
import { readPid } from '../../src/core/details/pid';
import { detailSections } from '../../src/core/details/sections';
import { NamespaceDetails, NetDetails, UserDetails } from '../../src/core/details/types';
import { parseIdMap, parseSetgroups, readUser } from '../../src/core/details/user';
import { ProcSource } from '../../src/core/linux/procfs';
import { NsType, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { detailsText } from '../../src/cli/show';
import { detailRows, detailWords } from '../../src/ui/details/detailRows';
import { HOST } from './fixture-probe';
import { nsRecord } from './records';

const FULL = '000001ffffffffff';
const CHILD_USER = 4026532500;
const CHILD_PID = 4026532700;

test('capabilityNames decodes a mask in bit order; unknown bits by number; a bad mask is refused', () => {
  const all = capabilityNames(FULL);
  assert.equal(all.length, 41);
  assert.deepEqual([all[0], all[21], all[40]], ['cap_chown', 'cap_sys_admin', 'cap_checkpoint_restore']);
  assert.deepEqual(capabilityNames('0000000000000000'), []);
  assert.deepEqual(capabilityNames('0000020000003000'), ['cap_net_admin', 'cap_net_raw', 'cap_41']);
  assert.throws(() => capabilityNames('zz'), /'zz' is not a capability mask/);
});

test('statusMasks reads CapEff, CapPrm and CapBnd as written; a status without them is an error', () => {
  const masks = statusMasks(
    'Name:\tbash\nCapInh:\t0000000000000000\nCapPrm:\t0000000000000400\n' +
      'CapEff:\t0000000000000000\nCapBnd:\t000001ffffffffff\n',
  );
  assert.deepEqual(masks, {
    effective: '0000000000000000',
    permitted: '0000000000000400',
    bounding: '000001ffffffffff',
  });
  assert.deepEqual(capabilityNames(masks.permitted), ['cap_net_bind_service']);
  assert.throws(() => statusMasks('Name:\tbash\n'), /no CapEff line in the status/);
});

test('parseIdMap and parseSetgroups: the kernel’s columns; anything else is refused', () => {
  assert.deepEqual(parseIdMap('         0       1000          1\n         1     100000      65536\n'), [
    { inside: 0, outside: 1000, count: 1 },
    { inside: 1, outside: 100000, count: 65536 },
  ]);
  assert.deepEqual(parseIdMap(''), []);
  assert.throws(() => parseIdMap('0 1000\n'), /malformed ID map line '0 1000'/);
  assert.throws(() => parseIdMap('0 -1 1\n'), /malformed/);
  assert.equal(parseSetgroups('deny\n'), 'deny');
  assert.throws(() => parseSetgroups('maybe'), /unexpected setgroups 'maybe'/);
});

function proc(
  pid: number,
  ppid: number,
  name: string,
  ns: Partial<Record<NsType, number>>,
  nspid = [pid],
  hidden?: 'EACCES',
): ProcessRecord {
  return {
    pid,
    ppid,
    uid: 1000,
    user: 'ann',
    name,
    command: `/usr/bin/${name} -x`,
    nspid,
    ns: hidden ? {} : { ...HOST, ...ns },
    ...(hidden ? { hidden } : {}),
  };
}

/** A /proc with the files the user and PID readers open, in a directory the test removes. */
function fixture(t: { after: (fn: () => void) => void }, scannerUid = 1000): DetailsContext {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-details-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (pid: number, name: string, text: string) => {
    fs.mkdirSync(path.join(root, String(pid)), { recursive: true });
    fs.writeFileSync(path.join(root, String(pid), name), text);
  };
  const status = (eff: string) =>
    `Name:\tx\nCapInh:\t0000000000000000\nCapPrm:\t${eff}\nCapEff:\t${eff}\nCapBnd:\t${FULL}\n`;
  for (const pid of [200, 201]) {
    write(pid, 'uid_map', '         0       1000          1\n');
    write(pid, 'gid_map', '         0       1000          1\n');
    write(pid, 'setgroups', 'deny\n');
    write(pid, 'status', status(FULL));
  }
  write(202, 'status', status('0000000000000000'));
  const processes = [
    proc(1, 0, 'init', {}),
    proc(200, 1, 'unshare', { user: CHILD_USER }),
    proc(201, 200, 'sh', { user: CHILD_USER, pid: CHILD_PID }, [201, 1]),
    proc(202, 201, 'sleep', { user: CHILD_USER, pid: CHILD_PID }, [202, 2]),
    proc(300, 1, 'other', {}, [300], 'EACCES'),
  ];
  const members = (type: NsType, ino: number) => processes.filter((p) => p.ns[type] === ino);
  const snapshot: Snapshot = {
    version: 1,
    takenAt: '2026-01-01T00:00:00.000Z',
    scanner: { uid: scannerUid, procRoot: root, durationMs: 1 },
    capabilities: { hierarchy: true },
    hidden: { total: 1, byReason: { EACCES: 1, vanished: 0 } },
    namespaces: [
      nsRecord(HOST.user, 'user', members('user', HOST.user)),
      nsRecord(HOST.pid, 'pid', members('pid', HOST.pid)),
      nsRecord(CHILD_USER, 'user', members('user', CHILD_USER), { pns: HOST.user, ownerUid: 1000, label: 'unshare' }),
      nsRecord(CHILD_PID, 'pid', members('pid', CHILD_PID), { pns: HOST.pid, ons: CHILD_USER }),
      nsRecord(4026532999, 'pid', [], {
        pns: CHILD_PID,
        holders: [{ kind: 'process', pid: 202, path: '/proc/202/ns/pid_for_children' }],
      }),
    ],
    processes,
  };
  return { snapshot, proc: new ProcSource(root), users: new Map([[1000, 'ann']]), threads: null };
}

test('readUser: maps, setgroups, owner and depth from /proc; member capabilities grouped by their sets', async (t) => {
  const ctx = fixture(t);
  const d = await readUser(
    ctx.snapshot.namespaces.find((n) => n.ns === CHILD_USER)!,
    ctx,
  );
  assert.equal(d.readAs, 'user');
  assert.deepEqual(d.uidMap, [{ inside: 0, outside: 1000, count: 1 }]);
  assert.equal(d.setgroups, 'deny');
  assert.deepEqual([d.ownerUid, d.owner, d.depth], [1000, 'ann', 1]);
  assert.equal(d.via, '/proc/200');
  assert.deepEqual(
    d.capabilities!.map((c) => [c.processes.map((p) => p.pid), c.effective.length, c.bounding.length]),
    [
      [[200, 201], 41, 41],
      [[202], 0, 41],
    ],
  );
  assert.deepEqual(
    d.unavailable.map((u) => [u.what, u.needsRoot]),
    [["other users' processes in it", true]],
  );
});

test('readUser: a member that exited leaves the maps to the next one; none left says so', async (t) => {
  const ctx = fixture(t);
  fs.rmSync(path.join(ctx.proc.procRoot, '200'), { recursive: true });
  const d = await readUser(
    ctx.snapshot.namespaces.find((n) => n.ns === CHILD_USER)!,
    ctx,
  );
  assert.equal(d.via, '/proc/201');
  fs.rmSync(path.join(ctx.proc.procRoot, '201'), { recursive: true });
  const gone = await readUser(
    ctx.snapshot.namespaces.find((n) => n.ns === CHILD_USER)!,
    ctx,
  );
  assert.equal(gone.uidMap, undefined);
  assert.ok(
    gone.unavailable.some(
      (u) => u.what === 'ID maps and setgroups' && /every member process exited/.test(u.reason) && !u.needsRoot,
    ),
  );
  assert.deepEqual(
    gone.capabilities!.map((c) => c.processes.map((p) => p.pid)),
    [[202]],
  );
});

test("readUser: the maps and setgroups all come from one member; a malformed map is said, not mixed with another member's", async (t) => {
  const ctx = fixture(t);
  const user = ctx.snapshot.namespaces.find((n) => n.ns === CHILD_USER)!;
  fs.rmSync(path.join(ctx.proc.procRoot, '200', 'gid_map'));
  fs.writeFileSync(path.join(ctx.proc.procRoot, '201', 'uid_map'), '         5       2000          1\n');
  const next = await readUser(user, ctx);
  assert.deepEqual([next.via, next.uidMap], ['/proc/201', [{ inside: 5, outside: 2000, count: 1 }]]);
  fs.writeFileSync(path.join(ctx.proc.procRoot, '201', 'uid_map'), 'garbage\n');
  const bad = await readUser(user, ctx);
  assert.deepEqual(
    [bad.uidMap, bad.gidMap, bad.setgroups, bad.via],
    [undefined, undefined, undefined, null],
    "200's uid_map is not shown without its gid_map",
  );
  assert.ok(
    bad.unavailable.some((u) => u.what === 'ID maps and setgroups' && /malformed ID map line 'garbage'/.test(u.reason)),
    JSON.stringify(bad.unavailable),
  );
});

test('readPid: a member without NSpid leaves the depth to the parents the snapshot knows', async (t) => {
  const ctx = fixture(t, 0);
  for (const p of ctx.snapshot.processes) if (p.ns.pid === CHILD_PID) p.nspid = [];
  const d = await readPid(
    ctx.snapshot.namespaces.find((n) => n.ns === CHILD_PID)!,
    ctx,
  );
  assert.equal(d.depth, 1);
});

test('readDetails: a reader that fails costs its namespace only, which says why; an inode the scan does not know is a DetailsError', async (t) => {
  const ctx = fixture(t);
  ctx.snapshot.namespaces.push(
    nsRecord(
      HOST.mnt,
      'mnt',
      ctx.snapshot.processes.filter((p) => p.ns.mnt === HOST.mnt),
    ),
  );
  const proc = new (class extends ProcSource {
    override mountinfo(): string {
      throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    }
  })(ctx.proc.procRoot);
  const [mnt, user] = await readDetails(ctx.snapshot, [HOST.mnt, CHILD_USER], { proc, asRoot: false });
  assert.deepEqual(
    [mnt!.type, mnt!.unavailable],
    ['mnt', [{ what: 'what is inside', reason: 'EIO: i/o error, read', needsRoot: false }]],
  );
  assert.equal(user!.via, '/proc/200');
  await assert.rejects(
    readDetails(ctx.snapshot, [12], { proc, asRoot: false }),
    (err) => err instanceof DetailsError && err.message === 'no namespace you can see has inode 12',
  );
});

test('entrances: a member first, then a thread, an fd, a bind mount, and a pid_for_children link last', () => {
  const ns = nsRecord(4026532800, 'net', [], {
    holders: [
      { kind: 'process', pid: 7, path: '/proc/7/ns/pid_for_children' },
      { kind: 'bindmount', pid: 8, path: '/run/netns/x', mntns: 4026531840 },
      { kind: 'fd', pid: 9, fd: 3, path: '/proc/9/fd/3' },
      { kind: 'task', pid: 10, tid: 11 },
      { kind: 'process', pid: 12 },
    ],
  });
  const ctx = { proc: new ProcSource('/p') } as DetailsContext;
  assert.deepEqual(
    entrances(ns, ctx).map((e) => [e.via, e.file]),
    [
      ['PID 12', '/p/12/ns/net'],
      ['thread 11 of PID 10', '/p/10/task/11/ns/net'],
      ['fd 3 of PID 9', '/proc/9/fd/3'],
      ['bind mount /run/netns/x', '/p/8/root/run/netns/x'],
      ['pid_for_children of PID 7', '/proc/7/ns/pid_for_children'],
    ],
  );
});

test('readPid: PID 1 is the member that is 1 inside; depth from NSpid; a namespace no process is in yet has none', async (t) => {
  const ctx = fixture(t, 0);
  const d = await readPid(
    ctx.snapshot.namespaces.find((n) => n.ns === CHILD_PID)!,
    ctx,
  );
  assert.deepEqual(d.init, { pid: 201, chain: [201, 1], command: '/usr/bin/sh -x' });
  assert.equal(d.depth, 1);
  assert.deepEqual(
    d.members!.map((m) => m.chain),
    [
      [201, 1],
      [202, 2],
    ],
  );
  assert.deepEqual(d.unavailable, [], 'root sees every member');
  const empty = await readPid(
    ctx.snapshot.namespaces.find((n) => n.ns === 4026532999)!,
    ctx,
  );
  assert.deepEqual([empty.init, empty.depth, empty.members], [null, 2, []]);
});

const NET: NetDetails = {
  type: 'net',
  ns: 4026532181,
  label: 'blue',
  ownerNs: { ns: 4026531837, label: 'host' },
  readAs: 'user',
  via: '/proc/500/net',
  interfaces: [
    {
      ifindex: 1,
      name: 'lo',
      state: null,
      mtu: null,
      mac: null,
      kind: null,
      addresses: [{ family: 'inet', address: '127.0.0.1', prefixlen: 8, scope: 'host' }],
      master: null,
      rxBytes: 0,
      txBytes: 0,
    },
    {
      ifindex: 4,
      name: 'veth0',
      state: 'UP',
      mtu: 1500,
      mac: '02:00:00:00:00:01',
      kind: 'veth',
      addresses: [{ family: 'inet', address: '10.9.0.1', prefixlen: 24, scope: 'global' }],
      master: 'br0',
      peer: { ifindex: 5, name: 'veth1', ns: 4026532282, label: 'red' },
      rxBytes: 1,
      txBytes: 2,
    },
  ],
  routes: [
    {
      family: 'inet',
      dst: '10.9.0.0/24',
      gateway: null,
      dev: 'veth0',
      protocol: 'kernel',
      scope: 'link',
      prefsrc: '10.9.0.1',
      metric: null,
    },
  ],
  sockets: [{ protocol: 'tcp', family: 'inet6', address: '::', port: 8080, owners: [{ pid: 500, command: 'node' }] }],
  unavailable: [
    {
      what: 'MAC, MTU and state of the interfaces',
      reason: 'they come from netlink inside the namespace',
      needsRoot: true,
    },
  ],
};

test('detailSections: a net namespace as interfaces, routes and sockets; the veth peer’s namespace is a link', () => {
  const sections = detailSections(NET);
  assert.deepEqual(
    sections.map((s) => s.id),
    ['net-interfaces', 'net-routes', 'net-sockets', 'related'],
  );
  const veth = sections[0]!.rows[1]!;
  assert.deepEqual(
    veth.map((c) => c.text),
    ['veth0', 'UP', '1500', '02:00:00:00:00:01', '10.9.0.1/24', 'veth ↔ veth1 in net 4026532282 (red) · master br0'],
  );
  assert.equal(veth[5]!.ns, 4026532282);
  assert.equal(sections[0]!.rows[0]![2]!.text, '-', 'an unknown MTU is a dash');
  assert.deepEqual(
    sections[2]!.rows[0]!.map((c) => c.text),
    ['tcp6', '::', '8080', 'node (500)'],
  );
});

test('detailSections: the owner user namespace, and the parent of a PID or user namespace, as links; none for the initial ones', () => {
  const related = (d: NamespaceDetails) =>
    detailSections(d)
      .find((s) => s.id === 'related')!
      .rows.map(([name, value]) => [name!.text, value!.text, value!.ns]);
  assert.deepEqual(related(NET), [['Owner user namespace', 'user 4026531837 (host)', 4026531837]]);
  const base = { ns: 4026532400, label: null, readAs: 'root' as const, via: null, unavailable: [] };
  const host = { ns: 4026531837, label: 'host' };
  assert.deepEqual(related({ ...base, type: 'pid', ownerNs: host, parentNs: null, depth: 0 }), [
    ['Parent PID namespace', 'none (the initial PID namespace)', undefined],
    ['Owner user namespace', 'user 4026531837 (host)', 4026531837],
  ]);
  assert.deepEqual(
    related({
      ...base,
      type: 'pid',
      ownerNs: { ns: 4026532401, label: null },
      parentNs: { ns: 4026531836, label: null },
      depth: 1,
    }),
    [
      ['Parent PID namespace', 'pid 4026531836', 4026531836],
      ['Owner user namespace', 'user 4026532401', 4026532401],
    ],
  );
  // A user namespace's owner is its parent: named once.
  assert.deepEqual(related({ ...base, type: 'user', ownerNs: host, parentNs: host, depth: 1 }), [
    ['Parent user namespace', 'user 4026531837 (host)', 4026531837],
  ]);
  assert.deepEqual(related({ ...base, type: 'user', ownerNs: null, parentNs: null, depth: 0 }), [
    ['Parent user namespace', 'none (the initial user namespace)', undefined],
  ]);
  // The kernel did not say (no NS_GET_USERNS): not called the initial one.
  assert.deepEqual(related({ ...base, type: 'user', ownerNs: null, parentNs: null }), [
    ['Parent user namespace', 'not visible', undefined],
  ]);
  assert.deepEqual(related({ ...base, type: 'uts', ownerNs: null }), [
    ['Owner user namespace', 'not visible', undefined],
  ]);
});

test('detailSections: capability sets as "all", as what they lack when most are there, else by name; outside the initial user namespace they hold inside it only', () => {
  const all = capabilityNames(FULL);
  const user: UserDetails = {
    type: 'user',
    ns: 1,
    label: null,
    ownerNs: null,
    readAs: 'user',
    via: null,
    unavailable: [],
    capabilities: [
      {
        effective: all,
        permitted: all.filter((n) => n !== 'cap_sys_admin'),
        bounding: [...all.filter((n) => n !== 'cap_chown'), 'cap_41'],
        processes: [{ pid: 5, command: 'sh' }],
      },
    ],
  };
  const withPing = {
    ...user,
    capabilities: [
      ...user.capabilities!,
      { effective: [], permitted: ['cap_net_raw'], bounding: [], processes: [{ pid: 6, command: 'ping' }] },
    ],
  };
  const cells = (d: UserDetails) => detailSections(d)[1]!.rows.map((r) => r.map((c) => c.text));
  assert.deepEqual(cells({ ...withPing, depth: 0 }), [
    ['sh (5)', 'all 41', 'all but sys_admin', 'all but chown'],
    ['ping (6)', 'none', 'net_raw', 'none'],
  ]);
  const inside = [
    [
      'sh (5)',
      'all 41, inside this user namespace only',
      'all but sys_admin, inside this user namespace only',
      'all but chown, inside this user namespace only',
    ],
    ['ping (6)', 'none', 'net_raw', 'none'],
  ];
  assert.deepEqual(cells({ ...withPing, depth: 1 }), inside);
  // Depth unknown (the kernel did not say): only the initial user namespace maps every ID to itself.
  assert.deepEqual(cells({ ...withPing, uidMap: [{ inside: 0, outside: 1000, count: 1 }] }), inside);
  assert.deepEqual(cells({ ...withPing, uidMap: [{ inside: 0, outside: 0, count: 4294967295 }] })[0]![1], 'all 41');
  assert.match(
    detailsText({ ...withPing, depth: 2 }),
    // eslint-disable-next-line no-regex-spaces -- two spaces indent the lines of a section, as printed
    /\n  sh \(5\) +all 41, inside this user namespace only +all but sys_admin, inside this user namespace only/,
  );
});

test('detailsText: heading, sections, and what was not read with the option that reads it', () => {
  const text = detailsText(NET);
  assert.match(text, /^net namespace 4026532181 \(blue\) · read as you, \/proc\/500\/net\n/);
  // eslint-disable-next-line no-regex-spaces -- two spaces indent the lines of a section, as printed
  assert.match(text, /\nInterfaces\n  NAME +STATE +MTU +MAC +ADDRESSES +LINK\n  lo +- +- +- +127\.0\.0\.1\/8 +-\n/);
  assert.match(
    text,
    // eslint-disable-next-line no-regex-spaces -- two spaces indent the lines of a section, as printed
    /\nNot shown\n  MAC, MTU and state of the interfaces: they come from netlink inside the namespace \(add --as-root\)\n$/,
  );
  assert.doesNotMatch(detailsText({ ...NET, readAs: 'root' }), /add --as-root/);
});

test('detailsText: ID maps as ranges, a single ID as itself, said to be one', () => {
  const text = detailsText({
    type: 'user',
    ns: 1,
    label: null,
    ownerNs: null,
    readAs: 'user',
    via: null,
    uidMap: [
      { inside: 0, outside: 1000, count: 1 },
      { inside: 1, outside: 100000, count: 65536 },
    ],
    unavailable: [],
  });
  assert.match(text, /UID map +0 → 1000 \(one ID\), 1–65536 → 100000–165535\n/);
});

test('detailsText: a hostname with control characters is printed escaped', () => {
  const text = detailsText({
    type: 'uts',
    ns: 1,
    label: null,
    ownerNs: null,
    readAs: 'root',
    via: null,
    hostname: 'evil\u001b[2J',
    domainname: '(none)',
    unavailable: [],
  });
  assert.match(text, /Hostname +evil\\033\[2J\n/);
});

test('detailWords and detailRows: what a tree row says of what is inside', () => {
  assert.equal(detailWords(NET), 'veth0');
  assert.deepEqual(
    detailRows(NET).map((r) => [r.label, r.description]),
    [
      ['lo', '127.0.0.1/8'],
      ['veth0', '10.9.0.1/24 · UP · ↔ veth1 in net 4026532282 (red) · in br0'],
    ],
  );
  const base = { ns: 1, label: null, ownerNs: null, readAs: 'root' as const, via: null, unavailable: [] };
  assert.equal(detailWords({ ...base, type: 'uts', hostname: 'box' }), 'hostname box');
  assert.equal(
    detailWords({
      ...base,
      type: 'time',
      monotonic: { seconds: 3600, nanoseconds: 0 },
      boottime: { seconds: 0, nanoseconds: 0 },
    }),
    'monotonic +3600 s',
  );
  assert.equal(
    detailWords({ ...base, type: 'pid', init: { pid: 9, chain: [9, 1], command: '/bin/bash -l' } }),
    'PID 1: bash',
  );
  const user: UserDetails = { ...base, type: 'user', uidMap: [{ inside: 0, outside: 0, count: 4294967295 }] };
  assert.equal(detailWords(user), undefined, 'the initial map says nothing new');
  assert.equal(detailWords({ ...user, uidMap: [{ inside: 0, outside: 1000, count: 1 }] }), 'uid 0→1000 (one ID)');
  assert.equal(
    detailWords({
      ...user,
      uidMap: [
        { inside: 0, outside: 100000, count: 65536 },
        { inside: 65536, outside: 1000, count: 1 },
      ],
    }),
    'uid 0→100000 (65536), …',
  );
  assert.equal(
    detailWords({ ...base, type: 'ipc', messageQueues: [], semaphores: [], sharedMemory: [], posixQueues: [] }),
    undefined,
  );
});
