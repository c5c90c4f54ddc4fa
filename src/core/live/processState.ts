/** What the live engine knows of one process, read the way a full scan reads it. */
import { NsFd, scanOne } from '../discovery/scan';
import { ProcSource } from '../linux/procfs';
import { HiddenReason, ProcessRecord } from '../model/snapshot';

export interface ProcessState {
  pid: number;
  /** Start time in clock ticks since boot: with the PID, it names one process for good. */
  start: number;
  /** The parent when read: its exit gives this process another. */
  ppid: number;
  /** The record a full scan would make, or why it could not. */
  read: ProcessRecord | HiddenReason;
  /** Its open fds on namespaces. */
  fds: NsFd[];
}

export function readProcess(
  proc: ProcSource,
  pid: number,
  viewerUid: number,
  users: Map<number, string>,
): ProcessState {
  let start: number;
  try {
    start = proc.startTime(pid);
  } catch {
    return { pid, start: NaN, ppid: 0, read: 'vanished', fds: [] }; // stat is readable by all while the process is
  }
  const { read, fds } = scanOne(proc, pid, viewerUid, users, 'full');
  return { pid, start, ppid: typeof read === 'string' ? 0 : read.ppid, read, fds };
}

/**
 * Whether a process may have changed under its PID since STATE was read, from a glance at
 * what can change without the kernel telling: its namespaces and its threads', its fds on
 * namespaces, and unless the kernel tells of execs (WITH_COMMAND false) its command line.
 * Half the reads of a whole one: no status, no start time, no record compared as JSON.
 */
export function glanceChanged(
  proc: ProcSource,
  state: ProcessState,
  viewerUid: number,
  users: Map<number, string>,
  withCommand: boolean,
): boolean {
  const before = state.read;
  if (typeof before === 'string' || before.hidden) return true;
  const { read, fds } = scanOne(proc, state.pid, viewerUid, users, 'namespaces');
  if (typeof read === 'string' || read.hidden) return true;
  if (!sameLinks(before, read) || !sameFds(state.fds, fds)) return true;
  if (!withCommand) return false;
  try {
    return (proc.cmdline(state.pid) || before.name) !== before.command;
  } catch {
    return true; // gone: a whole read says so
  }
}

function sameLinks(a: ProcessRecord, b: ProcessRecord): boolean {
  return (
    sameInodes(a.ns, b.ns) &&
    sameInodes(a.forChildren ?? {}, b.forChildren ?? {}) &&
    (a.tasks?.length ?? 0) === (b.tasks?.length ?? 0) &&
    (a.tasks ?? []).every((t, i) => t.tid === b.tasks![i].tid && sameInodes(t.ns, b.tasks![i].ns))
  );
}

function sameInodes(a: Partial<Record<string, number>>, b: Partial<Record<string, number>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => a[k] === b[k]);
}

function sameFds(a: NsFd[], b: NsFd[]): boolean {
  return a.length === b.length && a.every((f, i) => f.fd === b[i].fd && f.ino === b[i].ino && f.type === b[i].type);
}

/** Whether two reads of a process would put the same things into a snapshot. */
export function sameState(a: ProcessState, b: ProcessState): boolean {
  return (
    (a.start === b.start || (Number.isNaN(a.start) && Number.isNaN(b.start))) &&
    JSON.stringify(a.read) === JSON.stringify(b.read) &&
    JSON.stringify(a.fds) === JSON.stringify(b.fds)
  );
}
