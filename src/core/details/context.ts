/**
 * What every per-type reader gets: the snapshot, /proc, whether it reads as root, and
 * the thread that enters namespaces for root. Also the ways into a namespace, and the
 * choice of where to read from that the readers share.
 */
import { nestingDepth } from '../model/hierarchy';
import { ProcSource } from '../linux/procfs';
import { holderFile, NamespaceRecord, NsType, Snapshot } from '../model/snapshot';
import type { ThreadKind, ThreadResults } from './threadProtocol';
import type { ThreadRunner } from './threads';
import type { NamespaceRef, Unavailable } from './types';

export interface DetailsContext {
  snapshot: Snapshot;
  proc: ProcSource;
  /** UID → user name, for owners. */
  users: Map<number, string>;
  /** Set when reading as root: runs a reader inside a namespace, from a worker thread. */
  threads: ThreadRunner | null;
  /**
   * Only what the network map draws of a net namespace: interfaces, addresses, routes, not
   * its sockets or firewall (NetDetails.topology says so).
   */
  topology?: boolean;
}

/** The fields every type's details start with. */
export function baseOf(ns: NamespaceRecord, ctx: DetailsContext) {
  const ref = (ino: number | null): NamespaceRef | null =>
    ino === null ? null : { ns: ino, label: indexOf(ctx).byIno.get(ino)?.label ?? null };
  return {
    ns: ns.ns,
    label: ns.label,
    ownerNs: ref(ns.ons),
    ...(ns.type === 'pid' || ns.type === 'user' ? { parentNs: ref(ns.pns) } : {}),
    readAs: ctx.threads ? ('root' as const) : ('user' as const),
    via: null as string | null,
    unavailable: [] as Unavailable[],
  };
}

/**
 * What the readers look up in the snapshot, built once per context: reading every
 * namespace (root's scan) would otherwise scan all processes for each one.
 */
interface SnapshotIndex {
  /** `TYPE:INODE` → visible member PIDs, lowest first. */
  members: Map<string, number[]>;
  commands: Map<number, string>;
  byIno: Map<number, NamespaceRecord>;
}

const indexes = new WeakMap<DetailsContext, SnapshotIndex>();

function indexOf(ctx: DetailsContext): SnapshotIndex {
  let index = indexes.get(ctx);
  if (index) return index;
  const { snapshot } = ctx;
  const members = new Map<string, number[]>();
  for (const p of snapshot.processes) {
    if (p.hidden) continue;
    for (const [type, ino] of Object.entries(p.ns)) {
      const key = `${type}:${ino}`;
      const list = members.get(key);
      if (list) list.push(p.pid);
      else members.set(key, [p.pid]);
    }
  }
  index = {
    members,
    commands: new Map(snapshot.processes.map((p) => [p.pid, p.command || p.name])),
    byIno: new Map(snapshot.namespaces.map((n) => [n.ns, n])),
  };
  indexes.set(ctx, index);
  return index;
}

/** Member processes whose /proc entries can be read (not hidden), lowest PID first. */
export function visibleMembers(ns: NamespaceRecord, ctx: DetailsContext): readonly number[] {
  return indexOf(ctx).members.get(`${ns.type}:${ns.ns}`) ?? [];
}

/** PID → command line, or the name for a kernel thread, which has none. */
export function commands(ctx: DetailsContext): ReadonlyMap<number, string> {
  return indexOf(ctx).commands;
}

/** How many processes a scan without root could not place, which may be in any namespace. */
export function hiddenWithoutRoot(ctx: DetailsContext): number {
  return ctx.snapshot.scanner.uid === 0 ? 0 : ctx.snapshot.hidden.byReason.EACCES;
}

/** How many user (or PID) namespaces are above NS, by the parents the snapshot knows. */
export function depthOf(ns: NamespaceRecord, ctx: DetailsContext): number {
  const { byIno } = indexOf(ctx);
  return nestingDepth(ns, (ino) => byIno.get(ino));
}

/**
 * The inode of nsx's own TYPE namespace; null when /proc does not say (a fixture tree).
 * Some files of /proc show the reading thread's namespace (/proc/sys/kernel/hostname,
 * /proc/sysvipc/*, the paths in /proc/PID/cgroup), so without root they describe only it.
 */
export function ownNamespace(ctx: DetailsContext, type: NsType): number | null {
  try {
    return ctx.proc.nsInode(process.pid, type);
  } catch {
    return null;
  }
}

