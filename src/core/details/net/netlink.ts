/**
 * rtnetlink messages (include/uapi/linux/{netlink,rtnetlink,if_link,if_addr}.h): the
 * requests `ip link`, `ip addr` and `ip route` send, and the replies decoded into what
 * they print; and the framing every netlink protocol shares (sockDiag.ts uses it too).
 * Pure: bytes in, records out; the socket is in netlinkSocket.ts. Integers are in host
 * byte order, as the kernel writes them.
 */
import * as os from 'node:os';
import { formatIPv4, formatIPv6, formatMac, routeDst } from '../../text/netAddr';
import type { NetAddress } from '../types';

export class NetlinkError extends Error {
  /** The errno the kernel answered with, for an error reply. */
  constructor(
    message: string,
    readonly errno?: number,
  ) {
    super(message);
  }
}

export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const RTM_NEWLINK = 16;
const RTM_GETLINK = 18;
export const RTM_NEWADDR = 20;
const RTM_GETADDR = 22;
export const RTM_NEWROUTE = 24;
const RTM_GETROUTE = 26;

export const NLM_F_REQUEST = 0x1;
export const NLM_F_DUMP = 0x300;
const NLMSG_HDRLEN = 16;
const NLA_TYPE_MASK = 0x3fff;

export const AF_INET = 2;
export const AF_INET6 = 10;

const LE = os.endianness() === 'LE';
const u16 = (b: Buffer, at: number) => (LE ? b.readUInt16LE(at) : b.readUInt16BE(at));
const u32 = (b: Buffer, at: number) => (LE ? b.readUInt32LE(at) : b.readUInt32BE(at));
const s32 = (b: Buffer, at: number) => (LE ? b.readInt32LE(at) : b.readInt32BE(at));
const u64 = (b: Buffer, at: number) => Number(LE ? b.readBigUInt64LE(at) : b.readBigUInt64BE(at));

function put16(b: Buffer, v: number, at: number): void {
  if (LE) b.writeUInt16LE(v, at);
  else b.writeUInt16BE(v, at);
}
function put32(b: Buffer, v: number, at: number): void {
  if (LE) b.writeInt32LE(v, at);
  else b.writeInt32BE(v, at);
}

const align4 = (n: number) => (n + 3) & ~3;

// ---------------------------------------------------------------------------------
// Requests

/** An attribute of a request: a 32-bit value (the only kind sent). */
interface Attr32 {
  type: number;
  value: number;
}

/** A netlink message: its header, then HEADER (the protocol's own struct), then ATTRS. */
export function encode(type: number, flags: number, seq: number, header: Buffer, attrs: Attr32[] = []): Buffer {
  const len = NLMSG_HDRLEN + align4(header.length) + attrs.length * 8;
  const msg = Buffer.alloc(len);
  put32(msg, len, 0);
  put16(msg, type, 4);
  put16(msg, flags, 6);
  put32(msg, seq, 8);
  header.copy(msg, NLMSG_HDRLEN);
  let at = NLMSG_HDRLEN + align4(header.length);
  for (const a of attrs) {
    put16(msg, 8, at);
    put16(msg, a.type, at + 2);
    put32(msg, a.value, at + 4);
    at += 8;
  }
  return msg;
}

/** struct ifinfomsg (16 bytes) with only the interface index set. */
function ifinfomsg(ifindex = 0): Buffer {
  const b = Buffer.alloc(16);
  put32(b, ifindex, 4);
  return b;
}

const IFLA_TARGET_NETNSID = 46;

/** Every link, as `ip link` asks. */
export function linkDumpRequest(seq: number): Buffer {
  return encode(RTM_GETLINK, NLM_F_REQUEST | NLM_F_DUMP, seq, ifinfomsg());
}

/** One link of the namespace that has id NSID here: the other end of a veth, named from this side. */
export function linkInNetnsRequest(seq: number, ifindex: number, nsid: number): Buffer {
  return encode(RTM_GETLINK, NLM_F_REQUEST, seq, ifinfomsg(ifindex), [{ type: IFLA_TARGET_NETNSID, value: nsid }]);
}

/** Every address of both families (struct ifaddrmsg, 8 bytes). */
export function addrDumpRequest(seq: number): Buffer {
  return encode(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, seq, Buffer.alloc(8));
}

/** Every route of one family (struct rtmsg, 12 bytes), of every table: the caller keeps main. */
export function routeDumpRequest(seq: number, family: typeof AF_INET | typeof AF_INET6): Buffer {
  const rtmsg = Buffer.alloc(12);
  rtmsg[0] = family;
  return encode(RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, seq, rtmsg);
}

// ---------------------------------------------------------------------------------
// Replies

export interface NlMessage {
  type: number;
  flags: number;
  seq: number;
  payload: Buffer;
}

