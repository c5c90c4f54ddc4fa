/**
 * What is inside a namespace, per type: the answer of `nsx show`, the Namespace Details
 * panel and the tree's descriptions. Plain JSON. A part that could not be read is left
 * out and listed in `unavailable` with the reason, so nothing is silently missing.
 */
import type { NsType } from '../model/nsTypes';

export interface Unavailable {
  /** What is missing, in words: "MAC, MTU and state of the interfaces". */
  what: string;
  reason: string;
  /** Root could read it: Show All Namespaces (or `--as-root`) fills it in. */
  needsRoot: boolean;
}

/** Another namespace a reading names, with the label the scan gave it. */
export interface NamespaceRef {
  ns: number;
  label: string | null;
}

interface DetailsBase {
  ns: number;
  label: string | null;
  /**
   * The user namespace that owns it; for a user namespace, the one it is nested in. Null
   * for the initial user namespace, and when the kernel does not say (see `hierarchy`).
   */
  ownerNs: NamespaceRef | null;
  /** PID and user namespaces only: the one it is nested in; null for the initial one. */
  parentNs?: NamespaceRef | null;
  /** Who read it: 'root' enters the namespace from a thread, 'user' reads what /proc shows. */
  readAs: 'root' | 'user';
  /** How it was reached: "/proc/1234/net", "entered through bind mount /run/netns/x". */
  via: string | null;
  unavailable: Unavailable[];
}

export interface NetAddress {
  family: 'inet' | 'inet6';
  address: string;
  prefixlen: number;
  /** As `ip` says it: global, link, host. */
  scope: string | null;
}

/** The other end of a veth pair. */
export interface VethPeer {
  ifindex: number;
  name: string | null;
  /** The net namespace it is in (inode), when found. */
  ns: number | null;
  label: string | null;
}

export interface NetInterface {
  ifindex: number | null;
  name: string;
  /** Operational state as `ip` shows it: UP, DOWN, UNKNOWN, LOWERLAYERDOWN… */
  state: string | null;
  mtu: number | null;
  mac: string | null;
  /** Link kind: veth, bridge, loopback, dummy, …; null for a plain device (hardware), or where `kindUnknown`. */
  kind: string | null;
  /**
   * Set where the kind was not read: /proc/PID/net tells no kind, and sysfs none for a
   * virtual interface such as a veth, a macvlan or a dummy (netlink, from inside, does).
   */
  kindUnknown?: true;
  addresses: NetAddress[];
  /** The bridge (or bond) this interface is enslaved to. */
  master: string | null;
  /** Bridges: the names of their member interfaces. */
  members?: string[];
  peer?: VethPeer;
  /** macvlan, ipvlan, vlan, vxlan: the interface it sits on (IFLA_LINK), in its namespace. */
  parent?: VethPeer;
  /** A vxlan's remote endpoint. */
  remote?: string;
  /** A tun or tap device, and the processes holding it open. */
  tun?: TunDevice;
  rxBytes: number | null;
  txBytes: number | null;
}

export interface TunDevice {
  /** null where it was not read (only root asks netlink). */
  mode: 'tun' | 'tap' | null;
  persistent: boolean | null;
  /**
   * The processes of its namespace with it open (/proc/PID/fdinfo names the device), lowest
   * PID first; empty when none does; null when some process that could hold it was not looked at.
   */
  holders: TunHolder[] | null;
}

export interface TunHolder {
  pid: number;
  /** Its short name (/proc/PID/comm). */
  comm: string;
}

export interface NetRoute {
  family: 'inet' | 'inet6';
  /** "default" or a prefix, as `ip route` prints it: "10.0.0.0/24", a host without /32. */
  dst: string;
  gateway: string | null;
  dev: string | null;
  protocol: string | null;
  scope: string | null;
  prefsrc: string | null;
  metric: number | null;
  /** Set when not unicast, as `ip route` prefixes it: unreachable, blackhole, prohibit… */
  type?: string;
  /** A multipath route's next hops (gateway and dev above are then null). */
  nexthops?: { gateway: string | null; dev: string | null }[];
}

export interface SocketOwner {
  pid: number;
  command: string;
}

export interface ListeningSocket {
  protocol: 'tcp' | 'udp';
  family: 'inet' | 'inet6';
  address: string;
  port: number;
  /** Processes holding it, where their fds could be read; null when none could be. */
  owners: SocketOwner[] | null;
}

/** A socket with another end: a TCP connection in any state but LISTEN, a connected UDP socket. */
export interface ConnectedSocket {
  protocol: 'tcp' | 'udp';
  family: 'inet' | 'inet6';
  local: { address: string; port: number };
  remote: { address: string; port: number };
  /** As `ss` says it, ESTAB in full: ESTABLISHED, TIME-WAIT, SYN-SENT… */
  state: string;
  /** As for a listening socket; empty for one no file holds any more (TIME-WAIT). */
  owners: SocketOwner[] | null;
}

