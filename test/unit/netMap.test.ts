/** The network map's layout, path finding, change marks and drawing, on graphs made here. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import type { GraphInterface, GraphLink, GraphNamespace, NetGraph } from '../../src/core/network/graph';
import { layoutMap, MapLayout } from '../../src/core/network/layout';
import { pathBetween } from '../../src/core/network/path';
import { mapChanges, withGone } from '../../src/core/network/mapChanges';
import { mapSvg } from '../../src/core/network/mapSvg';
import { badgeText, cardContent, firewallBadge } from '../../src/core/network/cardContent';
import { changeWords, nextMarks } from '../../src/ui/network/mapModel';

const HOST = 1;
const iface = (name: string, kind: string | null, over: Partial<GraphInterface> = {}): GraphInterface => ({
  ifindex: 1,
  name,
  kind,
  state: 'UP',
  addresses: [],
  ...over,
});
const space = (ns: number, label: string, interfaces: GraphInterface[], over: Partial<GraphNamespace> = {}) => ({
  ns,
  label,
  nprocs: 1,
  interfaces,
  ...over,
});
const veth = (a: number, ai: string, b: number, bi: string): GraphLink => ({
  kind: 'veth',
  a: { ns: a, ifname: ai },
  b: { ns: b, ifname: bi },
});
const port = (ns: number, ifname: string, bridge: string): GraphLink => ({
  kind: 'bridge-port',
  a: { ns, ifname },
  b: { ns, ifname: bridge },
});

/** The host with eth0 to the outside and docker0 holding N containers, each on a veth. */
function dockerHost(n: number): NetGraph {
  const hostIfs = [iface('lo', 'loopback'), iface('eth0', null), iface('docker0', 'bridge')];
  const graph: NetGraph = { namespaces: [], links: [] };
  const containers: GraphNamespace[] = [];
  for (let i = 0; i < n; i++) {
    const ns = 100 + i;
    hostIfs.push(iface(`veth${i}`, 'veth', { master: 'docker0' }));
    containers.push(
      space(ns, `c${i}`, [iface('lo', 'loopback'), iface('eth0', 'veth', { addresses: [`172.17.0.${i + 2}/16`] })], {
        container: `c${i} (docker)`,
      }),
    );
    graph.links.push(veth(HOST, `veth${i}`, ns, 'eth0'), port(HOST, `veth${i}`, 'docker0'));
  }
  graph.namespaces.push(space(HOST, 'host', hostIfs, { outside: ['eth0'] }), ...containers);
  return graph;
}

type Segment = [[number, number], [number, number]];
const segments = (layout: MapLayout): { wire: number; s: Segment }[] =>
  layout.wires.flatMap((w, wire) => w.points.slice(1).map((p, i) => ({ wire, s: [w.points[i]!, p] as Segment })));

/** Two axis-parallel segments cross when one passes through the other's inside (shared ends and overlaps aside). */
function cross([[ax1, ay1], [ax2, ay2]]: Segment, [[bx1, by1], [bx2, by2]]: Segment): boolean {
  const aVertical = ax1 === ax2;
  const bVertical = bx1 === bx2;
  if (aVertical === bVertical) return false;
  const [v, h] = aVertical
    ? [
        [ax1, ay1, ay2],
        [by1, bx1, bx2],
      ]
    : [
        [bx1, by1, by2],
        [ay1, ax1, ax2],
      ];
  const [vx, vy1, vy2] = v as [number, number, number];
  const [hy, hx1, hx2] = h as [number, number, number];
  const inside = (x: number, a: number, b: number) => x > Math.min(a, b) && x < Math.max(a, b);
  return inside(vx, hx1, hx2) && inside(hy, vy1, vy2);
}

test('200 containers on one bridge: one card each, none overlapping, and no two wires crossing', () => {
  const graph = dockerHost(200);
  const layout = layoutMap(graph);
  assert.equal(layout.cards.length, 201);
  const boxes = layout.cards;
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [a, b] = [boxes[i]!, boxes[j]!];
      const apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
      assert.ok(apart, `cards ${a.ns} and ${b.ns} overlap`);
    }
  const segs = segments(layout);
  for (let i = 0; i < segs.length; i++)
    for (let j = i + 1; j < segs.length; j++) {
      if (segs[i]!.wire === segs[j]!.wire) continue;
      assert.ok(!cross(segs[i]!.s, segs[j]!.s), `wires ${segs[i]!.wire} and ${segs[j]!.wire} cross`);
    }
  // Each container's wire stands for its veth and its bridge port, and starts at the host's docker0.
  const host = layout.cards.find((c) => c.ns === HOST)!;
  assert.equal(layout.wires.length, 200);
  for (const w of layout.wires) {
    assert.equal(w.links.length, 2);
    assert.deepEqual(w.points[0], [host.x + host.w, host.badgeY.get('docker0')]);
  }
  // The grid is wider than tall on a screen, not a column of 200.
  assert.ok(layout.width > layout.height / 3, `${layout.width} × ${layout.height}`);
});

