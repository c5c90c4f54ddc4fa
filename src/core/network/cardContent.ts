/**
 * What a card of the network map shows, line by line: shared by the layout (which needs
 * how tall a card is and where each interface sits) and the drawing (which writes it).
 */
import type { FirewallSummary, GraphInterface, GraphNamespace, NetGraph } from './graph';
import { tunWords } from '../details/net/tunWords';

/** A bridge with more ports than this lists them as a count: its wires show where they go. */
export const FOLD_PORTS = 3;

export interface CardContent {
  title: string;
  subtitle: string;
  /** The interfaces drawn as badges, in the card's order (a bridge's ports under it). */
  badges: GraphInterface[];
  /** Ports not drawn as badges, by the bridge they are in: their wires start at the bridge. */
  folded: Map<string, number>;
  /** Its firewall, where it was read: a row of short words under the badges, said in full in its tooltip. */
  firewall?: FirewallBadge;
  /** Default route, what could not be read. */
  footer: string[];
}

export interface FirewallBadge {
  /** `filters`, `NAT`, `12 rules`. */
  words: string[];
  tooltip: string;
}

export function cardTitle(n: GraphNamespace): string {
  return n.container ?? n.label ?? `net ${n.ns}`;
}

export function cardContent(n: GraphNamespace, graph: NetGraph): CardContent {
  const ports = new Map<string, GraphInterface[]>();
  for (const i of n.interfaces) if (i.master) ports.set(i.master, [...(ports.get(i.master) ?? []), i]);
  const wiredAway = wiredElsewhere(n.ns, graph);
  const folded = new Map<string, number>();
  const hidden = new Set<GraphInterface>();
  for (const [bridge, members] of ports) {
    const away = members.filter((i) => wiredAway.has(i.name));
    if (members.length <= FOLD_PORTS || away.length === 0) continue;
    away.forEach((i) => hidden.add(i));
    folded.set(bridge, away.length);
  }
  const badges: GraphInterface[] = [];
  const shown = n.interfaces.filter((i) => !hidden.has(i));
  const byName = new Set(shown.map((i) => i.name));
  for (const i of shown) {
    if (i.master && byName.has(i.master)) continue;
    badges.push(i, ...shown.filter((p) => p.master === i.name));
  }
  const footer: string[] = [];
  const r = n.defaultRoute;
  if (r) footer.push(['default', r.gateway && `via ${r.gateway}`, r.dev && `dev ${r.dev}`].filter(Boolean).join(' '));
  else if (n.interfaces.length) footer.push('no default route');
  if (n.unknown?.length) footer.push(`not read: ${n.unknown.join('; ')}`);
  const procs = n.nprocs === 1 ? '1 process' : `${n.nprocs} processes`;
  const content: CardContent = { title: cardTitle(n), subtitle: `net ${n.ns} · ${procs}`, badges, folded, footer };
  if (n.firewall) content.firewall = firewallBadge(n.firewall);
  return content;
}

/** Lines under the badges: the firewall's row, then the footer. */
export const footLines = (c: CardContent): number => c.footer.length + (c.firewall ? 1 : 0);

/** A card that filters or rewrites addresses says so; the tooltip says what that means. */
export function firewallBadge(f: FirewallSummary): FirewallBadge {
  const count = f.rules === 1 ? '1 rule' : f.rules ? `${f.rules} rules` : 'no rules';
  const words = [f.filters && 'filters', f.nat && 'NAT', count].filter((w): w is string => Boolean(w));
  const does = [
    f.filters && 'filters packets (a filter chain has rules or drops by default)',
    f.nat && 'rewrites addresses (a port forward, masquerade or source NAT)',
  ].filter(Boolean);
  const what = does.length ? does.join('; it ') : 'neither filters packets nor rewrites addresses';
  return { words, tooltip: `Firewall: ${what}; ${count} in all its tables (nftables and legacy iptables).` };
}

/** Interfaces of NS whose veth peer lives in another namespace. */
function wiredElsewhere(ns: number, graph: NetGraph): Set<string> {
  const out = new Set<string>();
  for (const l of graph.links) {
    if (l.kind !== 'veth' || l.a.ns === l.b.ns) continue;
    if (l.a.ns === ns) out.add(l.a.ifname);
    if (l.b.ns === ns) out.add(l.b.ifname);
  }
  return out;
}

/** One badge's words: `eth0 veth UP 10.0.0.1/24 +1`; what could not be read is `?`. */
export function badgeText(i: GraphInterface, folded: number | undefined): string {
  const words = [i.name, kindWord(i) ?? (i.kindUnknown ? 'kind ?' : 'device'), i.state ?? 'state ?'];
  if (folded) words.push(`· ${folded} ports`);
  if (i.addresses.length) words.push(i.addresses[0]!);
  if (i.addresses.length > 1) words.push(`+${i.addresses.length - 1}`);
  if (i.master) words.push(`in ${i.master}`);
  if (i.remote) words.push(`remote ${i.remote}`);
  return words.join(' ');
}

/** Its kind as a user names it: a tun device in tap mode is a tap. */
export const kindWord = (i: GraphInterface): string | null => (i.tun ? (i.tun.mode ?? 'tun') : i.kind);

/** A badge's tooltip: its words, every address, and who holds a tun or tap. */
export function badgeTooltip(i: GraphInterface, folded: number | undefined): string {
  const lines = [badgeText(i, folded)];
  if (i.addresses.length > 1) lines.push(...i.addresses);
  if (i.tun) lines.push(tunWords(i.tun));
  return lines.join('\n');
}
