/**
 * Mounts of a mount namespace that are peers of the initial mount namespace's: `shared:N`
 * in both tables. Such a mount sends what is mounted under it to the host and receives the
 * host's. (A slave, `master:N`, only receives: that is what a slave is for, and no finding.)
 */
import type { ProcSource } from '../linux/procfs';
import { parseMountinfo } from '../mounts/mountinfo';
import type { MountFacts, SharedMount } from './facts';

/** The peer groups of a mount table: N of every `shared:N`. */
export function peerGroups(mountinfo: string): Set<number> {
  const groups = new Set<number>();
  for (const m of parseMountinfo(mountinfo).mounts) {
    const g = sharedGroup(m.optionalFields);
    if (g !== undefined) groups.add(g);
  }
  return groups;
}

export function sharedWith(mountinfo: string, hostGroups: ReadonlySet<number>): SharedMount[] {
  const shared: SharedMount[] = [];
  for (const m of parseMountinfo(mountinfo).mounts) {
    const group = sharedGroup(m.optionalFields);
    if (group !== undefined && hostGroups.has(group)) shared.push({ target: m.target, group });
  }
  return shared;
}

function sharedGroup(fields: readonly string[]): number | undefined {
  const f = fields.find((o) => o.startsWith('shared:'));
  return f ? Number(f.slice('shared:'.length)) : undefined;
}

export function readMountFacts(
  proc: ProcSource,
  pid: number,
  ino: number,
  hostGroups: ReadonlySet<number>,
): MountFacts | undefined {
  try {
    if (proc.nsInode(pid, 'mnt') !== ino) return undefined;
    return { shared: sharedWith(proc.mountinfo(pid), hostGroups) };
  } catch {
    return undefined;
  }
}
