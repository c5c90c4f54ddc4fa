/**
 * Which namespaces a terminal made: those of the processes below the terminal's own
 * process that differ from that process's. No vscode here, so it is unit-tested.
 */
import { ProcessRecord, Snapshot } from '../core/snapshot';

export function namespacesBelow(snapshot: Snapshot, rootPid: number): Set<number> {
  const children = new Map<number, ProcessRecord[]>();
  for (const p of snapshot.processes) {
    const siblings = children.get(p.ppid);
    if (siblings) siblings.push(p);
    else children.set(p.ppid, [p]);
  }
  const own = snapshot.processes.find((p) => p.pid === rootPid)?.ns ?? {};
  const found = new Set<number>();
  const queue = [...(children.get(rootPid) ?? [])];
  for (let p = queue.shift(); p; p = queue.shift()) {
    for (const [type, ino] of Object.entries(p.ns)) {
      if (ino !== own[type as keyof typeof own]) found.add(ino);
    }
    queue.push(...(children.get(p.pid) ?? []));
  }
  return found;
}