test('a bridge with many ports folds them into a count; a small one lists them under it', () => {
  const big = cardContent(dockerHost(5).namespaces[0]!, dockerHost(5));
  assert.deepEqual(
    big.badges.map((b) => b.name),
    ['lo', 'eth0', 'docker0'],
  );
  assert.equal(big.folded.get('docker0'), 5);
  assert.match(badgeText(big.badges[2]!, 5), /^docker0 bridge UP · 5 ports/);
  const small = cardContent(dockerHost(2).namespaces[0]!, dockerHost(2));
  assert.deepEqual(
    small.badges.map((b) => b.name),
    ['lo', 'eth0', 'docker0', 'veth0', 'veth1'],
  );
});

test('what could not be read is drawn as unknown', () => {
  const n = space(7, 'sleep', [iface('eth0', null, { state: null, kindUnknown: true })], {
    unknown: ['interfaces: root needed'],
  });
  assert.equal(badgeText(n.interfaces[0]!, undefined), 'eth0 kind ? state ?');
  const content = cardContent(n, { namespaces: [n], links: [] });
  assert.deepEqual(content.footer, ['no default route', 'not read: interfaces: root needed']);
  const svg = mapSvg({ namespaces: [n], links: [] }, layoutMap({ namespaces: [n], links: [] }));
  assert.match(svg, /class="card partial"/);
  assert.match(svg, /badge state-unknown/);
});

/** The course: a lone netns, a pair joined by a veth, a hub with a bridge and two members. */
function course(): NetGraph {
  const namespaces = [
    space(HOST, 'host', [iface('lo', 'loopback'), iface('eth0', null)], { outside: ['eth0'] }),
    space(10, 'lone', [iface('lo', 'loopback', { state: 'DOWN' })]),
    space(11, 'left', [iface('lo', 'loopback'), iface('v-left', 'veth')]),
    space(12, 'right', [iface('lo', 'loopback'), iface('v-right', 'veth')]),
    space(20, 'hub', [
      iface('br0', 'bridge'),
      iface('p1', 'veth', { master: 'br0' }),
      iface('p2', 'veth', { master: 'br0' }),
    ]),
    space(21, 'm1', [iface('eth0', 'veth')]),
    space(22, 'm2', [iface('eth0', 'veth')]),
  ];
  const links = [veth(11, 'v-left', 12, 'v-right'), veth(20, 'p1', 21, 'eth0'), port(20, 'p1', 'br0')];
  links.push(veth(20, 'p2', 22, 'eth0'), port(20, 'p2', 'br0'));
  return { namespaces, links };
}

test('the course topology: every namespace a card, the veth pair one wire, the hub wired to both members', () => {
  const graph = course();
  const layout = layoutMap(graph);
  assert.deepEqual(
    layout.cards.map((c) => c.ns).sort((a, b) => a - b),
    [1, 10, 11, 12, 20, 21, 22],
  );
  const joins = layout.wires.map((w) => [...w.ns].sort((a, b) => a - b).join('-')).sort();
  assert.deepEqual(joins, ['11-12', '20-21', '20-22']);
  // The hub's members hang to its right, off its bridge.
  const hub = layout.cards.find((c) => c.ns === 20)!;
  for (const m of [21, 22]) assert.ok(layout.cards.find((c) => c.ns === m)!.x > hub.x + hub.w);
  assert.deepEqual(layout.outside, [{ ns: HOST, ifname: 'eth0', x: 120, y: layout.cards[0]!.badgeY.get('eth0') }]);
});

