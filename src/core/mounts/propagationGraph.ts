/**
 * The drawing of the Mount Propagation panel. For one mount: the peer groups its mount
 * events travel through (forwards to slaves, backwards to masters, as far as they go),
 * their members as boxes in one lane per mount namespace, and arrows from each master
 * group to its slaves. Three pure steps, each testable: model → layout → SVG text.
 */
import { groupText, MountRecord } from './mountTable';
import { escapeXml, printable } from '../text/printable';
import { describePropagation, MountTable, namespaceName, PropagationIndex } from './propagation';

export interface GraphLane {
  ns: number | null;
  label: string | null;
  title: string;
  /** The lane of the namespace the mount was chosen in. */
  here: boolean;
}

/**
 * A horizontal band: the members of a peer group, the slaves of a group that are in no
 * peer group themselves, or a mount that propagates nothing, alone.
 */
export interface GraphBand {
  key: string;
  kind: 'peer' | 'slaves' | 'alone';
  /** The peer group (`peer`), the master group (`slaves`), null (`alone`). */
  group: number | null;
  /** Master groups are drawn above their slaves: the longest chain of masters above. */
  depth: number;
  title: string;
}

export type GraphMount = Pick<
  MountRecord,
  'id' | 'target' | 'root' | 'propagation' | 'peer' | 'master' | 'propagateFrom' | 'hidden'
>;

export interface GraphNode {
  lane: number;
  band: string;
  mount: GraphMount;
  selected: boolean;
}

/** Master group → a slave mount of it (an index into nodes). */
export interface GraphEdge {
  group: number;
  node: number;
}

export interface GraphModel {
  lanes: GraphLane[];
  bands: GraphBand[];
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Namespaces involved but left out of the drawing to keep it readable. */
  omittedLanes: number;
}

export interface GraphOptions {
  /** At most this many lanes are drawn; the mount's own lane always is. */
  maxLanes?: number;
}

const PEER = (g: number) => `peer:${g}`;
const SLAVES = (g: number) => `slaves:${g}`;
const ALONE = 'alone';

/** A mount read in one namespace's table. */
interface TableMount {
  table: MountTable;
  mount: MountRecord;
}

/** What a mount's events reach and what reaches it: peer groups, and mounts in none by the master they hang under. */
interface Reach {
  groups: Set<number>;
  /** Mounts in no peer group, by the master group they hang under (null: none). */
  loose: Map<number | null, TableMount[]>;
}

/**
 * The groups and mounts that a mount's events reach (as PropagationIndex.answerFor's
 * sendsTo follows them) and that reach it (receivesFrom), whatever their roots.
 */
export function propagationGraph(
  index: PropagationIndex,
  table: MountTable,
  mount: MountRecord,
  options: GraphOptions = {},
): GraphModel {
  const reach = reachOf(index, table, mount);
  const bands = graphBands(index, reach, mount);
  const members = bandMembers(index, reach);
  const order = laneOrder(index, table, members);
  const kept = order.slice(0, Math.max(1, options.maxLanes ?? 12));
  const lanes = kept.map((t): GraphLane => ({
    ns: t.ns,
    label: t.label,
    title: namespaceName(t.ns, t.label),
    here: t === table,
  }));
  const nodes = graphNodes(members, kept, { table, mount });
  const edges = graphEdges(nodes, reach.groups);
  return { lanes, bands, nodes, edges, omittedLanes: order.length - kept.length };
}

/** Forwards: the mount's group, its slaves, their groups' slaves, …; backwards: the masters. */
function reachOf(index: PropagationIndex, table: MountTable, mount: MountRecord): Reach {
  const groups = new Set<number>();
  const loose = new Map<number | null, TableMount[]>();
  const addLoose = (key: number | null, entry: TableMount) => {
    const list = loose.get(key);
    if (!list) loose.set(key, [entry]);
    else if (!list.some((e) => e.mount.id === entry.mount.id && e.table === entry.table)) list.push(entry);
  };
  if (mount.peer !== null) {
    for (const { group } of index.downstream(mount.peer)) {
      groups.add(group);
      for (const slave of index.slavesOf(group)) if (slave.mount.peer === null) addLoose(group, slave);
    }
  } else {
    addLoose(mount.master, { table, mount });
  }
  for (const group of index.upstream(mount)) groups.add(group);
  return { groups, loose };
}

