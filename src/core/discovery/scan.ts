/**
 * Reading processes: namespace links, the threads that differ, the fds that hold
 * namespaces, and (when asked) status and command line. Every read may fail because the
 * process exited or is not ours; the caller gets the reason instead of an exception.
 *
 * This is most of the cost of discovery, spent in the kernel's procfs. It stays on one
 * thread: two threads reading procfs at once each took over twice as long (measured,
 * in C as in Node), so a worker thread only adds its start-up time.
 */
import { parseNsLink, ProcSource } from '../linux/procfs';
import { HiddenReason, isNsType, NS_TYPES, NsType, ProcessRecord } from '../model/snapshot';

/**
 * `full` reads every process's status (PPid, Uid, NSpid) and command line; `namespaces`
 * reads only the namespace links, and `complete()` fills in the processes that are shown.
 */
export type ScanDetail = 'full' | 'namespaces';

export function scanProcess(
  proc: ProcSource,
  pid: number,
  viewerUid: number,
  users: Map<number, string>,
  detail: ScanDetail,
): ProcessRecord | HiddenReason {
  let owner;
  try {
    // One stat tells the owner (other users' processes are not even tried) and the thread count.
    owner = proc.taskDirStat(pid);
  } catch (err) {
    return reasonOf(err);
  }
  const rec: ProcessRecord = {
    pid,
    ppid: 0,
    uid: owner.uid,
    user: users.get(owner.uid) ?? null,
    name: '',
    nspid: [pid],
    command: '',
    ns: {},
  };
  if (viewerUid !== 0 && owner.uid !== viewerUid) rec.hidden = 'EACCES';
  if ((detail === 'full' || rec.hidden) && !complete(proc, rec, users)) return 'vanished';
  if (rec.hidden) return rec;

  for (const type of NS_TYPES) {
    try {
      rec.ns[type] = proc.nsInode(pid, type);
    } catch (err) {
      const reason = reasonOf(err);
      if (reason === 'vanished') {
        // A kernel without this namespace type (time before 5.6) has no link for it.
        if (proc.hasNsDir(pid)) continue;
        return reason;
      }
      rec.ns = {};
      rec.hidden = reason;
      if (detail !== 'full' && !complete(proc, rec, users)) return 'vanished';
      return rec;
    }
  }
  for (const type of ['pid', 'time'] as const) {
    try {
      const ino = proc.nsInode(pid, `${type}_for_children`);
      if (ino !== rec.ns[type]) (rec.forChildren ??= {})[type] = ino;
    } catch {
      // Kernels before 5.6 have no time_for_children.
    }
  }
  if (owner.threads === undefined || owner.threads > 1) scanThreads(proc, rec);
  return rec;
}

/**
 * Fills in status and command line; false when the process is gone. Kernel threads have
 * no command line: lsns shows their name, and so do we.
 */
export function complete(proc: ProcSource, rec: ProcessRecord, users: Map<number, string>): boolean {
  let status;
  try {
    status = proc.status(rec.pid);
  } catch {
    return false;
  }
  rec.ppid = status.ppid;
  rec.uid = status.uid;
  rec.user = users.get(status.uid) ?? null;
  rec.name = status.name;
  if (status.nspid.length) rec.nspid = status.nspid;
  try {
    rec.command = proc.cmdline(rec.pid) || status.name;
  } catch {
    rec.command = status.name;
  }
  return true;
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

export function reasonOf(err: unknown): HiddenReason {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'EACCES' || code === 'EPERM' ? 'EACCES' : 'vanished';
}

/** An open fd on a namespace: /proc/PID/fd/N → `net:[4026532200]`. */
export interface NsFd {
  pid: number;
  fd: number;
  type: NsType;
  ino: number;
}

/** The fds of `pid` that are namespaces; a process that exits or denies access has none. */
export function scanProcessFds(proc: ProcSource, pid: number, out: NsFd[]): void {
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
    // Cheap reject: nsfs targets are `type:[inode]`; files are paths.
    if (target.charCodeAt(target.length - 1) !== 93 /* ] */) continue;
    const parsed = parseNsLink(target);
    if (parsed && isNsType(parsed.type)) out.push({ pid, fd, type: parsed.type, ino: parsed.ino });
  }
}

export interface ScanResult {
  processes: ProcessRecord[];
  /** Processes that could not be read at all, by reason. */
  failed: Record<HiddenReason, number>;
  fds: NsFd[];
}

/** Scans every PID, in order. */
export function scanAll(
  proc: ProcSource,
  users: Map<number, string>,
  pids: number[],
  viewerUid: number,
  detail: ScanDetail,
): ScanResult {
  const result: ScanResult = { processes: [], failed: { EACCES: 0, vanished: 0 }, fds: [] };
  for (const pid of pids) {
    const rec = scanProcess(proc, pid, viewerUid, users, detail);
    if (typeof rec === 'string') {
      result.failed[rec]++;
      continue;
    }
    result.processes.push(rec);
    if (!rec.hidden) scanProcessFds(proc, pid, result.fds);
  }
  return result;
}
