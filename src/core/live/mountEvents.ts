/**
 * Mounts added, removed or changing propagation in the mount namespaces being watched
 * (`nsx watch --mounts`). A namespace's table is read when it is first seen, silently (a
 * new mount namespace starts as a copy of its parent's: the namespace's own event says
 * it), and again when its watch says it changed. The kernel tells of no propagation
 * change (`mount --make-shared`; on 6.18 neither poll nor fanotify does), so every table is
 * also read again in turn, each at least once in `sweepTicks` calls.
 */
import { ProcSource } from '../linux/procfs';
import { tableOfPid } from '../mounts/mountNamespaces';
import { MountPropagation, MountRecord } from '../mounts/mountTable';
import { Snapshot } from '../model/snapshot';
import { nextTurn } from './sweep';

interface MountRef {
  /** The mount namespace. */
  mntns: number;
  label: string | null;
  id: number;
  target: string;
}

export type MountEvent =
  | ({
      event: 'mount-added' | 'mount-removed';
      fstype: string;
      source: string;
      propagation: MountPropagation;
    } & MountRef)
  | ({ event: 'propagation-changed'; from: MountPropagation; to: MountPropagation } & MountRef);

export class MountTables {
  private readonly tables = new Map<number, Map<number, MountRecord>>();
  /** The namespace the last turn of the sweep ended at. */
  private cursor = 0;

  constructor(
    private readonly proc: ProcSource,
    private readonly sweepTicks = 10,
  ) {}

  /**
   * Reads again the tables of CHANGED (every table when undefined), and this call's turn
   * of the others, among the mount namespaces SNAPSHOT has members in; and reads those
   * seen for the first time.
   */
  update(snapshot: Snapshot, changed?: ReadonlySet<number>): MountEvent[] {
    const events: MountEvent[] = [];
    const present = new Set<number>();
    const mounts = snapshot.namespaces.filter((n) => n.type === 'mnt' && n.pid !== null);
    const turn = this.turn(mounts.map((n) => n.ns));
    for (const n of mounts) {
      present.add(n.ns);
      const before = this.tables.get(n.ns);
      if (before && changed && !changed.has(n.ns) && !turn.has(n.ns)) continue;
      const after = this.read(n.pid!);
      if (!after) continue; // its process exited: the next snapshot says what became of it
      this.tables.set(n.ns, after);
      if (before) events.push(...tableEvents({ mntns: n.ns, label: n.label }, before, after));
    }
    for (const ns of this.tables.keys()) if (!present.has(ns)) this.tables.delete(ns);
    return events;
  }

  /** The next ceil(n / sweepTicks) namespaces after the cursor (INOS in ascending order). */
  private turn(inos: number[]): Set<number> {
    const chosen = nextTurn(inos, this.cursor, Math.ceil(inos.length / this.sweepTicks));
    if (chosen.length) this.cursor = chosen[chosen.length - 1];
    return new Set(chosen);
  }

  private read(pid: number): Map<number, MountRecord> | undefined {
    try {
      return new Map(tableOfPid(pid, this.proc).mounts.map((m) => [m.id, m]));
    } catch {
      return undefined;
    }
  }
}

/** What differs between two reads of one table, mount by mount id. */
export function tableEvents(
  where: { mntns: number; label: string | null },
  before: ReadonlyMap<number, MountRecord>,
  after: ReadonlyMap<number, MountRecord>,
): MountEvent[] {
  const events: MountEvent[] = [];
  const ref = (m: MountRecord) => ({ ...where, id: m.id, target: m.target });
  const whole = (m: MountRecord) => ({ ...ref(m), fstype: m.fstype, source: m.source, propagation: m.propagation });
  for (const [id, m] of after) {
    const old = before.get(id);
    if (!old) events.push({ event: 'mount-added', ...whole(m) });
    else if (old.propagation !== m.propagation)
      events.push({ event: 'propagation-changed', ...ref(m), from: old.propagation, to: m.propagation });
  }
  for (const [id, m] of before) if (!after.has(id)) events.push({ event: 'mount-removed', ...whole(m) });
  return events;
}
