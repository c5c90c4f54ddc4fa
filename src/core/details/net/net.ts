/**
 * A net namespace: its interfaces with their addresses, its routes and the sockets that
 * listen in it, with the processes holding them.
 *
 * Root enters it from the reading thread and asks rtnetlink, as `ip` does: a netlink
 * socket opened after setns() answers for that namespace. The other end of a veth that
 * is in another namespace is named there by its netnsid; which namespace of the snapshot
 * that is, is found by looking for the same link (index, name, MAC, pointing back) among
 * the links of every net namespace, each read once per DetailsContext.
 *
 * A user reads /proc/PID/net of a member process (readable for any process), which has
 * names, counters, addresses, routes and sockets but no link state, MTU, MAC or kind; for
 * its own namespace, /sys/class/net adds those where it can be proven to show it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NamespaceRecord } from '../../model/snapshot';
import { plural } from '../../text/plural';
import { parseNsLink, ProcSource } from '../../linux/procfs';
import { baseOf, DetailsContext, fromFirstProcess, readInside, visibleMembers } from '../context';
import {
  AddrMsg,
  AF_INET,
  AF_INET6,
  addrDumpRequest,
  LinkMsg,
  linkDumpRequest,
  NetlinkError,
  linkInNetnsRequest,
  parseAddr,
  parseLink,
  parseRouteMsg,
  RouteMsg,
  routeDumpRequest,
  RT_TABLE_MAIN,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWROUTE,
} from './netlink';
import { NETLINK_ROUTE, NETLINK_SOCK_DIAG, NetlinkSocket } from './netlinkSocket';
import {
  ipv4Addresses,
  parseFibTrie,
  parseIfInet6,
  parseIpv6Route,
  parseNetDev,
  parseConnections,
  parseRoute,
  parseSocketEntries,
  parseSockets,
  Parsed,
  routes4,
  ConnectionRow,
  connectionRows,
  listeningRows,
  SocketEntry,
  SocketRow,
} from './procNet';
import { inetDiagRequest, parseInetDiag, SOCK_DIAG_BY_FAMILY } from './sockDiag';
import { FIREWALL_NEEDS_ROOT, parseTableNames, readFirewall } from './firewall';
import { socketsOf } from './sockets';
import { addTunHolders } from './tunHolders';
import { applySysfs, parseIgmpIndexes, parseSnmp6Index, readSysClassNet, SysfsLink, sysfsMismatch } from './sysfsNet';
import type { FarEnd, LegacyLoaded, NetInside, NetJobArgs } from '../threadProtocol';
import { NetDetails, NetInterface, NetRoute, Unavailable, VethPeer } from '../types';

const SOCKET_FILES = [
  ['tcp', 'tcp', 'inet'],
  ['tcp6', 'tcp', 'inet6'],
  ['udp', 'udp', 'inet'],
  ['udp6', 'udp', 'inet6'],
] as const;

/** Kinds whose IFLA_LINK names an interface that may be in another namespace: a veth's peer, a parent. */
const ON_PARENT = new Set(['macvlan', 'ipvlan', 'vlan', 'vxlan', 'macvtap']);
const FAR_KINDS = new Set(['veth', ...ON_PARENT]);

/** A problem met while reading, without the needsRoot verdict (the caller knows). */
type Problem = Pick<Unavailable, 'what' | 'reason'>;

