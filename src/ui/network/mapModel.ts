/**
 * The network map's drawing from a snapshot and the net details read for it: the graph,
 * the marks of what changed since the last look, the SVG and the panel's words. No vscode
 * here, so it is unit-tested.
 */
import type { NetDetails } from '../../core/details/types';
import type { Snapshot } from '../../core/model/snapshot';
import { netGraph, NetGraph } from '../../core/network/graph';
import { layoutMap } from '../../core/network/layout';
import { mapChanges, MapChanges, withGone } from '../../core/network/mapChanges';
import { mapSvg } from '../../core/network/mapSvg';
import { cardTitle } from '../../core/network/cardContent';
import { plural } from '../../core/text/plural';
import type { NetworkMapView } from './protocol';
import { firewallStatus } from './mapFirewalls';

export interface MapDrawing {
  graph: NetGraph;
  changes: MapChanges;
}

export function mapDrawing(
  snapshot: Snapshot,
  details: ReadonlyMap<number, NetDetails>,
  previous?: NetGraph,
): MapDrawing {
  const graph = netGraph(snapshot.namespaces, details);
  return { graph, changes: mapChanges(previous, graph) };
}

/** What the map marks as changed, and until when (ms since the epoch). */
export interface ShownMarks {
  changes: MapChanges;
  until: number;
}

/**
 * The marks after a new drawing: its changes for MS when it has any; else the marks shown
 * before while their time lasts, so a snapshot that changes nothing on the map (a process
 * started elsewhere) does not cut them short.
 */
export function nextMarks(changes: MapChanges, shown: ShownMarks | undefined, now: number, ms: number) {
  if (changes.appeared.size + changes.gone.length + changes.newLinks.size > 0) return { changes, until: now + ms };
  return shown && shown.until > now ? shown : undefined;
}

/**
 * The view the page draws; with MARKED, what changed is marked (and what went away still
 * drawn); FIREWALLSREADING namespaces are still having their firewall read.
 */
export function mapView(
  drawing: MapDrawing,
  snapshot: Snapshot,
  options: { marked: boolean; elevated: boolean; root: boolean; firewallsReading?: number },
): NetworkMapView {
  const { graph, changes } = drawing;
  const shown = options.marked ? withGone(graph, changes) : graph;
  const marks = options.marked
    ? { appeared: changes.appeared, gone: new Set(changes.gone.map((n) => n.ns)), newLinks: changes.newLinks }
    : undefined;
  const svg = mapSvg(shown, layoutMap(shown), { marks });
  const partial = graph.namespaces.some((n) => n.unknown?.length);
  return {
    svg,
    namespaces: graph.namespaces.length,
    wires: graph.links.length,
    changes: options.marked ? changeWords(drawing) : '',
    offerShowAll: partial && !options.elevated && !options.root,
    elevated: options.elevated || options.root,
    problem: null,
    readAt: snapshot.takenAt,
    firewalls: firewallStatus(options.firewallsReading ?? 0),
  };
}

/** `2 namespaces appeared (a, b); 1 went away (c); 3 new wires`. */
export function changeWords({ graph, changes }: MapDrawing): string {
  const names = (ns: { ns: number; label: string | null; container?: string }[]) =>
    ns
      .slice(0, 3)
      .map((n) => cardTitle({ ...n, nprocs: 0, interfaces: [] }))
      .join(', ') + (ns.length > 3 ? ', …' : '');
  const appeared = graph.namespaces.filter((n) => changes.appeared.has(n.ns));
  const parts: string[] = [];
  if (appeared.length)
    parts.push(`${plural(appeared.length, 'namespace', 'namespaces')} appeared (${names(appeared)})`);
  if (changes.gone.length) parts.push(`${changes.gone.length} went away (${names(changes.gone)})`);
  const wires = changes.newLinks.size;
  if (wires) parts.push(`${plural(wires, 'new wire', 'new wires')}`);
  return parts.join('; ');
}
