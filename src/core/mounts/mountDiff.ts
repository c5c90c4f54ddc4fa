/** Two mount namespaces side by side: what is mounted where in one and not the other. */
import { MountRecord } from './mountTable';

export interface MountDiff {
  onlyHere: MountRecord[];
  onlyThere: MountRecord[];
  /** The same filesystem at the same path, propagating differently. */
  propagationDiffers: { target: string; here: MountRecord; there: MountRecord }[];
  /** Something else mounted at the same path. */
  mountDiffers: { target: string; here: MountRecord; there: MountRecord }[];
  /** Paths where both have the same filesystem with the same propagation. */
  same: number;
}

/** The mount a person reaches at each path: the visible one, else the last listed. */
function byTarget(mounts: readonly MountRecord[]): Map<string, MountRecord> {
  const map = new Map<string, MountRecord>();
  for (const m of mounts) {
    const other = map.get(m.target);
    if (!other || !m.hidden || other.hidden) map.set(m.target, m);
  }
  return map;
}

function sameFilesystem(a: MountRecord, b: MountRecord): boolean {
  return a.majmin === b.majmin && a.root === b.root && a.fstype === b.fstype;
}

export function compareMounts(here: readonly MountRecord[], there: readonly MountRecord[]): MountDiff {
  const a = byTarget(here);
  const b = byTarget(there);
  const diff: MountDiff = { onlyHere: [], onlyThere: [], propagationDiffers: [], mountDiffers: [], same: 0 };
  for (const [target, m] of a) {
    const other = b.get(target);
    if (!other) diff.onlyHere.push(m);
    else if (!sameFilesystem(m, other)) diff.mountDiffers.push({ target, here: m, there: other });
    else if (m.propagation !== other.propagation) diff.propagationDiffers.push({ target, here: m, there: other });
    else diff.same++;
  }
  for (const [target, m] of b) if (!a.has(target)) diff.onlyThere.push(m);
  return diff;
}