/** Runs in the reading thread, after setns() into the namespace. */
export function netInside(args: NetJobArgs = {}): NetInside {
  const problems: Problem[] = [];
  const sock = new NetlinkSocket(NETLINK_ROUTE);
  let links: LinkMsg[], addrs: AddrMsg[], routes: RouteMsg[];
  const farEnds: FarEnd[] = [];
  try {
    links = sock.ask('RTM_GETLINK', linkDumpRequest, RTM_NEWLINK, true).map(parseLink);
    addrs = sock.ask('RTM_GETADDR', addrDumpRequest, RTM_NEWADDR, true).flatMap((p) => parseAddr(p) ?? []);
    routes = ([AF_INET, AF_INET6] as const)
      .flatMap((family) => sock.ask('RTM_GETROUTE', (seq) => routeDumpRequest(seq, family), RTM_NEWROUTE, true))
      .flatMap((p) => parseRouteMsg(p) ?? [])
      .filter((r) => r.table === RT_TABLE_MAIN && !r.cloned);
    for (const l of links) {
      const link = l.kind === 'vxlan' ? (l.vxlan?.link ?? null) : l.link;
      if (!FAR_KINDS.has(l.kind ?? '') || link === null || l.linkNetnsid === null) continue;
      const nsid = l.linkNetnsid;
      try {
        const [far] = sock
          .ask('RTM_GETLINK', (seq) => linkInNetnsRequest(seq, link, nsid), RTM_NEWLINK, false)
          .map(parseLink);
        if (far) farEnds.push({ nsid, ifindex: far.ifindex, name: far.name, address: far.address });
      } catch (err) {
        problems.push({ what: `the name of the other end of ${l.name}`, reason: (err as Error).message });
      }
    }
  } finally {
    sock.close();
  }
  const proc = new ProcSource();
  const { sockets, connections } = args.topology ? { sockets: [], connections: [] } : socketsInside(proc, problems);
  return { links, addrs, routes, farEnds, sockets, connections, legacyTables: legacyTables(proc), problems };
}

/**
 * The namespace's TCP and UDP sockets, asked over NETLINK_SOCK_DIAG as `ss` asks: reading
 * /proc/net/tcp instead costs a walk of the kernel's socket tables, shared by every
 * namespace, per file read. Where the kernel has no diag module for a protocol (ENOENT),
 * the /proc file is read.
 */
function socketsInside(proc: ProcSource, problems: Problem[]): { sockets: SocketRow[]; connections: ConnectionRow[] } {
  const sockets: SocketRow[] = [];
  const connections: ConnectionRow[] = [];
  const diag = new NetlinkSocket(NETLINK_SOCK_DIAG);
  try {
    for (const [file, protocol, family] of SOCKET_FILES) {
      let entries: SocketEntry[];
      try {
        entries = diag
          .ask('SOCK_DIAG_BY_FAMILY', (seq) => inetDiagRequest(seq, protocol, family), SOCK_DIAG_BY_FAMILY, true)
          .map(parseInetDiag);
      } catch (err) {
        if (!(err instanceof NetlinkError && err.errno === os.constants.errno.ENOENT)) {
          problems.push({
            what: `the ${protocol} sockets of ${family === 'inet' ? 'IPv4' : 'IPv6'}`,
            reason: (err as Error).message,
          });
          continue;
        }
        const read = fromProcFile(proc, file, family, problems);
        if (!read) continue;
        entries = read;
      }
      sockets.push(...listeningRows(entries, protocol, family));
      connections.push(...connectionRows(entries, protocol, family));
    }
  } finally {
    diag.close();
  }
  return { sockets, connections };
}

/** The sockets of /proc/thread-self/net/FILE; null when it cannot be read. */
function fromProcFile(
  proc: ProcSource,
  file: string,
  family: 'inet' | 'inet6',
  problems: Problem[],
): SocketEntry[] | null {
  const path = `${proc.procRoot}/thread-self/net/${file}`;
  try {
    const parsed = parseSocketEntries(proc.pidFile('thread-self', `net/${file}`), family);
    if (parsed.skipped) problems.push(skippedLines(parsed.skipped, path));
    return parsed.rows;
  } catch (err) {
    // Without IPv6 there is no tcp6 or udp6.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || family === 'inet')
      problems.push({ what: `the sockets of ${path}`, reason: (err as Error).message });
    return null;
  }
}

/** The legacy iptables tables loaded in this namespace; the files are absent while no module is loaded. */
function legacyTables(proc: ProcSource): LegacyLoaded {
  const names = (file: string) => {
    try {
      return parseTableNames(proc.pidFile('thread-self', `net/${file}`));
    } catch {
      return [];
    }
  };
  return { ip: names('ip_tables_names'), ip6: names('ip6_tables_names') };
}

function skippedLines(n: number, path: string): Problem {
  return {
    what: `${plural(n, 'line', 'lines')} of ${path}`,
    reason: 'not in the format the kernel writes, so left out',
  };
}

// ---------------------------------------------------------------------------------
// Root: from inside

type InsideRead = { value: NetInside; via: string } | { error: string };

