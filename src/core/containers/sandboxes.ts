/**
 * Sandboxes: namespaces that processes share apart from the host's, made by no container
 * engine (an `unshare` session, bubblewrap outside Flatpak, nsjail, a systemd service
 * with PrivateNetwork=, a terminal of ours). Each distinct set of non-initial namespaces
 * among the processes no container holds is one sandbox, named by what made it.
 */
import { cgroupPath, netnsName, systemdUnit } from '../discovery/labels';
import { isNsx, programName } from '../discovery/launchers';
import { ProcSource } from '../linux/procfs';
import { NS_TYPES, type NamespaceRecord, type NsType, type ProcessRecord } from '../model/snapshot';
import type { ContainerNamespace, ContainerRecord } from './types';

/** Programs whose whole job is to make namespaces for another. */
const MAKERS = new Set(['unshare', 'bwrap', 'nsjail', 'firejail', 'systemd-nspawn', 'minijail0', 'newns']);
/** How far up from a sandbox's first process its maker is looked for. */
const MAX_ANCESTORS = 4;
/** The type whose namespace's label best names a sandbox, first. */
const NAMING_ORDER: readonly NsType[] = ['pid', 'mnt', 'net', 'user', 'uts', 'ipc', 'cgroup', 'time'];

export function sandboxRecords(
  proc: ProcSource,
  processes: readonly ProcessRecord[],
  contained: Set<number>,
  host: Set<number>,
  namespaces: Map<number, NamespaceRecord>,
): ContainerRecord[] {
  const sets = new Map<string, ProcessRecord[]>();
  for (const p of processes) {
    if (p.hidden || contained.has(p.pid)) continue;
    const own = NS_TYPES.map((t) => (p.ns[t] === undefined || host.has(p.ns[t]) ? 0 : p.ns[t]));
    if (own.every((ino) => ino === 0)) continue;
    const key = own.join(',');
    (sets.get(key) ?? sets.set(key, []).get(key)!).push(p);
  }
  const records: ContainerRecord[] = [];
  for (const members of sets.values()) {
    const first = members[0]!; // processes come in PID order
    // A kernel thread with a namespace of its own (kdevtmpfs' mount namespace) is the kernel's, not a sandbox.
    if (first.pid === 2 || first.ppid === 2) continue;
    const mine = NS_TYPES.flatMap((type): ContainerNamespace[] => {
      const ns = first.ns[type];
      if (ns === undefined) return [];
      return [{ type, ns, sharing: host.has(ns) ? 'host' : 'own' }];
    });
    const naming = NAMING_ORDER.map((t) => mine.find((n) => n.type === t && n.sharing === 'own')).find(Boolean)!;
    records.push({
      key: `sandbox/${first.pid}`,
      kind: 'sandbox',
      engine: null,
      id: String(first.pid),
      name: namespaces.get(naming.ns)?.label ?? (first.name || `PID ${first.pid}`),
      state: 'running',
      pid: first.pid,
      pids: members.map((p) => p.pid),
      namespaces: mine,
      madeBy: ipNetns(mine, namespaces) ?? madeBy(proc, first),
    });
  }
  markShared(records);
  return records;
}

/**
 * A sandbox inside another (a nested `unshare`) shares the outer one's namespaces: said
 * so, not repeated as its own.
 */
function markShared(records: ContainerRecord[]): void {
  const ownerOf = new Map<number, ContainerRecord>();
  for (const r of records)
    for (const n of r.namespaces) if (n.sharing === 'own' && !ownerOf.has(n.ns)) ownerOf.set(n.ns, r);
  for (const r of records) {
    for (const n of r.namespaces) {
      const owner = ownerOf.get(n.ns);
      if (n.sharing !== 'own' || !owner || owner === r) continue;
      Object.assign(n, { sharing: 'shared', with: owner.name, withKey: owner.key });
    }
  }
}

/**
 * `ip netns exec NAME` execs its command: no process is left to tell. Its net namespace,
 * bound under /run/netns, does: `ip netns (NAME)`.
 */
function ipNetns(mine: ContainerNamespace[], namespaces: Map<number, NamespaceRecord>): string | null {
  const net = mine.find((n) => n.type === 'net' && n.sharing === 'own');
  const bound = net && namespaces.get(net.ns)?.nsfs.map(netnsName).find(Boolean);
  return bound ? `ip netns (${bound})` : null;
}

/**
 * What made a sandbox: the namespace-making program or nsx terminal among its first
 * process and that one's ancestors, else its systemd service, else its first process itself.
 */
function madeBy(proc: ProcSource, first: ProcessRecord): string {
  let pid = first.pid;
  for (let depth = 0; depth < MAX_ANCESTORS && pid > 1; depth++) {
    let argv: string[];
    try {
      argv = proc.argv(pid);
      if (isNsx(argv)) return 'Namespace Explorer terminal';
      const name = programName(argv[0] ?? '');
      if (MAKERS.has(name)) return name;
      pid = proc.status(pid).ppid;
    } catch {
      break;
    }
  }
  try {
    const unit = systemdUnit(cgroupPath(proc.cgroup(first.pid)));
    if (unit) return unit;
  } catch {
    // It exited: its own name says the rest.
  }
  return first.name || programName(first.command.split(' ')[0] ?? '') || `PID ${first.pid}`;
}
