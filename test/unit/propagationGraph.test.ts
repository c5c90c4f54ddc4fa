/** propagationGraph.ts: which groups and mounts the drawing shows, where, and the SVG text. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMountinfo } from '../../src/core/mounts/mountinfo';
import { mountRecords } from '../../src/core/mounts/mountTable';
import { MountSet, MountTable, PropagationIndex } from '../../src/core/mounts/propagation';
import {
  cutEnd,
  cutPath,
  cutStart,
  DEFAULT_METRICS,
  describeGraph,
  GraphLayout,
  graphSvg,
  layoutGraph,
  propagationGraph,
  wrap,
} from '../../src/core/mounts/propagationGraph';
import { isPropagationFromWebview } from '../../src/ui/propagation/protocol';

/** A table from mountinfo lines `ID PARENT TARGET OPTIONAL-FIELDS…` (root /, ext4). */
function table(ns: number | null, label: string | null, lines: string[]): MountTable {
  const text = lines
    .map((l) => {
      const [id, parent, target, ...fields] = l.split(' ');
      return `${id} ${parent} 8:1 / ${target} rw ${fields.length ? fields.join(' ') + ' ' : ''}- ext4 /dev/sda1 rw`;
    })
    .join('\n');
  const { mounts, errors } = parseMountinfo(text);
  assert.deepEqual(errors, []);
  return { ns, label, via: `/proc/${ns}/mountinfo`, mounts: mountRecords(mounts), errors };
}

/**
 * host:  /mnt is peer group 2; container: /mnt is shared:3 and a slave of 2; deep: /mnt
 * is a slave of 3 and /mnt2 another member of 2. Unrelated holds a group of its own.
 */
function world() {
  const host = table(100, 'host', ['1 1 / shared:1', '2 1 /mnt shared:2', '3 1 /data']);
  const box = table(200, 'box', ['11 11 / master:1', '12 11 /mnt shared:3 master:2']);
  const deep = table(300, 'deep', ['21 21 /mnt master:3', '22 21 /mnt2 shared:2']);
  const other = table(400, 'other', ['31 31 /x shared:9']);
  const set: MountSet = { tables: [host, box, deep, other], unreadable: [] };
  return { host, box, deep, other, set, index: new PropagationIndex(set) };
}

function byId(t: MountTable, id: number) {
  const m = t.mounts.find((x) => x.id === id);
  assert.ok(m, `mount ${id}`);
  return m;
}

function nodeIds(model: ReturnType<typeof propagationGraph>) {
  return model.nodes.map((n) => `${model.lanes[n.lane].ns}:${n.mount.id}@${n.band}`).sort();
}

test('a shared mount: its group, the slave group reached forwards, and that group’s loose slaves', () => {
  const w = world();
  const model = propagationGraph(w.index, w.host, byId(w.host, 2));
  assert.deepEqual(
    model.lanes.map((l) => [l.ns, l.title, l.here]),
    [
      [100, 'mnt 100 (host)', true],
      [200, 'mnt 200 (box)', false],
      [300, 'mnt 300 (deep)', false],
    ],
  );
  assert.deepEqual(
    model.bands.map((b) => [b.key, b.depth, b.title]),
    [
      ['peer:2', 0, 'peer group 2'],
      ['peer:3', 1, 'peer group 3'],
      ['slaves:3', 2, 'slave of group 3'],
    ],
  );
  assert.deepEqual(nodeIds(model), ['100:2@peer:2', '200:12@peer:3', '300:21@slaves:3', '300:22@peer:2']);
  assert.deepEqual(model.edges.map((e) => `${e.group}→${model.nodes[e.node].mount.id}`).sort(), ['2→12', '3→21']);
  assert.equal(model.nodes.filter((n) => n.selected).length, 1);
  assert.equal(model.nodes.find((n) => n.selected)!.mount.id, 2);
  assert.equal(model.omittedLanes, 0);
});

test('a shared slave: its masters backwards and its slaves forwards; its own lane comes first', () => {
  const w = world();
  const model = propagationGraph(w.index, w.box, byId(w.box, 12));
  assert.deepEqual(
    model.lanes.map((l) => l.ns),
    [200, 100, 300],
  );
  assert.deepEqual(nodeIds(model), ['100:2@peer:2', '200:12@peer:3', '300:21@slaves:3', '300:22@peer:2']);
  assert.ok(model.lanes[0].here && !model.lanes[1].here);
});

