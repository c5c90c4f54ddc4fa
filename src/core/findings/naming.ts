/**
 * How a finding names a namespace and a process, in the words the tree and nsx watch use:
 * the label (a container's name, an `ip netns` name, the program it runs), else type and inode.
 */
import type { NamespaceRecord, ProcessRecord, Snapshot } from '../model/snapshot';

export function namespaceWords(n: Pick<NamespaceRecord, 'type' | 'ns' | 'label'>): string {
  if (n.label === 'host') return `the host's ${n.type} namespace`;
  return n.label && n.label !== String(n.ns) ? `${n.type} ${n.ns} "${n.label}"` : `${n.type} ${n.ns}`;
}

/** `sleep (4242)`, or `PID 4242` when the process is not in the snapshot. */
export function processWords(pid: number, snapshot: Snapshot): string {
  const p = processOf(snapshot, pid);
  return p ? `${p.name || p.command.split(' ')[0] || 'PID'} (${pid})` : `PID ${pid}`;
}

export function processOf(snapshot: Snapshot, pid: number): ProcessRecord | undefined {
  // Processes come sorted by PID from discovery; a hand-built snapshot may not be.
  const list = snapshot.processes;
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const p = list[mid]!;
    if (p.pid === pid) return p;
    if (p.pid < pid) lo = mid + 1;
    else hi = mid - 1;
  }
  return list.find((p) => p.pid === pid);
}

export function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A value for a shell command line: quoted unless plainly safe. */
export function shellWord(word: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
