/**
 * Every fact a snapshot calls for, one target per namespace (per pair of PID and mount
 * namespaces for the procfs test), each with its reader: what is read is proportional to
 * namespaces, never to processes.
 */
import { NS_TYPES, type NamespaceRecord, type Snapshot } from '../model/snapshot';
import type { ProcSource } from '../linux/procfs';
import type { FindingFacts, MountFacts, NetFacts, PidFacts, ProcView, UserFacts } from './facts';
import { readMountFacts, peerGroups } from './mountFacts';
import { readNetFacts } from './netFacts';
import { readPidFacts } from './pidFacts';
import { readProcView } from './procView';
import { FindingScope } from './scope';
import type { FindingKind } from './types';
import { readUserFacts } from './userFacts';

export interface MutableFacts {
  net: Map<number, NetFacts>;
  pid: Map<number, PidFacts>;
  mnt: Map<number, MountFacts>;
  user: Map<number, UserFacts>;
  procViews: ProcView[];
  limits: FindingFacts['limits'];
}

export interface FactTarget {
  key: string;
  /** The kinds of finding its fact feeds: none of them on, it is not read. */
  kinds: readonly FindingKind[];
  read(): unknown;
  /** Whether a value read points at a finding: such facts are read at every check, so that a fix shows soon. */
  flagged(value: unknown): boolean;
  store(value: unknown, into: MutableFacts): void;
}

function target<T>(
  key: string,
  kinds: readonly FindingKind[],
  read: () => T | undefined,
  flagged: (value: T) => boolean,
  store: (value: T, into: MutableFacts) => void,
): FactTarget {
  return { key, kinds, read, flagged: (v) => flagged(v as T), store: (v, into) => store(v as T, into) };
}

export function factTargets(snapshot: Snapshot, proc: ProcSource): FactTarget[] {
  const scope = new FindingScope(snapshot, {
    net: new Map(),
    pid: new Map(),
    mnt: new Map(),
    user: new Map(),
    procViews: [],
    limits: {},
  });
  const targets: FactTarget[] = [];
  const hostGroups = lazy(() => hostPeerGroups(scope, proc));
  for (const n of snapshot.namespaces) {
    if (n.ghost) continue;
    const t = namespaceTarget(n, scope, proc, hostGroups);
    if (t) targets.push(t);
  }
  targets.push(...viewTargets(scope, proc));
  targets.push(
    target(
      'limits',
      ['namespace-limit-near'],
      () => readLimits(proc),
      () => true,
      (v, into) => (into.limits = v),
    ),
  );
  return targets;
}

function namespaceTarget(
  n: NamespaceRecord,
  scope: FindingScope,
  proc: ProcSource,
  hostGroups: () => Set<number> | undefined,
): FactTarget | undefined {
  const pid = n.pid;
  switch (n.type) {
    case 'net':
      if (pid === null) return undefined;
      return target(
        `net:${n.ns}`,
        ['loopback-down', 'no-route-out'],
        () => readNetFacts(proc, pid, n.ns),
        (v) => !v.loUp || !v.routeOut,
        (v, into) => into.net.set(n.ns, v),
      );
    case 'pid':
      return target(
        `pid:${n.ns}`,
        ['pid-init-gone', 'zombies-unreaped'],
        () => readPidFacts(proc, n, scope),
        (v) => v.init === null || v.zombies.length > 0,
        (v, into) => into.pid.set(n.ns, v),
      );
    case 'mnt': {
      if (pid === null || scope.isHost(n)) return undefined;
      const read = () => {
        const groups = hostGroups();
        return groups && readMountFacts(proc, pid, n.ns, groups);
      };
      return target(
        `mnt:${n.ns}`,
        ['mounts-propagate-with-host'],
        read,
        (v) => v.shared.length > 0,
        (v, into) => into.mnt.set(n.ns, v),
      );
    }
    case 'user':
      if (pid === null || scope.isHost(n)) return undefined;
      return target(
        `user:${n.ns}`,
        ['root-is-unprivileged-outside'],
        () => readUserFacts(proc, pid, n.ns),
        () => false,
        (v, into) => into.user.set(n.ns, v),
      );
    default:
      return undefined;
  }
}

/** One process per pair of PID and mount namespaces: which procfs it sees at /proc. */
function viewTargets(scope: FindingScope, proc: ProcSource): FactTarget[] {
  const hostPid = scope.host('pid')?.ns;
  const hostMnt = scope.host('mnt')?.ns;
  const seen = new Set<string>();
  const targets: FactTarget[] = [];
  for (const p of scope.snapshot.processes) {
    const { pid: pidns, mnt: mntns } = p.ns;
    if (p.hidden || pidns === undefined || mntns === undefined) continue;
    if (pidns === hostPid && mntns === hostMnt) continue;
    const key = `view:${pidns}:${mntns}`;
    if (seen.has(key)) continue;
    seen.add(key);
    targets.push(
      target(
        key,
        ['proc-of-other-pidns'],
        () => readProcView(proc, p),
        (v) => !v.own,
        (v, into) => into.procViews.push(v),
      ),
    );
  }
  return targets;
}

function hostPeerGroups(scope: FindingScope, proc: ProcSource): Set<number> | undefined {
  const host = scope.host('mnt');
  if (!host) return undefined;
  const through = host.holders.filter((h) => h.kind === 'process' && !h.path).map((h) => h.pid);
  for (const pid of [process.pid, ...through]) {
    try {
      if (proc.nsInode(pid, 'mnt') === host.ns) return peerGroups(proc.mountinfo(pid));
    } catch {
      // Gone, or closed to us (PID 1 even to root on some machines): the next one.
    }
  }
  return undefined;
}

function readLimits(proc: ProcSource): FindingFacts['limits'] {
  const limits: FindingFacts['limits'] = {};
  for (const type of NS_TYPES) {
    try {
      const max = Number(proc.sysctl(`user/max_${type}_namespaces`).trim());
      if (Number.isSafeInteger(max) && max > 0) limits[type] = max;
    } catch {
      // An older kernel has no such limit for this type.
    }
  }
  return limits;
}

function lazy<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}
