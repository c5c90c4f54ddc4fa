/**
 * How mount events travel between mounts, across every mount namespace we could read.
 *
 * Peer group ids (`shared:N`) and mount ids are global, so mounts of different namespaces
 * meet in the same groups. A mount made under a shared mount appears under every peer of
 * it, and under every slave of that group (`master:N`); a slave that is itself shared
 * passes it on to its own peers and slaves. A copy lands only where the directory is
 * inside the receiving mount's root (a bind mount of a subdirectory sees only that).
 */
import * as posix from 'node:path/posix';
import { MountinfoError } from './mountinfo';
import { Cover, MountRecord } from './mountTable';

export interface MountTable {
  /** The mount namespace's inode, when it could be read. */
  ns: number | null;
  label: string | null;
  /** How it was read: `/proc/1234/mountinfo`, or the nsfs file entered. */
  via: string;
  /** The process (or thread) whose mountinfo was read, when one was: what a watch of the table opens. */
  pid?: number;
  mounts: MountRecord[];
  /** Lines of mountinfo that could not be parsed, skipped. */
  errors: MountinfoError[];
}

export interface UnreadableTable {
  ns: number;
  label: string | null;
  reason: string;
}

/** Every mount namespace we looked at: those read and those that could not be. */
export interface MountSet {
  tables: MountTable[];
  unreadable: UnreadableTable[];
}

/** A place in some namespace where a mount would appear, or be made, and why. */
export interface Placement {
  ns: number | null;
  label: string | null;
  /** The mount that the path lies in there. */
  mount: Pick<MountRecord, 'id' | 'target' | 'root' | 'propagation' | 'peer' | 'master'>;
  path: string;
  /** In words: `peer group 5`, `slave of peer group 5`, `peer group 9, a slave of 5`. */
  via: string;
  /** The mount there is covered, or the path is: the new mount would be out of reach there. */
  coveredBy?: { id: number; target: string };
}

export interface PropagationAnswer {
  ns: number | null;
  label: string | null;
  path: string;
  /** The mount the path lies in; a mount made at the path becomes its child. */
  mount: MountRecord;
  /** The path inside that mount's filesystem. */
  fsPath: string;
  /** Where a mount made at the path would also appear. */
  sendsTo: Placement[];
  /** Where a mount would have to be made to appear here at the path. */
  receivesFrom: Placement[];
  /** The answer in plain sentences. */
  explanation: string[];
  /** Namespaces that were not read, so the answer may miss them. */
  unread: UnreadableTable[];
}

export class PropagationError extends Error {}

export interface Located {
  table: MountTable;
  mount: MountRecord;
}

/** The groups of every mount in the set, indexed once. */
export class PropagationIndex {
  private readonly peers = new Map<number, Located[]>();
  private readonly slaves = new Map<number, Located[]>();

  constructor(readonly set: MountSet) {
    for (const table of set.tables) {
      for (const mount of table.mounts) {
        if (mount.peer !== null) push(this.peers, mount.peer, { table, mount });
        if (mount.master !== null) push(this.slaves, mount.master, { table, mount });
      }
    }
  }

  /** Members of peer group N, in every namespace. */
  peersOf(group: number): readonly Located[] {
    return this.peers.get(group) ?? [];
  }

  /** Mounts that are slaves of peer group N. */
  slavesOf(group: number): readonly Located[] {
    return this.slaves.get(group) ?? [];
  }

  /**
   * Where a mount made at PATH in TABLE would appear, and where mounts made would appear
   * there; PATH is taken as written (symbolic links are not followed).
   */
  answer(table: MountTable, path: string): PropagationAnswer {
    const normal = normalisePath(path);
    const mount = mountAt(table.mounts, normal);
    if (!mount) throw new PropagationError(`no mount in this namespace contains ${normal}`);
    return this.answerFor(table, mount, normal);
  }

  /** The same for a given mount of TABLE (also a hidden one); PATH defaults to its target. */
  answerFor(table: MountTable, mount: MountRecord, path = mount.target): PropagationAnswer {
    const fsPath = posix.join(mount.root, relativeTo(path, mount.target) ?? '');
    const answer: PropagationAnswer = {
      ns: table.ns,
      label: table.label,
      path,
      mount,
      fsPath,
      sendsTo: this.spread(mount, fsPath),
      receivesFrom: this.sources(mount, fsPath),
      explanation: [],
      unread: this.set.unreadable,
    };
    answer.explanation = explain(answer);
    return answer;
  }

