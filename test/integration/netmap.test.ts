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
import { cliJson, needs, run, runCli, Scenario, uniqueName } from './helpers';
import { dotWires, ipWires, nsxWires, readIp, sorted } from './netmap-truth';

const ip = (netns: string, args: string[]) => run('ip', ['-n', netns, ...args]);

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
    const want = ipWires(readIp(new Map([...inodes.values()].map((n) => [n, `/run/netns/${n}`]))));
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
