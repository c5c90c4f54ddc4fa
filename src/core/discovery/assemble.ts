/**
 * Putting a snapshot together from what a pass over the processes found: every namespace
 * with its members and holders (processes, threads, fds, bind mounts), the kernel's
 * hierarchy above them, and the labels a person knows them by. A full scan and the live
 * engine (../live) both end here, so that they cannot disagree on what they found.
 */
import { CgroupPaths, containerLabel, INITIAL_NS_INODES, netnsName, systemdUnit } from './labels';
import { isLauncher, launchedProgram, programName } from './launchers';
import { Mount, nsfsMounts } from '../mounts/mountinfo';
import { HierarchyProbe, kernelProbe, NsRelations } from '../linux/nsfs';
import { parseNsLink, ProcSource } from '../linux/procfs';
import { complete, NsFd, ScanDetail, ScanResult } from './scan';
import { RelationMemory } from './relationMemory';
import {
  HiddenCount,
  Holder,
  holderFile,
  isNsType,
  NamespaceRecord,
  NS_TYPES,
  NsType,
  ProcessRecord,
  ScanCapabilities,
  Snapshot,
  SNAPSHOT_VERSION,
} from '../model/snapshot';

/** The nsfs bind mounts of mount namespace MNTNS, seen through READER, one of its MEMBERS. */
export type BindMountReader = (
  mntns: number,
  members: readonly number[],
) => { reader: number; mounts: readonly Mount[] } | undefined;

export interface AssembleOptions {
  proc: ProcSource;
  users: Map<number, string>;
  viewerUid: number;
  detail: ScanDetail;
  /** How to learn parents and owners; default the kernel through koffi, null for none. */
  probe?: HierarchyProbe | null;
  requestedBy?: number;
  cgroups: CgroupPaths;
  /** Default: the mountinfo of the first member that can still be read, read now. */
  bindMounts?: BindMountReader;
  /** When the pass began (performance.now()), for the snapshot's duration. */
  started: number;
  /** The relations found for the last snapshot, to ask the kernel only about new namespaces. */
  relations?: RelationMemory;
}

interface NsEntry {
  type: NsType;
  members: number[];
  holders: Holder[];
}

/** The snapshot of what SCANNED found. Records are not changed, except faces completed in `namespaces` detail. */
export function assemble(scanned: ScanResult, options: AssembleOptions): Snapshot {
  const { proc, users, viewerUid } = options;
  let { processes } = scanned;
  const byPid = new Map(processes.map((p) => [p.pid, p]));
  const hidden: HiddenCount = { total: 0, byReason: { ...scanned.failed } };

  const entries = collectHolders(proc, processes, scanned.fds, options.bindMounts ?? readBindMounts(proc));
  if (options.detail !== 'full') {
    const gone = completeFaces(proc, entries, byPid, users);
    if (gone.size) processes = processes.filter((p) => !gone.has(p.pid));
    hidden.byReason.vanished += gone.size;
  }
  for (const p of processes) if (p.hidden) hidden.byReason[p.hidden]++;
  hidden.total = hidden.byReason.EACCES + hidden.byReason.vanished;
  const { capabilities, relations } = probeHierarchy(proc, entries, options.probe, options.relations);

  const labeler = new Labeler(proc, byPid, hostInodes(proc, byPid, users), options.cgroups);
  const namespaces: NamespaceRecord[] = [];
  for (const [ino, e] of entries)
    namespaces.push(namespaceRecord(ino, e, byPid.get(e.members[0]), relations.get(ino), labeler));
  for (const [ino, rel] of relations) if (!entries.has(ino)) namespaces.push(ghostRecord(ino, rel));
  namespaces.sort((a, b) => a.ns - b.ns);
  tellApart(namespaces);

  const snapshot: Snapshot = {
    version: SNAPSHOT_VERSION,
    takenAt: new Date().toISOString(),
    scanner: { uid: viewerUid, procRoot: proc.procRoot, durationMs: 0 },
    capabilities,
    hidden,
    namespaces,
    processes: processes === scanned.processes ? [...processes] : processes,
  };
  if (options.requestedBy !== undefined) snapshot.scanner.requestedBy = options.requestedBy;
  snapshot.scanner.durationMs = Math.round(performance.now() - options.started);
  return snapshot;
}