/** Each net namespace is entered once per context: the veth peers of one are looked up in all. */
const insideCache = new WeakMap<DetailsContext, Map<number, Promise<InsideRead>>>();

function inside(ns: NamespaceRecord, ctx: DetailsContext): Promise<InsideRead> {
  let byIno = insideCache.get(ctx);
  if (!byIno) insideCache.set(ctx, (byIno = new Map()));
  let read = byIno.get(ns.ns);
  if (!read) {
    read = readInside(ns, ctx, 'net', { topology: ctx.topology } satisfies NetJobArgs);
    byIno.set(ns.ns, read);
  }
  return read;
}

/**
 * The namespace of the snapshot holding the other end of veth L of namespace NS: the one
 * with a veth at that index pointing back at L, from another namespace, and (when this side
 * could name it) with the same name and MAC. Null when none or several match.
 */
async function peerNamespace(
  l: LinkMsg,
  far: FarEnd | undefined,
  ns: NamespaceRecord,
  ctx: DetailsContext,
): Promise<NamespaceRecord | null> {
  const matches: NamespaceRecord[] = [];
  for (const other of ctx.snapshot.namespaces) {
    if (other.type !== 'net' || other.ns === ns.ns) continue;
    const got = await inside(other, ctx);
    if (!('value' in got)) continue;
    const back = got.value.links.some(
      (o) =>
        o.ifindex === l.link &&
        o.kind === 'veth' &&
        o.link === l.ifindex &&
        o.linkNetnsid !== null &&
        (!far || (o.name === far.name && o.address === far.address)),
    );
    if (back) matches.push(other);
  }
  return matches.length === 1 ? matches[0]! : null;
}

async function vethPeer(
  l: LinkMsg,
  seen: NetInside,
  ns: NamespaceRecord,
  ctx: DetailsContext,
): Promise<VethPeer | undefined> {
  if (l.kind !== 'veth' || l.link === null) return undefined;
  if (l.linkNetnsid === null)
    return {
      ifindex: l.link,
      name: seen.links.find((o) => o.ifindex === l.link)?.name ?? null,
      ns: ns.ns,
      label: ns.label,
    };
  const far = seen.farEnds.find((f) => f.nsid === l.linkNetnsid && f.ifindex === l.link);
  const there = await peerNamespace(l, far, ns, ctx);
  const thereName = async () => {
    const got = there && (await inside(there, ctx));
    return got && 'value' in got ? (got.value.links.find((o) => o.ifindex === l.link)?.name ?? null) : null;
  };
  return {
    ifindex: l.link,
    name: far?.name ?? (await thereName()),
    ns: there?.ns ?? null,
    label: there?.label ?? null,
  };
}

/**
 * The interface a macvlan, ipvlan, vlan or vxlan sits on. In another namespace it is the
 * one interface of the snapshot's net namespaces with the index, name and MAC that the
 * kernel gave for it here; null when none or several match.
 */
async function parentOf(
  l: LinkMsg,
  seen: NetInside,
  ns: NamespaceRecord,
  ctx: DetailsContext,
): Promise<VethPeer | undefined> {
  // A vxlan names its device in its own data, not in IFLA_LINK.
  const lower = l.kind === 'vxlan' ? (l.vxlan?.link ?? null) : l.link;
  if (!ON_PARENT.has(l.kind ?? '') || lower === null || lower === 0) return undefined;
  if (l.linkNetnsid === null) {
    const name = seen.links.find((o) => o.ifindex === lower)?.name ?? null;
    return { ifindex: lower, name, ns: ns.ns, label: ns.label };
  }
  const far = seen.farEnds.find((f) => f.nsid === l.linkNetnsid && f.ifindex === lower);
  const matches: NamespaceRecord[] = [];
  for (const other of ctx.snapshot.namespaces) {
    if (!far || other.type !== 'net' || other.ns === ns.ns) continue;
    const got = await inside(other, ctx);
    const there = 'value' in got ? got.value.links : [];
    if (there.some((o) => o.ifindex === far.ifindex && o.name === far.name && o.address === far.address)) {
      matches.push(other);
    }
  }
  const there = matches.length === 1 ? matches[0]! : null;
  return { ifindex: lower, name: far?.name ?? null, ns: there?.ns ?? null, label: there?.label ?? null };
}

