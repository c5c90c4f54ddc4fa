/**
 * Parsers of the /proc/PID/net files an ordinary user can read for any process: what a
 * net namespace shows without entering it. Pure: text in, rows out. A line that does not
 * have the kernel's shape is skipped and counted, so a caller can say some were.
 */
import * as os from 'node:os';
import { formatIPv4, formatIPv6, ipv4Network, routeDst } from '../../text/netAddr';
import type { NetAddress, NetRoute } from '../types';

export interface Parsed<T> {
  rows: T[];
  /** Lines that were not in the kernel's format. */
  skipped: number;
}

const LITTLE_ENDIAN = os.endianness() === 'LE';

/** 32-bit words that the kernel prints with %08X from memory: the address bytes in host order. */
function hostOrderBytes(hex: string): Buffer {
  const out = Buffer.alloc(hex.length / 2);
  for (let i = 0; i < hex.length; i += 8) {
    const word = parseInt(hex.slice(i, i + 8), 16);
    if (LITTLE_ENDIAN) out.writeUInt32LE(word, i / 2);
    else out.writeUInt32BE(word, i / 2);
  }
  return out;
}

/** A host-order IPv4 word (route, tcp) as a number in network order: 10.0.0.1 is 0x0a000001. */
function hostOrderIPv4(hex: string): number {
  return hostOrderBytes(hex).readUInt32BE(0);
}

function parseLines<T>(text: string, header: number, parse: (line: string) => T | null | 'ignore'): Parsed<T> {
  const rows: T[] = [];
  let skipped = 0;
  for (const line of text.split('\n').slice(header)) {
    if (line.trim() === '') continue;
    const row = parse(line);
    if (row === null) skipped++;
    else if (row !== 'ignore') rows.push(row);
  }
  return { rows, skipped };
}

export interface DevRow {
  name: string;
  rxBytes: number;
  txBytes: number;
}

/** /proc/net/dev: two heading lines, then `name: 8 receive counters 8 transmit counters`. */
export function parseNetDev(text: string): Parsed<DevRow> {
  return parseLines(text, 2, (line) => {
    const colon = line.indexOf(':');
    if (colon < 0) return null;
    const name = line.slice(0, colon).trim();
    const counters = line
      .slice(colon + 1)
      .trim()
      .split(/\s+/);
    if (!name || /\s/.test(name) || counters.length < 16 || counters.some((c) => !/^\d+$/.test(c))) return null;
    return { name, rxBytes: Number(counters[0]), txBytes: Number(counters[8]) };
  });
}

/** What /proc/net/if_inet6 prints for the kernel's IPV6_ADDR_SCOPE_* values, named as `ip` names them. */
const INET6_SCOPES: Record<number, string> = { 0x00: 'global', 0x10: 'host', 0x20: 'link', 0x40: 'site' };

export interface Inet6Row {
  ifindex: number;
  name: string;
  address: NetAddress;
}

/** /proc/net/if_inet6: `address ifindex prefixlen scope flags name`, numbers in hex. */
export function parseIfInet6(text: string): Parsed<Inet6Row> {
  return parseLines(text, 0, (line) => {
    const m = /^\s*([0-9a-f]{32}) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+) ([0-9a-f]+)\s+(\S+)\s*$/i.exec(line);
    if (!m) return null;
    const prefixlen = parseInt(m[3]!, 16);
    if (prefixlen > 128) return null;
    const scope = parseInt(m[4]!, 16);
    return {
      ifindex: parseInt(m[2]!, 16),
      name: m[6]!,
      address: {
        family: 'inet6',
        address: formatIPv6(Buffer.from(m[1]!, 'hex')),
        prefixlen,
        scope: INET6_SCOPES[scope] ?? `0x${scope.toString(16)}`,
      },
    };
  });
}

export interface FibEntry {
  /** Network address in network order, as a number. */
  address: number;
  prefixlen: number;
  scope: string;
  /** UNICAST, LOCAL, BROADCAST, UNREACHABLE… */
  type: string;
}

/**
 * /proc/net/fib_trie: each table starts with its name ("Main:", "Local:", "Id 100:"); each
 * leaf (`|-- 10.0.0.2`) is followed by one line per prefix length it holds (`/32 host
 * LOCAL`, with ` tos=N` for a route that has one). An entry of several tables is given once.
 */
