/**
 * What the reading thread (details.worker.ts) is asked and answers: the jobs ThreadRunner
 * (threads.ts) posts, and what each type's reader sees from inside a namespace. A leaf:
 * the worker, the runner, the context and the readers all import it, and it none of them.
 */
import type { AddrMsg, LinkMsg, RouteMsg } from './net/netlink';
import type { ConnectionRow, SocketRow } from './net/procNet';
import type { Unavailable } from './types';

/** The other end of a veth in another namespace, as this namespace names it through its netnsid. */
export interface FarEnd {
  nsid: number;
  ifindex: number;
  name: string;
  address: string | null;
}

/** The legacy iptables tables loaded in a namespace, per family (its net/ip_tables_names, ip6_tables_names). */
export interface LegacyLoaded {
  ip: string[];
  ip6: string[];
}

/** What the reading thread is asked of a net namespace. */
export interface NetJobArgs {
  /** Links, addresses and routes only: the socket dumps are skipped (their lists are empty). */
  topology?: boolean;
}

/** What the reading thread sees inside a net namespace. */
export interface NetInside {
  links: LinkMsg[];
  addrs: AddrMsg[];
  /** The main table (both families), without cached clones: what `ip route` and `ip -6 route` list. */
  routes: RouteMsg[];
  farEnds: FarEnd[];
  sockets: SocketRow[];
  connections: ConnectionRow[];
  legacyTables: LegacyLoaded;
  /** Problems met while reading, without the needsRoot verdict (the caller knows). */
  problems: Pick<Unavailable, 'what' | 'reason'>[];
}

export interface UtsNames {
  hostname: string;
  domainname: string;
}

/** A file of an mqueue file system: one POSIX queue. */
export interface QueueFile {
  name: string;
  uid: number;
  mode: number;
  /** Its text ("QSIZE:12 NOTIFY:0 …"); null when not readable by the reader. */
  status: string | null;
}

export type Attempt<T> = { value: T } | { error: string };

/** What is seen of an IPC namespace from inside: the texts of /proc/sysvipc and the queue files. */
export interface IpcSeen {
  msg: Attempt<string>;
  sem: Attempt<string>;
  shm: Attempt<string>;
  queues: Attempt<QueueFile[]>;
}

/** /proc/PID/cgroup of one PID, or why it could not be read. */
export type CgroupText = { pid: number; text: string } | { pid: number; error: string; gone: boolean };

/** What each kind's reader returns from inside. */
export interface ThreadResults {
  net: NetInside;
  uts: UtsNames;
  ipc: IpcSeen;
  cgroup: CgroupText[];
}

export type ThreadKind = keyof ThreadResults;

export interface ThreadJob {
  id: number;
  kind: ThreadKind;
  file: string;
  ino: number;
  /** Reader-specific input (e.g. the PIDs whose cgroup paths to read). */
  args?: unknown;
}

export type ThreadReply = { id: number; value: unknown } | { id: number; error: string };