test('a pure slave: only it under its master, not its siblings, and the master group above', () => {
  const w = world();
  const sibling = table(500, 'sibling', ['41 41 / master:1']);
  const set: MountSet = { tables: [...w.set.tables, sibling], unreadable: [] };
  const model = propagationGraph(new PropagationIndex(set), w.box, byId(w.box, 11));
  assert.deepEqual(nodeIds(model), ['100:1@peer:1', '200:11@slaves:1']);
  assert.deepEqual(
    model.bands.map((b) => [b.key, b.depth, b.title]),
    [
      ['peer:1', 0, 'peer group 1'],
      ['slaves:1', 1, 'slave of group 1'],
    ],
  );
  assert.deepEqual(
    model.edges.map((e) => [e.group, model.nodes[e.node].mount.id]),
    [[1, 11]],
  );
});

test('a private mount is drawn alone, with no arrows', () => {
  const w = world();
  const model = propagationGraph(w.index, w.host, byId(w.host, 3));
  assert.deepEqual(nodeIds(model), ['100:3@alone']);
  assert.deepEqual(
    model.bands.map((b) => [b.kind, b.title]),
    [['alone', 'private']],
  );
  assert.deepEqual(model.edges, []);
  assert.equal(describeGraph(model), '1 mount in no peer group across 1 mount namespace, 0 master→slave links.');
});

test('a master group with no member read still gets its band, and the arrow from it', () => {
  const t = table(100, null, ['1 1 / master:77']);
  const model = propagationGraph(new PropagationIndex({ tables: [t], unreadable: [] }), t, t.mounts[0]);
  assert.deepEqual(
    model.bands.map((b) => b.title),
    ['peer group 77, no member read', 'slave of group 77'],
  );
  assert.deepEqual(
    model.edges.map((e) => e.group),
    [77],
  );
  const layout = layoutGraph(model);
  assert.equal(layout.arrows.length, 1);
});

test('a cycle of masters (impossible from the kernel) ends, each group drawn once', () => {
  const t = table(100, null, ['1 1 / shared:5 master:6', '2 1 /a shared:6 master:5']);
  const model = propagationGraph(new PropagationIndex({ tables: [t], unreadable: [] }), t, t.mounts[0]);
  assert.deepEqual(model.bands.map((b) => b.key).sort(), ['peer:5', 'peer:6']);
  assert.equal(model.nodes.length, 2);
  assert.equal(model.edges.length, 2);
  assert.deepEqual(model.bands.map((b) => b.depth).sort(), [0, 1]);
  assertArrowsSane(layoutGraph(model));
});

test('more namespaces than lanes: the mount’s own lane is kept and the rest counted', () => {
  const host = table(100, 'host', ['1 1 / shared:1']);
  const slaves = [200, 300, 400, 500, 600].map((ns, i) => table(ns, null, [`${10 + i} ${10 + i} / master:1`]));
  const set: MountSet = { tables: [...slaves, host], unreadable: [] };
  const model = propagationGraph(new PropagationIndex(set), host, host.mounts[0], { maxLanes: 3 });
  assert.deepEqual(
    model.lanes.map((l) => l.ns),
    [100, 200, 300],
  );
  assert.equal(model.omittedLanes, 3);
  assert.ok(model.nodes.every((n) => n.lane < 3));
  assert.match(describeGraph(model), /3 namespaces are not drawn/);
});

test('a peer in the same namespace (a bind mount) shares the lane, one box under the other', () => {
  const t = table(100, null, ['1 1 / shared:1', '2 1 /bind shared:1']);
  const model = propagationGraph(new PropagationIndex({ tables: [t], unreadable: [] }), t, t.mounts[1]);
  assert.equal(model.lanes.length, 1);
  assert.deepEqual(
    model.nodes.map((n) => [n.mount.id, n.selected]),
    [
      [2, true],
      [1, false],
    ],
  );
  const layout = layoutGraph(model);
  assert.equal(layout.boxes[0].x, layout.boxes[1].x);
  assert.ok(layout.boxes[1].y >= layout.boxes[0].y + layout.boxes[0].height);
});

function overlaps(a: { x: number; y: number; width: number; height: number }, b: typeof a): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

