/**
 * `nsx net --json` on the topologies of a namespaces course, built with `ip`: a new net
 * namespace (only `lo`, DOWN); two joined by a veth pair whose ends ping each other; a
 * bridge in a third with veths from two more; a macvlan and a vxlan on a veth. Every wire
 * is checked against `ip -j -d link` read in each namespace (peer ifindex and
 * link-netnsid, `master`, a vxlan's device): none missing, none invented; `--dot` draws
 * the same wires as edges.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetGraph } from '../../src/core/network/graph';
import { cliJson, needs, runCli, Scenario } from './helpers';
import { buildCourse, ipIn } from './netmap-course';
import { dotWires, ipWires, nsxWires, readIp, sorted } from './netmap-truth';

const rootIp = needs({
  root: 'makes net namespaces, veth pairs, a bridge, a macvlan and a vxlan',
  tools: ['ip', 'ping', 'unshare', 'mount'],
});

test(
  'nsx net --json draws the wires ip reports: veth pairs, a bridge with two ports, a macvlan and a vxlan on a veth; a new namespace has only lo, DOWN',
  { skip: rootIp, timeout: 60_000 },
  (t) => {
    const s = new Scenario(t);
    const { lone, left, right, inodes, files } = buildCourse(s, 'map');
    const graph = cliJson<NetGraph>(['net', '--json']);
    const want = ipWires(readIp(files));
    assert.deepEqual(sorted(nsxWires(graph, inodes)), sorted(want));
    assert.equal(want.size, 7, `the topology has 7 wires: ${[...want].join('; ')}`);
    const dot = runCli(['net', '--dot']);
    assert.equal(dot.status, 0, dot.stderr);
    assert.deepEqual(sorted(dotWires(dot.stdout, inodes)), sorted(want), '--dot draws each wire as an edge');

    const card = graph.namespaces.find((n) => inodes.get(n.ns) === lone);
    assert.deepEqual(
      card?.interfaces.map((i) => [i.name, i.kind, i.state]),
      [['lo', 'loopback', 'DOWN']],
    );
    const vx = graph.namespaces.find((n) => inodes.get(n.ns) === left)?.interfaces.find((i) => i.name === 'vx0');
    assert.equal(vx?.remote, '10.77.0.9');
    ipIn(right, ['route', 'add', 'default', 'via', '10.77.0.1', 'dev', 'r0']);
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

const rootNft = needs({
  root: 'makes net namespaces, veth pairs, a bridge, a macvlan and a vxlan; lists their firewalls',
  tools: ['ip', 'ping', 'nft'],
});

test(
  'nsx net --json --no-firewall (what the map draws first) has the same cards and wires as the full read, without firewalls',
  { skip: rootNft, timeout: 60_000 },
  (t) => {
    const s = new Scenario(t);
    const { inodes } = buildCourse(s, 'topo');
    const ours = (g: NetGraph) => ({
      namespaces: g.namespaces
        .filter((n) => inodes.has(n.ns))
        .map(({ firewall: _, ...card }) => card)
        .sort((a, b) => a.ns - b.ns),
      links: g.links.filter((l) => inodes.has(l.a.ns) || inodes.has(l.b.ns)),
    });
    const full = cliJson<NetGraph>(['net', '--json']);
    const topology = cliJson<NetGraph>(['net', '--json', '--no-firewall']);
    assert.equal(ours(full).links.length, 7);
    assert.deepEqual(ours(topology), ours(full));
    assert.ok(
      topology.namespaces.every((n) => !n.firewall),
      'no firewall is read',
    );
    assert.ok(
      full.namespaces.filter((n) => inodes.has(n.ns)).every((n) => n.firewall),
      'the full read has a firewall for each of the course',
    );
  },
);