/** Every namespace with its members and holders: processes, threads, fds, bind mounts. */
function collectHolders(
  proc: ProcSource,
  processes: ProcessRecord[],
  fds: NsFd[],
  bindMounts: BindMountReader,
): Map<number, NsEntry> {
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
  for (const h of fds)
    entry(h.ino, h.type).holders.push({ kind: 'fd', pid: h.pid, fd: h.fd, path: proc.fdPath(h.pid, h.fd) });
  addBindMounts(entries, entry, bindMounts);
  return entries;
}

/**
 * In `namespaces` detail only the process a namespace is shown by (its senior member, or
 * the holder) gets its status and command line read. One that has exited since its links
 * were read is dropped from every namespace, and the next member or holder takes its
 * place; a namespace left with nothing that holds it is dropped too (it is gone). Returns
 * the PIDs that were dropped.
 */
function completeFaces(
  proc: ProcSource,
  entries: Map<number, NsEntry>,
  byPid: Map<number, ProcessRecord>,
  users: Map<number, string>,
): Set<number> {
  const gone = new Set<number>();
  // A bind mount outlives the process it was seen through: only the others go with their process.
  const alive = (h: Holder) => h.kind === 'bindmount' || !gone.has(h.pid);
  for (const e of entries.values()) {
    for (;;) {
      const pid = e.members.find((m) => !gone.has(m)) ?? e.holders.find((h) => h.kind !== 'bindmount' && alive(h))?.pid;
      const face = pid === undefined ? undefined : byPid.get(pid);
      if (!face || face.name || complete(proc, face, users)) break;
      gone.add(face.pid);
    }
  }
  if (!gone.size) return gone;
  for (const [ino, e] of entries) {
    e.members = e.members.filter((m) => !gone.has(m));
    e.holders = e.holders.filter(alive);
    if (!e.holders.length) entries.delete(ino);
  }
  for (const pid of gone) byPid.delete(pid);
  return gone;
}

/** Parents, owners and owner UIDs from the kernel, for every namespace some holder opens. */
function probeHierarchy(
  proc: ProcSource,
  entries: Map<number, NsEntry>,
  choice: HierarchyProbe | null | undefined,
  memory: RelationMemory | undefined,
): { capabilities: ScanCapabilities; relations: Map<number, NsRelations> } {
  const probe = choice === undefined ? kernelProbe() : choice;
  if (probe === null || 'error' in probe) {
    const hierarchyError = probe?.error ?? 'hierarchy lookup was turned off';
    return { capabilities: { hierarchy: false, hierarchyError }, relations: new Map() };
  }
  const relations = memory?.known(entries) ?? new Map<number, NsRelations>();
  for (const [ino, e] of entries) {
    if (relations.has(ino)) continue;
    // A holder may have gone since the scan: try the next few.
    for (const h of e.holders.slice(0, 3)) {
      try {
        probe.probe(openablePath(proc, e.type, h), e.type, ino, relations);
        break;
      } catch {
        continue;
      }
    }
  }
  memory?.keep(entries, relations);
  return { capabilities: { hierarchy: true }, relations };
}

function namespaceRecord(
  ino: number,
  e: NsEntry,
  senior: ProcessRecord | undefined,
  rel: NsRelations | undefined,
  labeler: Labeler,
): NamespaceRecord {
  const record: NamespaceRecord = {
    ns: ino,
    type: e.type,
    nprocs: e.members.length,
    pid: senior?.pid ?? null,
    ppid: senior?.ppid ?? null,
    command: senior?.command || null,
    uid: senior?.uid ?? null,
    user: senior?.user ?? null,
    pns: rel?.pns ?? null,
    ons: rel?.ons ?? null,
    nsfs: [...new Set(e.holders.flatMap((h) => (h.kind === 'bindmount' ? [h.path] : [])))],
    holders: e.holders,
    label: presentable(labeler.label(ino, e)),
    ghost: false,
  };
  if (rel?.ownerUid !== undefined) record.ownerUid = rel.ownerUid;
  return record;
}

/** A namespace known only as the parent or owner of another. */
function ghostRecord(ino: number, rel: NsRelations): NamespaceRecord {
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
  return ghost;
}

/** Records the nsfs bind mounts of every mount namespace that has a member. */
function addBindMounts(
  entries: Map<number, NsEntry>,
  entry: (ino: number, type: NsType) => NsEntry,
  bindMounts: BindMountReader,
): void {
  const mountNamespaces = [...entries].filter(([, e]) => e.type === 'mnt' && e.members.length);
  for (const [mntns, e] of mountNamespaces) {
    const seen = bindMounts(mntns, e.members);
    if (!seen) continue;
    for (const m of seen.mounts) {
      const ns = parseNsLink(m.root);
      if (ns && isNsType(ns.type))
        entry(ns.ino, ns.type).holders.push({ kind: 'bindmount', pid: seen.reader, path: m.target, mntns });
    }
  }
}

