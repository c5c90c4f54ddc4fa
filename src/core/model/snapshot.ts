/**
 * The Snapshot: everything discovery found, as plain JSON-serialisable data.
 * The CLI prints it, the extension renders it and the privileged helper returns it,
 * so its shape is versioned.
 */

import type { ContainerRecord, ContainerRef, EngineRefusal } from '../containers/types';
import type { NamespaceDetails } from '../details/types';
import type { NsType } from './nsTypes';

export { isNsType, NS_TYPES, type NsType } from './nsTypes';

export const SNAPSHOT_VERSION = 1;

/** Something that keeps a namespace alive. */
export type Holder =
  /**
   * A process is a member (its /proc/PID/ns/TYPE link points at the namespace), or, with
   * `path` set to its pid_for_children / time_for_children link, will put its children in it.
   */
  | { kind: 'process'; pid: number; path?: string }
  /** A thread whose namespace differs from its process's (/proc/PID/task/TID/ns/TYPE). */
  | { kind: 'task'; pid: number; tid: number }
  /** An open file descriptor on the namespace's nsfs file. */
  | { kind: 'fd'; pid: number; fd: number; path: string }
  /** An nsfs bind mount, visible at `path` in mount namespace `mntns` (seen through process `pid`). */
  | { kind: 'bindmount'; pid: number; path: string; mntns: number };

export type HolderKind = Holder['kind'];

/**
 * The nsfs file through which a holder opens its namespace. A bind mount's path is as
 * seen in its own mount namespace (`mntns`).
 */
export function holderFile(h: Holder, type: NsType, procRoot = '/proc'): string {
  switch (h.kind) {
    case 'process':
      return h.path ?? `${procRoot}/${h.pid}/ns/${type}`;
    case 'task':
      return `${procRoot}/${h.pid}/task/${h.tid}/ns/${type}`;
    case 'fd':
    case 'bindmount':
      return h.path;
  }
}

export interface NamespaceRecord {
  /** Inode of the namespace's nsfs file: its identity. */
  ns: number;
  type: NsType;
  /** Member processes (threads are not counted, as in lsns). */
  nprocs: number;
  /** Lowest member PID, or null when no process is a member. */
  pid: number | null;
  ppid: number | null;
  command: string | null;
  uid: number | null;
  user: string | null;
  /** Parent namespace (pid and user only), null when none or not visible. */
  pns: number | null;
  /** Owning user namespace, null when not visible. */
  ons: number | null;
  /** Paths of nsfs bind mounts of this namespace. */
  nsfs: string[];
  holders: Holder[];
  /** What a person recognises this namespace by, or null. */
  label: string | null;
  /** Known only as the parent or owner of another namespace. */
  ghost: boolean;
  /** Creator UID, for user namespaces only. */
  ownerUid?: number;
  /** The container or pod this namespace belongs to (its senior process's), if any. */
  container?: ContainerRef;
  /** Why the container has only its short id as a name, when it has. */
  unnamed?: string;
}

/** Why a process could not be inspected. */
export type HiddenReason = 'EACCES' | 'vanished';

export interface ProcessRecord {
  pid: number;
  ppid: number;
  uid: number;
  user: string | null;
  /** Short name from /proc/PID/status. */
  name: string;
  /** Command line, or the name for kernel threads (as lsns shows them). */
  command: string;
  /** PID as seen from each PID namespace, outermost first (NSpid). */
  nspid: number[];
  /** Namespace inodes by type; empty when hidden. */
  ns: Partial<Record<NsType, number>>;
  /** Namespaces the process's children will get, where they differ from its own. */
  forChildren?: Partial<Record<'pid' | 'time', number>>;
  /** Threads whose namespaces differ from the process's. */
  tasks?: { tid: number; ns: Partial<Record<NsType, number>> }[];
  /** Set when the namespaces of the process could not be read. */
  hidden?: HiddenReason;
}

export interface ScanCapabilities {
  /** Parent/owner namespaces and user-namespace owner UIDs (namespace ioctls through koffi). */
  hierarchy: boolean;
  /** Why the hierarchy is unavailable, when it is. */
  hierarchyError?: string;
}

export interface HiddenCount {
  total: number;
  byReason: Record<HiddenReason, number>;
}

export interface Snapshot {
  version: typeof SNAPSHOT_VERSION;
  takenAt: string;
  scanner: {
    uid: number;
    /** UID of the user who asked for an elevated scan (PKEXEC_UID), when there was one. */
    requestedBy?: number;
    procRoot: string;
    durationMs: number;
  };
  capabilities: ScanCapabilities;
  hidden: HiddenCount;
  namespaces: NamespaceRecord[];
  processes: ProcessRecord[];
  /** Containers, pods and sandboxes, with their namespaces (absent when not looked for). */
  containers?: ContainerRecord[];
  /** Engines whose API socket refused the scanning user. */
  engineRefusals?: EngineRefusal[];
  /** What is inside each namespace, by inode (`nsx snapshot --details`, and root's scan for the editor). */
  details?: Record<number, NamespaceDetails>;
}
