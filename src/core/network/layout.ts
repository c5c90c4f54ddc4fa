/**
 * Where the network map puts each card and wire. Namespaces form a tree by their wires,
 * grown from the host (then the most connected): a namespace hangs off the interface of
 * its parent it is wired to, and those on one bridge hang off the bridge together, as a
 * grid with one bus above each row, so a bridge with 200 containers reads as one group and
 * no two tree wires cross. Wires outside the tree (a second wire between two namespaces,
 * one inside a namespace) are drawn straight, or as arcs beside the card.
 */
import { cardContent, CardContent, footLines } from './cardContent';
import type { GraphLink, GraphNamespace, NetGraph } from './graph';

export const CARD_W = 260;
const HEAD_H = 40;
export const BADGE_H = 20;
export const FOOT_H = 16;
const PAD = 8;
const GAP_X = 70;
const GAP_Y = 34;
/** Room left of the first column for the host's wires to the outside. */
export const MARGIN_LEFT = 120;
const MARGIN = 20;

export interface CardBox {
  ns: number;
  x: number;
  y: number;
  w: number;
  h: number;
  content: CardContent;
  /** Absolute centre line of each badge, by interface name. */
  badgeY: Map<string, number>;
}

export interface WireBox {
  /** Indices in graph.links this wire stands for. */
  links: number[];
  /** The namespaces at its ends. */
  ns: number[];
  kind: GraphLink['kind'];
  points: [number, number][];
  /** Not part of the tree: drawn dashed, or as an arc inside one card. */
  extra: boolean;
}

export interface MapLayout {
  cards: CardBox[];
  wires: WireBox[];
  /** The host's ports to the outside: where the arrow starts. */
  outside: { ns: number; ifname: string; x: number; y: number }[];
  width: number;
  height: number;
}

interface TreeEdge {
  child: number;
  /** The badge in the parent the wire leaves from: a bridge, or the interface itself. */
  from: string;
  /** The child's interface the wire reaches. */
  to: string;
  links: number[];
  kind: GraphLink['kind'];
}

export function layoutMap(graph: NetGraph): MapLayout {
  const builder = new LayoutBuilder(graph);
  return builder.build();
}

class LayoutBuilder {
  private readonly byNs = new Map<number, GraphNamespace>();
  private readonly children = new Map<number, TreeEdge[]>();
  private readonly inTree = new Set<number>();
  private readonly cards = new Map<number, CardBox>();
  private readonly wires: WireBox[] = [];
  private readonly sizes = new Map<number, { w: number; h: number }>();
  private readonly contents = new Map<number, CardContent>();

  constructor(private readonly graph: NetGraph) {
    for (const n of graph.namespaces) this.byNs.set(n.ns, n);
  }

  build(): MapLayout {
    const roots = spanningForest(this.graph, this.children, this.inTree);
    let y = MARGIN;
    let width = 0;
    for (const root of roots) {
      const size = this.measure(root);
      this.place(root, MARGIN_LEFT, y);
      y += size.h + GAP_Y;
      width = Math.max(width, MARGIN_LEFT + size.w + MARGIN);
    }
    this.extraWires();
    const outside = this.outsidePorts();
    return { cards: [...this.cards.values()], wires: this.wires, outside, width, height: y - GAP_Y + MARGIN };
  }

  private cardHeight(ns: number): number {
    const c = this.content(ns);
    return HEAD_H + c.badges.length * BADGE_H + footLines(c) * FOOT_H + PAD;
  }

  private content(ns: number): CardContent {
    let c = this.contents.get(ns);
    if (!c) this.contents.set(ns, (c = cardContent(this.byNs.get(ns)!, this.graph)));
    return c;
  }

  /** A namespace with what hangs off it: its card, then its groups to the right, one under the other. */
  private measure(ns: number): { w: number; h: number } {
    const known = this.sizes.get(ns);
    if (known) return known;
    let w = CARD_W;
    let groupsH = 0;
    for (const group of this.groups(ns)) {
      const grid = this.grid(group);
      w = Math.max(w, CARD_W + GAP_X + grid.w);
      groupsH += grid.h + (groupsH ? GAP_Y : 0);
    }
    const size = { w, h: Math.max(this.cardHeight(ns), groupsH) };
    this.sizes.set(ns, size);
    return size;
  }

