/**
 * What every per-type reader gets: the snapshot, /proc, whether it reads as root, and
 * the thread that enters namespaces for root. Also the ways into a namespace.
 */
import { ProcSource } from '../procfs';
import { holderFile, NamespaceRecord, Snapshot } from '../snapshot';
import type { ThreadRunner } from './threads';
import type { Unavailable } from './types';

export interface DetailsContext {
  snapshot: Snapshot;
  proc: ProcSource;
  /** UID → user name, for owners. */
  users: Map<number, string>;
  /** Set when reading as root: runs a reader inside a namespace, from a worker thread. */
  threads: ThreadRunner | null;
}

/** The fields every type's details start with. */
export function baseOf(ns: NamespaceRecord, ctx: DetailsContext) {
  return { ns: ns.ns, label: ns.label, readAs: ctx.threads ? ('root' as const) : ('user' as const), via: null as string | null, unavailable: [] as Unavailable[] };
}

/** Member processes whose /proc entries can be read (not hidden), lowest PID first. */
export function visibleMembers(ns: NamespaceRecord, ctx: DetailsContext): number[] {
  return ctx.snapshot.processes.filter((p) => !p.hidden && p.ns[ns.type] === ns.ns).map((p) => p.pid);
}

export interface Entrance {
  /** An nsfs file of the namespace, openable from here. */
  file: string;
  /** In words, for `via`: "PID 1234", "bind mount /run/netns/x". */
  via: string;
}

/**
 * The files through which the namespace can be entered, best first: a member process,
 * then a thread, an fd, a bind mount, and a pid_for_children / time_for_children link.
 */
export function entrances(ns: NamespaceRecord, ctx: DetailsContext): Entrance[] {
  const { proc } = ctx;
  const out: Entrance[] = [];
  for (const h of ns.holders) {
    switch (h.kind) {
      case 'process':
        out.push({ file: holderFile(h, ns.type, proc.procRoot), via: h.path ? `${h.path.split('/').pop()} of PID ${h.pid}` : `PID ${h.pid}` });
        break;
      case 'task':
        out.push({ file: holderFile(h, ns.type, proc.procRoot), via: `thread ${h.tid} of PID ${h.pid}` });
        break;
      case 'fd':
        out.push({ file: h.path, via: `fd ${h.fd} of PID ${h.pid}` });
        break;
      case 'bindmount':
        // A bind mount's path is as seen in its own mount namespace.
        out.push({ file: proc.pathInMountNs(h.pid, h.path), via: `bind mount ${h.path}` });
        break;
    }
  }
  const rank = (e: Entrance) => (e.via.startsWith('PID') ? 0 : e.via.startsWith('thread') ? 1 : e.via.startsWith('fd') ? 2 : e.via.startsWith('bind') ? 3 : 4);
  return out.sort((a, b) => rank(a) - rank(b));
}

/**
 * Runs READ inside the namespace through the first entrance that works, as root.
 * Returns the value and the entrance used, or why none worked.
 */
export async function readInside<T>(
  ns: NamespaceRecord,
  ctx: DetailsContext,
  read: (threads: ThreadRunner, file: string) => Promise<T>,
): Promise<{ value: T; via: string } | { error: string }> {
  if (!ctx.threads) return { error: 'entering a namespace needs root' };
  const ways = entrances(ns, ctx);
  if (!ways.length) return { error: 'nothing visible keeps it open, so it cannot be entered' };
  let last = '';
  for (const way of ways) {
    try {
      return { value: await read(ctx.threads, way.file), via: `entered through ${way.via}` };
    } catch (err) {
      last = `${way.via}: ${(err as Error).message}`;
    }
  }
  return { error: `it could not be entered (${last})` };
}