function assertSane(layout: GraphLayout): void {
  for (let i = 0; i < layout.boxes.length; i++) {
    for (let j = i + 1; j < layout.boxes.length; j++)
      assert.ok(!overlaps(layout.boxes[i], layout.boxes[j]), `boxes ${i} and ${j} overlap`);
  }
  for (const box of layout.boxes) {
    assert.ok(
      box.x >= 0 && box.y >= 0 && box.x + box.width <= layout.width && box.y + box.height <= layout.height,
      'box inside the drawing',
    );
    const lane = layout.lanes.find((l) => box.x >= l.x && box.x + box.width <= l.x + l.width);
    assert.ok(lane, 'box inside a lane');
    assert.ok(
      layout.bands.some((b) => box.y >= b.y && box.y + box.height <= b.y + b.height),
      'box inside a band',
    );
  }
}

test('layout: boxes in their lane and band, never overlapping; bands top-down by depth', () => {
  const w = world();
  const layout = layoutGraph(propagationGraph(w.index, w.host, byId(w.host, 2)));
  assertSane(layout);
  const ys = layout.bands.map((b) => b.y);
  assert.deepEqual(
    ys,
    [...ys].sort((a, b) => a - b),
  );
  for (let i = 1; i < layout.bands.length; i++)
    assert.ok(layout.bands[i].y >= layout.bands[i - 1].y + layout.bands[i - 1].height);
  assert.equal(layout.width, DEFAULT_METRICS.labelWidth + 3 * (DEFAULT_METRICS.laneWidth + DEFAULT_METRICS.laneGap));
  // Group colours: each peer group its own, the loose slaves none.
  assert.deepEqual(
    layout.bands.map((b) => b.colour),
    [0, 1, null],
  );
  assert.equal(layout.boxes.find((b) => b.mountId === 12)!.colour, 1);
});

type Rect = { x: number; y: number; width: number; height: number };
type Point = [number, number];

/** Whether the segment A–B (horizontal or vertical) passes through the inside of R. */
function crosses(a: Point, b: Point, r: Rect): boolean {
  const [x0, x1] = [Math.min(a[0], b[0]), Math.max(a[0], b[0])];
  const [y0, y1] = [Math.min(a[1], b[1]), Math.max(a[1], b[1])];
  return x0 < r.x + r.width && x1 > r.x && y0 < r.y + r.height && y1 > r.y;
}

const onBottomEdge = (p: Point, r: Rect) => p[1] === r.y + r.height && p[0] > r.x && p[0] < r.x + r.width;

/** Arrows run straight across and down, inside the lanes, through no box but their two ends. */
function assertArrowsSane(layout: GraphLayout): void {
  const left = layout.lanes[0].x;
  const right = layout.lanes.at(-1)!.x + layout.lanes.at(-1)!.width;
  for (const arrow of layout.arrows) {
    const target = layout.boxes[arrow.node];
    const source = layout.boxes.find((b) => b !== target && onBottomEdge(arrow.points[0], b));
    arrow.points.forEach((p, i) => {
      assert.ok(p[0] >= left && p[0] <= right, `arrow ${arrow.group}→${target.mountId}: x ${p[0]} inside the lanes`);
      if (i === 0) return;
      const q = arrow.points[i - 1];
      assert.ok(p[0] === q[0] || p[1] === q[1], `arrow ${arrow.group}→${target.mountId}: segment ${i} straight`);
      for (const box of layout.boxes) {
        if (box === target || box === source) continue;
        assert.ok(
          !crosses(q, p, box),
          `arrow ${arrow.group}→${target.mountId} crosses the box of mount ${box.mountId}`,
        );
      }
    });
  }
}

test('layout: an arrow leaves the lower edge of the master’s box nearest the slave and enters the slave’s box from above', () => {
  const w = world();
  const layout = layoutGraph(propagationGraph(w.index, w.host, byId(w.host, 2)));
  assert.equal(layout.arrows.length, 2);
  assertArrowsSane(layout);
  const box = (ns: number, id: number) => layout.boxes.find((b) => b.ns === ns && b.mountId === id)!;
  const arrow = (group: number) => layout.arrows.find((a) => a.group === group)!;
  // Group 2 has members in lanes 0 and 2, both next to the slave's lane 1: the left one.
  const host2 = box(100, 2);
  const box12 = box(200, 12);
  assert.deepEqual(arrow(2).points[0], [host2.x + host2.width / 2, host2.y + host2.height]);
  assert.deepEqual(arrow(2).points.at(-1), [box12.x + box12.width / 2, box12.y]);
  const box21 = box(300, 21);
  assert.deepEqual(arrow(3).points[0], [box12.x + box12.width / 2, box12.y + box12.height]);
  assert.deepEqual(arrow(3).points.at(-1), [box21.x + box21.width / 2, box21.y]);
  // Across, in the gap between the two bands.
  const [peer2, peer3] = layout.bands;
  const across = arrow(2).points[1][1];
  assert.ok(across > peer2.y + peer2.height && across < peer3.y, 'runs across between the bands');
});