/**
 * Each group's depth: a band sits below the longest chain of masters above it. A cycle,
 * impossible from the kernel, is cut where it is entered.
 */
function groupDepths(index: PropagationIndex, groups: ReadonlySet<number>): Map<number, number> {
  const mastersIn = new Map<number, Set<number>>();
  for (const g of groups) {
    const masters = new Set<number>();
    for (const { mount: m } of index.peersOf(g))
      if (m.master !== null && m.master !== g && groups.has(m.master)) masters.add(m.master);
    mastersIn.set(g, masters);
  }
  const depth = new Map<number, number>();
  for (const g of groups) depthOf(g, mastersIn, depth);
  return depth;
}

/** A band per peer group and per group's loose slaves (or the mount alone), masters above their slaves. */
function graphBands(index: PropagationIndex, { groups, loose }: Reach, mount: MountRecord): GraphBand[] {
  const depth = groupDepths(index, groups);
  const bands: GraphBand[] = [...groups].map((g) => ({
    key: PEER(g),
    kind: 'peer' as const,
    group: g,
    depth: depth.get(g)!,
    title: index.peersOf(g).length ? `peer group ${g}` : `peer group ${g}, no member read`,
  }));
  for (const [master, entries] of loose) {
    if (master === null) {
      bands.push({ key: ALONE, kind: 'alone', group: null, depth: 0, title: mount.propagation });
    } else {
      const title = entries.length === 1 ? `slave of group ${master}` : `slaves of group ${master}`;
      bands.push({ key: SLAVES(master), kind: 'slaves', group: master, depth: (depth.get(master) ?? -1) + 1, title });
    }
  }
  return bands.sort((a, b) => a.depth - b.depth || kindOrder(a) - kindOrder(b) || (a.group ?? 0) - (b.group ?? 0));
}

/** Every mount drawn, with the key of its band. */
function bandMembers(index: PropagationIndex, { groups, loose }: Reach): (TableMount & { band: string })[] {
  const members: (TableMount & { band: string })[] = [];
  for (const g of groups) for (const l of index.peersOf(g)) members.push({ ...l, band: PEER(g) });
  for (const [master, entries] of loose)
    for (const e of entries) members.push({ ...e, band: master === null ? ALONE : SLAVES(master) });
  return members;
}

/** The tables with a member: the mount's namespace first, then the others in the order they were read. */
function laneOrder(index: PropagationIndex, table: MountTable, members: readonly TableMount[]): MountTable[] {
  const involved = new Set(members.map((m) => m.table));
  const order = [table, ...index.set.tables.filter((t) => t !== table && involved.has(t))];
  // Tables not in the set (a caller's own copy) still get a lane, after the others.
  for (const t of involved) if (!order.includes(t)) order.push(t);
  return order;
}

/** A node per mount in a lane drawn (once per lane), by lane, the chosen mount first, then by path. */
function graphNodes(
  members: readonly (TableMount & { band: string })[],
  lanes: readonly MountTable[],
  chosen: TableMount,
): GraphNode[] {
  const laneOf = new Map(lanes.map((t, i) => [t, i]));
  const nodes: GraphNode[] = [];
  const seen = new Set<string>();
  for (const m of members) {
    const lane = laneOf.get(m.table);
    const key = `${lane}:${m.mount.id}`;
    if (lane === undefined || seen.has(key)) continue;
    seen.add(key);
    const selected = m.table === chosen.table && m.mount.id === chosen.mount.id;
    nodes.push({ lane, band: m.band, mount: pick(m.mount), selected });
  }
  return nodes.sort(
    (a, b) =>
      a.lane - b.lane ||
      Number(b.selected) - Number(a.selected) ||
      a.mount.target.localeCompare(b.mount.target) ||
      a.mount.id - b.mount.id,
  );
}

