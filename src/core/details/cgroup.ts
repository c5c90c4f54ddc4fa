/**
 * A cgroup namespace: which cgroup is "/" inside it, and where its processes are, seen
 * from the host and from inside. /proc/PID/cgroup shows the path relative to the READING
 * thread's cgroup namespace: read by nsx (in the initial one) it is the host path; read
 * from the thread that entered the namespace (root) it is the path inside.
 */
import { INITIAL_NS_INODES } from '../discovery/labels';
import { ProcSource } from '../linux/procfs';
import { NamespaceRecord } from '../model/snapshot';
import {
  baseOf,
  commands,
  DetailsContext,
  ONLY_INSIDE,
  ownNamespace,
  readInside,
  vanished,
  visibleMembers,
} from './context';
import type { CgroupText } from './threadProtocol';
import { CgroupDetails, CgroupMember } from './types';

/**
 * The cgroup v2 path of a /proc/PID/cgroup text (its "0::" line); null on a machine with
 * cgroup v1 only. Lines are "hierarchy:controllers:path"; the path may hold colons.
 */
export function cgroupV2Path(text: string): string | null {
  let found: string | null = null;
  for (const line of text.split('\n')) {
    if (!line) continue;
    if (!/^\d+:[^:]*:\//.test(line)) throw new Error(`unexpected /proc/PID/cgroup line '${line.slice(0, 120)}'`);
    if (line.startsWith('0::')) found = line.slice(3);
  }
  return found;
}

/**
 * The host path of the cgroup that is "/" in the namespace, from one process's cgroup as
 * seen from the host and from inside. Null when the process is outside that root (inside
 * it reads "/../x", which does not say the names of the levels above) or the two disagree.
 */
export function cgroupNsRoot(hostPath: string, insidePath: string): string | null {
  if (insidePath === '/') return hostPath;
  if (insidePath.split('/').includes('..') || !hostPath.endsWith(insidePath)) return null;
  return hostPath.slice(0, hostPath.length - insidePath.length) || '/';
}

/** /proc/PID/cgroup of each PID: their paths relative to the calling thread's cgroup namespace. */
export function cgroupTexts(pids: unknown, proc: ProcSource): CgroupText[] {
  if (!Array.isArray(pids) || !pids.every((p) => Number.isSafeInteger(p) && p > 0))
    throw new Error('cgroup: expected a list of PIDs');
  return (pids as number[]).map((pid) => {
    try {
      return { pid, text: proc.cgroup(pid) };
    } catch (err) {
      return { pid, error: (err as Error).message, gone: vanished(err) };
    }
  });
}

/** Run in the reading thread after setns(cgroup): the paths of PIDS seen inside. */
export function cgroupInside(pids: unknown): CgroupText[] {
  return cgroupTexts(pids, new ProcSource());
}

/** The cgroup v2 paths of the texts; what could not be read goes into FAILED. */
function paths(texts: CgroupText[], failed: Map<number, string>): Map<number, string | null> {
  const out = new Map<number, string | null>();
  for (const t of texts) {
    if ('error' in t) {
      if (!t.gone) failed.set(t.pid, t.error);
      continue;
    }
    try {
      out.set(t.pid, cgroupV2Path(t.text));
    } catch (err) {
      failed.set(t.pid, (err as Error).message);
    }
  }
  return out;
}

/** What a reading gathers on its way: the details, how each part was read, the PIDs whose cgroup could not be. */
interface Reading {
  details: CgroupDetails;
  via: string[];
  failed: Map<number, string>;
}

type Paths = Map<number, string | null>;

export async function readCgroup(ns: NamespaceRecord, ctx: DetailsContext): Promise<CgroupDetails> {
  const reading: Reading = { details: { ...baseOf(ns, ctx), type: 'cgroup' }, via: [], failed: new Map() };
  const members = visibleMembers(ns, ctx);
  const readerNs = ownNamespace(ctx, 'cgroup');
  const here = paths(cgroupTexts(members, ctx.proc), reading.failed);
  const host = hostPaths(reading, readerNs, here);
  const inside = readerNs === ns.ns ? insideHere(reading, here) : await insidePaths(reading, ns, ctx, members);
  const { details } = reading;
  const joined = joinPaths(members, commands(ctx), host, inside);
  details.members = joined.members;
  noteUnreadable(reading, joined.v1Only);
  if (ns.ns === INITIAL_NS_INODES.cgroup) details.root = '/';
  else if (host && inside) findRoot(details, joined.members);
  details.via = reading.via.join('; ') || null;
  return details;
}

/** The host paths, which /proc shows only to a reader in the initial cgroup namespace. */
function hostPaths(reading: Reading, readerNs: number | null, here: Paths): Paths | undefined {
  if (readerNs === INITIAL_NS_INODES.cgroup) {
    reading.via.push('host paths from /proc/PID/cgroup');
    return here;
  }
  const reason =
    readerNs === null
      ? 'which cgroup namespace nsx runs in cannot be read'
      : `nsx runs in cgroup namespace ${readerNs}, not the initial one, ` +
        'and /proc shows cgroup paths relative to its own';
  reading.details.unavailable.push({ what: "the host paths of its processes' cgroups", reason, needsRoot: false });
  return undefined;
}

const INSIDE_WHAT = 'the cgroup paths seen inside, and the cgroup that is / inside';

/** nsx runs in the namespace: what /proc shows it are the paths inside. */
function insideHere(reading: Reading, here: Paths): Paths {
  reading.via.push('nsx runs in it: inside paths from /proc/PID/cgroup');
  return here;
}

/** The paths inside another namespace, read by a thread that entered it (root only). */
async function insidePaths(
  reading: Reading,
  ns: NamespaceRecord,
  ctx: DetailsContext,
  members: readonly number[],
): Promise<Paths | undefined> {
  const { unavailable } = reading.details;
  if (!members.length) {
    unavailable.push({ what: INSIDE_WHAT, reason: 'no process is in it to read them from', needsRoot: false });
    return undefined;
  }
  if (!ctx.threads) {
    unavailable.push({ what: INSIDE_WHAT, reason: ONLY_INSIDE, needsRoot: true });
    return undefined;
  }
  const got = await readInside(ns, ctx, 'cgroup', members);
  if ('error' in got) {
    unavailable.push({ what: INSIDE_WHAT, reason: got.error, needsRoot: false });
    return undefined;
  }
  reading.via.push(`inside paths ${got.via}`);
  return paths(got.value, reading.failed);
}

/**
 * Each member with the paths known of it (one with neither is left out); v1Only when a
 * cgroup file had no cgroup v2 line.
 */
function joinPaths(
  pids: readonly number[],
  command: ReadonlyMap<number, string>,
  host: Paths | undefined,
  inside: Paths | undefined,
): { members: CgroupMember[]; v1Only: boolean } {
  const members: CgroupMember[] = [];
  let v1Only = false;
  for (const pid of pids) {
    const member: CgroupMember = { pid, command: command.get(pid) ?? '' };
    const h = host?.get(pid);
    const i = inside?.get(pid);
    if (h === null || i === null) v1Only = true;
    if (h) member.hostPath = h;
    if (i) member.insidePath = i;
    if (h || i) members.push(member);
  }
  return { members, v1Only };
}

/** Says what no path could be read for: a machine without cgroup v2, the PIDs whose file failed. */
function noteUnreadable({ details, failed }: Reading, v1Only: boolean): void {
  if (v1Only)
    details.unavailable.push({
      what: 'cgroup paths',
      reason: 'this machine has no cgroup v2 hierarchy (no 0:: line in /proc/PID/cgroup)',
      needsRoot: false,
    });
  if (failed.size) {
    const [first] = failed.values();
    details.unavailable.push({
      what: `the cgroups of PID ${[...failed.keys()].join(', ')}`,
      reason: first!,
      needsRoot: false,
    });
  }
}

/** The namespace's root from the first member whose host and inside paths tell it. */
function findRoot(details: CgroupDetails, members: CgroupMember[]): void {
  const roots = members.filter((m) => m.hostPath && m.insidePath).map((m) => cgroupNsRoot(m.hostPath!, m.insidePath!));
  const root = roots.find((r) => r !== null);
  if (root) details.root = root;
  else if (roots.length)
    details.unavailable.push({
      what: 'the cgroup that is / inside',
      reason: 'every process in it is in a cgroup outside that root, whose host path cannot be told from theirs',
      needsRoot: false,
    });
}
