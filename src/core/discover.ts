/**
 * Discovery: one pass over /proc that finds every namespace the caller can see and what
 * keeps each alive (member processes, threads, open fds, bind mounts), then the kernel's
 * hierarchy above them (parents, owners, and ghosts known only through it).
 */
import { cgroupPath, containerLabel, INITIAL_NS_INODES, netnsName, systemdUnit } from './labels';
import { nsfsMounts } from './mountinfo';
import { HierarchyProbe, kernelProbe, NsRelations } from './nsfs';
import { parseNsLink, ProcSource } from './procfs';
import {
  HiddenCount,
  Holder,
  isNsType,
  NamespaceRecord,
  NS_TYPES,
  NsType,
  ProcessRecord,
  ScanCapabilities,
  Snapshot,
  SNAPSHOT_VERSION,
} from './snapshot';

export interface DiscoverOptions {
  proc?: ProcSource;
  /** How to learn parents and owners; default the kernel through koffi, null for none. */
  probe?: HierarchyProbe | null;
  /** Whose view this is. Other users' processes are counted as hidden without trying to read them. */
  viewerUid?: number;
  /** The user an elevated scan runs for (PKEXEC_UID). */
  requestedBy?: number;
}

/** /proc itself cannot be read: not Linux, or no procfs mounted. */
export class DiscoveryError extends Error {}

interface NsEntry {
  type: NsType;
  members: number[];
  holders: Holder[];
}

export function discover(options: DiscoverOptions = {}): Snapshot {
  const started = performance.now();
  const proc = options.proc ?? new ProcSource();
  const viewerUid = options.viewerUid ?? process.geteuid?.() ?? 0;
  const users = proc.users();

  let pids: number[];
  try {
    pids = proc.listPids();
  } catch (err) {
    throw new DiscoveryError(`cannot read ${proc.procRoot}: ${errorText(err)} (is this Linux with procfs mounted?)`);
  }

  const hidden: HiddenCount = { total: 0, byReason: { EACCES: 0, vanished: 0 } };
  const processes: ProcessRecord[] = [];
  const fdHolders: { pid: number; fd: number; type: NsType; ino: number }[] = [];
  for (const pid of pids) {
    const scanned = scanProcess(proc, pid, viewerUid, users, fdHolders);
    if (typeof scanned === 'string') {
      hidden.total++;
      hidden.byReason[scanned]++;
      continue;
    }
    if (scanned.hidden) {
      hidden.total++;
      hidden.byReason[scanned.hidden]++;
    }
    processes.push(scanned);
  }

  const entries = new Map<number, NsEntry>();
  const entry = (ino: number, type: NsType): NsEntry => {
    let e = entries.get(ino);
    if (!e) entries.set(ino, (e = { type, members: [], holders: [] }));
    return e;
  };
  for (const p of processes) {
    for (const type of NS_TYPES) {
      const ino = p.ns[type];
      if (ino === undefined) continue;
      const e = entry(ino, type);
      e.members.push(p.pid);
      e.holders.push({ kind: 'process', pid: p.pid });
    }
    for (const [type, ino] of Object.entries(p.forChildren ?? {}) as ['pid' | 'time', number][]) {
      entry(ino, type).holders.push({ kind: 'process', pid: p.pid, path: proc.nsPath(p.pid, `${type}_for_children`) });
    }
  }
  for (const p of processes) {
    for (const task of p.tasks ?? []) {
      for (const [type, ino] of Object.entries(task.ns) as [NsType, number][]) {
        entry(ino, type).holders.push({ kind: 'task', pid: p.pid, tid: task.tid });
      }
    }
  }
  for (const h of fdHolders) entry(h.ino, h.type).holders.push({ kind: 'fd', pid: h.pid, fd: h.fd, path: proc.fdPath(h.pid, h.fd) });
  addBindMounts(proc, entries, entry);

  const capabilities: ScanCapabilities = { hierarchy: false };
  const relations = new Map<number, NsRelations>();
  const probe = options.probe === undefined ? kernelProbe() : options.probe;
  if (probe === null) capabilities.hierarchyError = 'hierarchy lookup was turned off';
  else if ('error' in probe) capabilities.hierarchyError = probe.error;
  else {
    capabilities.hierarchy = true;
    for (const [ino, e] of entries) {
      const path = openablePath(proc, e);
      if (!path) continue;
      try {
        probe.probe(path, e.type, ino, relations);
      } catch {
        // The holder went away between the scan and the probe: the namespace keeps no hierarchy.
      }
    }
  }

  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const labeler = new Labeler(proc, byPid, hostInodes(byPid));
  const namespaces: NamespaceRecord[] = [];
  for (const [ino, e] of entries) {
    const senior = e.members.length ? byPid.get(e.members[0]) : undefined;
    const rel = relations.get(ino);
    const record: NamespaceRecord = {
      ns: ino,
      type: e.type,
      nprocs: e.members.length,
      pid: senior?.pid ?? null,
      ppid: senior?.ppid ?? null,
      command: senior?.command ?? null,
      uid: senior?.uid ?? null,
      user: senior?.user ?? null,
      pns: rel?.pns ?? null,
      ons: rel?.ons ?? null,
      nsfs: [...new Set(e.holders.flatMap((h) => (h.kind === 'bindmount' ? [h.path] : [])))],
      holders: e.holders,
      label: labeler.label(ino, e),
      ghost: false,
    };
    if (rel?.ownerUid !== undefined) record.ownerUid = rel.ownerUid;
    namespaces.push(record);
  }
  for (const [ino, rel] of relations) {
    if (entries.has(ino)) continue;
    const ghost: NamespaceRecord = {
      ns: ino,
      type: rel.type,
      nprocs: 0,
      pid: null,
      ppid: null,
      command: null,
      uid: null,
      user: null,
      pns: rel.pns,
      ons: rel.ons,
      nsfs: [],
      holders: [],
      label: null,
      ghost: true,
    };
    if (rel.ownerUid !== undefined) ghost.ownerUid = rel.ownerUid;
    namespaces.push(ghost);
  }
  namespaces.sort((a, b) => a.ns - b.ns);

  const snapshot: Snapshot = {
    version: SNAPSHOT_VERSION,
    takenAt: new Date().toISOString(),
    scanner: { uid: viewerUid, procRoot: proc.procRoot, durationMs: 0 },
    capabilities,
    hidden,
    namespaces,
    processes,
  };
  if (options.requestedBy !== undefined) snapshot.scanner.requestedBy = options.requestedBy;
  snapshot.scanner.durationMs = Math.round(performance.now() - started);
  return snapshot;
}

