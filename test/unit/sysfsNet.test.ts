/**
 * What an ordinary user learns of interfaces from /sys/class/net, on captured sysfs trees
 * (test/fixtures/net/{a,host}/sys, by capture-sysfs.ts) compared with what `ip -d -j link`
 * printed at the same time: namespace a of make.sh (a bridge with a veth in it, a veth pair,
 * lo), mounted by `ip netns exec` inside it, and this machine's own (a virtio eth0, ifb0/1, lo).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { DetailsContext } from '../../src/core/details/context';
import { readNet } from '../../src/core/details/net/net';
import { parseNetDev } from '../../src/core/details/net/procNet';
import {
  applySysfs,
  parseIgmpIndexes,
  parseSnmp6Index,
  readSysClassNet,
  sysfsAddress,
  sysfsMismatch,
} from '../../src/core/details/net/sysfsNet';
import type { NetInterface } from '../../src/core/details/types';
import { parseNsLink, ProcSource } from '../../src/core/linux/procfs';
import type { ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { netGraph } from '../../src/core/network/graph';
import { FIXTURES } from './fixture-probe';
import { nsRecord } from './records';

const NET = path.join(FIXTURES, 'net');
const PID_A = Number(/^a (\d+)$/m.exec(fs.readFileSync(path.join(NET, 'pids.txt'), 'utf8'))![1]);

interface IpLink {
  ifindex: number;
  ifname: string;
  mtu: number;
  operstate: string;
  address?: string;
  master?: string;
  link_type: string;
  linkinfo?: { info_kind?: string };
}

const ipLinks = (side: string): IpLink[] =>
  JSON.parse(fs.readFileSync(path.join(NET, side, 'truth/ip-link.json'), 'utf8')) as IpLink[];
const sysDir = (side: string) => path.join(NET, side, 'sys/class/net');
const procNet = (name: string) => fs.readFileSync(path.join(NET, 'a/proc', String(PID_A), 'net', name), 'utf8');

/** An interface as /proc/PID/net gives it: a name, nothing of its link. */
const fromProc = (name: string): NetInterface => ({
  ifindex: null,
  name,
  state: null,
  mtu: null,
  mac: null,
  kind: null,
  kindUnknown: true,
  addresses: [],
  master: null,
  rxBytes: null,
  txBytes: null,
});

function applied(side: string): NetInterface[] {
  const links = readSysClassNet(sysDir(side));
  const interfaces = links.map((l) => fromProc(l.name));
  applySysfs(interfaces, links);
  return interfaces;
}

for (const side of ['a', 'host']) {
  test(`sysfs of ${side}: index, state, MTU, MAC and master are what \`ip -d -j link\` printed`, () => {
    const truth = ipLinks(side);
    assert.deepEqual(
      applied(side).map((i) => [i.ifindex, i.name, i.state, i.mtu, i.mac, i.master]),
      truth.map((l) => [l.ifindex, l.ifname, l.operstate, l.mtu, l.address ?? null, l.master ?? null]),
    );
  });

  test(`sysfs of ${side}: a kind is told only where it is ip's, else it is marked unknown`, () => {
    const truth = new Map(ipLinks(side).map((l) => [l.ifname, l]));
    for (const i of applied(side)) {
      const ip = truth.get(i.name)!;
      const kind = ip.link_type === 'loopback' ? 'loopback' : (ip.linkinfo?.info_kind ?? null);
      if (i.kindUnknown) assert.equal(i.kind, null, i.name);
      else assert.equal(i.kind, kind, i.name);
    }
  });
}

test('sysfs of a: the bridge and its member, lo; the veths (no DEVTYPE, no device) have no kind', () => {
  const byName = new Map(applied('a').map((i) => [i.name, i]));
  assert.deepEqual(
    [...byName.values()].map((i) => [i.name, i.kind, i.kindUnknown ?? false]),
    [
      ['lo', 'loopback', false],
      ['va', null, true],
      ['br0', 'bridge', false],
      ['vs1', null, true],
      ['vs0', null, true],
    ],
  );
  assert.deepEqual(byName.get('br0')!.members, ['va']);
  assert.equal(byName.get('va')!.members, undefined);
});

test("sysfs of this machine: eth0 (a virtio device) is a plain device, the host's way out; not ifb0, ifb1 or lo", () => {
  const interfaces = applied('host');
  assert.deepEqual(
    interfaces.map((i) => [i.name, i.kind, i.kindUnknown ?? false]),
    [
      ['lo', 'loopback', false],
      ['ifb0', null, true],
      ['ifb1', null, true],
      ['eth0', null, false],
    ],
  );
  const host = nsRecord(4026531840, 'net', []);
  const details = { ns: host.ns, type: 'net' as const, label: 'host', ownerNs: null, readAs: 'user' as const };
  const graph = netGraph(
    [{ ...host, label: 'host' }],
    new Map([[host.ns, { ...details, via: null, unavailable: [], interfaces }]]),
  );
  assert.deepEqual(graph.namespaces[0]!.outside, ['eth0']);
});

