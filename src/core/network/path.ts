/**
 * The way from one namespace to another over the map's wires, for "highlight the path":
 * host → bridge → veth → container. Wires (veth, bridge port, a device on its parent) are
 * crossed cheaply; passing through a namespace from one of its interfaces to another
 * (routing) costs more, so a path over a bridge is preferred to one that routes around it.
 */
import type { NetGraph } from './graph';

export interface NetPath {
  /** The namespaces passed, in order, from the first to the last. */
  namespaces: number[];
  /** Indices in graph.links of the wires crossed. */
  links: number[];
}

const WIRE = 1;
const THROUGH_NAMESPACE = 3;

interface Step {
  to: string;
  cost: number;
  link: number | null;
}

export function pathBetween(graph: NetGraph, from: number, to: number): NetPath | null {
  const known = new Set(graph.namespaces.map((n) => n.ns));
  if (!known.has(from) || !known.has(to)) return null;
  if (from === to) return { namespaces: [from], links: [] };
  const steps = stepsOf(graph);
  const dist = new Map<string, number>([[nsNode(from), 0]]);
  const back = new Map<string, { node: string; link: number | null }>();
  const open = new Set([nsNode(from)]);
  while (open.size) {
    const node = [...open].reduce((a, b) => (dist.get(a)! <= dist.get(b)! ? a : b));
    open.delete(node);
    if (node === nsNode(to)) break;
    for (const s of steps.get(node) ?? []) {
      const d = dist.get(node)! + s.cost;
      if (d >= (dist.get(s.to) ?? Infinity)) continue;
      dist.set(s.to, d);
      back.set(s.to, { node, link: s.link });
      open.add(s.to);
    }
  }
  if (!dist.has(nsNode(to))) return null;
  const nodes: string[] = [];
  const links: number[] = [];
  for (let at: string | undefined = nsNode(to); at; at = back.get(at)?.node) {
    nodes.unshift(at);
    const link = back.get(at)?.link;
    if (link !== undefined && link !== null) links.unshift(link);
  }
  const namespaces: number[] = [];
  for (const n of nodes) {
    const ns = Number(n.split('/')[0]);
    if (namespaces.at(-1) !== ns) namespaces.push(ns);
  }
  return { namespaces, links };
}

const nsNode = (ns: number) => `${ns}`;
const ifNode = (ns: number, ifname: string) => `${ns}/${ifname}`;

/**
 * A node per namespace and per interface; an interface joins its namespace (a bridge port
 * only through its bridge: it carries no address of its own), a link its two ends.
 */
function stepsOf(graph: NetGraph): Map<string, Step[]> {
  const steps = new Map<string, Step[]>();
  const add = (a: string, b: string, cost: number, link: number | null) => {
    for (const [here, there] of [
      [a, b],
      [b, a],
    ]) {
      const list = steps.get(here!) ?? [];
      if (!list.length) steps.set(here!, list);
      list.push({ to: there!, cost, link });
    }
  };
  for (const n of graph.namespaces) {
    for (const i of n.interfaces) if (!i.master) add(nsNode(n.ns), ifNode(n.ns, i.name), THROUGH_NAMESPACE / 2, null);
  }
  graph.links.forEach((l, index) => add(ifNode(l.a.ns, l.a.ifname), ifNode(l.b.ns, l.b.ifname), WIRE, index));
  return steps;
}
