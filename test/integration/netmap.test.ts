/**
 * `nsx net --json` on the topologies of a namespaces course, built with `ip`: a new net
 * namespace (only `lo`, DOWN); two joined by a veth pair whose ends ping each other; a
 * bridge in a third with veths from two more; a macvlan and a vxlan on a veth. Every wire
 * is checked against `ip -j -d link` read in each namespace (peer ifindex and
 * link-netnsid, `master`, a vxlan's device): none missing, none invented.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetGraph } from '../../src/core/network/graph';
import { cliJson, needs, run, Scenario, uniqueName } from './helpers';

interface IpLink {
  ifindex: number;
  ifname: string;
  operstate: string;
  /** The peer or parent by name, when it is in the same namespace. */
  link?: string;
  /** …by index, and the namespace's id, when it is in another. */
  link_index?: number;
  link_netnsid?: number;
  master?: string;
  linkinfo?: { info_kind?: string; info_data?: { link?: string } };
}

const ip = (netns: string, args: string[]) => run('ip', ['-n', netns, ...args]);
const links = (netns: string): IpLink[] => JSON.parse(ip(netns, ['-j', '-d', 'link', 'show'])) as IpLink[];

/** The wires `ip` reports among NAMES, as `kind a/ifname b/ifname` with the ends in order. */
function ipWires(names: string[]): Set<string> {
  const byName = new Map(names.map((n) => [n, links(n)]));
  const wires = new Set<string>();
  const wire = (kind: string, a: string, b: string) => wires.add(`${kind} ${[a, b].sort().join(' ')}`);
  for (const [netns, list] of byName) {
    // nsid → name as this namespace numbers the others; unnamed ones (the host) are not ours.
    const ids = JSON.parse(ip(netns, ['-j', 'netns', 'list-id'])) as { nsid: number; name?: string }[];
    const other = (l: IpLink) =>
      l.link_netnsid === undefined ? netns : ids.find((i) => i.nsid === l.link_netnsid)?.name;
    for (const l of list) {
      const kind = l.linkinfo?.info_kind;
      if (l.master) wire('bridge-port', `${netns}/${l.ifname}`, `${netns}/${l.master}`);
      if (kind === 'vxlan' && l.linkinfo?.info_data?.link)
        wire('vxlan', `${netns}/${l.ifname}`, `${netns}/${l.linkinfo.info_data.link}`);
      if ((kind === 'veth' || kind === 'macvlan') && l.link) wire(kind, `${netns}/${l.ifname}`, `${netns}/${l.link}`);
      else if ((kind === 'veth' || kind === 'macvlan') && l.link_index !== undefined) {
        const there = other(l);
        const peer = there && byName.get(there)?.find((p) => p.ifindex === l.link_index);
        if (there && peer) wire(kind, `${netns}/${l.ifname}`, `${there}/${peer.ifname}`);
      }
    }
  }
  return wires;
}

/** nsx's wires among the namespaces of NAMES (inode → name), in the same words. */
function nsxWires(graph: NetGraph, names: Map<number, string>): Set<string> {
  const wires = new Set<string>();
  for (const l of graph.links) {
    const a = names.get(l.a.ns);
    const b = names.get(l.b.ns);
    if (a && b) wires.add(`${l.kind} ${[`${a}/${l.a.ifname}`, `${b}/${l.b.ifname}`].sort().join(' ')}`);
  }
  return wires;
}

const rootIp = needs({
  root: 'makes net namespaces, veth pairs, a bridge, a macvlan and a vxlan',
  tools: ['ip', 'ping'],
});

test(
  'nsx net --json draws the wires ip reports: veth pairs, a bridge with two ports, a macvlan and a vxlan on a veth; a new namespace has only lo, DOWN',
  { skip: rootIp, timeout: 60_000 },
  (t) => {
    const s = new Scenario(t);
    const tag = uniqueName('map');
    const [lone, left, right, hub, m1, m2] = ['lone', 'left', 'right', 'hub', 'm1', 'm2'].map((n) => `${tag}-${n}`);
    const inodes = new Map<number, string>();
    for (const name of [lone!, left!, right!, hub!, m1!, m2!]) inodes.set(s.netns(name), name);
    // Interfaces die with their namespace: deleting the namespaces removes every one made here.
    const veth = (a: string, an: string, b: string, bn: string) => {
      ip(a, ['link', 'add', an, 'type', 'veth', 'peer', 'name', bn, 'netns', b]);
    };
    veth(left!, 'l0', right!, 'r0');
    ip(left!, ['addr', 'add', '10.77.0.1/24', 'dev', 'l0']);
    ip(right!, ['addr', 'add', '10.77.0.2/24', 'dev', 'r0']);
    for (const [n, dev] of [
      [left!, 'l0'],
      [right!, 'r0'],
    ] as const)
      ip(n, ['link', 'set', dev, 'up']);
    run('ip', ['netns', 'exec', left!, 'ping', '-c', '1', '-W', '2', '10.77.0.2']);
    ip(hub!, ['link', 'add', 'br0', 'type', 'bridge']);
    veth(hub!, 'p1', m1!, 'e0');
    veth(hub!, 'p2', m2!, 'e0');
    for (const p of ['p1', 'p2']) ip(hub!, ['link', 'set', p, 'master', 'br0']);
    ip(left!, ['link', 'add', 'mv0', 'link', 'l0', 'type', 'macvlan', 'mode', 'bridge']);
    ip(left!, [
      'link',
      'add',
      'vx0',
      'type',
      'vxlan',
      'id',
      '42',
      'dev',
      'l0',
      'remote',
      '10.77.0.9',
      'dstport',
      '4789',
    ]);

    const graph = cliJson<NetGraph>(['net', '--json']);
    const want = ipWires([...inodes.values()]);
    const got = nsxWires(graph, inodes);
    assert.deepEqual([...got].sort(), [...want].sort());
    assert.equal(want.size, 7, `the topology has 7 wires: ${[...want].join('; ')}`);

    const card = graph.namespaces.find((n) => inodes.get(n.ns) === lone);
    assert.deepEqual(
      card?.interfaces.map((i) => [i.name, i.kind, i.state]),
      [['lo', 'loopback', 'DOWN']],
    );
    const vx = graph.namespaces.find((n) => inodes.get(n.ns) === left)?.interfaces.find((i) => i.name === 'vx0');
    assert.equal(vx?.remote, '10.77.0.9');
    ip(right!, ['route', 'add', 'default', 'via', '10.77.0.1', 'dev', 'r0']);
    const routed = cliJson<NetGraph>(['net', '--json']).namespaces.find((n) => inodes.get(n.ns) === right);
    assert.deepEqual(routed?.defaultRoute, { dev: 'r0', gateway: '10.77.0.1' });
    assert.equal(graph.namespaces.find((n) => inodes.get(n.ns) === lone)?.defaultRoute, undefined);
    const l0 = graph.namespaces.find((n) => inodes.get(n.ns) === left)?.interfaces.find((i) => i.name === 'l0');
    assert.deepEqual(
      l0?.addresses.filter((a) => a.startsWith('10.')),
      ['10.77.0.1/24'],
    );
  },
);
