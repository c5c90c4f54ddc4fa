/**
 * The veth pair that connects a new network namespace to the host: a /30 from a private
 * subnet that no host interface already uses, and the `ip -batch` lines for each side.
 */
import { formatIPv4, ipv4Network } from '../text/netAddr';

export interface Subnet {
  /** Network address as a 32-bit number. */
  base: number;
  prefix: number;
}

export interface VethPlan {
  host: string;
  peer: string;
  hostAddress: string;
  peerAddress: string;
  prefix: 30;
}

export const DEFAULT_SUBNET = '10.200.0.0/24';

const PRIVATE_RANGES: Subnet[] = [parseCidr('10.0.0.0/8')!, parseCidr('172.16.0.0/12')!, parseCidr('192.168.0.0/16')!];

function parseCidr(text: string): Subnet | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text.trim());
  if (!m) return null;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return null;
  const addr = octets.reduce((acc, o) => acc * 256 + o, 0);
  return { base: ipv4Network(addr, prefix), prefix };
}

/** Why `text` cannot be the subnet veth addresses come from, or the subnet. */
export function parseSubnet(text: string): Subnet | string {
  const subnet = parseCidr(text);
  if (!subnet) return `'${text}' is not an IPv4 subnet such as ${DEFAULT_SUBNET}`;
  if (subnet.prefix > 30) return `${text} is too small: each terminal needs a /30`;
  if (!PRIVATE_RANGES.some((r) => contains(r, subnet)))
    return `${text} is not a private range (10/8, 172.16/12 or 192.168/16)`;
  return subnet;
}

function contains(outer: Subnet, inner: Subnet): boolean {
  return (
    inner.prefix >= outer.prefix &&
    Math.floor(inner.base / 2 ** (32 - outer.prefix)) === outer.base / 2 ** (32 - outer.prefix)
  );
}

function overlaps(a: Subnet, b: Subnet): boolean {
  return contains(a, b) || contains(b, a);
}

/**
 * The networks of the addresses in `ip -4 -o addr show` output. A point-to-point address
 * (`inet A peer B/N`) uses its own address and its peer's network.
 */
export function usedNetworks(ipAddrOutput: string): Subnet[] {
  return [...ipAddrOutput.matchAll(/\binet (\d+\.\d+\.\d+\.\d+)(\/\d+)?(?: peer (\d+\.\d+\.\d+\.\d+\/\d+))?/g)].flatMap(
    (m) => [parseCidr(`${m[1]}${m[2] ?? '/32'}`), m[3] ? parseCidr(m[3]) : null].filter((n): n is Subnet => n !== null),
  );
}

/** Interface names are at most 15 bytes: `nsx` + an id of up to 10 digits + one letter. */
export function planVeth(subnet: Subnet, used: readonly Subnet[], id: number): VethPlan | null {
  const blocks = 2 ** (30 - subnet.prefix);
  for (let i = 0; i < blocks; i++) {
    const block: Subnet = { base: subnet.base + i * 4, prefix: 30 };
    if (used.some((u) => overlaps(u, block))) continue;
    return {
      host: `nsx${id}h`,
      peer: `nsx${id}n`,
      hostAddress: formatIPv4(block.base + 1),
      peerAddress: formatIPv4(block.base + 2),
      prefix: 30,
    };
  }
  return null;
}

/** Host side: make the pair with its peer already in the namespace of `pid`. */
export function hostSideBatch(v: VethPlan, pid: number): string {
  return (
    [
      `link add ${v.host} type veth peer name ${v.peer} netns ${pid}`,
      `addr add ${v.hostAddress}/${v.prefix} dev ${v.host}`,
      `link set ${v.host} up`,
    ].join('\n') + '\n'
  );
}

/** Inside the namespace: loopback up, and with a veth its address and the default route. */
export function namespaceSideBatch(v: VethPlan | null): string {
  const lines = ['link set lo up'];
  if (v)
    lines.push(
      `addr add ${v.peerAddress}/${v.prefix} dev ${v.peer}`,
      `link set ${v.peer} up`,
      `route add default via ${v.hostAddress}`,
    );
  return lines.join('\n') + '\n';
}