async function interfacesInside(seen: NetInside, ns: NamespaceRecord, ctx: DetailsContext): Promise<NetInterface[]> {
  const nameOf = new Map(seen.links.map((l) => [l.ifindex, l.name]));
  const out: NetInterface[] = [];
  for (const l of [...seen.links].sort((a, b) => a.ifindex - b.ifindex)) {
    const iface: NetInterface = {
      ifindex: l.ifindex,
      name: l.name,
      state: l.operstate,
      mtu: l.mtu,
      mac: l.address,
      kind: l.kind,
      addresses: seen.addrs.filter((a) => a.ifindex === l.ifindex).map((a) => a.address),
      master: l.master === null ? null : (nameOf.get(l.master) ?? String(l.master)),
      rxBytes: l.rxBytes,
      txBytes: l.txBytes,
    };
    const members = seen.links.filter((o) => o.master === l.ifindex).map((o) => o.name);
    if (members.length || l.kind === 'bridge') iface.members = members;
    const peer = await vethPeer(l, seen, ns, ctx);
    if (peer) iface.peer = peer;
    const parent = await parentOf(l, seen, ns, ctx);
    if (parent) iface.parent = parent;
    if (l.vxlan?.remote) iface.remote = l.vxlan.remote;
    if (l.tun) iface.tun = { mode: l.tun.tap ? 'tap' : 'tun', persistent: l.tun.persistent, holders: null };
    out.push(iface);
  }
  return out;
}

function routesInside(seen: NetInside): NetRoute[] {
  const nameOf = new Map(seen.links.map((l) => [l.ifindex, l.name]));
  const dev = (oif: number | null) => (oif === null ? null : (nameOf.get(oif) ?? String(oif)));
  return seen.routes.map((r) => {
    const route: NetRoute = {
      family: r.family,
      dst: r.dst,
      gateway: r.gateway,
      dev: dev(r.oif),
      protocol: r.protocol,
      scope: r.scope,
      prefsrc: r.prefsrc,
      metric: r.metric,
    };
    if (r.type) route.type = r.type;
    if (r.nexthops) route.nexthops = r.nexthops.map((h) => ({ gateway: h.gateway, dev: dev(h.oif) }));
    return route;
  });
}

// ---------------------------------------------------------------------------------
// A user: /proc/PID/net of a member

const FROM_INSIDE = 'it is asked over netlink from inside the namespace';

/** What neither /proc/PID/net nor sysfs says, and netlink from inside does. */
const NOT_IN_PROC: Problem[] = [
  {
    what: 'the scope of IPv4 addresses, and the IPv4 addresses of interfaces that are down',
    reason: '/proc/PID/net shows IPv4 addresses only through the routes they make',
  },
  {
    what: 'the protocol, scope and preferred source of routes',
    reason: '/proc/PID/net/route and ipv6_route do not show them',
  },
];

/** What is not known of INTERFACES' links: all of it without sysfs, else what sysfs does not say. */
function linksNotRead(interfaces: NetInterface[], sysfs: SysfsLinks): Problem[] {
  if (!sysfs.links) {
    const reason = `/proc/PID/net does not show them, and ${sysfs.why}; ${FROM_INSIDE.replace('it is', 'they are')}`;
    return [
      { what: 'the state, MTU, MAC address and kind of each interface', reason },
      { what: 'veth peers and bridge members', reason },
    ];
  }
  const unknown = interfaces.filter((i) => i.kindUnknown).map((i) => i.name);
  const linked = interfaces.filter((i) => i.kindUnknown || ON_PARENT.has(i.kind ?? '')).map((i) => i.name);
  const out: Problem[] = [];
  if (unknown.length)
    out.push({
      what: `the kind of ${someNames(unknown)}`,
      reason: `sysfs names none for a virtual interface such as a veth, a macvlan or a dummy; ${FROM_INSIDE}`,
    });
  if (linked.length)
    out.push({
      what:
        `what ${someNames(linked)} ${linked.length === 1 ? 'is' : 'are'} wired to ` +
        "(a veth's other end, the interface a macvlan or vlan sits on)",
      reason: `sysfs gives only an index, in a namespace it does not name; ${FROM_INSIDE}`,
    });
  return out;
}

