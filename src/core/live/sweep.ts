/**
 * Which known processes a tick reads again: the young ones every time (a launcher such as
 * unshare, nsenter or runc changes its namespaces in its first moments, under the same
 * PID), and a slice of the others in PID order, so that each is read within `ticks` ticks.
 */
import { ProcSource } from '../linux/procfs';
import { ProcessState } from './processState';

/** Clock ticks per second of /proc/PID/stat's start time (USER_HZ, 100 on every Linux ABI). */
const USER_HZ = 100;

export class Sweep {
  /** The PID the last slice ended at. */
  private cursor = 0;

  constructor(
    private readonly ticks: number,
    private readonly youngMs: number,
  ) {}

  next(known: ReadonlyMap<number, ProcessState>, proc: ProcSource): number[] {
    const pids = [...known.keys()].sort((a, b) => a - b);
    const chosen = new Set(this.slice(pids));
    if (this.youngMs > 0 && pids.length) {
      const bornAfter = ((proc.uptimeMs() - this.youngMs) / 1000) * USER_HZ;
      for (const [pid, state] of known) if (!(state.start < bornAfter)) chosen.add(pid);
    }
    return [...chosen];
  }

  /** The next ceil(n / ticks) PIDs after the cursor, wrapping round. */
  private slice(pids: number[]): number[] {
    if (!pids.length) return [];
    const size = Math.ceil(pids.length / this.ticks);
    let at = pids.findIndex((pid) => pid > this.cursor);
    if (at < 0) at = 0;
    const out: number[] = [];
    for (let i = 0; i < size; i++) out.push(pids[(at + i) % pids.length]);
    this.cursor = out[out.length - 1];
    return out;
  }
}
