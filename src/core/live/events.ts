/**
 * What changed between two snapshots, as events a person can follow: namespaces that
 * appeared or went away, processes that entered or left a namespace, and holders (bind
 * mounts, fds, threads, a parent's namespace for its children) that came or went.
 *
 * A process counts as entering a namespace when it starts in one its parent is not in
 * (`unshare`, `nsenter`, `docker exec`), or moves into it under the same PID; a child
 * that only inherits its parent's namespaces is no news, nor is one in the initial
 * namespaces whose parent cannot be read. Leaving is the same in reverse.
 */
import { initialInodes } from '../discovery/assemble';
import { Holder, NamespaceRecord, NsType, NS_TYPES, ProcessRecord, Snapshot } from '../model/snapshot';

interface NsRef {
  ns: number;
  type: NsType;
  label: string | null;
}

export type LiveEvent =
  | ({ event: 'namespace-appeared'; heldBy: string } & NsRef)
  | ({ event: 'namespace-gone' } & NsRef)
  | ({ event: 'process-entered' | 'process-left'; pid: number; command: string } & NsRef)
  | ({ event: 'holder-added' | 'holder-removed'; holder: Holder; what: string } & NsRef);

export function snapshotEvents(before: Snapshot, after: Snapshot, types: readonly NsType[] = NS_TYPES): LiveEvent[] {
  const wanted = new Set(types);
  const was = new Map(before.namespaces.map((n) => [n.ns, n]));
  const now = new Map(after.namespaces.map((n) => [n.ns, n]));
  const events: LiveEvent[] = [];
  for (const n of after.namespaces) {
    if (!was.has(n.ns) && wanted.has(n.type))
      events.push({ event: 'namespace-appeared', ...ref(n), heldBy: heldBy(n, after) });
  }
  events.push(...membershipEvents(before, after, was, now, wanted));
  for (const n of after.namespaces) {
    const old = was.get(n.ns);
    if (old && wanted.has(n.type)) events.push(...holderEvents(old, n, after));
  }
  for (const n of before.namespaces) {
    if (!now.has(n.ns) && wanted.has(n.type)) events.push({ event: 'namespace-gone', ...ref(n) });
  }
  return events;
}

function ref(n: NamespaceRecord): NsRef {
  return { ns: n.ns, type: n.type, label: n.label };
}

/** Processes that entered or left namespaces: new ones, gone ones, and ones that moved. */
function membershipEvents(
  before: Snapshot,
  after: Snapshot,
  was: Map<number, NamespaceRecord>,
  now: Map<number, NamespaceRecord>,
  wanted: Set<NsType>,
): LiveEvent[] {
  const oldProcs = new Map(before.processes.map((p) => [p.pid, p]));
  const newProcs = new Map(after.processes.map((p) => [p.pid, p]));
  const inherited = inheritance(oldProcs, newProcs);
  const events: LiveEvent[] = [];
  const move = (event: 'process-entered' | 'process-left', p: ProcessRecord, type: NsType, ns: number) => {
    const n = (event === 'process-entered' ? now : was).get(ns) ?? (event === 'process-entered' ? was : now).get(ns);
    events.push({ event, pid: p.pid, command: p.command, ns, type, label: n?.label ?? null });
  };
  for (const p of after.processes) {
    const old = oldProcs.get(p.pid);
    const same = old && sameProcess(old, p);
    for (const type of NS_TYPES) {
      if (!wanted.has(type)) continue;
      const ino = p.ns[type];
      if (same) {
        if (old.ns[type] === ino) continue;
        if (old.ns[type] !== undefined) move('process-left', old, type, old.ns[type]);
        if (ino !== undefined) move('process-entered', p, type, ino);
      } else if (ino !== undefined && !inherited(newProcs, p, type)) move('process-entered', p, type, ino);
    }
  }
  for (const p of before.processes) {
    const still = newProcs.get(p.pid);
    if (still && sameProcess(p, still)) continue;
    for (const type of NS_TYPES) {
      const ino = p.ns[type];
      if (wanted.has(type) && ino !== undefined && !inherited(oldProcs, p, type)) move('process-left', p, type, ino);
    }
  }
  return events;
}

/** Whether a process's namespace of TYPE is no news: its parent's, or an initial one when its parent cannot be read. */
function inheritance(oldProcs: Map<number, ProcessRecord>, newProcs: Map<number, ProcessRecord>) {
  const initial = new Set([...initialInodes(oldProcs.get(2)), ...initialInodes(newProcs.get(2))]);
  return (procs: Map<number, ProcessRecord>, p: ProcessRecord, type: NsType): boolean => {
    const ino = p.ns[type]!;
    const parents = procs.get(p.ppid)?.ns[type];
    return parents === undefined ? initial.has(ino) : parents === ino;
  };
}

/**
 * The same process in both snapshots: a PID reused by another process between them would
 * have another command or parent, or both (start times are not in a snapshot).
 */
function sameProcess(a: ProcessRecord, b: ProcessRecord): boolean {
  return a.ppid === b.ppid || a.command === b.command;
}

/** Holders other than member processes, by what identifies them. */
function holderKey(h: Holder): string | null {
  switch (h.kind) {
    case 'process':
      return h.path === undefined ? null : `children:${h.pid}:${h.path}`;
    case 'task':
      return `task:${h.pid}:${h.tid}`;
    case 'fd':
      return `fd:${h.pid}:${h.fd}`;
    case 'bindmount':
      return `bindmount:${h.mntns}:${h.path}`;
  }
}

function holderEvents(before: NamespaceRecord, after: NamespaceRecord, snapshot: Snapshot): LiveEvent[] {
  const keyed = (n: NamespaceRecord) =>
    new Map(n.holders.flatMap((h) => (holderKey(h) === null ? [] : [[holderKey(h)!, h] as const])));
  const old = keyed(before);
  const now = keyed(after);
  const events: LiveEvent[] = [];
  for (const [key, h] of now)
    if (!old.has(key)) events.push({ event: 'holder-added', ...ref(after), holder: h, what: holderText(h, snapshot) });
  for (const [key, h] of old)
    if (!now.has(key))
      events.push({ event: 'holder-removed', ...ref(after), holder: h, what: holderText(h, snapshot) });
  return events;
}

/** One holder in words: `bind mount /run/netns/blue`, `fd 3 of python3 (4242)`. */
export function holderText(h: Holder, snapshot: Snapshot): string {
  const p = snapshot.processes.find((q) => q.pid === h.pid);
  const who = p ? `${p.name || p.command} (${h.pid})` : `PID ${h.pid}`;
  switch (h.kind) {
    case 'bindmount':
      return `bind mount ${h.path}`;
    case 'fd':
      return `fd ${h.fd} of ${who}`;
    case 'task':
      return `thread ${h.tid} of ${who}`;
    case 'process':
      return h.path === undefined ? who : `children of ${who}`;
  }
}

/** What keeps a namespace alive, in a few words: `2 processes (sleep 4242, …)`, or its other holders. */
export function heldBy(n: NamespaceRecord, snapshot: Snapshot): string {
  if (n.ghost) return 'only its descendants (a ghost)';
  if (n.nprocs > 0) {
    const first = n.command ? `${n.command} (${n.pid})` : `PID ${n.pid}`;
    return n.nprocs === 1 ? `process ${first}` : `${n.nprocs} processes, first ${first}`;
  }
  const others = n.holders.filter((h) => holderKey(h) !== null).map((h) => holderText(h, snapshot));
  return [...new Set(others)].join(', ') || 'nothing seen';
}
