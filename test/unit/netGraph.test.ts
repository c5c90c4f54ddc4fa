/** The network map as data: wires from the interfaces the details readers found. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetDetails, NetInterface } from '../../src/core/details/types';
import { netGraph } from '../../src/core/network/graph';
import type { NamespaceRecord } from '../../src/core/model/snapshot';
import { interfaceText, netDot, netText } from '../../src/cli/net';
import { netDetails, netInterface } from './records';

const ns = (ino: number, label: string): NamespaceRecord => ({
  ns: ino,
  type: 'net',
  nprocs: 1,
  pid: 10,
  ppid: 1,
  command: 'sleep',
  uid: 0,
  user: 'root',
  pns: null,
  ons: null,
  nsfs: [],
  holders: [],
  label,
  ghost: false,
});

const iface = netInterface;
const details = (ino: number, interfaces: NetInterface[]): NetDetails => netDetails(ino, { interfaces });

test('a veth pair seen from both ends is one wire; a bridge port and a macvlan on its parent are wires too', () => {
  const a = ns(100, 'blue');
  const b = ns(200, 'red');
  const graph = netGraph(
    [a, b],
    new Map([
      [100, details(100, [iface('va', { kind: 'veth', peer: { ifindex: 5, name: 'vb', ns: 200, label: 'red' } })])],
      [
        200,
        details(200, [
          iface('vb', { kind: 'veth', master: 'br0', peer: { ifindex: 4, name: 'va', ns: 100, label: 'blue' } }),
          iface('br0', { kind: 'bridge', members: ['vb'] }),
          iface('mv0', { kind: 'macvlan', parent: { ifindex: 5, name: 'vb', ns: 200, label: 'red' } }),
        ]),
      ],
    ]),
  );
  assert.deepEqual(graph.links, [
    { kind: 'veth', a: { ns: 100, ifname: 'va' }, b: { ns: 200, ifname: 'vb' } },
    { kind: 'bridge-port', a: { ns: 200, ifname: 'vb' }, b: { ns: 200, ifname: 'br0' } },
    { kind: 'macvlan', a: { ns: 200, ifname: 'mv0' }, b: { ns: 200, ifname: 'vb' } },
  ]);
  assert.equal(graph.namespaces[1]!.interfaces[0]!.master, 'br0');
});

test('a peer whose namespace is unknown draws no wire, and a namespace not read says so', () => {
  const graph = netGraph(
    [ns(100, 'blue'), ns(300, 'green')],
    new Map([
      [100, details(100, [iface('va', { kind: 'veth', peer: { ifindex: 5, name: null, ns: null, label: null } })])],
    ]),
  );
  assert.deepEqual(graph.links, []);
  assert.deepEqual(graph.namespaces[1]!.unknown, ['its interfaces were not read']);
});

test('nsx net text and Graphviz name each namespace, interface and wire', () => {
  const graph = netGraph(
    [ns(100, 'blue'), ns(200, 'red')],
    new Map([
      [100, details(100, [iface('va', { kind: 'veth', peer: { ifindex: 5, name: 'vb', ns: 200, label: 'red' } })])],
      [200, details(200, [iface('vb', { kind: 'veth', state: 'DOWN' })])],
    ]),
  );
  const text = netText(graph);
  assert.match(text, /^net 100 blue \(1 process\)\n {2}va: veth UP$/m);
  assert.match(text, /veth: va@100 blue — vb@200 red/);
  const dot = netDot(graph);
  assert.match(dot, /subgraph "cluster_200" \{\n {4}label="net 200 red";/);
  assert.match(dot, /"100\/va" -- "200\/vb" \[label="veth"\];/);
});

test("a namespace's default route, and the host's plain devices as its way to the outside", () => {
  const host = ns(1, 'host');
  const d = details(1, [iface('lo', { kind: 'loopback' }), iface('eth0'), iface('br0', { kind: 'bridge' })]);
  d.routes = [
    {
      family: 'inet6',
      dst: 'default',
      gateway: 'fe80::1',
      dev: 'eth0',
      protocol: null,
      scope: null,
      prefsrc: null,
      metric: null,
    },
    {
      family: 'inet',
      dst: 'default',
      gateway: '192.0.2.1',
      dev: 'eth0',
      protocol: null,
      scope: null,
      prefsrc: null,
      metric: null,
    },
  ];
  const [node] = netGraph([host], new Map([[1, d]])).namespaces;
  assert.deepEqual(node!.defaultRoute, { dev: 'eth0', gateway: '192.0.2.1' });
  assert.deepEqual(node!.outside, ['eth0']);
  assert.match(
    netText({ namespaces: [node!], links: [] }),
    /default route: via 192\.0\.2\.1 dev eth0\n {2}to the outside: eth0/,
  );
});

test('nsx net says in words what could not be read: kind and state unknown, never a "device state unknown"', () => {
  const read = { ifindex: 2, name: 'eth0', addresses: ['10.0.0.2/24'] };
  const unread = { kind: null, kindUnknown: true } as const;
  assert.equal(interfaceText({ ...read, ...unread, state: null }), 'kind unknown, state unknown; 10.0.0.2/24');
  assert.equal(interfaceText({ ...read, ...unread, state: null, addresses: [] }), 'kind unknown, state unknown');
  assert.equal(
    interfaceText({ ...read, ...unread, state: 'UP', master: 'br0' }),
    'kind unknown, state UP; 10.0.0.2/24 in br0',
  );
  assert.equal(interfaceText({ ...read, kind: null, state: 'UP' }), 'device UP 10.0.0.2/24');
  assert.equal(interfaceText({ ...read, kind: 'veth', state: 'UP', master: 'br0' }), 'veth UP 10.0.0.2/24 in br0');
  assert.doesNotMatch(
    netText({
      namespaces: [{ ns: 5, label: null, nprocs: 1, interfaces: [{ ...read, ...unread, state: null }] }],
      links: [],
    }),
    /device/,
  );
});

test('read as an ordinary user (no kinds, no states), no interface of the host is taken for a way out', () => {
  const unread = { kind: null, kindUnknown: true, state: null, mtu: null } as const;
  const d = details(1, [iface('lo', unread), iface('eth0', unread)]);
  const [node] = netGraph([ns(1, 'host')], new Map([[1, d]])).namespaces;
  assert.equal(node!.outside, undefined);
  assert.doesNotMatch(netText({ namespaces: [node!], links: [] }), /to the outside/);
});

test('a virtual interface whose state sysfs gave but not its kind is no way out; the device sysfs saw is', () => {
  const d = details(1, [
    iface('ifb0', { kind: null, kindUnknown: true, state: 'DOWN' }),
    iface('eth0', { kind: null, state: 'UP' }),
  ]);
  const [node] = netGraph([ns(1, 'host')], new Map([[1, d]])).namespaces;
  assert.deepEqual(node!.outside, ['eth0']);
  assert.deepEqual(
    node!.interfaces.map((i) => [i.name, i.kindUnknown]),
    [
      ['ifb0', true],
      ['eth0', undefined],
    ],
  );
});
