/**
 * Which namespaces a terminal made: those of the processes below the terminal's own
 * process that differ from that process's. No vscode here, so it is unit-tested.
 */
import { ProcessRecord, Snapshot } from '../../core/model/snapshot';

export interface Below {
  namespaces: Set<number>;
  /** Some of those processes could not be read: they run as another user (root, through polkit). */
  hidden: boolean;
}

export function namespacesBelow(snapshot: Snapshot, rootPid: number): Below {
  const children = new Map<number, ProcessRecord[]>();
  for (const p of snapshot.processes) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  const own = snapshot.processes.find((p) => p.pid === rootPid)?.ns ?? {};
  const below: Below = { namespaces: new Set(), hidden: false };
  const queue = [...(children.get(rootPid) ?? [])];
  for (let i = 0; i < queue.length; i++) {
    const p = queue[i]!;
    if (p.hidden === 'EACCES') below.hidden = true;
    for (const [type, ino] of Object.entries(p.ns)) {
      if (ino !== own[type as keyof typeof own]) below.namespaces.add(ino);
    }
    queue.push(...(children.get(p.pid) ?? []));
  }
  return below;
}
