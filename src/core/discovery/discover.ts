/**
 * Discovery: one pass over /proc that finds every namespace the caller can see and what
 * keeps each alive (member processes, threads, open fds, bind mounts), then the kernel's
 * hierarchy above them (parents, owners, and ghosts known only through it).
 */
import { CgroupPaths } from './labels';
import { HierarchyProbe } from '../linux/nsfs';
import { ProcSource } from '../linux/procfs';
import { ScanDetail, scanAll } from './scan';
import { PARALLEL_MIN_PIDS, ScanHelper } from './scanHelper';
import { assemble } from './assemble';
import { Snapshot } from '../model/snapshot';

export { initialInodes } from './assemble';

export interface DiscoverOptions {
  proc?: ProcSource;
  /** How to learn parents and owners; default the kernel through koffi, null for none. */
  probe?: HierarchyProbe | null;
  /** Whose view this is. Other users' processes are counted as hidden without trying to read them. */
  viewerUid?: number;
  /** The user an elevated scan runs for (PKEXEC_UID). */
  requestedBy?: number;
  /**
   * `full` (default): every process record is complete. `namespaces`: only the senior
   * process of each namespace gets its status and command line read (what `nsx list`
   * shows); the other records carry PID, owner and namespaces.
   */
  detail?: ScanDetail;
  /** Cgroup paths already read, or to be read once for whoever asks next (the naming of containers). */
  cgroups?: CgroupPaths;
  /** Share a scan of many processes with a second thread (scanHelper.ts); for one-off commands. */
  parallel?: boolean;
}

/** /proc itself cannot be read: not Linux, or no procfs mounted. */
export class DiscoveryError extends Error {
  override name = 'DiscoveryError';
}

export function discover(options: DiscoverOptions = {}): Snapshot {
  const started = performance.now();
  const proc = options.proc ?? new ProcSource();
  const viewerUid = options.viewerUid ?? process.geteuid?.() ?? 0;
  const detail = options.detail ?? 'full';
  const users = proc.users();
  const pids = listPids(proc);
  const helper = options.parallel && pids.length >= PARALLEL_MIN_PIDS ? ScanHelper.start() : undefined;
  const scanned = scanAll(proc, users, pids, viewerUid, detail, helper);
  return assemble(scanned, {
    proc,
    users,
    viewerUid,
    detail,
    cgroups: options.cgroups ?? new CgroupPaths(proc),
    started,
    ...(options.probe !== undefined ? { probe: options.probe } : {}),
    ...(options.requestedBy !== undefined ? { requestedBy: options.requestedBy } : {}),
  });
}

/** Every PID under /proc, or a DiscoveryError that says why there is none. */
export function listPids(proc: ProcSource): number[] {
  try {
    return proc.listPids();
  } catch (err) {
    throw new DiscoveryError(`cannot read ${proc.procRoot}: ${errorText(err)} (is this Linux with procfs mounted?)`);
  }
}

function errorText(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? String(err);
}