  /** A mount's direct relations: the other members of its peer group, its master group, its slaves. */
  relations(mount: MountRecord): { peers: Located[]; masters: Located[]; slaves: Located[] } {
    return {
      peers: mount.peer === null ? [] : this.peersOf(mount.peer).filter((l) => l.mount.id !== mount.id),
      masters: mount.master === null ? [] : [...this.peersOf(mount.master)],
      slaves: mount.peer === null ? [] : [...this.slavesOf(mount.peer)],
    };
  }

  /**
   * Forwards from peer group GROUP: the groups a mount event there reaches, GROUP first,
   * each with the group it is a slave of (null for GROUP).
   */
  downstream(group: number): { group: number; from: number | null }[] {
    const reached: { group: number; from: number | null }[] = [{ group, from: null }];
    const seen = new Set([group]);
    for (let i = 0; i < reached.length; i++) {
      for (const slave of this.slavesOf(reached[i]!.group)) {
        const next = slave.mount.peer;
        if (next !== null && !seen.has(next)) {
          seen.add(next);
          reached.push({ group: next, from: reached[i]!.group });
        }
      }
    }
    return reached;
  }

  /** Backwards from MOUNT: the master groups whose mount events reach it, nearest first. */
  upstream(mount: MountRecord): number[] {
    const reached: number[] = [];
    const seen = new Set<number>(mount.peer !== null ? [mount.peer] : []);
    const mastersOf = (members: readonly MountRecord[]) => {
      for (const m of members) {
        if (m.master !== null && !seen.has(m.master)) {
          seen.add(m.master);
          reached.push(m.master);
        }
      }
    };
    // A master of any peer sends to the whole group.
    mastersOf(mount.peer !== null ? this.peersOf(mount.peer).map((l) => l.mount) : [mount]);
    for (let i = 0; i < reached.length; i++) mastersOf(this.peersOf(reached[i]!).map((l) => l.mount));
    return reached;
  }

  /** Forward: the peers of the mount, the slaves of each group reached, their peers, … */
  private spread(from: MountRecord, fsPath: string): Placement[] {
    if (from.peer === null) return [];
    const placed = new Map<number, Placement>();
    for (const { group, from: master } of this.downstream(from.peer)) {
      const via = master === null ? `peer group ${group}` : `peer group ${group}, a slave of ${master}`;
      for (const member of this.peersOf(group)) this.place(placed, member, fsPath, from, via);
      for (const slave of this.slavesOf(group)) this.place(placed, slave, fsPath, from, `slave of peer group ${group}`);
    }
    return [...placed.values()];
  }

  /** Backward: the mount's peers, its master group, that group's members' masters, … */
  private sources(to: MountRecord, fsPath: string): Placement[] {
    const placed = new Map<number, Placement>();
    if (to.peer !== null)
      for (const member of this.peersOf(to.peer)) this.place(placed, member, fsPath, to, `peer group ${to.peer}`);
    for (const group of this.upstream(to)) {
      for (const member of this.peersOf(group)) this.place(placed, member, fsPath, to, `master: peer group ${group}`);
    }
    return [...placed.values()];
  }

  private place(placed: Map<number, Placement>, at: Located, fsPath: string, self: MountRecord, via: string): void {
    const { mount, table } = at;
    if (mount.id === self.id || placed.has(mount.id)) return;
    const inside = relativeTo(fsPath, mount.root);
    if (inside === null) return; // the directory is outside what this mount shows
    const path = posix.join(mount.target, inside);
    const placement: Placement = {
      ns: table.ns,
      label: table.label,
      mount: {
        id: mount.id,
        target: mount.target,
        root: mount.root,
        propagation: mount.propagation,
        peer: mount.peer,
        master: mount.master,
      },
      path,
      via,
    };
    const reached = mountAt(table.mounts, path);
    const cover = mount.hidden
      ? coverOf(table.mounts, mount)
      : reached && reached.id !== mount.id
        ? reached
        : undefined;
    if (cover) placement.coveredBy = { id: cover.id, target: cover.target };
    placed.set(mount.id, placement);
  }
}

/**
 * The mount that makes a hidden mount unreachable. `hiddenBy` of a mount that merely sits
 * in a hidden mount names that container, which covers nothing: follow it to the real cover.
 */