export function parseFibTrie(text: string): Parsed<FibEntry> {
  let leaf: number | null = null;
  const seen = new Set<string>();
  return parseLines(text, 0, (line) => {
    const t = line.trim();
    if (/^(Main|Local|Id \d+):$/.test(t) || t.startsWith('+--')) {
      leaf = null;
      return 'ignore';
    }
    const leafMatch = /^\|-- (\d+\.\d+\.\d+\.\d+)$/.exec(t);
    if (leafMatch) {
      const bytes = leafMatch[1]!.split('.').map(Number);
      leaf = bytes.some((b) => b > 255) ? null : Buffer.from(bytes).readUInt32BE(0);
      return leaf === null ? null : 'ignore';
    }
    const entry = /^\/(\d+) (\S+) (\S+)(?: tos=\d+)?$/.exec(t);
    if (!entry || leaf === null) return null;
    const prefixlen = Number(entry[1]);
    if (prefixlen > 32) return null;
    const key = `${leaf}/${t}`;
    if (seen.has(key)) return 'ignore';
    seen.add(key);
    return { address: leaf, prefixlen, scope: entry[2]!, type: entry[3]! };
  });
}

/** Flags of /proc/net/route and ipv6_route (include/uapi/linux/route.h, ipv6_route.h). */
const RTF_GATEWAY = 0x0002;
const RTF_REJECT = 0x0200;
const RTF_ANYCAST = 0x00100000;
const RTF_CACHE = 0x01000000;
const RTF_LOCAL = 0x80000000;

export interface Route4Row {
  dev: string | null;
  dst: number;
  prefixlen: number;
  gateway: number;
  flags: number;
  metric: number;
}

function maskLength(mask: number): number | null {
  for (let len = 0; len <= 32; len++) if (ipv4Network(0xffffffff, len) === mask) return len;
  return null;
}

/** /proc/net/route: the main IPv4 table. Addresses are host-order hex words, `*` is no device. */
export function parseRoute(text: string): Parsed<Route4Row> {
  return parseLines(text, 1, (line) => {
    const f = line.trim().split(/\s+/);
    if (
      f.length < 8 ||
      ![f[1], f[2], f[7]].every((h) => /^[0-9a-f]{8}$/i.test(h!)) ||
      !/^[0-9a-f]+$/i.test(f[3]!) ||
      !/^\d+$/.test(f[6]!)
    )
      return null;
    const prefixlen = maskLength(hostOrderIPv4(f[7]!));
    if (prefixlen === null) return null;
    return {
      dev: f[0] === '*' ? null : f[0]!,
      dst: hostOrderIPv4(f[1]!),
      prefixlen,
      gateway: hostOrderIPv4(f[2]!),
      flags: parseInt(f[3]!, 16),
      metric: Number(f[6]),
    };
  });
}

/**
 * Routes as `ip route` shows them, from what /proc/net/route says. Protocol, scope and
 * preferred source are not in the file. A route without a device is unreachable or
 * prohibit (RTF_REJECT, the file does not tell which) or a blackhole.
 */
export function routes4(rows: Route4Row[]): NetRoute[] {
  return rows.map((r) => {
    const route: NetRoute = {
      family: 'inet',
      dst: routeDst(formatIPv4(r.dst), r.prefixlen, 'inet'),
      gateway: r.flags & RTF_GATEWAY ? formatIPv4(r.gateway) : null,
      dev: r.dev,
      protocol: null,
      scope: null,
      prefsrc: null,
      metric: r.metric || null,
    };
    if (r.flags & RTF_REJECT) route.type = 'unreachable';
    else if (r.dev === null) route.type = 'blackhole';
    return route;
  });
}

/**
 * /proc/net/ipv6_route: `dst plen src splen nexthop metric refcnt use flags dev`, every
 * table at once. Local, anycast, cached and multicast routes (the local table), and the
 * kernel's "null" reject entry, are left out so that what stays is what `ip -6 route`
 * shows of the main table.
 */