test('layout: a master in the slave’s own lane points straight down', () => {
  const t = table(100, null, ['1 1 / shared:1', '2 1 /a master:1']);
  const layout = layoutGraph(propagationGraph(new PropagationIndex({ tables: [t], unreadable: [] }), t, t.mounts[0]));
  const [from, to] = [layout.boxes.find((b) => b.mountId === 1)!, layout.boxes.find((b) => b.mountId === 2)!];
  assert.deepEqual(
    layout.arrows.map((a) => a.points),
    [
      [
        [from.x + from.width / 2, from.y + from.height],
        [to.x + to.width / 2, to.y],
      ],
    ],
  );
});

test('layout: a slave under another box, or below another band, is reached down the gutter into its side', () => {
  // Group 1's slaves: peer group 2 in box, and two loose slaves in box, under it.
  const host = table(100, null, ['1 1 / shared:1']);
  const box = table(200, null, [
    '11 11 / shared:2 master:1',
    '12 11 /a master:1',
    '13 11 /b master:1',
    '14 11 /c master:2',
  ]);
  const index = new PropagationIndex({ tables: [host, box], unreadable: [] });
  const layout = layoutGraph(propagationGraph(index, host, host.mounts[0]));
  assert.deepEqual(
    layout.bands.map((b) => b.key),
    ['peer:1', 'peer:2', 'slaves:1', 'slaves:2'],
  );
  assertArrowsSane(layout);
  const end = (id: number) => layout.arrows.find((a) => layout.boxes[a.node].mountId === id)!.points.at(-1);
  const side = (id: number) => {
    const b = layout.boxes.find((x) => x.mountId === id)!;
    return [b.x + b.width, b.y + b.height / 2];
  };
  assert.deepEqual(end(12), side(12), 'below the band of group 2: into the side');
  assert.deepEqual(end(13), side(13), 'under /a: into the side');
  assert.deepEqual(end(14), side(14), 'below the band of the loose slaves of group 1: into the side');
  const b11 = layout.boxes.find((x) => x.mountId === 11)!;
  assert.deepEqual(end(11), [b11.x + b11.width / 2, b11.y], 'the band just below, first in its cell: from above');
  const lane = layout.lanes[1];
  for (const id of [12, 13, 14]) {
    const arrow = layout.arrows.find((a) => layout.boxes[a.node].mountId === id)!;
    const gutter = arrow.points.at(-2)!;
    assert.ok(
      gutter[0] > b11.x + b11.width && gutter[0] < lane.x + lane.width,
      'down the gutter, right of the boxes, inside the lane',
    );
  }
  // Group 1's arrows and group 2's run down the gutter on tracks of their own.
  const gutterX = (id: number) => layout.arrows.find((a) => layout.boxes[a.node].mountId === id)!.points.at(-2)![0];
  assert.equal(gutterX(12), gutterX(13));
  assert.notEqual(gutterX(12), gutterX(14));
});

test('layout: with no member of the master group read, the arrow starts at that band’s lower edge', () => {
  const t = table(100, null, ['1 1 / master:77']);
  const layout = layoutGraph(propagationGraph(new PropagationIndex({ tables: [t], unreadable: [] }), t, t.mounts[0]));
  const [band] = layout.bands;
  const box = layout.boxes[0];
  assert.deepEqual(layout.arrows[0].points, [
    [box.x + box.width / 2, band.y + band.height],
    [box.x + box.width / 2, box.y],
  ]);
});

test('layout: many mounts in one cell stack without overlap and stretch the band', () => {
  const lines = ['1 1 / shared:1', ...Array.from({ length: 6 }, (_, i) => `${i + 2} 1 /b${i} shared:1`)];
  const t = table(100, null, lines);
  const layout = layoutGraph(propagationGraph(new PropagationIndex({ tables: [t], unreadable: [] }), t, t.mounts[0]));
  assertSane(layout);
  assert.equal(layout.boxes.length, 7);
  const m = DEFAULT_METRICS;
  assert.equal(layout.bands[0].height, 2 * m.bandPadding + 7 * m.boxHeight + 6 * m.boxGap);
});