function coverOf(mounts: readonly MountRecord[], mount: MountRecord): Cover | undefined {
  let m = mount;
  // Bounded, so a hand-made table with a cycle cannot loop.
  for (let hops = 0; m.hiddenBy?.how === 'in a hidden mount' && hops < mounts.length; hops++) {
    const container = mounts.find((c) => c.id === m.hiddenBy!.id);
    if (!container?.hiddenBy) break;
    m = container;
  }
  return m.hiddenBy;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export function normalisePath(path: string): string {
  if (!path.startsWith('/')) throw new PropagationError(`'${path}' is not an absolute path`);
  const normal = posix.normalize(path);
  return normal.length > 1 && normal.endsWith('/') ? normal.slice(0, -1) : normal;
}

/** PATH below DIR, without the leading slash; '' for DIR itself; null when outside. */
function relativeTo(path: string, dir: string): string | null {
  if (path === dir) return '';
  if (dir === '/') return path.startsWith('/') ? path.slice(1) : null;
  return path.startsWith(dir + '/') ? path.slice(dir.length + 1) : null;
}

/** The reachable mount that PATH resolves into: the deepest visible mount containing it. */
export function mountAt(mounts: readonly MountRecord[], path: string): MountRecord | undefined {
  let best: MountRecord | undefined;
  for (const m of mounts) {
    if (m.hidden || relativeTo(path, m.target) === null) continue;
    // The later of two on one target is on top; a deeper target is nearer.
    if (!best || m.target.length >= best.target.length) best = m;
  }
  return best;
}

export function namespaceName(ns: number | null, label: string | null): string {
  // Without its inode (another user's process), a namespace is named by who is in it.
  if (ns === null) return label ? `the mount namespace of ${label}` : 'mount namespace (inode unknown)';
  return label ? `mnt ${ns} (${label})` : `mnt ${ns}`;
}

function placementLine(p: Placement): string {
  const covered = p.coveredBy ? ` (out of reach there: covered by ${p.coveredBy.target}, mount ${p.coveredBy.id})` : '';
  return `${namespaceName(p.ns, p.label)} at ${p.path}, mount ${p.mount.id}: ${p.via}${covered}`;
}

function explain(a: PropagationAnswer): string[] {
  const m = a.mount;
  const lines: string[] = [];
  const where = `${a.path} in ${namespaceName(a.ns, a.label)}`;
  const kind = describePropagation(m);
  lines.push(`${where} lies in mount ${m.id} at ${m.target} (${m.fstype} ${m.source}), which is ${kind}.`);
  if (a.sendsTo.length) {
    lines.push(`A mount made at ${a.path} would also appear in:`);
    for (const p of a.sendsTo) lines.push(`  ${placementLine(p)}`);
  } else {
    lines.push(`A mount made at ${a.path} would appear nowhere else: ${sendsNothing(m)}.`);
  }
  if (a.receivesFrom.length) {
    lines.push(`It would receive mounts made at:`);
    for (const p of a.receivesFrom) lines.push(`  ${placementLine(p)}`);
  } else {
    lines.push(`No mount made elsewhere would appear here: ${receivesNothing(m)}.`);
  }
  if (a.unread.length) {
    lines.push(
      `Not counted: ${a.unread.length} mount namespace${a.unread.length === 1 ? '' : 's'} could not be read ` +
        `(${[...new Set(a.unread.map((u) => u.reason))].join('; ')}).`,
    );
  }
  return lines;
}

export function describePropagation(m: Pick<MountRecord, 'propagation' | 'peer' | 'master'>): string {
  switch (m.propagation) {
    case 'shared':
      return `shared (peer group ${m.peer})`;
    case 'shared,slave':
      return `shared (peer group ${m.peer}) and a slave of peer group ${m.master}`;
    case 'slave':
      return `a slave of peer group ${m.master}`;
    case 'unbindable':
      return 'unbindable (private, and cannot be bind-mounted)';
    case 'private':
      return 'private';
  }
}

function sendsNothing(m: MountRecord): string {
  switch (m.propagation) {
    case 'slave':
      return `mount ${m.id} is a slave: it receives from peer group ${m.master} and sends nothing back`;
    case 'private':
    case 'unbindable':
      return `mount ${m.id} is ${m.propagation}`;
    default:
      return `peer group ${m.peer} has no other member and no slave here that shows ${m.target}`;
  }
}

function receivesNothing(m: MountRecord): string {
  switch (m.propagation) {
    case 'private':
    case 'unbindable':
      return `mount ${m.id} is ${m.propagation}`;
    default:
      return `no other mount that was read is in its peer group or master group`;
  }
}