/** The messages in one datagram. A length that does not fit is an error, not a guess. */
export function splitMessages(buf: Buffer): NlMessage[] {
  const out: NlMessage[] = [];
  let at = 0;
  while (at + NLMSG_HDRLEN <= buf.length) {
    const len = u32(buf, at);
    if (len < NLMSG_HDRLEN || at + len > buf.length)
      throw new NetlinkError(`malformed netlink message: length ${len} at offset ${at} of ${buf.length} bytes`);
    out.push({
      type: u16(buf, at + 4),
      flags: u16(buf, at + 6),
      seq: u32(buf, at + 8),
      payload: buf.subarray(at + NLMSG_HDRLEN, at + len),
    });
    at += align4(len);
  }
  if (at < buf.length) throw new NetlinkError(`malformed netlink message: ${buf.length - at} stray bytes at the end`);
  return out;
}

/** The errno of an NLMSG_ERROR (0 is an acknowledgement) or of an NLMSG_DONE that ended a dump. */
export function errorCode(msg: NlMessage): number {
  if (msg.payload.length < 4)
    throw new NetlinkError(
      `malformed netlink ${msg.type === NLMSG_DONE ? 'done' : 'error'} message: ${msg.payload.length} bytes`,
    );
  const err = s32(msg.payload, 0);
  return err === 0 ? 0 : -err;
}

/** The attributes from START on; the last of a type wins, as the kernel sends each once. */
export function parseAttrs(buf: Buffer, start: number): Map<number, Buffer> {
  const attrs = new Map<number, Buffer>();
  let at = start;
  while (at + 4 <= buf.length) {
    const len = u16(buf, at);
    if (len < 4 || at + len > buf.length)
      throw new NetlinkError(`malformed netlink attribute: length ${len} at offset ${at} of ${buf.length} bytes`);
    attrs.set(u16(buf, at + 2) & NLA_TYPE_MASK, buf.subarray(at + 4, at + len));
    at += align4(len);
  }
  return attrs;
}

function need(payload: Buffer, size: number, what: string): void {
  if (payload.length < size)
    throw new NetlinkError(`malformed ${what} message: ${payload.length} bytes, its header alone is ${size}`);
}

const attrU32 = (a: Buffer | undefined) => (a && a.length >= 4 ? u32(a, 0) : null);
const attrS32 = (a: Buffer | undefined) => (a && a.length >= 4 ? s32(a, 0) : null);
/** A C string attribute, without its NUL. */
const attrString = (a: Buffer | undefined) =>
  a ? a.toString('utf8', 0, a.indexOf(0) < 0 ? a.length : a.indexOf(0)) : null;

function ipAddress(bytes: Buffer | undefined): string | null {
  if (!bytes) return null;
  if (bytes.length === 4) return formatIPv4(bytes);
  if (bytes.length === 16) return formatIPv6(bytes);
  return null;
}

// Links

const IFLA_ADDRESS = 1;
const IFLA_IFNAME = 3;
const IFLA_MTU = 4;
const IFLA_LINK = 5;
const IFLA_MASTER = 10;
const IFLA_OPERSTATE = 16;
const IFLA_LINKINFO = 18;
const IFLA_INFO_KIND = 1;
const IFLA_INFO_DATA = 2;
// IFLA_INFO_DATA of a vxlan: its lower device and its remote (a unicast GROUP is the remote).
const IFLA_VXLAN_GROUP = 2;
const IFLA_VXLAN_LINK = 3;
const IFLA_VXLAN_GROUP6 = 16;
// IFLA_INFO_DATA of a tun: its type (IFF_TUN 1, IFF_TAP 2) and whether it outlives its holder.
const IFLA_TUN_TYPE = 3;
const IFLA_TUN_PERSIST = 6;
const IFF_TAP = 2;
const IFLA_STATS64 = 23;
const IFLA_LINK_NETNSID = 37;

const OPERSTATES = ['UNKNOWN', 'NOTPRESENT', 'DOWN', 'LOWERLAYERDOWN', 'TESTING', 'DORMANT', 'UP'];
const ARPHRD_LOOPBACK = 772;
/** Link types whose hardware address is an IP address (ll_addr_n2a of iproute2). */
const IPV4_LINK_TYPES = new Set([768 /* TUNNEL */, 776 /* SIT */, 778 /* IPGRE */]);
const IPV6_LINK_TYPES = new Set([769 /* TUNNEL6 */, 823 /* IP6GRE */]);