test('layout: long paths keep their last whole components, long labels their start, within the box', () => {
  const long = '/var/lib/containers/storage/overlay/0123456789abcdef0123456789abcdef/merged/proc/sys';
  const t = table(4026531841, 'a label far too long to fit in the title of one lane of the drawing', [
    `1 1 ${long} shared:1`,
  ]);
  const layout = layoutGraph(propagationGraph(new PropagationIndex({ tables: [t], unreadable: [] }), t, t.mounts[0]));
  const box = layout.boxes[0];
  assert.equal(box.lines[0], '…/merged/proc/sys');
  assert.ok(16 + [...box.lines[0]].length * DEFAULT_METRICS.pathCharWidth <= box.width);
  assert.equal(layout.lanes[0].lines[0], 'mnt 4026531841');
  assert.ok(layout.lanes[0].lines[1].endsWith('…'));
  assert.ok(box.full.includes(long), 'the tooltip has the whole path');
});

test('cutStart, cutEnd and wrap count characters, not UTF-16 units', () => {
  assert.equal(cutStart('/abcdef', 4), '…def');
  assert.equal(cutEnd('abcdef', 4), 'abc…');
  assert.equal(cutStart('/😀😀😀😀', 3), '…😀😀');
  assert.equal(cutEnd('short', 10), 'short');
  assert.deepEqual(wrap('one two three four five', 5, 2), ['one', 'two …']);
});

test('cutPath cuts at a slash, keeping the last components; a last name too long keeps its end', () => {
  assert.equal(cutPath('/tmp/nsxe2e-mnt-4uxl0L/shared', 29), '/tmp/nsxe2e-mnt-4uxl0L/shared');
  assert.equal(cutPath('/tmp/nsxe2e-mnt-4uxl0L/shared', 27), '…/nsxe2e-mnt-4uxl0L/shared');
  assert.equal(cutPath('/tmp/nsxe2e-mnt-4uxl0L/shared', 20), '…/shared');
  assert.equal(cutPath('/a/0123456789abcdef0123', 12), '…9abcdef0123');
  assert.equal(cutPath('/ünï/😀😀/x', 7), '…/😀😀/x');
});

test('wrap keeps a number with the word before it', () => {
  assert.deepEqual(wrap('slave of group 2', 15, 3), ['slave of', 'group 2']);
  assert.deepEqual(wrap('slaves of group 12345', 11, 3), ['slaves of', 'group 12345']);
  assert.deepEqual(wrap('peer group 77, no member read', 19, 3), ['peer group 77, no', 'member read']);
});

test('layout: band titles fit the label column on one line where they can', () => {
  const w = world();
  const layout = layoutGraph(propagationGraph(w.index, w.host, byId(w.host, 2)));
  assert.deepEqual(
    layout.bands.map((b) => b.lines),
    [['peer group 2'], ['peer group 3'], ['slave of group 3']],
  );
  for (const band of layout.bands)
    for (const line of band.lines)
      assert.ok(16 + [...line].length * DEFAULT_METRICS.charWidth <= DEFAULT_METRICS.labelWidth, line);
});

