/**
 * What changed on the network map since the last look: namespaces and wires that appeared,
 * namespaces that went away (kept on the map, marked, for a moment).
 */
import type { GraphLink, GraphNamespace, NetGraph } from './graph';

export interface MapChanges {
  appeared: Set<number>;
  gone: GraphNamespace[];
  /** Indices in the new graph's links. */
  newLinks: Set<number>;
}

const linkKey = (l: GraphLink) => [`${l.a.ns}/${l.a.ifname}`, `${l.b.ns}/${l.b.ifname}`].sort().join('|') + l.kind;

/** Nothing is new on the first look (PREVIOUS undefined). */
export function mapChanges(previous: NetGraph | undefined, next: NetGraph): MapChanges {
  const changes: MapChanges = { appeared: new Set(), gone: [], newLinks: new Set() };
  if (!previous) return changes;
  const before = new Set(previous.namespaces.map((n) => n.ns));
  const now = new Set(next.namespaces.map((n) => n.ns));
  for (const n of next.namespaces) if (!before.has(n.ns)) changes.appeared.add(n.ns);
  changes.gone = previous.namespaces.filter((n) => !now.has(n.ns));
  const oldLinks = new Set(previous.links.map(linkKey));
  next.links.forEach((l, i) => {
    if (!oldLinks.has(linkKey(l))) changes.newLinks.add(i);
  });
  return changes;
}

/** The graph to draw while the changes are marked: the gone namespaces still in it, without their wires. */
export function withGone(graph: NetGraph, changes: MapChanges): NetGraph {
  if (!changes.gone.length) return graph;
  return { namespaces: [...graph.namespaces, ...changes.gone], links: graph.links };
}