/** An edge from each drawn master group to each of its slaves. */
function graphEdges(nodes: readonly GraphNode[], groups: ReadonlySet<number>): GraphEdge[] {
  const edges: GraphEdge[] = [];
  nodes.forEach((n, i) => {
    if (n.mount.master !== null && groups.has(n.mount.master)) edges.push({ group: n.mount.master, node: i });
  });
  return edges;
}

/**
 * The longest chain of masters above group G, into DEPTH (for G and every group above it),
 * the way a recursion would find it, but in a loop: a chain of slaves of slaves can be
 * thousands of groups long. A master already on the chain being walked (a cycle) is skipped.
 */
function depthOf(g: number, mastersIn: ReadonlyMap<number, ReadonlySet<number>>, depth: Map<number, number>): void {
  if (depth.has(g)) return;
  const onPath = new Set([g]);
  const frames = [{ group: g, masters: [...mastersIn.get(g)!], next: 0, deepest: 0 }];
  for (let frame = frames.at(-1); frame; frame = frames.at(-1)) {
    const master = frame.masters[frame.next++];
    if (master === undefined) {
      depth.set(frame.group, frame.deepest);
      onPath.delete(frame.group);
      frames.pop();
      const below = frames.at(-1);
      if (below) below.deepest = Math.max(below.deepest, frame.deepest + 1);
    } else if (onPath.has(master)) {
      continue;
    } else if (depth.has(master)) {
      frame.deepest = Math.max(frame.deepest, depth.get(master)! + 1);
    } else {
      onPath.add(master);
      frames.push({ group: master, masters: [...mastersIn.get(master)!], next: 0, deepest: 0 });
    }
  }
}

function kindOrder(b: GraphBand): number {
  return b.kind === 'peer' ? 0 : b.kind === 'slaves' ? 1 : 2;
}

function pick(m: MountRecord): GraphMount {
  return {
    id: m.id,
    target: m.target,
    root: m.root,
    propagation: m.propagation,
    peer: m.peer,
    master: m.master,
    propagateFrom: m.propagateFrom,
    hidden: m.hidden,
  };
}

/** The drawing in one sentence, for screen readers and as the figure's caption. */
export function describeGraph(model: GraphModel): string {
  const peerGroups = model.bands.filter((b) => b.kind === 'peer').map((b) => b.group!);
  const lanes = model.lanes.length + model.omittedLanes;
  const where = `${lanes} mount namespace${lanes === 1 ? '' : 's'}`;
  const groupsText =
    peerGroups.length === 0
      ? 'no peer group'
      : `peer group${peerGroups.length === 1 ? '' : 's'} ${listText(peerGroups.map(String))}`;
  const links = model.edges.length;
  const omitted = model.omittedLanes
    ? `; ${model.omittedLanes} namespace${model.omittedLanes === 1 ? ' is' : 's are'} not drawn`
    : '';
  const mounts = `${model.nodes.length} mount${model.nodes.length === 1 ? '' : 's'}`;
  return `${mounts} in ${groupsText} across ${where}, ${links} master→slave link${links === 1 ? '' : 's'}${omitted}.`;
}