/** Tags balance, attributes are quoted, and text holds no raw markup characters. */
function assertWellFormed(svg: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<>]*")*)\s*(\/?)>/y;
  let at = 0;
  while (at < svg.length) {
    const lt = svg.indexOf('<', at);
    const text = svg.slice(at, lt === -1 ? svg.length : lt);
    assert.doesNotMatch(text, />|&(?!(amp|lt|gt|quot|#39|#10);)/, `text at ${at}: ${text}`);
    if (lt === -1) break;
    tag.lastIndex = lt;
    const m = tag.exec(svg);
    assert.ok(m, `a well-formed tag at ${lt}: ${svg.slice(lt, lt + 80)}`);
    const [, close, name, , selfClosing] = m;
    if (close) assert.equal(stack.pop(), name, `</${name}> closes what was opened`);
    else if (!selfClosing) stack.push(name);
    at = tag.lastIndex;
  }
  assert.deepEqual(stack, [], 'every element closed');
}

test('SVG: every text escaped, even hostile paths and labels; no control characters', () => {
  const evil = `/mnt/<script>alert("x")</script>&'\nnext`;
  const t = table(100, `lab<el> & "q"`, [`1 1 / shared:1`]);
  t.mounts[0].target = evil;
  const index = new PropagationIndex({ tables: [t], unreadable: [] });
  const svg = graphSvg(layoutGraph(propagationGraph(index, t, t.mounts[0])));
  assertWellFormed(svg);
  assert.doesNotMatch(svg, /<script/);
  assert.match(svg, /&lt;script&gt;/);
  assert.match(svg, /\\012next/);
  assert.match(svg, /lab&lt;el&gt; &amp; &quot;q&quot;/);
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  assert.doesNotMatch(svg, /[\u0000-\u0009\u000b-\u001f]/);
});

test('SVG: a backslash and an ESC in a path or a label are escaped once, never twice', () => {
  const t = table(100, 'a\\b\u001b', [`1 1 / shared:1`]);
  t.mounts[0].target = '/x\\012y';
  const index = new PropagationIndex({ tables: [t], unreadable: [] });
  const svg = graphSvg(layoutGraph(propagationGraph(index, t, t.mounts[0])));
  assert.match(svg, /<title>mnt 100 \(a\\\\b\\033\)<\/title>/, 'the lane title');
  assert.match(svg, /<text class="lane-label" [^>]*>a\\\\b\\033 \(this panel\)<\/text>/);
  assert.match(svg, /<text class="node-path" [^>]*>\/x\\\\012y<\/text>/);
  assert.doesNotMatch(svg, /\\\\\\\\|\\\\033/, 'nothing escaped twice');
});

test('SVG: nodes carry namespace and mount id, are focusable and named; the selected one is marked', () => {
  const w = world();
  const svg = graphSvg(layoutGraph(propagationGraph(w.index, w.host, byId(w.host, 2))));
  assertWellFormed(svg);
  const nodes = [
    ...svg.matchAll(
      /<g class="node ([^"]*)" data-ns="(\d*)" data-mount-id="(\d+)" tabindex="0" role="button" aria-label="([^"]*)"/g,
    ),
  ];
  assert.deepEqual(nodes.map((n) => `${n[2]}:${n[3]}`).sort(), ['100:2', '200:12', '300:21', '300:22']);
  const selected = nodes.filter((n) => n[1].split(' ').includes('selected'));
  assert.deepEqual(
    selected.map((n) => n[3]),
    ['2'],
  );
  assert.match(
    nodes.find((n) => n[3] === '12')![4],
    /^\/mnt — mount 12 in mnt 200 \(box\); shared \(peer group 3\) and a slave of peer group 2.* — open its namespace$/,
  );
  assert.equal((svg.match(/<polyline class="arrow /g) ?? []).length, 2);
  assert.match(svg, /<g class="band slaves no-group" data-band="slaves:3"><title>slave of group 3<\/title>/);
  assert.match(
    svg,
    /<desc id="nsx-graph-desc">4 mounts in peer groups 2 and 3 across 3 mount namespaces, 2 master→slave links\.<\/desc>/,
  );
});

test('SVG of an empty layout is still a well-formed drawing', () => {
  const svg = graphSvg(layoutGraph({ lanes: [], bands: [], nodes: [], edges: [], omittedLanes: 0 }));
  assertWellFormed(svg);
  assert.match(svg, /^<svg [^>]*width="150" height="46"/);
});

test('the panel host accepts only well-formed webview messages', () => {
  assert.ok(isPropagationFromWebview({ type: 'propagation/ready' }));
  assert.ok(isPropagationFromWebview({ type: 'propagation/select', mountId: 7 }));
  assert.ok(isPropagationFromWebview({ type: 'propagation/open', ns: null, mountId: 7 }));
  assert.ok(isPropagationFromWebview({ type: 'propagation/open', ns: 4026531841, mountId: 7 }));
  for (const bad of [
    null,
    'propagation/ready',
    {},
    { type: 'propagation/select', mountId: '7' },
    { type: 'propagation/select', mountId: -1 },
    { type: 'propagation/open', mountId: 7 },
    { type: 'propagation/select', mountId: 1.5 },
    { type: 'other' },
  ]) {
    assert.ok(!isPropagationFromWebview(bad), JSON.stringify(bad));
  }
});
