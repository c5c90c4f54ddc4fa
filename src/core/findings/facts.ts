/**
 * What findings need that a snapshot does not hold, read per namespace (readFacts.ts) and
 * kept per inode (check.ts). A namespace missing from a map was not read: no finding.
 */
import type { NsType } from '../model/nsTypes';

export interface NetFacts {
  /** lo is up: 127.0.0.1 is in its local routing table, or ::1 routes through it. */
  loUp: boolean;
  /** A route through an interface other than lo (IPv4 main table or IPv6). */
  routeOut: boolean;
}

export interface PidFacts {
  /** PID 1 of the namespace as the scanner sees it (host PID); null when it has exited. */
  init: number | null;
  /** Children of PID 1 that are zombies (host PIDs). */
  zombies: number[];
}

/** A mount in a peer group of the initial mount namespace's. */
export interface SharedMount {
  target: string;
  group: number;
}

export interface MountFacts {
  /** Mounts that send to and receive from the host's (shared:N with N a peer group of the host's). */
  shared: SharedMount[];
}

export interface UserFacts {
  /** The UID outside (the scanner's user namespace) that UID 0 inside maps to; null when 0 is not mapped. */
  rootOutside: number | null;
}

/** Which procfs a process sees at its /proc (one process per pair of PID and mount namespaces). */
export interface ProcView {
  pid: number;
  pidns: number;
  mntns: number;
  /** Its /proc is its own PID namespace's procfs. */
  own: boolean;
  /** How deep the PID namespace whose procfs it is lies (0 = the initial one), when found. */
  level: number | null;
}

export interface FindingFacts {
  net: ReadonlyMap<number, NetFacts>;
  pid: ReadonlyMap<number, PidFacts>;
  mnt: ReadonlyMap<number, MountFacts>;
  user: ReadonlyMap<number, UserFacts>;
  procViews: readonly ProcView[];
  /** /proc/sys/user/max_TYPE_namespaces, where read. */
  limits: Partial<Record<NsType, number>>;
}

export function noFacts(): FindingFacts {
  return { net: new Map(), pid: new Map(), mnt: new Map(), user: new Map(), procViews: [], limits: {} };
}