/** `a, b and c`, or `a, b, c and 4 more`. */
function someNames(names: string[]): string {
  const shown = names.length > 4 ? [...names.slice(0, 3), `${names.length - 3} more`] : names;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}` : shown[0]!;
}

/**
 * /sys/class/net, where it shows NS: sysfs shows the namespace it was mounted from, used
 * only when that is the reader's own and lists the interfaces, with their indexes, that
 * NS's /proc/PID/net lists (net/dev; dev_snmp6, else igmp, for indexes).
 */
function sysfsOf(ns: NamespaceRecord, files: ProcNetFiles, names: string[], ctx: DetailsContext): SysfsLinks {
  const own = (() => {
    try {
      return parseNsLink(fs.readlinkSync(`${ctx.proc.procRoot}/self/ns/net`))?.ino;
    } catch {
      return undefined;
    }
  })();
  if (own !== ns.ns) return { links: null, why: 'sysfs shows only the namespace it was mounted from' };
  const dir = path.join(path.dirname(ctx.proc.procRoot), 'sys/class/net');
  let links: SysfsLink[];
  try {
    links = readSysClassNet(dir);
  } catch (err) {
    return { links: null, why: `${dir} could not be read (${(err as Error).message})` };
  }
  const igmp = parseIgmpIndexes(files.text('igmp') ?? '');
  const indexes = new Map<string, number>();
  for (const name of names) {
    const index = parseSnmp6Index(files.text(`dev_snmp6/${name}`) ?? '') ?? igmp.get(name);
    if (index !== undefined && index !== null) indexes.set(name, index);
  }
  const mismatch = sysfsMismatch(links, names, indexes);
  return mismatch ? { links: null, why: `${dir} shows another namespace: ${mismatch}` } : { links, why: null };
}

type SysfsLinks = { links: SysfsLink[]; why: null } | { links: null; why: string };

interface ProcNetFiles {
  pid: number;
  /** A file of /proc/PID/net, null when it cannot be read. */
  text: (name: string) => string | null;
}

/** The net files of the first member whose /proc/PID/net/dev can be read. */
function memberNetFiles(ns: NamespaceRecord, ctx: DetailsContext): ProcNetFiles | { error: string } {
  const got = fromFirstProcess(visibleMembers(ns, ctx), (pid) => ctx.proc.pidFile(pid, 'net/dev'));
  if ('error' in got) {
    return {
      error:
        got.error === null
          ? 'no process of it is visible (a namespace kept only by a bind mount, such as `ip netns add` ' +
            "makes, or by other users' processes)"
          : `no member's /proc/PID/net could be read (${got.error})`,
    };
  }
  const { pid, value: dev } = got;
  const text = (name: string) => {
    if (name === 'dev') return dev; // already read to choose the member
    try {
      return ctx.proc.pidFile(pid, `net/${name}`);
    } catch {
      return null;
    }
  };
  return { pid, text };
}

function fromProc(
  details: NetDetails,
  files: ProcNetFiles,
  ns: NamespaceRecord,
  ctx: DetailsContext,
  whyNotInside: string | null,
): void {
  const dir = `${ctx.proc.pidDir(files.pid)}/net`;
  details.via = dir;
  const problems: Problem[] = [];
  const parse = <T>(name: string, parser: (text: string) => Parsed<T>, optional = false): T[] => {
    const text = files.text(name);
    if (text === null) {
      if (!optional) problems.push({ what: `what ${dir}/${name} says`, reason: 'it could not be read' });
      return [];
    }
    const parsed = parser(text);
    if (parsed.skipped) problems.push(skippedLines(parsed.skipped, `${dir}/${name}`));
    return parsed.rows;
  };

  const dev = parse('dev', parseNetDev);
  // Without IPv6 there is no if_inet6, ipv6_route, tcp6 or udp6.
  const inet6 = parse('if_inet6', parseIfInet6, true);
  const route = parse('route', parseRoute);
  const v4 = ipv4Addresses(parse('fib_trie', parseFibTrie), route);
  details.interfaces = dev.map((d) => ({
    ifindex: inet6.find((a) => a.name === d.name)?.ifindex ?? null,
    name: d.name,
    state: null,
    mtu: null,
    mac: null,
    kind: null,
    kindUnknown: true,
    addresses: [...v4.attributed.filter((a) => a.dev === d.name), ...inet6.filter((a) => a.name === d.name)].map(
      (a) => a.address,
    ),
    master: null,
    rxBytes: d.rxBytes,
    txBytes: d.txBytes,
  }));
  const sysfs = sysfsOf(
    ns,
    files,
    dev.map((d) => d.name),
    ctx,
  );
  if (sysfs.links) applySysfs(details.interfaces, sysfs.links);
  addTunHolders(details.interfaces, ns, ctx);
  for (const p of [...linksNotRead(details.interfaces, sysfs), ...NOT_IN_PROC])
    details.unavailable.push(
      whyNotInside ? { what: p.what, reason: whyNotInside, needsRoot: false } : { ...p, needsRoot: true },
    );
  if (v4.unattributed.length)
    problems.push({
      what: `the interface of ${v4.unattributed.join(', ')}`,
      reason: 'no route without a gateway contains the address',
    });
  details.routes = [...routes4(route), ...parse('ipv6_route', parseIpv6Route, true)];
  if (!ctx.topology) socketsFromProc(details, files, parse, ns, ctx);
  details.unavailable.push(...problems.map((p) => ({ ...p, needsRoot: false })));
}