test('a wire inside one namespace is an arc beside its card', () => {
  const n = space(5, 'solo', [iface('a', 'veth'), iface('b', 'veth')]);
  const layout = layoutMap({ namespaces: [n], links: [veth(5, 'a', 5, 'b')] });
  assert.equal(layout.wires.length, 1);
  assert.equal(layout.wires[0]!.extra, true);
  const card = layout.cards[0]!;
  assert.ok(layout.wires[0]!.points.every(([x]) => x >= card.x + card.w));
});

test('the path between two members of a bridge goes over the bridge, not through routing', () => {
  const graph = course();
  assert.deepEqual(pathBetween(graph, 21, 22), { namespaces: [21, 20, 22], links: [1, 2, 4, 3] });
  assert.deepEqual(pathBetween(graph, 11, 12), { namespaces: [11, 12], links: [0] });
  assert.equal(pathBetween(graph, 10, 11), null);
  assert.equal(pathBetween(graph, 10, 999), null);
  assert.deepEqual(pathBetween(graph, 10, 10), { namespaces: [10], links: [] });
});

test('host → bridge → veth → container', () => {
  const graph = dockerHost(3);
  // links: veth0, port0, veth1, port1, veth2, port2
  assert.deepEqual(pathBetween(graph, HOST, 101), { namespaces: [HOST, 101], links: [3, 2] });
  assert.deepEqual(pathBetween(graph, 100, 102), { namespaces: [100, HOST, 102], links: [0, 1, 5, 4] });
});

test('changes: nothing on the first look; then what appeared, what went away, new wires', () => {
  const before = dockerHost(2);
  assert.deepEqual(mapChanges(undefined, before), { appeared: new Set(), gone: [], newLinks: new Set() });
  const after = dockerHost(3);
  after.namespaces = after.namespaces.filter((n) => n.ns !== 100);
  after.links = after.links.filter((l) => l.b.ns !== 100 && l.a.ifname !== 'veth0');
  const changes = mapChanges(before, after);
  assert.deepEqual([...changes.appeared], [102]);
  assert.deepEqual(
    changes.gone.map((n) => n.ns),
    [100],
  );
  assert.deepEqual(
    [...changes.newLinks].map((i) => after.links[i]!.a.ifname),
    ['veth2', 'veth2'],
  );
  const drawn = withGone(after, changes);
  assert.ok(drawn.namespaces.some((n) => n.ns === 100));
  const svg = mapSvg(drawn, layoutMap(drawn), {
    marks: { appeared: changes.appeared, gone: new Set([100]), newLinks: changes.newLinks },
  });
  assert.match(svg, /class="card appeared" data-ns="102"/);
  assert.match(svg, /class="card gone" data-ns="100"/);
});

