/**
 * A time namespace: the offsets of its monotonic and boot-time clocks. Everyone can read
 * /proc/PID/timens_offsets, which shows the process's time_for_children namespace, so they
 * are read from a process that is in the namespace and puts its children there too, or
 * that only puts its children there. A thread cannot enter a time namespace (the kernel
 * lets only single-threaded processes do it: EUSERS), so there is no other way in.
 */
import { NamespaceRecord } from '../model/snapshot';
import { baseOf, DetailsContext, fromFirstProcess } from './context';
import { ClockOffset, TimeDetails } from './types';

/** The clocks of /proc/PID/timens_offsets, by name or by clock id as written there. */
const CLOCKS: Record<string, 'monotonic' | 'boottime'> = {
  monotonic: 'monotonic',
  '1': 'monotonic',
  boottime: 'boottime',
  '7': 'boottime',
};

/** "monotonic 3600 0" / "boottime 7200 0": seconds and nanoseconds per clock. */
export function parseTimensOffsets(text: string): { monotonic: ClockOffset; boottime: ClockOffset } {
  const out: Partial<Record<'monotonic' | 'boottime', ClockOffset>> = {};
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const f = line.trim().split(/\s+/);
    const clock = CLOCKS[f[0]!];
    if (f.length !== 3 || !clock || !/^-?\d+$/.test(f[1]!) || !/^\d+$/.test(f[2]!))
      throw new Error(`unexpected timens_offsets line '${line.trim().slice(0, 80)}'`);
    const seconds = Number(f[1]);
    const nanoseconds = Number(f[2]);
    if (!Number.isSafeInteger(seconds) || nanoseconds > 999_999_999)
      throw new Error(`timens_offsets: offset out of range in '${line.trim()}'`);
    if (out[clock]) throw new Error(`timens_offsets names ${clock} twice`);
    out[clock] = { seconds, nanoseconds };
  }
  if (!out.monotonic || !out.boottime) throw new Error('timens_offsets lacks the monotonic or boottime offset');
  return { monotonic: out.monotonic, boottime: out.boottime };
}

export async function readTime(ns: NamespaceRecord, ctx: DetailsContext): Promise<TimeDetails> {
  const details: TimeDetails = { ...baseOf(ns, ctx), type: 'time' };
  const what = 'the monotonic and boottime offsets';
  const from = ctx.snapshot.processes
    .filter((p) => !p.hidden && (p.forChildren?.time ?? p.ns.time) === ns.ns)
    .map((p) => p.pid);
  const got = fromFirstProcess(from, (pid) => ctx.proc.pidFile(pid, 'timens_offsets'));
  if ('value' in got) {
    const file = `/proc/${got.pid}/timens_offsets`;
    try {
      Object.assign(details, parseTimensOffsets(got.value));
      details.via = file;
    } catch (err) {
      details.unavailable.push({ what, reason: `${file}: ${(err as Error).message}`, needsRoot: false });
    }
    return details;
  }
  const reason =
    got.error !== null
      ? `the processes to read them from exited (${got.error})`
      : 'no visible process is in it (or puts its children in it) to read them from, and a thread cannot ' +
        'enter a time namespace';
  // Root sees every process: one hidden from a user may be in it.
  details.unavailable.push({ what, reason, needsRoot: !ctx.threads && ctx.snapshot.hidden.total > 0 });
  return details;
}