function listText(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

// ─── layout ────────────────────────────────────────────────────────────────────────────

export interface GraphMetrics {
  /** Left column with the band titles. */
  labelWidth: number;
  laneWidth: number;
  laneGap: number;
  headerHeight: number;
  boxHeight: number;
  boxGap: number;
  bandPadding: number;
  bandGap: number;
  /** Room right of the boxes in each lane, where an arrow runs down to a box it cannot reach from above. */
  gutter: number;
  /**
   * Average glyph widths (titles, paths in the editor's monospace font, the small second
   * line), to cut texts that would not fit.
   */
  charWidth: number;
  pathCharWidth: number;
  smallCharWidth: number;
}

export const DEFAULT_METRICS: GraphMetrics = {
  labelWidth: 150,
  laneWidth: 256,
  laneGap: 12,
  headerHeight: 46,
  boxHeight: 40,
  boxGap: 8,
  bandPadding: 10,
  bandGap: 30,
  gutter: 24,
  charWidth: 7,
  pathCharWidth: 7.5,
  smallCharWidth: 6.3,
};

export interface LaidLane extends GraphLane {
  x: number;
  width: number;
  /** The title cut to fit, and the label line (cut too). */
  lines: [string, string];
}

export interface LaidBand extends GraphBand {
  y: number;
  height: number;
  /** The title wrapped to the label column. */
  lines: string[];
  /** Peer groups get a colour (0‥PALETTE-1, cycling); the others none. */
  colour: number | null;
}

export interface LaidBox {
  node: number;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Path (its last components, the end matters most) and `mount N · shared:5 …`. */
  lines: [string, string];
  /** Everything about the mount, for the tooltip and the accessible name. */
  full: string;
  colour: number | null;
  selected: boolean;
  here: boolean;
  ns: number | null;
  mountId: number;
}

export interface LaidArrow {
  group: number;
  node: number;
  colour: number | null;
  /**
   * A polyline of horizontal and vertical segments: from the lower edge of the master
   * group's box nearest to the slave (or the band's edge, when no member of it was read),
   * through the gap between the bands, into the top of the slave's box; or, when another
   * box is in the way, down the slave lane's gutter into the box's right side.
   */
  points: [number, number][];
}

export interface GraphLayout {
  width: number;
  height: number;
  lanes: LaidLane[];
  bands: LaidBand[];
  boxes: LaidBox[];
  arrows: LaidArrow[];
  description: string;
}

export const PALETTE = 6;

export function layoutGraph(model: GraphModel, metrics: GraphMetrics = DEFAULT_METRICS): GraphLayout {
  const lanes = layLanes(model.lanes, metrics);
  const { bands, bottom } = layBands(model, metrics);
  const colourOf = new Map(bands.flatMap((b) => (b.colour === null ? [] : [[b.group!, b.colour] as const])));
  const { boxes, rowOf } = layBoxes(model, lanes, bands, colourOf, metrics);
  const arrows = new ArrowRouter(model, lanes, bands, boxes, rowOf, metrics).route(colourOf);
  const width = lanes.length ? lanes.at(-1)!.x + metrics.laneWidth + metrics.laneGap : metrics.labelWidth;
  const height = bands.length ? bottom - metrics.bandGap + metrics.bandPadding : metrics.headerHeight;
  return { width, height, lanes, bands, boxes, arrows, description: describeGraph(model) };
}

/** How many characters of CHARWIDTH fit in PX (at least a few). */
function fit(px: number, charWidth: number): number {
  return Math.max(4, Math.floor(px / charWidth));
}

/** The lanes side by side right of the label column, their titles cut to fit. */
function layLanes(lanes: readonly GraphLane[], m: GraphMetrics): LaidLane[] {
  const max = fit(m.laneWidth - 16, m.charWidth);
  return lanes.map((lane, i) => {
    const x = m.labelWidth + i * (m.laneWidth + m.laneGap);
    const head = lane.ns === null ? 'mnt (inode unknown)' : `mnt ${lane.ns}`;
    const second = printable([lane.label, lane.here ? '(this panel)' : null].filter(Boolean).join(' '));
    return { ...lane, x, width: m.laneWidth, lines: [cutEnd(head, max), cutEnd(second, max)] };
  });
}

/**
 * The bands top to bottom, each as high as its fullest cell (band × lane), peer groups
 * coloured in turn; BOTTOM is where a next band would start.
 */
function layBands(model: GraphModel, m: GraphMetrics): { bands: LaidBand[]; bottom: number } {
  const perCell = new Map<string, number>();
  for (const n of model.nodes) perCell.set(`${n.band}|${n.lane}`, (perCell.get(`${n.band}|${n.lane}`) ?? 0) + 1);
  let colourNext = 0;
  let y = m.headerHeight;
  const bands = model.bands.map((band): LaidBand => {
    let rows = 1;
    for (let lane = 0; lane < model.lanes.length; lane++)
      rows = Math.max(rows, perCell.get(`${band.key}|${lane}`) ?? 0);
    const height = 2 * m.bandPadding + rows * m.boxHeight + (rows - 1) * m.boxGap;
    const colour = band.kind === 'peer' ? colourNext++ % PALETTE : null;
    const laid = {
      ...band,
      y,
      height,
      colour,
      lines: wrap(printable(band.title), fit(m.labelWidth - 16, m.charWidth), 3),
    };
    y += height + m.bandGap;
    return laid;
  });
  return { bands, bottom: y };
}

/** A box per node, stacked in its cell; ROWOF is each box's row in its cell, 0 at the top. */
function layBoxes(
  model: GraphModel,
  lanes: readonly LaidLane[],
  bands: readonly LaidBand[],
  colourOf: ReadonlyMap<number, number>,
  m: GraphMetrics,
): { boxes: LaidBox[]; rowOf: number[] } {
  const bandIndex = new Map(model.bands.map((b, i) => [b.key, i]));
  const slot = new Map<string, number>();
  const rowOf: number[] = [];
  const boxes = model.nodes.map((node, i): LaidBox => {
    const lane = lanes[node.lane];
    const band = bands[bandIndex.get(node.band)!];
    const cell = `${node.band}|${node.lane}`;
    const row = slot.get(cell) ?? 0;
    slot.set(cell, row + 1);
    rowOf.push(row);
    const width = m.laneWidth - m.gutter - 8;
    const mount = node.mount;
    const second = [`mount ${mount.id}`, groupText(mount) || mount.propagation, mount.hidden ? 'hidden' : '']
      .filter(Boolean)
      .join(' · ');
    return {
      node: i,
      x: lane.x + 8,
      y: band.y + m.bandPadding + row * (m.boxHeight + m.boxGap),
      width,
      height: m.boxHeight,
      lines: [
        cutPath(printable(mount.target), fit(width - 16, m.pathCharWidth)),
        cutEnd(second, fit(width - 16, m.smallCharWidth)),
      ],
      full: boxText(mount, lane),
      colour: mount.peer !== null ? (colourOf.get(mount.peer) ?? null) : null,
      selected: node.selected,
      here: lane.here,
      ns: lane.ns,
      mountId: mount.id,
    };
  });
  return { boxes, rowOf };
}

/** Everything about a box's mount, a line per fact. */
function boxText(mount: GraphMount, lane: LaidLane): string {
  const groups = groupText(mount);
  return [
    `${printable(mount.target)} — mount ${mount.id} in ${printable(lane.title)}`,
    describePropagation(mount) + (groups ? ` (${groups})` : ''),
    mount.root !== '/' ? `shows ${printable(mount.root)} of its filesystem` : '',
    mount.hidden ? 'hidden: another mount covers it' : '',
  ]
    .filter(Boolean)
    .join('\n');
}

/**
 * The arrows from master groups to their slaves; arrows of different groups sharing a gap
 * or a gutter get tracks of their own.
 */
class ArrowRouter {
  private readonly bandIndex: Map<string, number>;
  private readonly tracks = new Map<string, Map<number, number>>();

  constructor(
    private readonly model: GraphModel,
    private readonly lanes: readonly LaidLane[],
    private readonly bands: readonly LaidBand[],
    private readonly boxes: readonly LaidBox[],
    private readonly rowOf: readonly number[],
    private readonly m: GraphMetrics,
  ) {
    this.bandIndex = new Map(model.bands.map((b, i) => [b.key, i]));
  }

  route(colourOf: ReadonlyMap<number, number>): LaidArrow[] {
    return this.model.edges.flatMap((edge) => {
      const points = this.points(edge);
      if (!points) return [];
      return [
        { group: edge.group, node: edge.node, colour: colourOf.get(edge.group) ?? null, points: straighten(points) },
      ];
    });
  }

  /** The arrow's corners; undefined when its master group has no band. */
  private points(edge: GraphEdge): [number, number][] | undefined {
    const fromIndex = this.bandIndex.get(PEER(edge.group));
    if (fromIndex === undefined) return undefined;
    const from = this.bands[fromIndex];
    const box = this.boxes[edge.node];
    const toIndex = this.bandIndex.get(this.model.nodes[edge.node].band)!;
    const laneNo = this.model.nodes[edge.node].lane;
    const down = toIndex > fromIndex;
    const source = nearestMember(this.model, this.boxes, this.rowOf, edge);
    const lane = this.lanes[laneNo];
    const gutterX =
      lane.x + lane.width - 6 - ((this.track(`lane ${laneNo}`, edge.group) * 6) % Math.max(6, this.m.gutter - 10));
    const midY = box.y + box.height / 2;
    const centreX = box.x + box.width / 2;
    // From above, straight into the box's top, when the box is the first in its cell of the band just below.
    const fromAbove = down && toIndex === fromIndex + 1 && this.rowOf[edge.node] === 0;
    const intoSide: [number, number][] = [
      [gutterX, midY],
      [box.x + box.width, midY],
    ];
    if (!source) {
      const edgeY = down ? from.y + from.height : from.y;
      return fromAbove
        ? [
            [centreX, edgeY],
            [centreX, box.y],
          ]
        : [[gutterX, edgeY], ...intoSide];
    }
    const gapY =
      (down ? from.y + from.height + this.m.bandGap / 2 : from.y - this.m.bandGap / 2) +
      this.gapOffset(this.track(`gap ${fromIndex} ${down}`, edge.group));
    const sourceX = source.x + source.width / 2;
    const start: [number, number][] = [
      [sourceX, down ? source.y + source.height : source.y],
      [sourceX, gapY],
    ];
    return fromAbove ? [...start, [centreX, gapY], [centreX, box.y]] : [...start, [gutterX, gapY], ...intoSide];
  }

  /** The track of GROUP's arrows in WHERE (a gap or a lane's gutter): 0 for the first group there, 1 for the next… */
  private track(where: string, group: number): number {
    const used = this.tracks.get(where) ?? this.tracks.set(where, new Map()).get(where)!;
    if (!used.has(group)) used.set(group, used.size);
    return used.get(group)!;
  }

  /** 0, -6, +6, -12, +12, then again: within the gap between bands. */
  private gapOffset(track: number): number {
    const k = track % 5;
    return (k % 2 ? -1 : 1) * Math.ceil(k / 2) * Math.min(6, (this.m.bandGap - 6) / 4);
  }
}

/**
 * The box an arrow from EDGE's master group starts at: a member in the lane nearest to the
 * slave's (the leftmost of two as near), the lowest of that lane's, so no box is below it.
 */
function nearestMember(
  model: GraphModel,
  boxes: readonly LaidBox[],
  rowOf: readonly number[],
  edge: GraphEdge,
): LaidBox | undefined {
  const target = model.nodes[edge.node].lane;
  let best: number | undefined;
  model.nodes.forEach((n, i) => {
    if (i === edge.node || n.band !== PEER(edge.group)) return;
    if (best === undefined) return void (best = i);
    const b = model.nodes[best];
    const [d, bd] = [Math.abs(n.lane - target), Math.abs(b.lane - target)];
    if (d < bd || (d === bd && (n.lane < b.lane || (n.lane === b.lane && rowOf[i] > rowOf[best])))) best = i;
  });
  return best === undefined ? undefined : boxes[best];
}

/** Without repeated points and points in the middle of a straight run. */
function straighten(points: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && last[0] === p[0] && last[1] === p[1]) continue;
    const before = out.at(-2);
    if (before && last && ((before[0] === last[0] && last[0] === p[0]) || (before[1] === last[1] && last[1] === p[1])))
      out.pop();
    out.push(p);
  }
  return out;
}