/**
 * Reads one process: status, namespace links, differing threads and nsfs fds.
 * Returns the reason instead of a record when nothing about the process could be read.
 */
function scanProcess(
  proc: ProcSource,
  pid: number,
  viewerUid: number,
  users: Map<number, string>,
  fdHolders: { pid: number; fd: number; type: NsType; ino: number }[],
): ProcessRecord | 'vanished' | 'EACCES' {
  let foreign = false;
  let status;
  try {
    // Cheap test first: a stat instead of an exception per denied link.
    if (viewerUid !== 0) foreign = proc.ownerUid(pid) !== viewerUid;
    status = proc.status(pid);
  } catch (err) {
    return reasonOf(err);
  }
  const rec: ProcessRecord = {
    pid,
    ppid: status.ppid,
    uid: status.uid,
    user: users.get(status.uid) ?? null,
    name: status.name,
    command: '',
    nspid: status.nspid.length ? status.nspid : [pid],
    ns: {},
  };
  try {
    // Kernel threads have no command line; lsns shows their name, and so do we.
    rec.command = proc.cmdline(pid) || status.name;
  } catch (err) {
    if (reasonOf(err) === 'vanished') return 'vanished';
    rec.command = status.name;
  }
  if (foreign) {
    rec.hidden = 'EACCES';
    return rec;
  }

  try {
    for (const type of NS_TYPES) rec.ns[type] = proc.nsInode(pid, type);
  } catch (err) {
    const reason = reasonOf(err);
    if (reason === 'vanished') return reason;
    rec.ns = {};
    rec.hidden = reason;
    return rec;
  }
  for (const type of ['pid', 'time'] as const) {
    try {
      const ino = proc.nsInode(pid, `${type}_for_children`);
      if (ino !== rec.ns[type]) (rec.forChildren ??= {})[type] = ino;
    } catch {
      // Older kernels have no *_for_children links.
    }
  }
  if (status.threads > 1) scanThreads(proc, rec);
  scanFds(proc, pid, fdHolders);
  return rec;
}

