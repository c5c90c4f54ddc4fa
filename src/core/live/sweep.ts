/**
 * Which known processes a tick reads again: the young ones every time (a launcher such as
 * unshare, nsenter or runc changes its namespaces in its first moments, under the same
 * PID), and a slice of the others in PID order, so that each is read within `ticks` ticks.
 * New PIDs take places in that order too, ahead of the slice or behind it: a process the
 * slices have not come back to in time (they had more PIDs to pass than they had counted
 * on) is read at its deadline anyway.
 */
import { ProcSource } from '../linux/procfs';
import { ProcessState } from './processState';

/** Clock ticks per second of /proc/PID/stat's start time (USER_HZ, 100 on every Linux ABI). */
const USER_HZ = 100;

export class Sweep {
  /** The PID the last slice ended at. */
  private cursor = 0;
  /** Calls of next() so far. */
  private count = 0;
  /** The call at which each known PID was first seen or last chosen. */
  private readonly readAt = new Map<number, number>();

  constructor(
    private readonly ticks: number,
    private readonly youngMs: number,
  ) {}

  /** KNOWN: every process, read whole at this tick when new. */
  next(known: ReadonlyMap<number, ProcessState>, proc: ProcSource): number[] {
    this.count++;
    const pids = [...known.keys()].sort((a, b) => a - b);
    const chosen = new Set(this.slice(pids));
    for (const pid of this.readAt.keys()) if (!known.has(pid)) this.readAt.delete(pid);
    for (const pid of pids) {
      const at = this.readAt.get(pid);
      if (at !== undefined && this.count - at >= this.ticks) chosen.add(pid);
    }
    for (const pid of pids) if (chosen.has(pid) || !this.readAt.has(pid)) this.readAt.set(pid, this.count);
    if (this.youngMs > 0 && pids.length) {
      const bornAfter = ((proc.uptimeMs() - this.youngMs) / 1000) * USER_HZ;
      for (const [pid, state] of known) if (!(state.start < bornAfter)) chosen.add(pid);
    }
    return [...chosen];
  }

  /** The next ceil(n / ticks) PIDs after the cursor. */
  private slice(pids: number[]): number[] {
    const out = nextTurn(pids, this.cursor, Math.ceil(pids.length / this.ticks));
    if (out.length) this.cursor = out[out.length - 1];
    return out;
  }
}

/** The first SIZE of SORTED after AFTER, wrapping round to the start: a round-robin turn. */
export function nextTurn(sorted: readonly number[], after: number, size: number): number[] {
  const at = Math.max(
    0,
    sorted.findIndex((n) => n > after),
  );
  const out: number[] = [];
  for (let i = 0; i < size && i < sorted.length; i++) out.push(sorted[(at + i) % sorted.length]);
  return out;
}