  /** The rows of a group: a lone member sits level with its parent; several get a bus above each row. */
  private grid(group: TreeEdge[]): { w: number; h: number; rows: TreeEdge[][]; bus: boolean } {
    const bus = group.length > 1;
    const cols = bus ? Math.min(group.length, Math.max(2, Math.ceil(Math.sqrt(group.length * 0.7)))) : 1;
    const rows: TreeEdge[][] = [];
    for (let i = 0; i < group.length; i += cols) rows.push(group.slice(i, i + cols));
    let w = 0;
    let h = 0;
    for (const row of rows) {
      const sizes = row.map((e) => this.measure(e.child));
      w = Math.max(w, sizes.reduce((s, x) => s + x.w, 0) + GAP_X * (row.length - 1));
      h += Math.max(...sizes.map((s) => s.h)) + (bus ? GAP_Y : 0) + (h && !bus ? GAP_Y : 0);
    }
    return { w, h, rows, bus };
  }

  /** Children that leave from the same badge form one group, in the order of the parent's badges. */
  private groups(ns: number): TreeEdge[][] {
    const groups = new Map<string, TreeEdge[]>();
    for (const e of this.children.get(ns) ?? []) groups.set(e.from, [...(groups.get(e.from) ?? []), e]);
    const order = this.content(ns).badges.map((b) => b.name);
    const rank = (from: string) => (order.includes(from) ? order.indexOf(from) : order.length);
    return [...groups.entries()].sort((a, b) => rank(a[0]) - rank(b[0])).map(([, g]) => g);
  }

  private place(ns: number, x: number, y: number): void {
    const card = this.cardAt(ns, x, y);
    let gy = y;
    const groups = this.groups(ns);
    // Each later group's trunk runs nearer the card: it starts lower and reaches lower, so none crosses.
    const step = Math.min(8, (GAP_X - 16) / groups.length);
    for (const [k, group] of groups.entries()) {
      const grid = this.grid(group);
      const gx = x + CARD_W + GAP_X;
      const start: [number, number] = [x + CARD_W, card.badgeY.get(group[0]!.from) ?? y + HEAD_H / 2];
      const trunk = gx - 12 - k * step;
      let ry = gy;
      for (const row of grid.rows) {
        const top = ry + (grid.bus ? GAP_Y : 0);
        let rx = gx;
        for (const edge of row) {
          this.place(edge.child, rx, top);
          const child = this.cards.get(edge.child)!;
          const points: [number, number][] = grid.bus
            ? [start, [trunk, start[1]], [trunk, top - GAP_Y / 2], [rx + 24, top - GAP_Y / 2], [rx + 24, top]]
            : [start, [trunk, start[1]], [trunk, child.badgeY.get(edge.to) ?? top + HEAD_H / 2]];
          if (!grid.bus) points.push([rx, points[2]![1]]);
          this.wires.push({ links: edge.links, ns: [ns, edge.child], kind: edge.kind, points, extra: false });
          rx += this.measure(edge.child).w + GAP_X;
        }
        ry = top + Math.max(...row.map((e) => this.measure(e.child).h)) + (grid.bus ? 0 : GAP_Y);
      }
      gy += grid.h + GAP_Y;
    }
  }

  private cardAt(ns: number, x: number, y: number): CardBox {
    const content = this.content(ns);
    const badgeY = new Map<string, number>();
    content.badges.forEach((b, i) => badgeY.set(b.name, y + HEAD_H + i * BADGE_H + BADGE_H / 2));
    // A folded port's wires start at its bridge.
    for (const i of this.byNs.get(ns)!.interfaces) {
      if (!badgeY.has(i.name) && i.master && badgeY.has(i.master)) badgeY.set(i.name, badgeY.get(i.master)!);
    }
    const card: CardBox = { ns, x, y, w: CARD_W, h: this.cardHeight(ns), content, badgeY };
    this.cards.set(ns, card);
    return card;
  }