function scanThreads(proc: ProcSource, rec: ProcessRecord): void {
  let tids: number[];
  try {
    tids = proc.tids(rec.pid);
  } catch {
    return;
  }
  for (const tid of tids) {
    if (tid === rec.pid) continue;
    const differing: Partial<Record<NsType, number>> = {};
    try {
      for (const type of NS_TYPES) {
        const ino = proc.nsInode(rec.pid, type, tid);
        if (ino !== rec.ns[type]) differing[type] = ino;
      }
    } catch {
      continue; // the thread ended
    }
    if (Object.keys(differing).length) (rec.tasks ??= []).push({ tid, ns: differing });
  }
}

function scanFds(proc: ProcSource, pid: number, out: { pid: number; fd: number; type: NsType; ino: number }[]): void {
  let fds: number[];
  try {
    fds = proc.fds(pid);
  } catch {
    return;
  }
  for (const fd of fds) {
    let target: string;
    try {
      target = proc.fdTarget(pid, fd);
    } catch {
      continue;
    }
    // Cheap reject: nsfs targets are `type:[inode]`, files are paths.
    if (target.charCodeAt(target.length - 1) !== 93 /* ] */) continue;
    const parsed = parseNsLink(target);
    if (parsed && isNsType(parsed.type)) out.push({ pid, fd, type: parsed.type, ino: parsed.ino });
  }
}

/** Reads one mountinfo per mount namespace and records the nsfs bind mounts in it. */
function addBindMounts(proc: ProcSource, entries: Map<number, NsEntry>, entry: (ino: number, type: NsType) => NsEntry): void {
  const mountNamespaces = [...entries].filter(([, e]) => e.type === 'mnt' && e.members.length);
  for (const [mntns, e] of mountNamespaces) {
    for (const reader of e.members) {
      let text: string;
      try {
        text = proc.mountinfo(reader);
      } catch {
        continue; // that member exited; try the next
      }
      for (const m of nsfsMounts(text)) {
        const ns = parseNsLink(m.root);
        if (ns && isNsType(ns.type)) entry(ns.ino, ns.type).holders.push({ kind: 'bindmount', pid: reader, path: m.target, mntns });
      }
      break;
    }
  }
}

/** A path through which the namespace can be opened, from its first holder. */
function openablePath(proc: ProcSource, e: NsEntry): string | undefined {
  const h = e.holders[0];
  if (!h) return undefined;
  switch (h.kind) {
    case 'process':
      return h.path ?? proc.nsPath(h.pid, e.type);
    case 'task':
      return proc.nsPath(h.pid, e.type, h.tid);
    case 'fd':
      return h.path;
    case 'bindmount':
      return proc.pathInMountNs(h.pid, h.path);
  }
}

/** Initial namespaces: the kernel's fixed inodes, and those of kthreadd where readable. */
function hostInodes(byPid: Map<number, ProcessRecord>): Set<number> {
  const host = new Set<number>(Object.values(INITIAL_NS_INODES));
  for (const ino of Object.values(byPid.get(2)?.ns ?? {})) host.add(ino);
  return host;
}

class Labeler {
  private readonly cgroups = new Map<number, string>();

  constructor(
    private readonly proc: ProcSource,
    private readonly byPid: Map<number, ProcessRecord>,
    private readonly host: Set<number>,
  ) {}

  label(ino: number, e: NsEntry): string | null {
    if (this.host.has(ino)) return 'host';
    for (const h of e.holders) {
      if (h.kind !== 'bindmount') continue;
      const name = netnsName(h.path);
      if (name) return name;
    }
    if (e.members.length) {
      const cgroup = this.cgroupOf(e.members[0]);
      const label = (cgroup && (containerLabel(cgroup) ?? systemdUnit(cgroup))) || this.byPid.get(e.members[0])?.name;
      if (label) return label;
    }
    const h = e.holders[0];
    if (!h) return null;
    const holderName = this.byPid.get(h.pid)?.name ?? `PID ${h.pid}`;
    switch (h.kind) {
      case 'process':
        return `${holderName} (for children)`;
      case 'task':
        return `${holderName} (thread ${h.tid})`;
      case 'fd':
        return `${holderName} (fd ${h.fd})`;
      case 'bindmount':
        return h.path;
    }
  }

  private cgroupOf(pid: number): string | undefined {
    if (!this.cgroups.has(pid)) {
      try {
        this.cgroups.set(pid, cgroupPath(this.proc.cgroup(pid)));
      } catch {
        this.cgroups.set(pid, '');
      }
    }
    return this.cgroups.get(pid);
  }
}

function reasonOf(err: unknown): 'vanished' | 'EACCES' {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM' ? 'EACCES' : 'vanished';
}

function errorText(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}