export function parseIpv6Route(text: string): Parsed<NetRoute> {
  return parseLines(text, 0, (line) => {
    const m =
      /^\s*([0-9a-f]{32}) ([0-9a-f]{2}) [0-9a-f]{32} [0-9a-f]{2} ([0-9a-f]{32}) ([0-9a-f]{8}) [0-9a-f]{8} [0-9a-f]{8} ([0-9a-f]{8})\s+(\S+)\s*$/i.exec(
        line,
      );
    if (!m) return null;
    const dstBytes = Buffer.from(m[1]!, 'hex');
    const prefixlen = parseInt(m[2]!, 16);
    const metric = parseInt(m[4]!, 16);
    const flags = parseInt(m[5]!, 16);
    if (prefixlen > 128) return null;
    if (flags & (RTF_LOCAL | RTF_ANYCAST | RTF_CACHE)) return 'ignore';
    if (dstBytes[0] === 0xff && prefixlen >= 8) return 'ignore'; // ff00::/8: multicast
    const reject = (flags & RTF_REJECT) !== 0;
    if (reject && prefixlen === 0 && metric === 0xffffffff) return 'ignore';
    const route: NetRoute = {
      family: 'inet6',
      dst: routeDst(formatIPv6(dstBytes), prefixlen, 'inet6'),
      gateway: flags & RTF_GATEWAY ? formatIPv6(Buffer.from(m[3]!, 'hex')) : null,
      dev: reject ? null : m[6]!,
      protocol: null,
      scope: null,
      prefsrc: null,
      metric,
    };
    if (reject) route.type = 'unreachable';
    return route;
  });
}

export interface SocketRow {
  protocol: 'tcp' | 'udp';
  family: 'inet' | 'inet6';
  address: string;
  port: number;
  inode: number;
}

const TCP_LISTEN = 0x0a;
const UDP_UNCONNECTED = 0x07;

/** The kernel's TCP states (include/net/tcp_states.h), as `ss` spells them but ESTAB in full. */
const TCP_STATES = [
  '',
  'ESTABLISHED',
  'SYN-SENT',
  'SYN-RECV',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'TIME-WAIT',
  'CLOSE',
  'CLOSE-WAIT',
  'LAST-ACK',
  'LISTEN',
  'CLOSING',
  'NEW-SYN-RECV',
];

/**
 * One socket, whatever its state: a line of /proc/net/{tcp,tcp6,udp,udp6}, or a socket
 * the kernel described over NETLINK_SOCK_DIAG (sockDiag.ts). Both become rows here alone,
 * so that either way of reading gives the same rows.
 */
export interface SocketEntry {
  local: { address: string; port: number };
  remote: { address: string; port: number };
  state: number;
  inode: number;
}

/** Every line of /proc/net/{tcp,tcp6,udp,udp6}, whatever its state. */
export function parseSocketEntries(text: string, family: 'inet' | 'inet6'): Parsed<SocketEntry> {
  const width = family === 'inet' ? 8 : 32;
  const format = (hex: string) => (family === 'inet' ? formatIPv4 : formatIPv6)(hostOrderBytes(hex));
  return parseLines(text, 1, (line) => {
    const f = line.trim().split(/\s+/);
    const local = /^([0-9a-f]+):([0-9a-f]{4})$/i.exec(f[1] ?? '');
    const remote = /^([0-9a-f]+):([0-9a-f]{4})$/i.exec(f[2] ?? '');
    if (
      f.length < 10 ||
      !/^\d+:$/.test(f[0]!) ||
      !local ||
      !remote ||
      local[1]!.length !== width ||
      remote[1]!.length !== width ||
      !/^[0-9a-f]{2}$/i.test(f[3]!) ||
      !/^\d+$/.test(f[9]!)
    )
      return null;
    return {
      local: { address: format(local[1]!), port: parseInt(local[2]!, 16) },
      remote: { address: format(remote[1]!), port: parseInt(remote[2]!, 16) },
      state: parseInt(f[3]!, 16),
      inode: Number(f[9]),
    };
  });
}

function listens(s: SocketEntry, protocol: 'tcp' | 'udp'): boolean {
  return protocol === 'tcp'
    ? s.state === TCP_LISTEN
    : s.state === UDP_UNCONNECTED && s.local.port !== 0 && s.remote.port === 0;
}

