/**
 * Which PID namespace's procfs a process sees at its /proc. A procfs shows the PID
 * namespace it was mounted in, and in it a process's status shows NSpid from that
 * namespace inwards. So, for a process with NSpid n0 … nk (outermost first), the entry nk
 * under /proc/PID/root/proc is the process itself, seen from its own namespace, exactly
 * when that status says `NSpid: nk` alone and that stat has the process's start time (the
 * start time tells it from another process with the same PID at the same depth, in a
 * sibling namespace). Otherwise the entry nj whose NSpid reads nj … nk is the process seen
 * from depth j: the procfs is that depth's.
 */
import type { ProcSource } from '../linux/procfs';
import { parseStartTime, parseStatus } from '../linux/procfs';
import type { ProcessRecord } from '../model/snapshot';
import type { ProcView } from './facts';

/** The view of process P; undefined when its /proc holds no procfs or cannot be looked into. */
export function readProcView(proc: ProcSource, p: ProcessRecord): ProcView | undefined {
  const pidns = p.ns.pid;
  const mntns = p.ns.mnt;
  if (pidns === undefined || mntns === undefined || p.nspid.length === 0) return undefined;
  const at = (pid: number, file: string) => proc.pidFile(p.pid, `root/proc/${pid}/${file}`);
  const k = p.nspid.length - 1;
  const view = (own: boolean, level: number | null): ProcView => ({ pid: p.pid, pidns, mntns, own, level });
  try {
    const start = proc.startTime(p.pid);
    // Not a procfs (nothing mounted, or another filesystem): nothing to say.
    proc.pidFile(p.pid, 'root/proc/uptime');
    const self = p.nspid[k]!;
    if (sameList(seenNspid(at, self), [self]) && parseStartTime(at(self, 'stat')) === start) return view(true, k);
    let level: number | null = null;
    for (let j = k - 1; j >= 0 && level === null; j--)
      if (sameList(seenNspid(at, p.nspid[j]!), p.nspid.slice(j))) level = j;
    // A process that exited meanwhile took its /proc/PID/root with it: every read failed.
    return proc.startTime(p.pid) === start ? view(false, level) : undefined;
  } catch {
    return undefined;
  }
}

function seenNspid(at: (pid: number, file: string) => string, pid: number): number[] | undefined {
  try {
    return parseStatus(at(pid, 'status')).nspid;
  } catch {
    return undefined;
  }
}

function sameList(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}