export interface FirewallChain {
  name: string;
  /** A base chain's type (filter, nat, route; a legacy table's name); null for a chain only jumped to. */
  type: string | null;
  /** Where a base chain hooks in: input, forward, output, prerouting, postrouting, ingress… */
  hook: string | null;
  priority: number | null;
  /** What a base chain does with a packet no rule decided: accept, drop. */
  policy: string | null;
  rules: number;
}

export interface FirewallTable {
  /** nftables: ip, ip6, inet, arp, bridge, netdev; legacy iptables: ip, ip6. */
  family: string;
  name: string;
  chains: FirewallChain[];
}

/** A rule that rewrites addresses, in words: "TCP 8080 → 10.0.0.2:80", "masquerade out of eth0". */
export interface NatRule {
  kind: 'dnat' | 'snat' | 'masquerade' | 'redirect';
  /** Family, table and chain: "ip nat prerouting". */
  chain: string;
  text: string;
}

export interface Ruleset {
  tables: FirewallTable[];
  nat: NatRule[];
}

/** Each part is there when it was read; why one was not is in `unavailable`. */
export interface NetFirewall {
  /** `nft list ruleset` (which includes what iptables-nft made). */
  nftables?: Ruleset;
  /** iptables-legacy-save and ip6tables-legacy-save; no tables when none is loaded. */
  legacy?: Ruleset;
}

export interface NetDetails extends DetailsBase {
  type: 'net';
  /** Read for the map only: its sockets, connections and firewall were not read (not known to be none). */
  topology?: true;
  interfaces?: NetInterface[];
  routes?: NetRoute[];
  sockets?: ListeningSocket[];
  connections?: ConnectedSocket[];
  firewall?: NetFirewall;
}

export interface UtsDetails extends DetailsBase {
  type: 'uts';
  hostname?: string;
  domainname?: string;
}

export interface IpcObject {
  key: string; // 0x-prefixed, 8 hex digits, as ipcs prints it
  id: number;
  ownerUid: number;
  owner: string | null;
  /** Permission bits in octal, "644". */
  perms: string;
}

export interface IpcDetails extends DetailsBase {
  type: 'ipc';
  messageQueues?: (IpcObject & { messages: number; bytes: number })[];
  semaphores?: (IpcObject & { nsems: number })[];
  sharedMemory?: (IpcObject & { bytes: number; attached: number })[];
  /** Named as mq_open() takes them ("/jobs"); bytes is null where the queue's file is not readable. */
  posixQueues?: { name: string; ownerUid: number; owner: string | null; perms: string; bytes: number | null }[];
}

export interface IdMapRange {
  inside: number;
  outside: number;
  count: number;
}

/** Member processes that hold the same capabilities, decoded to names (cap_sys_admin…). */
export interface CapabilitySet {
  effective: string[];
  permitted: string[];
  bounding: string[];
  processes: { pid: number; command: string }[];
}

export interface UserDetails extends DetailsBase {
  type: 'user';
  uidMap?: IdMapRange[];
  gidMap?: IdMapRange[];
  setgroups?: 'allow' | 'deny';
  ownerUid?: number;
  owner?: string | null;
  /** Nesting depth: 0 for the initial user namespace. */
  depth?: number;
  capabilities?: CapabilitySet[];
}

export interface PidMember {
  pid: number;
  /** The PID in each PID namespace from the outermost to this one (NSpid). */
  chain: number[];
  command: string;
}

export interface PidDetails extends DetailsBase {
  type: 'pid';
  /** The namespace's PID 1, null when it has exited (or none is visible). */
  init?: PidMember | null;
  /** Nesting depth: 0 for the initial PID namespace. */
  depth?: number;
  members?: PidMember[];
}

export interface CgroupMember {
  pid: number;
  command: string;
  /**
   * The process's cgroup as seen from the host (the initial cgroup namespace); left out
   * when nsx runs in another cgroup namespace, as /proc then shows paths relative to that.
   */
  hostPath?: string;
  /** The same cgroup as seen inside the namespace. */
  insidePath?: string;
}

export interface CgroupDetails extends DetailsBase {
  type: 'cgroup';
  /** The host path of the cgroup that is "/" inside. */
  root?: string;
  members?: CgroupMember[];
}

export interface ClockOffset {
  seconds: number;
  nanoseconds: number;
}

export interface TimeDetails extends DetailsBase {
  type: 'time';
  monotonic?: ClockOffset;
  boottime?: ClockOffset;
}

export interface MntDetails extends DetailsBase {
  type: 'mnt';
  mounts?: number;
}

export type NamespaceDetails =
  NetDetails | UtsDetails | IpcDetails | UserDetails | PidDetails | CgroupDetails | TimeDetails | MntDetails;

/** Every type has details; the map keeps the union and NsType in step. */
export type DetailsOf<T extends NsType> = Extract<NamespaceDetails, { type: T }>;