export interface LinkMsg {
  ifindex: number;
  name: string;
  mtu: number | null;
  /** As `ip link` prints it: colon-separated, or an IP address for tunnels; null when none. */
  address: string | null;
  operstate: string | null;
  /** IFLA_INFO_KIND (veth, bridge…); "loopback" for lo; null for a plain device. */
  kind: string | null;
  /**
   * IFLA_LINK: for a veth, the ifindex of the other end (the kernel omits it when it
   * is the link's own index, unless that end is in another namespace).
   */
  link: number | null;
  /** IFLA_LINK_NETNSID: set when that other end is in another namespace (its id here). */
  linkNetnsid: number | null;
  master: number | null;
  /** A vxlan's own data: the device it sends through (an ifindex here) and its remote. */
  vxlan?: { link: number | null; remote: string | null };
  /** A tun device's own data: a tap (ethernet frames) or a tun (IP packets), and persistent or not. */
  tun?: { tap: boolean; persistent: boolean };
  rxBytes: number | null;
  txBytes: number | null;
}

function vxlanData(info: Map<number, Buffer>): LinkMsg['vxlan'] {
  const data = info.get(IFLA_INFO_DATA);
  if (!data) return { link: null, remote: null };
  const v = parseAttrs(data, 0);
  const link = attrU32(v.get(IFLA_VXLAN_LINK));
  return { link: link === 0 ? null : link, remote: ipAddress(v.get(IFLA_VXLAN_GROUP) ?? v.get(IFLA_VXLAN_GROUP6)) };
}

function tunData(info: Map<number, Buffer>): LinkMsg['tun'] {
  const data = info.get(IFLA_INFO_DATA);
  if (!data) return undefined;
  const t = parseAttrs(data, 0);
  return { tap: t.get(IFLA_TUN_TYPE)?.[0] === IFF_TAP, persistent: (t.get(IFLA_TUN_PERSIST)?.[0] ?? 0) !== 0 };
}

export function parseLink(payload: Buffer): LinkMsg {
  need(payload, 16, 'link');
  const type = u16(payload, 2);
  const ifindex = s32(payload, 4);
  const a = parseAttrs(payload, 16);
  const name = attrString(a.get(IFLA_IFNAME));
  if (name === null) throw new NetlinkError(`malformed link message: interface ${ifindex} has no name`);
  const hw = a.get(IFLA_ADDRESS);
  const address =
    !hw || hw.length === 0
      ? null
      : (IPV4_LINK_TYPES.has(type) && hw.length === 4) || (IPV6_LINK_TYPES.has(type) && hw.length === 16)
        ? ipAddress(hw)
        : formatMac(hw);
  const info = a.get(IFLA_LINKINFO);
  const infoAttrs = info && parseAttrs(info, 0);
  const kind =
    (infoAttrs && attrString(infoAttrs.get(IFLA_INFO_KIND))) ?? (type === ARPHRD_LOOPBACK ? 'loopback' : null);
  const tun = kind === 'tun' && infoAttrs ? tunData(infoAttrs) : undefined;
  const oper = a.get(IFLA_OPERSTATE)?.[0];
  const stats = a.get(IFLA_STATS64);
  // struct rtnl_link_stats64 starts rx_packets, tx_packets, rx_bytes, tx_bytes.
  const haveStats = stats !== undefined && stats.length >= 32;
  return {
    ifindex,
    name,
    mtu: attrU32(a.get(IFLA_MTU)),
    address,
    operstate: oper === undefined ? null : (OPERSTATES[oper] ?? String(oper)),
    kind,
    link: attrS32(a.get(IFLA_LINK)),
    linkNetnsid: attrS32(a.get(IFLA_LINK_NETNSID)),
    master: attrU32(a.get(IFLA_MASTER)),
    ...(kind === 'vxlan' && infoAttrs ? { vxlan: vxlanData(infoAttrs) } : {}),
    ...(tun ? { tun } : {}),
    rxBytes: haveStats ? u64(stats, 16) : null,
    txBytes: haveStats ? u64(stats, 24) : null,
  };
}

// Addresses

const IFA_ADDRESS = 1;
const IFA_LOCAL = 2;

const SCOPES: Record<number, string> = { 0: 'global', 200: 'site', 253: 'link', 254: 'host', 255: 'nowhere' };
const scopeName = (n: number) => SCOPES[n] ?? String(n);

export interface AddrMsg {
  ifindex: number;
  address: NetAddress;
}

/**
 * An address of IPv4 or IPv6; null for other families. IFA_LOCAL is the
 * address itself (IFA_ADDRESS is the peer of a point-to-point link).
 */
export function parseAddr(payload: Buffer): AddrMsg | null {
  need(payload, 8, 'address');
  const family = payload[0];
  if (family !== AF_INET && family !== AF_INET6) return null;
  const a = parseAttrs(payload, 8);
  const address = ipAddress(a.get(IFA_LOCAL) ?? a.get(IFA_ADDRESS));
  if (address === null) throw new NetlinkError('malformed address message: no address of its family');
  return {
    ifindex: u32(payload, 4),
    address: {
      family: family === AF_INET ? 'inet' : 'inet6',
      address,
      prefixlen: payload[1]!,
      scope: scopeName(payload[3]!),
    },
  };
}