test('the drawing escapes what names carry, and a standalone file brings its own style', () => {
  const n = space(3, '<script>"x"</script>\u001b', [iface('e<1>', 'veth', { addresses: ['10.0.0.1/24'] })]);
  const graph = { namespaces: [n], links: [] };
  const svg = mapSvg(graph, layoutMap(graph), { standalone: true });
  assert.ok(!svg.includes('<script>'));
  assert.ok(!svg.includes('\u001b'));
  assert.match(svg, /&lt;script&gt;/);
  assert.match(svg, /data-if="e&lt;1&gt;"/);
  assert.match(svg, /<style>/);
  assert.ok(!mapSvg(graph, layoutMap(graph)).includes('<style>'));
  assert.match(svg, /data-vscode-context="\{&quot;webviewSection&quot;:&quot;card&quot;,&quot;ns&quot;:3/);
});

test('the panel says what changed in words, and offers root only where something was not read', () => {
  const before = dockerHost(1);
  const after = dockerHost(2);
  after.namespaces = after.namespaces.filter((n) => n.ns !== 100);
  const changes = mapChanges(before, after);
  assert.equal(
    changeWords({ graph: after, changes }),
    '1 namespace appeared (c1 (docker)); 1 went away (c0 (docker)); 2 new wires',
  );
  assert.equal(changeWords({ graph: after, changes: mapChanges(after, after) }), '');
});

test('marks last their time: a drawing that changes nothing keeps them, a new change replaces them', () => {
  const none = { appeared: new Set<number>(), gone: [], newLinks: new Set<number>() };
  const added = { appeared: new Set([7]), gone: [], newLinks: new Set<number>() };
  const shown = nextMarks(added, undefined, 1000, 4000);
  assert.deepEqual(shown, { changes: added, until: 5000 });
  assert.equal(nextMarks(none, shown, 3000, 4000), shown, 'kept while their time lasts');
  assert.equal(nextMarks(none, shown, 5000, 4000), undefined, 'gone when it is up');
  assert.equal(nextMarks(none, undefined, 3000, 4000), undefined);
  const later = { appeared: new Set([8]), gone: [], newLinks: new Set<number>() };
  assert.deepEqual(nextMarks(later, shown, 3000, 4000), { changes: later, until: 7000 });
});

test('every kind is a labelled badge: wireguard, tun, tap, dummy, ipip, gre, sit, and one never seen', () => {
  const kinds = ['wireguard', 'tun', 'tap', 'dummy', 'ipip', 'gre', 'sit', 'frobnet'];
  const n = space(9, 'vpn', [
    ...kinds.map((k) => iface(`${k}0`, k)),
    iface('mystery', null, { state: null, kindUnknown: true }),
  ]);
  const graph = { namespaces: [n], links: [] };
  const content = cardContent(n, graph);
  assert.deepEqual(
    content.badges.map((b) => b.name),
    [...kinds.map((k) => `${k}0`), 'mystery'],
  );
  const svg = mapSvg(graph, layoutMap(graph));
  for (const k of kinds) {
    assert.equal(badgeText(iface(`${k}0`, k), undefined), `${k}0 ${k} UP`);
    assert.match(svg, new RegExp(`<g class="badge state-up" data-if="${k}0"[^]*?<text [^>]*>${k}0 ${k} UP</text>`));
  }
  assert.match(svg, /data-if="mystery"[^]*?>mystery kind \? state \?<\/text>/);
});

test('a card that filters or rewrites addresses says so in a row of its own, in words in its tooltip', () => {
  assert.deepEqual(firewallBadge({ filters: true, nat: true, rules: 12 }).words, ['filters', 'NAT', '12 rules']);
  assert.deepEqual(firewallBadge({ filters: false, nat: false, rules: 1 }).words, ['1 rule']);
  assert.match(firewallBadge({ filters: false, nat: false, rules: 0 }).tooltip, /neither filters packets nor rewrites/);
  const fw = space(4, 'gateway', [iface('eth0', 'veth')], { firewall: { filters: true, nat: true, rules: 3 } });
  const plain = space(5, 'plain', [iface('eth0', 'veth')]);
  const graph = { namespaces: [fw, plain], links: [] };
  const layout = layoutMap(graph);
  const [a, b] = [4, 5].map((ns) => layout.cards.find((c) => c.ns === ns)!);
  assert.equal(a!.h - b!.h, 16, 'the firewall row makes its card one line taller');
  for (const svg of [mapSvg(graph, layout), mapSvg(graph, layout, { standalone: true })]) {
    const card = svg.slice(svg.indexOf('data-ns="4"'), svg.indexOf('data-ns="5"'));
    assert.match(card, /<g class="firewall filters nat"><title>Firewall: filters packets [^<]*rewrites addresses/);
    assert.match(card, />filters<\/text>[^]*>NAT<\/text>[^]*>3 rules<\/text>/);
    assert.doesNotMatch(svg.slice(svg.indexOf('data-ns="5"')), /firewall/);
  }
  assert.match(mapSvg(graph, layout, { standalone: true }), /\.fw-box\{/);
});

test("an interface's badge adds its name to the card's menu context: Capture Traffic… is offered there only", () => {
  const n = space(3, 'c', [iface('eth"0', 'veth')], { container: 'c (docker)' });
  const graph = { namespaces: [n], links: [] };
  const svg = mapSvg(graph, layoutMap(graph));
  const attr = /<g class="badge[^"]*" data-if="[^"]*" data-vscode-context="([^"]*)"/.exec(svg)?.[1];
  const unescape = (s: string) => s.replaceAll('&quot;', '"').replaceAll('&amp;', '&');
  assert.deepEqual(JSON.parse(unescape(attr!)), { ifname: 'eth"0' });
  const pkg = JSON.parse(readFileSync(`${__dirname}/../../package.json`, 'utf8'));
  const menu = pkg.contributes.menus['webview/context'].find(
    (m: { command: string }) => m.command === 'namespaceExplorer.networkMap.captureTraffic',
  );
  assert.match(menu.when, /webviewId == 'namespaceExplorer\.networkMap'.*&& ifname$/);
  assert.ok(pkg.contributes.commands.some((c: { command: string }) => c.command === menu.command));
});
