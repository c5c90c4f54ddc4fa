/** Whom root inside a user namespace is outside it, from /proc/PID/uid_map (anyone may read it). */
import type { ProcSource } from '../linux/procfs';
import type { UserFacts } from './facts';

/** uid_map lines are `inside outside count`, relative to the reader's user namespace. */
export function rootOutside(uidMap: string): number | null {
  for (const line of uidMap.split('\n')) {
    const [inside, outside, count] = line.trim().split(/\s+/).map(Number);
    if (inside === undefined || outside === undefined || count === undefined) continue;
    if (!Number.isSafeInteger(inside + outside + count)) continue;
    if (inside <= 0 && 0 < inside + count) return outside - inside;
  }
  return null;
}

export function readUserFacts(proc: ProcSource, pid: number, ino: number): UserFacts | undefined {
  try {
    if (proc.nsInode(pid, 'user') !== ino) return undefined;
    return { rootOutside: rootOutside(proc.pidFile(pid, 'uid_map')) };
  } catch {
    return undefined;
  }
}
