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

/** Whether two reads of a process would put the same things into a snapshot. */
export function sameState(a: ProcessState, b: ProcessState): boolean {
  return (
    (a.start === b.start || (Number.isNaN(a.start) && Number.isNaN(b.start))) &&
    JSON.stringify(a.read) === JSON.stringify(b.read) &&
    JSON.stringify(a.fds) === JSON.stringify(b.fds)
  );
}