/** Whether a /proc read failed because the process is gone. */
export function vanished(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ESRCH';
}

/**
 * READ of the first of PIDS it works for: a process of the scan may have exited since.
 * Else why not (null when there was no PID), a process that is there but could not be
 * read saying more than one that is gone.
 */
export function fromFirstProcess<T>(
  pids: readonly number[],
  read: (pid: number) => T,
): { pid: number; value: T } | { error: string | null } {
  let error: { message: string; vanished: boolean } | null = null;
  for (const pid of pids) {
    try {
      return { pid, value: read(pid) };
    } catch (err) {
      if (!error || (error.vanished && !vanished(err)))
        error = { message: (err as Error).message, vanished: vanished(err) };
    }
  }
  return { error: error?.message ?? null };
}

export interface Entrance {
  /** An nsfs file of the namespace, openable from here. */
  file: string;
  /** In words, for `via`: "PID 1234", "bind mount /run/netns/x". */
  via: string;
}

/** Best first: a member process, a thread, an fd, a bind mount, a *_for_children link. */
const RANK = { member: 0, task: 1, fd: 2, bindmount: 3, forChildren: 4 };

/** The files through which the namespace can be entered, best first. */
export function entrances(ns: NamespaceRecord, ctx: DetailsContext): Entrance[] {
  const { proc } = ctx;
  const ranked = ns.holders.map((h): [number, Entrance] => {
    switch (h.kind) {
      case 'process':
        return h.path
          ? [RANK.forChildren, { file: h.path, via: `${h.path.split('/').pop()} of PID ${h.pid}` }]
          : [RANK.member, { file: holderFile(h, ns.type, proc.procRoot), via: `PID ${h.pid}` }];
      case 'task':
        return [RANK.task, { file: holderFile(h, ns.type, proc.procRoot), via: `thread ${h.tid} of PID ${h.pid}` }];
      case 'fd':
        return [RANK.fd, { file: h.path, via: `fd ${h.fd} of PID ${h.pid}` }];
      case 'bindmount':
        // A bind mount's path is as seen in its own mount namespace.
        return [RANK.bindmount, { file: proc.pathInMountNs(h.pid, h.path), via: `bind mount ${h.path}` }];
    }
  });
  return ranked.sort((a, b) => a[0] - b[0]).map(([, e]) => e);
}

/**
 * Runs the KIND reader inside the namespace, as root, through the first entrance that
 * works. Returns what it read and the entrance used, or why none worked.
 */
export async function readInside<K extends ThreadKind>(
  ns: NamespaceRecord,
  ctx: DetailsContext,
  kind: K,
  args?: unknown,
): Promise<{ value: ThreadResults[K]; via: string } | { error: string }> {
  if (!ctx.threads) return { error: 'entering a namespace needs root' };
  const ways = entrances(ns, ctx);
  if (!ways.length) return { error: 'nothing visible keeps it open, so it cannot be entered' };
  let last = '';
  for (const way of ways) {
    try {
      return { value: await ctx.threads.run(kind, way.file, ns.ns, args), via: `entered through ${way.via}` };
    } catch (err) {
      last = `${way.via}: ${(err as Error).message}`;
    }
  }
  return { error: `it could not be entered (${last})` };
}

/** Why a user cannot read what /proc shows only to a thread in another namespace. */
export const ONLY_INSIDE = 'it is seen only from inside the namespace, and entering it needs root';

/**
 * What /proc shows only to a thread in the namespace: root reads it from inside; without
 * root only the namespace nsx runs in can be read, by HERE.
 */
export async function seenFromInside<K extends ThreadKind>(
  ns: NamespaceRecord,
  ctx: DetailsContext,
  kind: K,
  here: { read: () => ThreadResults[K]; via: string },
  args?: unknown,
): Promise<{ value: ThreadResults[K]; via: string } | { error: string; needsRoot: boolean }> {
  if (ctx.threads) {
    const got = await readInside(ns, ctx, kind, args);
    return 'error' in got ? { error: got.error, needsRoot: false } : got;
  }
  if (ownNamespace(ctx, ns.type) !== ns.ns) return { error: ONLY_INSIDE, needsRoot: true };
  try {
    return { value: here.read(), via: `nsx runs in it: ${here.via}` };
  } catch (err) {
    return { error: (err as Error).message, needsRoot: false };
  }
}