// Routes

const RTA_DST = 1;
const RTA_OIF = 4;
const RTA_GATEWAY = 5;
const RTA_PRIORITY = 6;
const RTA_PREFSRC = 7;
const RTA_MULTIPATH = 9;
const RTA_TABLE = 15;
const RTA_VIA = 18;
const RTM_F_CLONED = 0x200;
export const RT_TABLE_MAIN = 254;

const PROTOCOLS: Record<number, string> = {
  0: 'unspec',
  1: 'redirect',
  2: 'kernel',
  3: 'boot',
  4: 'static',
  8: 'gated',
  9: 'ra',
  10: 'mrt',
  11: 'zebra',
  12: 'bird',
  13: 'dnrouted',
  14: 'xorp',
  15: 'ntk',
  16: 'dhcp',
  18: 'keepalived',
  42: 'babel',
  99: 'openr',
  186: 'bgp',
  187: 'isis',
  188: 'ospf',
  189: 'rip',
  192: 'eigrp',
};
const TYPES = [
  'unspec',
  'unicast',
  'local',
  'broadcast',
  'anycast',
  'multicast',
  'blackhole',
  'unreachable',
  'prohibit',
  'throw',
  'nat',
  'xresolve',
];
const RTN_UNICAST = 1;

export interface RouteMsg {
  family: 'inet' | 'inet6';
  table: number;
  /** A cached clone (RTM_F_CLONED), which `ip route` does not list. */
  cloned: boolean;
  dst: string;
  gateway: string | null;
  oif: number | null;
  protocol: string;
  /** null for global (universe), which `ip route` does not print. */
  scope: string | null;
  prefsrc: string | null;
  metric: number | null;
  /** null for unicast. */
  type: string | null;
  nexthops?: { gateway: string | null; oif: number | null }[];
}

/** RTA_GATEWAY, or RTA_VIA (struct rtvia: a family, then the address) for a gateway of the other family. */
function gatewayOf(a: Map<number, Buffer>): string | null {
  const via = a.get(RTA_VIA);
  return ipAddress(a.get(RTA_GATEWAY)) ?? (via && via.length > 2 ? ipAddress(via.subarray(2)) : null);
}

/** struct rtnexthop: len u16, flags u8, hops u8, ifindex s32, then its own attributes. */
function parseNexthops(buf: Buffer): { gateway: string | null; oif: number | null }[] {
  const out: { gateway: string | null; oif: number | null }[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const len = u16(buf, at);
    if (len < 8 || at + len > buf.length)
      throw new NetlinkError(`malformed multipath route: next hop of length ${len} at offset ${at}`);
    const attrs = parseAttrs(buf.subarray(at, at + len), 8);
    out.push({ gateway: gatewayOf(attrs), oif: s32(buf, at + 4) || null });
    at += align4(len);
  }
  return out;
}

/** A route of IPv4 or IPv6; null for other families. */
export function parseRouteMsg(payload: Buffer): RouteMsg | null {
  need(payload, 12, 'route');
  const family = payload[0];
  if (family !== AF_INET && family !== AF_INET6) return null;
  const fam = family === AF_INET ? 'inet' : 'inet6';
  const a = parseAttrs(payload, 12);
  const dstLen = payload[1]!;
  const dstAttr = a.get(RTA_DST);
  const dst = dstAttr ? ipAddress(dstAttr) : fam === 'inet' ? '0.0.0.0' : '::';
  if (dst === null) throw new NetlinkError(`malformed route message: a destination of ${dstAttr!.length} bytes`);
  const type = payload[7]!;
  const multipath = a.get(RTA_MULTIPATH);
  const route: RouteMsg = {
    family: fam,
    table: attrU32(a.get(RTA_TABLE)) ?? payload[4]!,
    cloned: (u32(payload, 8) & RTM_F_CLONED) !== 0,
    dst: routeDst(dst, dstLen, fam),
    gateway: gatewayOf(a),
    oif: attrU32(a.get(RTA_OIF)),
    protocol: PROTOCOLS[payload[5]!] ?? String(payload[5]),
    scope: payload[6] === 0 ? null : scopeName(payload[6]!),
    prefsrc: ipAddress(a.get(RTA_PREFSRC)),
    metric: attrU32(a.get(RTA_PRIORITY)),
    type: type === RTN_UNICAST ? null : (TYPES[type] ?? String(type)),
  };
  if (multipath) route.nexthops = parseNexthops(multipath);
  return route;
}
