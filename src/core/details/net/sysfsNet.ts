/**
 * What /sys/class/net says of interfaces, for a reader without root: every file read here
 * is world-readable. sysfs shows the net namespace it was mounted from (`ip netns exec`
 * mounts one for its namespace), so it is used for a namespace only once proven to show it
 * (sysfsMismatch). It tells state, MTU, MAC, master, loopback, a kernel device behind the
 * interface (hardware) and, for some kinds, the kind (DEVTYPE); not the kind of a veth, a
 * macvlan or a dummy, and of a veth or parent only an index, in a namespace it does not name.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIPv4, formatIPv6 } from '../../text/netAddr';
import type { NetInterface } from '../types';

export interface SysfsLink {
  name: string;
  ifindex: number;
  /** iflink: a veth's other end or the parent's index, in a namespace not named; its own index or 0 when none. */
  iflink: number | null;
  /** ARPHRD_* (772: loopback). */
  type: number | null;
  /** As `ip` prints it: UP, DOWN, UNKNOWN, LOWERLAYERDOWN… */
  operstate: string | null;
  mtu: number | null;
  /** As `ip link` prints it; null when the link has none. */
  address: string | null;
  /** uevent's DEVTYPE (bridge, vlan, wlan…). */
  devtype: string | null;
  /** A `device` link: a kernel device (PCI, USB, virtio…) is behind it, hardware. */
  physical: boolean;
  master: string | null;
  /** A tun or tap device's flags (tun_flags). */
  tunFlags: number | null;
}

const ARPHRD_LOOPBACK = 772;
/** Link types whose hardware address `ip` prints as an IP address (ll_addr_n2a of iproute2). */
const IPV4_LINK_TYPES = new Set([768 /* TUNNEL */, 776 /* SIT */, 778 /* IPGRE */]);
const IPV6_LINK_TYPES = new Set([769 /* TUNNEL6 */, 823 /* IP6GRE */]);
/**
 * DEVTYPEs that are the kind netlink names (IFLA_INFO_KIND) for the same device. Others
 * (wlan, wwan: hardware; l2tpeth, dsa…) are not taken for a kind.
 */
const DEVTYPE_KINDS = new Set(['bridge', 'bond', 'vlan', 'vxlan', 'geneve', 'wireguard', 'macsec']);
const IFF_TAP = 0x2;
const IFF_PERSIST = 0x800;

const num = (text: string | null): number | null => {
  const n = text === null ? NaN : Number(text);
  return Number.isInteger(n) ? n : null;
};

/** The address as `ip link` prints it: colon-separated, an IP address for IP tunnels, null when empty. */
export function sysfsAddress(text: string, type: number | null): string | null {
  if (!text) return null;
  const bytes = Buffer.from(text.replaceAll(':', ''), 'hex');
  if (type !== null && IPV4_LINK_TYPES.has(type) && bytes.length === 4) return formatIPv4(bytes);
  if (type !== null && IPV6_LINK_TYPES.has(type) && bytes.length === 16) return formatIPv6(bytes);
  return text;
}

/** The interfaces of DIR (/sys/class/net); one that goes away while read is left out. */
export function readSysClassNet(dir: string): SysfsLink[] {
  const out: SysfsLink[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const at = (file: string) => path.join(dir, name, file);
    const read = (file: string): string | null => {
      try {
        return fs.readFileSync(at(file), 'utf8').trim();
      } catch {
        return null;
      }
    };
    const link = (file: string): string | null => {
      try {
        return fs.readlinkSync(at(file));
      } catch {
        return null;
      }
    };
    const ifindex = num(read('ifindex'));
    if (ifindex === null) continue; // gone, or not an interface
    const type = num(read('type'));
    const master = link('master');
    const tunFlags = read('tun_flags');
    out.push({
      name,
      ifindex,
      iflink: num(read('iflink')),
      type,
      operstate: read('operstate')?.toUpperCase() ?? null,
      mtu: num(read('mtu')),
      address: sysfsAddress(read('address') ?? '', type),
      devtype: /^DEVTYPE=(.+)$/m.exec(read('uevent') ?? '')?.[1] ?? null,
      physical: link('device') !== null,
      master: master === null ? null : path.basename(master),
      tunFlags: tunFlags === null ? null : parseInt(tunFlags, 16),
    });
  }
  return out.sort((a, b) => a.ifindex - b.ifindex);
}

/** The interface indexes /proc/PID/net/igmp lists (`1\tlo        :     1      V3`): those up with IPv4. */
export function parseIgmpIndexes(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of text.matchAll(/^(\d+)\s+(\S+)\s*:/gm)) out.set(m[2]!, Number(m[1]));
  return out;
}

/** The index in /proc/PID/net/dev_snmp6/NAME (`ifIndex  4`); null when the text has none. */
export const parseSnmp6Index = (text: string): number | null => num(/^ifIndex\s+(\d+)$/m.exec(text)?.[1] ?? null);

/**
 * Why sysfs does not show the namespace whose /proc/PID/net lists NAMES with INDEXES (those
 * known: by name); null when it shows it: the same names, and the same index for each known.
 */
export function sysfsMismatch(
  links: readonly SysfsLink[],
  names: readonly string[],
  indexes: ReadonlyMap<string, number>,
): string | null {
  const sys = new Map(links.map((l) => [l.name, l.ifindex]));
  const extra = links.filter((l) => !names.includes(l.name)).map((l) => l.name);
  const missing = names.filter((n) => !sys.has(n));
  const differ = [...extra.map((n) => `${n}, which it does not have`), ...missing.map((n) => `not ${n}`)];
  if (differ.length) return `it lists ${differ.join(', ')}`;
  const moved = [...indexes]
    .filter(([n, i]) => sys.get(n) !== i)
    .map(([n, i]) => `${n} is ${sys.get(n)} there, not ${i}`);
  return moved.length ? `its interface indexes differ (${moved.join(', ')})` : null;
}

/** A kind sysfs can tell: loopback, a DEVTYPE netlink also names, tun; null for hardware; undefined: not known. */
function kindOf(l: SysfsLink): string | null | undefined {
  if (l.type === ARPHRD_LOOPBACK) return 'loopback';
  if (l.tunFlags !== null) return 'tun';
  if (l.physical) return null;
  return l.devtype !== null && DEVTYPE_KINDS.has(l.devtype) ? l.devtype : undefined;
}

/**
 * Fills what sysfs tells of INTERFACES (read from /proc/PID/net, matched by name): index,
 * state, MTU, MAC, master, members, and the kind where it can be told; `kindUnknown` is
 * cleared for those, and stays for a virtual interface sysfs names no kind for.
 */
export function applySysfs(interfaces: NetInterface[], links: readonly SysfsLink[]): void {
  const byName = new Map(links.map((l) => [l.name, l]));
  for (const i of interfaces) {
    const l = byName.get(i.name);
    if (!l) continue;
    i.ifindex = l.ifindex;
    i.state = l.operstate;
    i.mtu = l.mtu;
    i.mac = l.address;
    i.master = l.master;
    const kind = kindOf(l);
    if (kind !== undefined) {
      i.kind = kind;
      delete i.kindUnknown;
    }
    const members = links.filter((o) => o.master === l.name).map((o) => o.name);
    if (members.length || kind === 'bridge') i.members = members;
    if (l.tunFlags !== null)
      i.tun = {
        mode: l.tunFlags & IFF_TAP ? 'tap' : 'tun',
        persistent: (l.tunFlags & IFF_PERSIST) !== 0,
        holders: null,
      };
  }
}
