/**
 * The network map as data: every net namespace with its interfaces, and the wires between
 * them (veth pairs, bridge ports, an interface on its parent). Built from what the
 * details readers found in each namespace, so `nsx net`, the map panel and `nsx show`
 * agree; nothing here reads the system.
 */
import type { NetDetails, NetFirewall, NetInterface, TunDevice } from '../details/types';
import type { NamespaceRecord } from '../model/snapshot';

export type LinkKind = 'veth' | 'bridge-port' | 'macvlan' | 'ipvlan' | 'vlan' | 'vxlan' | 'macvtap';

export interface GraphInterface {
  ifindex: number | null;
  name: string;
  /** veth, bridge, loopback, …; null for a plain device (a physical port), or where `kindUnknown`. */
  kind: string | null;
  /** The kind was not read (an ordinary user's view): kind null then says nothing. */
  kindUnknown?: true;
  /** As `ip` says it (UP, DOWN, UNKNOWN…); null where it could not be read. */
  state: string | null;
  addresses: string[];
  master?: string;
  /** A vxlan's remote endpoint. */
  remote?: string;
  /** A tun or tap device: which, and the processes holding it (null: not known). */
  tun?: TunDevice;
}

export interface GraphNamespace {
  ns: number;
  label: string | null;
  /** The container it belongs to, by name (`dweb (docker)`), where it does. */
  container?: string;
  nprocs: number;
  interfaces: GraphInterface[];
  /** Its default route (IPv4, else IPv6): through which interface, via which gateway. */
  defaultRoute?: { dev: string | null; gateway: string | null };
  /** The initial namespace's plain devices: its ports to the outside. */
  outside?: string[];
  /** Its firewall at a glance, where it was read: the map's "filters" and "forwards/NAT" badges. */
  firewall?: FirewallSummary;
  /** Why interfaces are missing or partial (root needed, namespace gone…). */
  unknown?: string[];
}

export interface FirewallSummary {
  /** Some filter chain hooked into the stack has a rule or drops by default. */
  filters: boolean;
  /** Some rule rewrites addresses: a port forward (DNAT), masquerade, source NAT, redirect. */
  nat: boolean;
  /** Rules in all tables, nftables and legacy. */
  rules: number;
}

export interface End {
  ns: number;
  ifname: string;
}

export interface GraphLink {
  kind: LinkKind;
  a: End;
  b: End;
}

export interface NetGraph {
  namespaces: GraphNamespace[];
  links: GraphLink[];
}

/** Kinds that sit on a parent interface (IFLA_LINK): the wire goes to it. */
const ON_PARENT = new Set<string>(['macvlan', 'ipvlan', 'vlan', 'vxlan', 'macvtap']);

export function netGraph(namespaces: readonly NamespaceRecord[], details: ReadonlyMap<number, NetDetails>): NetGraph {
  const graph: NetGraph = { namespaces: [], links: [] };
  const seen = new Set<string>();
  const add = (link: GraphLink) => {
    // A veth pair is seen from both ends: one wire.
    const ends = [endKey(link.a), endKey(link.b)].sort().join('|');
    const key = `${link.kind}:${ends}`;
    if (seen.has(key)) return;
    seen.add(key);
    graph.links.push(link);
  };
  for (const n of namespaces) {
    if (n.type !== 'net' || n.ghost) continue;
    const d = details.get(n.ns);
    const node: GraphNamespace = {
      ns: n.ns,
      label: n.label,
      nprocs: n.nprocs,
      interfaces: (d?.interfaces ?? []).map(graphInterface),
    };
    if (n.container) node.container = `${n.container.name} (${n.container.engine})`;
    const route = defaultRoute(d);
    if (route) node.defaultRoute = route;
    const outside = n.label === 'host' ? node.interfaces.filter(isPlainDevice).map((i) => i.name) : [];
    if (outside.length) node.outside = outside;
    if (d?.firewall && (d.firewall.nftables || d.firewall.legacy)) node.firewall = firewallSummary(d.firewall);
    const unknown = d ? d.unavailable.map((u) => `${u.what}: ${u.reason}`) : ['its interfaces were not read'];
    if (unknown.length) node.unknown = unknown;
    graph.namespaces.push(node);
    for (const i of d?.interfaces ?? []) for (const link of linksOf(n.ns, i)) add(link);
  }
  return graph;
}

export function firewallSummary(fw: NetFirewall): FirewallSummary {
  const chains = [...(fw.nftables?.tables ?? []), ...(fw.legacy?.tables ?? [])].flatMap((t) => t.chains);
  return {
    filters: chains.some((c) => c.type === 'filter' && c.hook !== null && (c.rules > 0 || c.policy === 'drop')),
    nat: (fw.nftables?.nat.length ?? 0) + (fw.legacy?.nat.length ?? 0) > 0,
    rules: chains.reduce((n, c) => n + c.rules, 0),
  };
}

function defaultRoute(d: NetDetails | undefined): GraphNamespace['defaultRoute'] {
  const routes = (d?.routes ?? []).filter((r) => r.dst === 'default' && !r.type);
  const r = routes.find((x) => x.family === 'inet') ?? routes[0];
  return r && { dev: r.dev ?? r.nexthops?.[0]?.dev ?? null, gateway: r.gateway ?? r.nexthops?.[0]?.gateway ?? null };
}

function graphInterface(i: NetInterface): GraphInterface {
  const g: GraphInterface = {
    ifindex: i.ifindex,
    name: i.name,
    kind: i.kind,
    ...(i.kindUnknown ? { kindUnknown: true } : {}),
    state: i.state,
    addresses: i.addresses.map((a) => `${a.address}/${a.prefixlen}`),
  };
  if (i.master) g.master = i.master;
  if (i.remote) g.remote = i.remote;
  if (i.tun) g.tun = i.tun;
  return g;
}

/** The wires an interface has: to its veth peer, to its bridge, to its parent. */
function linksOf(ns: number, i: NetInterface): GraphLink[] {
  const here: End = { ns, ifname: i.name };
  const out: GraphLink[] = [];
  if (i.kind === 'veth' && i.peer?.ns != null && i.peer.name) {
    out.push({ kind: 'veth', a: here, b: { ns: i.peer.ns, ifname: i.peer.name } });
  }
  if (i.master) out.push({ kind: 'bridge-port', a: here, b: { ns, ifname: i.master } });
  if (i.kind && ON_PARENT.has(i.kind) && i.parent?.ns != null && i.parent.name) {
    out.push({ kind: i.kind as LinkKind, a: here, b: { ns: i.parent.ns, ifname: i.parent.name } });
  }
  return out;
}

/**
 * A device with no kind is hardware (or a driver that says nothing): in the host's namespace,
 * the way out. Not one whose kind was not read: an ordinary user's veth has a state from
 * sysfs, but no kind.
 */
const isPlainDevice = (i: GraphInterface) => i.kind === null && !i.kindUnknown;

const endKey = (e: End) => `${e.ns}/${e.ifname}`;
