/**
 * Reading processes: namespace links, the threads that differ, the fds that hold
 * namespaces, and (when asked) status and command line. Every read may fail because the
 * process exited or is not ours; the caller gets the reason instead of an exception.
 *
 * This is most of the cost of discovery, spent in the kernel's procfs: about 2 µs a
 * readlink, ~20 calls a process. Each process's directory is opened once and read relative
 * to it (PidDir). A one-off scan of many processes is shared with a second thread
 * (scanHelper.ts): threads reading different processes do not slow each other down.
 */
import { PidDir, ProcSource } from '../linux/procfs';
import { HiddenReason, NS_TYPES, NsType, ProcessRecord } from '../model/snapshot';

const EPERM = 1;
const EACCES = 13;

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
  const dir = proc.openPid(pid);
  if (typeof dir === 'number') return reasonOfErrno(-dir);
  try {
    return scanOpen(proc, dir, pid, viewerUid, users, detail);
  } finally {
    dir.close();
  }
}

function scanOpen(
  proc: ProcSource,
  dir: PidDir,
  pid: number,
  viewerUid: number,
  users: Map<number, string>,
  detail: ScanDetail,
): ProcessRecord | HiddenReason {
  // One stat tells the owner (other users' processes are not even tried) and the thread count.
  const owner = dir.taskDirStat();
  if (typeof owner === 'number') return reasonOfErrno(-owner);
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
    const ino = dir.nsInode(type);
    if (ino >= 0) {
      rec.ns[type] = ino;
      continue;
    }
    const reason = reasonOfErrno(-ino);
    if (reason === 'vanished') {
      // A kernel without this namespace type (time before 5.6) has no link for it.
      if (dir.hasNsDir()) continue;
      return reason;
    }
    rec.ns = {};
    rec.hidden = reason;
    if (detail !== 'full' && !complete(proc, rec, users)) return 'vanished';
    return rec;
  }
  for (const type of ['pid', 'time'] as const) {
    // Kernels before 5.6 have no time_for_children.
    const ino = dir.nsInode(`${type}_for_children`);
    if (ino >= 0 && ino !== rec.ns[type]) (rec.forChildren ??= {})[type] = ino;
  }
  if (owner.threads === undefined || owner.threads > 1) scanThreads(dir, rec);
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

function scanThreads(dir: PidDir, rec: ProcessRecord): void {
  const tids = dir.tids();
  if (typeof tids === 'number') return;
  for (const tid of tids.sort((a, b) => a - b)) {
    if (tid === rec.pid) continue;
    const differing: Partial<Record<NsType, number>> = {};
    let ended = false;
    for (const type of NS_TYPES) {
      const ino = dir.nsInode(type, tid);
      if (ino < 0) {
        ended = true;
        break;
      }
      if (ino !== rec.ns[type]) differing[type] = ino;
    }
    if (!ended && Object.keys(differing).length) (rec.tasks ??= []).push({ tid, ns: differing });
  }
}

function reasonOfErrno(errno: number): HiddenReason {
  return errno === EACCES || errno === EPERM ? 'EACCES' : 'vanished';
}

/** An open fd on a namespace: /proc/PID/fd/N → `net:[4026532200]`. */
export interface NsFd {
  pid: number;
  fd: number;
  type: NsType;
  ino: number;
}

function scanFds(dir: PidDir, pid: number, out: NsFd[]): void {
  dir.nsFds((fd, type, ino) => out.push({ pid, fd, type, ino }));
}

export interface ScanResult {
  processes: ProcessRecord[];
  /** Processes that could not be read at all, by reason. */
  failed: Record<HiddenReason, number>;
  fds: NsFd[];
}

export function emptyResult(): ScanResult {
  return { processes: [], failed: { EACCES: 0, vanished: 0 }, fds: [] };
}

/**
 * Scans every PID, in order. With a helper (scanHelper.ts), a second thread takes chunks
 * of the same list: procfs reads of different processes run in parallel on two cores.
 */
export function scanAll(
  proc: ProcSource,
  users: Map<number, string>,
  pids: number[],
  viewerUid: number,
  detail: ScanDetail,
  helper?: ScanSharing,
): ScanResult {
  if (!helper) {
    const result = emptyResult();
    scanPids(proc, users, pids, viewerUid, detail, result);
    return result;
  }
  const scanHere = (some: number[], into: ScanResult) => scanPids(proc, users, some, viewerUid, detail, into);
  return helper.share(proc.procRoot, pids, viewerUid, detail, scanHere, users);
}

/** Splits a scan between this thread and another; see scanHelper.ts. */
export interface ScanSharing {
  share(
    procRoot: string,
    pids: number[],
    viewerUid: number,
    detail: ScanDetail,
    scanHere: (pids: number[], into: ScanResult) => void,
    users: Map<number, string>,
  ): ScanResult;
}

/** Scans PIDS in order, adding to RESULT. */
export function scanPids(
  proc: ProcSource,
  users: Map<number, string>,
  pids: number[],
  viewerUid: number,
  detail: ScanDetail,
  result: ScanResult,
): void {
  for (const pid of pids) {
    const { read, fds } = scanOne(proc, pid, viewerUid, users, detail);
    if (typeof read === 'string') result.failed[read]++;
    else result.processes.push(read);
    result.fds.push(...fds);
  }
}

/** One process with its namespace fds, its directory opened once. */
export function scanOne(
  proc: ProcSource,
  pid: number,
  viewerUid: number,
  users: Map<number, string>,
  detail: ScanDetail,
): { read: ProcessRecord | HiddenReason; fds: NsFd[] } {
  const fds: NsFd[] = [];
  const dir = proc.openPid(pid);
  if (typeof dir === 'number') return { read: reasonOfErrno(-dir), fds };
  try {
    const read = scanOpen(proc, dir, pid, viewerUid, users, detail);
    if (typeof read !== 'string' && !read.hidden) scanFds(dir, pid, fds);
    return { read, fds };
  } finally {
    dir.close();
  }
}