/** The sockets that wait for others, as `ss -l` lists them: TCP in LISTEN, UDP not connected and bound to a port. */
export function listeningRows(entries: SocketEntry[], protocol: 'tcp' | 'udp', family: 'inet' | 'inet6'): SocketRow[] {
  return entries
    .filter((s) => listens(s, protocol))
    .map((s) => ({ protocol, family, address: s.local.address, port: s.local.port, inode: s.inode }));
}

/**
 * The sockets that have another end, as `ss -ta` / `ss -ua` list them beside the
 * listening ones: TCP in any state but LISTEN, UDP connected to a peer.
 */
export function connectionRows(
  entries: SocketEntry[],
  protocol: 'tcp' | 'udp',
  family: 'inet' | 'inet6',
): ConnectionRow[] {
  return entries
    .filter((s) => (protocol === 'tcp' ? s.state !== TCP_LISTEN : s.remote.port !== 0 && !listens(s, protocol)))
    .map((s) => ({
      protocol,
      family,
      local: s.local,
      remote: s.remote,
      // A connected UDP socket is in TCP_ESTABLISHED, as ss shows it.
      state: TCP_STATES[s.state] ?? `state ${s.state}`,
      inode: s.inode,
    }));
}

/** /proc/net/{tcp,tcp6,udp,udp6}: the listening sockets (listeningRows). */
export function parseSockets(text: string, protocol: 'tcp' | 'udp', family: 'inet' | 'inet6'): Parsed<SocketRow> {
  const parsed = parseSocketEntries(text, family);
  return { rows: listeningRows(parsed.rows, protocol, family), skipped: parsed.skipped };
}

export interface ConnectionRow {
  protocol: 'tcp' | 'udp';
  family: 'inet' | 'inet6';
  local: { address: string; port: number };
  remote: { address: string; port: number };
  /** As `ss` says it (ESTAB in full): ESTABLISHED, TIME-WAIT, SYN-SENT… */
  state: string;
  /** 0 for a socket no file holds any more (TIME-WAIT). */
  inode: number;
}

/** The same files' sockets that have another end (connectionRows). */
export function parseConnections(
  text: string,
  protocol: 'tcp' | 'udp',
  family: 'inet' | 'inet6',
): Parsed<ConnectionRow> {
  const parsed = parseSocketEntries(text, family);
  return { rows: connectionRows(parsed.rows, protocol, family), skipped: parsed.skipped };
}

export interface AttributedAddress {
  dev: string;
  address: NetAddress;
}

const LOOPBACK_NET = 0x7f000000;

/**
 * The IPv4 addresses of the namespace (the /32 LOCAL entries of fib_trie), each given to
 * the interface whose directly connected route (no gateway) contains it, with that route's
 * prefix length; 127/8 to lo. An address no such route contains is returned apart.
 */
export function ipv4Addresses(
  fib: FibEntry[],
  routes: Route4Row[],
): { attributed: AttributedAddress[]; unattributed: string[] } {
  const attributed: AttributedAddress[] = [];
  const unattributed: string[] = [];
  const locals = fib.filter((e) => e.type === 'LOCAL' && e.prefixlen === 32);
  for (const { address } of locals) {
    const text = formatIPv4(address);
    if (ipv4Network(address, 8) === LOOPBACK_NET) {
      const net = fib
        .filter((e) => e.type === 'LOCAL' && e.prefixlen < 32 && ipv4Network(address, e.prefixlen) === e.address)
        .sort((a, b) => b.prefixlen - a.prefixlen)[0];
      attributed.push({
        dev: 'lo',
        address: { family: 'inet', address: text, prefixlen: net?.prefixlen ?? 8, scope: null },
      });
      continue;
    }
    const link = routes
      .filter(
        (r) => r.dev !== null && !(r.flags & (RTF_GATEWAY | RTF_REJECT)) && ipv4Network(address, r.prefixlen) === r.dst,
      )
      .sort((a, b) => b.prefixlen - a.prefixlen)[0];
    if (link)
      attributed.push({
        dev: link.dev!,
        address: { family: 'inet', address: text, prefixlen: link.prefixlen, scope: null },
      });
    else unattributed.push(text);
  }
  return { attributed, unattributed };
}