test('the address as ip prints it: a MAC, an IP tunnel endpoint as an IP address, none when empty', () => {
  assert.equal(sysfsAddress('02:fc:00:00:00:01', 1), '02:fc:00:00:00:01');
  assert.equal(sysfsAddress('0a:4d:00:01', 768), '10.77.0.1');
  assert.equal(sysfsAddress('fd:77:00:00:00:00:00:00:00:00:00:00:00:00:00:01', 823), 'fd77::1');
  assert.equal(sysfsAddress('', 65534), null);
});

test('proc files that name interface indexes: dev_snmp6/NAME and igmp, as captured in a', () => {
  const a = new Map(ipLinks('a').map((l) => [l.ifname, l.ifindex]));
  for (const name of a.keys()) assert.equal(parseSnmp6Index(procNet(`dev_snmp6/${name}`)), a.get(name), name);
  const igmp = parseIgmpIndexes(procNet('igmp'));
  assert.ok(igmp.size > 0);
  for (const [name, index] of igmp) assert.equal(index, a.get(name), name);
  assert.equal(parseSnmp6Index('Ip6InReceives 0\n'), null);
});

test('sysfs is taken to show a namespace only with the same interfaces at the same indexes', () => {
  const a = readSysClassNet(sysDir('a'));
  const names = parseNetDev(procNet('dev')).rows.map((r) => r.name);
  const indexes = new Map(ipLinks('a').map((l) => [l.ifname, l.ifindex]));
  assert.equal(sysfsMismatch(a, names, indexes), null);
  assert.equal(sysfsMismatch(a, names, new Map()), null, 'no index known: the names decide');
  assert.equal(
    sysfsMismatch(readSysClassNet(sysDir('host')), names, new Map()),
    'it lists ifb0, which it does not have, ifb1, which it does not have, eth0, which it does not have, ' +
      'not va, not br0, not vs1, not vs0',
  );
  assert.equal(
    sysfsMismatch(a, names, new Map([['va', 7]])),
    `its interface indexes differ (va is ${indexes.get('va')} there, not 7)`,
  );
});

function userContext(ino: number, proc: ProcSource): DetailsContext {
  const member: ProcessRecord = {
    pid: PID_A,
    ppid: 1,
    uid: 1000,
    user: 'dev',
    name: 'sleep',
    command: 'sleep 1000',
    nspid: [PID_A],
    ns: { net: ino },
  };
  const snapshot: Snapshot = {
    version: 1,
    takenAt: new Date(0).toISOString(),
    scanner: { uid: 1000, procRoot: '/proc', durationMs: 0 },
    capabilities: { hierarchy: false },
    hidden: { total: 0, byReason: { EACCES: 0, vanished: 0 } },
    namespaces: [nsRecord(ino, 'net', [member])],
    processes: [member],
  };
  return { snapshot, proc, users: new Map(), threads: null };
}

test("readNet as a user in its own namespace (a): sysfs's states, MACs and bridge; what it cannot tell is said", async () => {
  const proc = new ProcSource(path.join(NET, 'a/proc'), '/nonexistent');
  const own = parseNsLink(fs.readlinkSync(path.join(NET, 'a/proc/self/ns/net')))!.ino;
  const ctx = userContext(own, proc);
  const d = await readNet(ctx.snapshot.namespaces[0]!, ctx);
  const truth = new Map(ipLinks('a').map((l) => [l.ifname, l]));
  for (const i of d.interfaces!) {
    const ip = truth.get(i.name)!;
    assert.deepEqual([i.ifindex, i.state, i.mac, i.master], [ip.ifindex, ip.operstate, ip.address, ip.master ?? null]);
  }
  const what = d.unavailable.map((u) => u.what);
  assert.ok(what.includes('the kind of va, vs1 and vs0'), what.join('\n'));
  assert.ok(
    what.includes("what va, vs1 and vs0 are wired to (a veth's other end, the interface a macvlan or vlan sits on)"),
  );
  assert.ok(!what.some((w) => /state, MTU, MAC|bridge members/.test(w)), what.join('\n'));
  assert.ok(d.unavailable.every((u) => u.needsRoot));

  // The same tree for a namespace that is not the reader's: sysfs is not taken for it.
  const other = userContext(own + 1, proc);
  const o = await readNet(other.snapshot.namespaces[0]!, other);
  assert.ok(o.interfaces!.every((i) => i.state === null && i.kindUnknown));
  const why = o.unavailable.find((u) => u.what === 'the state, MTU, MAC address and kind of each interface');
  assert.match(why!.reason, /sysfs shows only the namespace it was mounted from/);
});