/** Reads the mountinfo of the first member that has not exited. */
export function readBindMounts(proc: ProcSource): BindMountReader {
  return (_mntns, members) => {
    for (const reader of members) {
      let text: string;
      try {
        text = proc.mountinfo(reader);
      } catch {
        continue; // that member exited; try the next
      }
      return { reader, mounts: nsfsMounts(text) };
    }
    return undefined;
  };
}

/** The path through which a holder opens the namespace from here, whatever our mount namespace. */
function openablePath(proc: ProcSource, type: NsType, h: Holder): string {
  return h.kind === 'bindmount' ? proc.pathInMountNs(h.pid, h.path) : holderFile(h, type, proc.procRoot);
}

/**
 * Initial namespaces: the kernel's fixed inodes, and those of kthreadd where readable.
 * PID 2 is kthreadd only on the host: inside a container's /proc it is any process.
 */
function hostInodes(proc: ProcSource, byPid: Map<number, ProcessRecord>, users: Map<number, string>): Set<number> {
  const two = byPid.get(2);
  if (two && !two.name) complete(proc, two, users);
  return initialInodes(two);
}

/** The initial namespaces' inodes, given the record of PID 2 as discovery completed it. */
export function initialInodes(two: ProcessRecord | undefined): Set<number> {
  const host = new Set<number>(Object.values(INITIAL_NS_INODES));
  if (two?.name === 'kthreadd' && two.ppid === 0) for (const ino of Object.values(two.ns)) host.add(ino);
  return host;
}

class Labeler {
  constructor(
    private readonly proc: ProcSource,
    private readonly byPid: Map<number, ProcessRecord>,
    private readonly host: Set<number>,
    private readonly cgroups: CgroupPaths,
  ) {}

  label(ino: number, e: NsEntry): string | null {
    if (this.host.has(ino)) return 'host';
    for (const h of e.holders) {
      if (h.kind !== 'bindmount') continue;
      const name = netnsName(h.path);
      if (name) return name;
    }
    if (e.members.length) {
      const senior = e.members[0];
      const cgroup = this.cgroups.of(senior);
      return (cgroup && (containerLabel(cgroup) ?? systemdUnit(cgroup))) || this.programOf(senior);
    }
    // What holds it without being in it: a process for its children, a thread, an fd, a bind mount.
    const h = e.holders[0];
    if (!h) return null;
    const holderName = this.byPid.get(h.pid)?.name || `PID ${h.pid}`;
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

  /** What a process is known by: the program it runs when it is a launcher, else its name. */
  private programOf(pid: number): string {
    const p = this.byPid.get(pid);
    if (!p) return `PID ${pid}`;
    const words = p.command.split(' ');
    if (isLauncher([p.name]) || isLauncher(words)) {
      let argv = words;
      try {
        argv = this.proc.argv(pid);
      } catch {
        // It exited meanwhile: the command line read before, split at its spaces, will do.
      }
      const launched = launchedProgram(argv);
      if (launched?.trim()) return launched;
    }
    return p.name || programName(words[0] ?? '') || `PID ${pid}`;
  }
}

/**
 * Namespaces of one type that would carry the same label are told apart by the PID of the
 * process that leads them (`sleep (4242)`): five `sleep` rows say nothing.
 */
function tellApart(namespaces: NamespaceRecord[]): void {
  const byLabel = new Map<string, NamespaceRecord[]>();
  for (const n of namespaces) {
    if (n.label === null || n.label === 'host') continue;
    const key = `${n.type}\0${n.label}`;
    const same = byLabel.get(key);
    if (same) same.push(n);
    else byLabel.set(key, [n]);
  }
  for (const same of byLabel.values()) {
    if (same.length < 2) continue;
    for (const n of same) {
      const leader = n.pid ?? n.holders.find((h) => h.kind !== 'bindmount')?.pid;
      if (leader !== undefined) n.label = `${n.label} (${leader})`;
    }
  }
}

/** A label is shown as it is unless it would read as nothing: blank, or starting with a space. */
function presentable(label: string | null): string | null {
  if (label === null || !label.trim()) return null;
  return /^\s/.test(label) ? JSON.stringify(label) : label;
}
