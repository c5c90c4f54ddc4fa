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

export async function readCgroup(ns: NamespaceRecord, ctx: DetailsContext): Promise<CgroupDetails> {
  const details: CgroupDetails = { ...baseOf(ns, ctx), type: 'cgroup' };
  const members = visibleMembers(ns, ctx);
  const readerNs = ownNamespace(ctx, 'cgroup');
  const failed = new Map<number, string>();
  const here = paths(cgroupTexts(members, ctx.proc), failed);
  const via: string[] = [];

  let host: Map<number, string | null> | undefined;
  if (readerNs === INITIAL_NS_INODES.cgroup) {
    host = here;
    via.push('host paths from /proc/PID/cgroup');
  } else {
    const reason =
      readerNs === null
        ? 'which cgroup namespace nsx runs in cannot be read'
        : `nsx runs in cgroup namespace ${readerNs}, not the initial one, and /proc shows cgroup paths relative to its own`;
    details.unavailable.push({ what: "the host paths of its processes' cgroups", reason, needsRoot: false });
  }

  let inside: Map<number, string | null> | undefined;
  const insideWhat = 'the cgroup paths seen inside, and the cgroup that is / inside';
  if (readerNs === ns.ns) {
    inside = here;
    via.push('nsx runs in it: inside paths from /proc/PID/cgroup');
  } else if (!members.length) {
    details.unavailable.push({ what: insideWhat, reason: 'no process is in it to read them from', needsRoot: false });
  } else if (ctx.threads) {
    const got = await readInside(ns, ctx, 'cgroup', members);
    if ('error' in got) details.unavailable.push({ what: insideWhat, reason: got.error, needsRoot: false });
    else {
      inside = paths(got.value, failed);
      via.push(`inside paths ${got.via}`);
    }
  } else {
    details.unavailable.push({ what: insideWhat, reason: ONLY_INSIDE, needsRoot: true });
  }

  const command = commands(ctx);
  const out: CgroupMember[] = [];
  let v1Only = false;
  for (const pid of members) {
    const member: CgroupMember = { pid, command: command.get(pid) ?? '' };
    const h = host?.get(pid);
    const i = inside?.get(pid);
    if (h === null || i === null) v1Only = true;
    if (h) member.hostPath = h;
    if (i) member.insidePath = i;
    if (h || i) out.push(member);
  }
  details.members = out;
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

  if (ns.ns === INITIAL_NS_INODES.cgroup) details.root = '/';
  else if (host && inside) {
    const roots = out.filter((m) => m.hostPath && m.insidePath).map((m) => cgroupNsRoot(m.hostPath!, m.insidePath!));
    const root = roots.find((r) => r !== null);
    if (root) details.root = root;
    else if (roots.length)
      details.unavailable.push({
        what: 'the cgroup that is / inside',
        reason: 'every process in it is in a cgroup outside that root, whose host path cannot be told from theirs',
        needsRoot: false,
      });
  }
  details.via = via.join('; ') || null;
  return details;
}