/** The sockets of the member's /proc/PID/net/{tcp,udp}{,6}, with the processes holding them. */
function socketsFromProc(
  details: NetDetails,
  files: ProcNetFiles,
  parse: <T>(name: string, parser: (text: string) => Parsed<T>, optional?: boolean) => T[],
  ns: NamespaceRecord,
  ctx: DetailsContext,
): void {
  const rows = SOCKET_FILES.flatMap(([file, protocol, family]) =>
    parse(file, (t) => parseSockets(t, protocol, family), family === 'inet6'),
  );
  // The same files again: parsed, not read twice.
  const connected = SOCKET_FILES.flatMap(([file, protocol]) => {
    const text = files.text(file);
    return text === null ? [] : parseConnections(text, protocol, file.endsWith('6') ? 'inet6' : 'inet').rows;
  });
  const { sockets, connections, unavailable } = socketsOf(rows, connected, ns, ctx);
  details.sockets = sockets;
  details.connections = connections;
  details.unavailable.push(...unavailable);
}

export async function readNet(ns: NamespaceRecord, ctx: DetailsContext): Promise<NetDetails> {
  const details: NetDetails = { ...baseOf(ns, ctx), type: 'net', ...(ctx.topology ? { topology: true } : {}) };
  let whyNotInside: string | null = null;
  if (ctx.threads) {
    const got = await inside(ns, ctx);
    if ('value' in got) {
      const seen = got.value;
      details.via = got.via;
      details.interfaces = await interfacesInside(seen, ns, ctx);
      addTunHolders(details.interfaces, ns, ctx);
      details.routes = routesInside(seen);
      if (ctx.topology) {
        details.unavailable.push(...seen.problems.map((p) => ({ ...p, needsRoot: false })));
        return details;
      }
      const { sockets, connections, unavailable } = socketsOf(seen.sockets, seen.connections, ns, ctx);
      details.sockets = sockets;
      details.connections = connections;
      const fw = await readFirewall(ns, ctx, seen.legacyTables);
      details.firewall = fw.firewall;
      details.unavailable.push(
        ...seen.problems.map((p) => ({ ...p, needsRoot: false })),
        ...unavailable,
        ...fw.unavailable,
      );
      return details;
    }
    whyNotInside = got.error;
  }
  const firewall = whyNotInside
    ? { ...FIREWALL_NEEDS_ROOT, reason: whyNotInside, needsRoot: false }
    : FIREWALL_NEEDS_ROOT;
  const files = memberNetFiles(ns, ctx);
  if ('error' in files) {
    details.unavailable.push({
      what: 'interfaces, addresses, routes and sockets',
      reason: whyNotInside
        ? `${whyNotInside}, and ${files.error}`
        : `${files.error}: it can be read only by entering it, which needs root`,
      needsRoot: !whyNotInside,
    });
  } else fromProc(details, files, ns, ctx, whyNotInside);
  details.unavailable.push(firewall);
  return details;
}