// ─── SVG ───────────────────────────────────────────────────────────────────────────────

/** Keeps the end: `…/rootfs/proc` says more than `/var/lib/containers/…`. */
export function cutStart(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : '…' + chars.slice(chars.length - max + 1).join('');
}

/**
 * Keeps the last whole components of a path, `…/merged/proc/sys`: a name cut in its
 * middle reads as another name. A last component too long on its own keeps its end.
 */
export function cutPath(path: string, max: number): string {
  if ([...path].length <= max) return path;
  const parts = path.split('/');
  let kept = parts.at(-1)!;
  if (parts.length < 2 || [...kept].length + 2 > max) return cutStart(path, max);
  for (let i = parts.length - 2; i > 0; i--) {
    const longer = `${parts[i]}/${kept}`;
    if ([...longer].length + 2 > max) break;
    kept = longer;
  }
  return `…/${kept}`;
}

export function cutEnd(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + '…';
}

/**
 * Words on lines of at most MAX characters, at most LINES lines (the last one cut). A
 * number stays with the word before it: `group 2`, never a lone `2`.
 */
export function wrap(text: string, max: number, lines: number): string[] {
  const words: string[] = [];
  for (const word of text.split(' ')) {
    if (words.length && /^\d+\W?$/.test(word)) words[words.length - 1] += ' ' + word;
    else words.push(word);
  }
  const out: string[] = [];
  let line = '';
  for (const word of words) {
    if (!line) line = word;
    else if ([...line].length + 1 + [...word].length <= max) line += ' ' + word;
    else {
      out.push(line);
      line = word;
    }
  }
  if (line) out.push(line);
  if (out.length > lines) out.splice(lines - 1, out.length, out.slice(lines - 1).join(' '));
  return out.map((l) => cutEnd(l, max));
}