  /** Links the tree does not draw: within a card as an arc on its right side, between cards straight. */
  private extraWires(): void {
    const drawn = new Set(this.wires.flatMap((w) => w.links));
    const arcs = new Map<number, number>();
    this.graph.links.forEach((l, index) => {
      if (drawn.has(index) || l.kind === 'bridge-port') return;
      const a = this.cards.get(l.a.ns);
      const b = this.cards.get(l.b.ns);
      if (!a || !b) return;
      const ya = a.badgeY.get(l.a.ifname) ?? a.y + HEAD_H / 2;
      const yb = b.badgeY.get(l.b.ifname) ?? b.y + HEAD_H / 2;
      let points: [number, number][];
      if (a === b) {
        const k = (arcs.get(a.ns) ?? 0) + 1;
        arcs.set(a.ns, k);
        const out = a.x + a.w + 6 * k;
        points = [
          [a.x + a.w, ya],
          [out, ya],
          [out, yb],
          [a.x + a.w, yb],
        ];
      } else {
        const [left, ly, right, ry] = a.x <= b.x ? [a, ya, b, yb] : [b, yb, a, ya];
        points = [
          [left.x + left.w, ly],
          [right.x, ry],
        ];
      }
      this.wires.push({ links: [index], ns: [l.a.ns, l.b.ns], kind: l.kind, points, extra: true });
    });
  }

  private outsidePorts(): MapLayout['outside'] {
    const out: MapLayout['outside'] = [];
    for (const n of this.graph.namespaces) {
      const card = this.cards.get(n.ns);
      for (const ifname of n.outside ?? []) {
        const y = card?.badgeY.get(ifname);
        if (card && y !== undefined) out.push({ ns: n.ns, ifname, x: card.x, y });
      }
    }
    return out;
  }
}

/**
 * The tree the layout draws, as CHILDREN of each namespace: grown breadth-first from the
 * host, then from the most connected namespace not reached yet. Returns the roots.
 */
export function spanningForest(graph: NetGraph, children: Map<number, TreeEdge[]>, inTree: Set<number>): number[] {
  const neighbours = neighbourEdges(graph);
  const degree = (ns: number) => neighbours.get(ns)?.length ?? 0;
  const order = [...graph.namespaces]
    .sort((a, b) => rootRank(b) - rootRank(a) || degree(b.ns) - degree(a.ns) || a.ns - b.ns)
    .map((n) => n.ns);
  const titles = new Map(graph.namespaces.map((n) => [n.ns, n.container ?? n.label ?? '']));
  const roots: number[] = [];
  for (const root of order) {
    if (inTree.has(root)) continue;
    roots.push(root);
    inTree.add(root);
    const queue = [root];
    while (queue.length) {
      const ns = queue.shift()!;
      const found = (neighbours.get(ns) ?? []).filter((e) => !inTree.has(e.child));
      found.sort((a, b) => a.from.localeCompare(b.from) || byTitle(titles, a.child, b.child));
      const mine: TreeEdge[] = [];
      for (const e of found) {
        if (inTree.has(e.child)) continue;
        inTree.add(e.child);
        mine.push(e);
        queue.push(e.child);
      }
      children.set(ns, mine);
    }
  }
  return roots;
}

function byTitle(titles: Map<number, string>, a: number, b: number): number {
  return (titles.get(a) ?? '').localeCompare(titles.get(b) ?? '', undefined, { numeric: true }) || a - b;
}

/** The host first: it is where the outside comes in. */
const rootRank = (n: GraphNamespace) => (n.label === 'host' || n.outside ? 1 : 0);

/** For each namespace, the wires to other namespaces, from its side (a bridge port leaves from its bridge). */
function neighbourEdges(graph: NetGraph): Map<number, TreeEdge[]> {
  const master = new Map<string, { bridge: string; link: number }>();
  graph.links.forEach((l, i) => {
    if (l.kind === 'bridge-port') master.set(`${l.a.ns}/${l.a.ifname}`, { bridge: l.b.ifname, link: i });
  });
  const out = new Map<number, TreeEdge[]>();
  const add = (ns: number, e: TreeEdge) => {
    const list = out.get(ns) ?? [];
    if (!list.length) out.set(ns, list);
    list.push(e);
  };
  graph.links.forEach((l, i) => {
    if (l.kind === 'bridge-port' || l.a.ns === l.b.ns) return;
    for (const [here, there] of [
      [l.a, l.b],
      [l.b, l.a],
    ] as const) {
      const port = master.get(`${here.ns}/${here.ifname}`);
      const links = [i, ...(port ? [port.link] : [])];
      const far = master.get(`${there.ns}/${there.ifname}`);
      if (far) links.push(far.link);
      add(here.ns, { child: there.ns, from: port?.bridge ?? here.ifname, to: there.ifname, links, kind: l.kind });
    }
  });
  return out;
}