/** Several lines of text, each escaped, kept apart by SEPARATOR (a newline in content, `&#10;` in attributes). */
function escapeLines(text: string, separator: string): string {
  return text
    .split('\n')
    .map((line) => escapeXml(line))
    .join(separator);
}

/**
 * The layout as one SVG element. Colours are CSS classes (`group-0`…) that the panel's
 * stylesheet maps to theme colours; nodes carry data-ns and data-mount-id and are
 * focusable, so the panel can make them act like links. The layout's texts are printable
 * already (it measured them so); only the lanes' titles are not.
 */
export function graphSvg(layout: GraphLayout, idPrefix = 'nsx-graph'): string {
  return [
    svgHead(layout, idPrefix),
    ...layout.lanes.map((lane) => laneSvg(lane, layout.height)),
    ...layout.bands.map((band) => bandSvg(band, layout.width)),
    ...layout.arrows.map((arrow) => arrowSvg(arrow, idPrefix)),
    ...layout.boxes.map(boxSvg),
    '</svg>',
  ].join('');
}

/** Coordinates to a tenth of a pixel. */
function px(v: number): string {
  return String(Math.round(v * 10) / 10);
}

/** The opening tag, the title and description it is labelled by, and an arrowhead per colour. */
function svgHead(layout: GraphLayout, idPrefix: string): string {
  const [width, height] = [px(layout.width), px(layout.height)];
  const markers = ['none', ...Array.from({ length: PALETTE }, (_, i) => String(i))].map(
    (colour) =>
      `<marker id="${idPrefix}-arrow-${colour}"` +
      ` class="arrowhead ${colour === 'none' ? 'no-group' : `group-${colour}`}"` +
      ' viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">' +
      '<path d="M0,0 L10,5 L0,10 z"/></marker>',
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="propagation-graph" width="${width}" height="${height}"` +
      ` viewBox="0 0 ${width} ${height}" role="group" aria-labelledby="${idPrefix}-title"` +
      ` aria-describedby="${idPrefix}-desc">`,
    `<title id="${idPrefix}-title">Peer groups and master→slave links</title>`,
    `<desc id="${idPrefix}-desc">${escapeXml(layout.description)}</desc>`,
    '<defs>',
    ...markers,
    '</defs>',
  ].join('');
}

function laneSvg(lane: LaidLane, height: number): string {
  return [
    `<g class="lane${lane.here ? ' here' : ''}" data-ns="${lane.ns ?? ''}">`,
    `<title>${escapeXml(printable(lane.title))}</title>`,
    `<rect class="lane-bg" x="${px(lane.x)}" y="0" width="${px(lane.width)}" height="${px(height)}" rx="4"/>`,
    `<text class="lane-title" x="${px(lane.x + 8)}" y="18">${escapeXml(lane.lines[0])}</text>`,
    `<text class="lane-label" x="${px(lane.x + 8)}" y="35">${escapeXml(lane.lines[1])}</text>`,
    '</g>',
  ].join('');
}

function bandSvg(band: LaidBand, width: number): string {
  const colour = band.colour === null ? 'no-group' : `group-${band.colour}`;
  const lines = band.lines.map((line, i) => `<tspan x="12" dy="${i ? 15 : 0}">${escapeXml(line)}</tspan>`).join('');
  return [
    `<g class="band ${band.kind} ${colour}" data-band="${escapeXml(band.key)}">`,
    `<title>${escapeXml(band.title)}</title>`,
    `<rect class="band-outline" x="4" y="${px(band.y)}" width="${px(width - 8)}" height="${px(band.height)}" rx="6"/>`,
    `<text class="band-title" x="12" y="${px(band.y + 18)}">${lines}</text>`,
    '</g>',
  ].join('');
}

function arrowSvg(arrow: LaidArrow, idPrefix: string): string {
  const colour = arrow.colour === null ? 'none' : String(arrow.colour);
  const points = arrow.points.map(([x, y]) => `${px(x)},${px(y)}`).join(' ');
  const group = arrow.colour === null ? 'no-group' : `group-${arrow.colour}`;
  return `<polyline class="arrow ${group}" points="${points}" marker-end="url(#${idPrefix}-arrow-${colour})"/>`;
}

function boxSvg(box: LaidBox): string {
  const classes = [
    'node',
    box.colour === null ? 'no-group' : `group-${box.colour}`,
    box.selected ? 'selected' : '',
    box.here ? 'here' : 'elsewhere',
  ];
  const action = box.selected ? '' : box.here ? ' — select it' : ' — open its namespace';
  return [
    `<g class="${classes.filter(Boolean).join(' ')}" data-ns="${box.ns ?? ''}" data-mount-id="${box.mountId}"` +
      ` tabindex="0" role="button" aria-label="${escapeLines(box.full, '; ')}${action}"` +
      `${box.selected ? ' aria-current="true"' : ''}>`,
    `<title>${escapeLines(box.full, '\n')}</title>`,
    `<rect x="${px(box.x)}" y="${px(box.y)}" width="${px(box.width)}" height="${px(box.height)}" rx="3"/>`,
    `<text class="node-path" x="${px(box.x + 8)}" y="${px(box.y + 16)}">${escapeXml(box.lines[0])}</text>`,
    `<text class="node-info" x="${px(box.x + 8)}" y="${px(box.y + 32)}">${escapeXml(box.lines[1])}</text>`,
    '</g>',
  ].join('');
}
