/**
 * One mount namespace's mounts as people read them: propagation decoded from the optional
 * fields, and which mounts are covered by others (lxkns calls this visibility).
 */
import { forest, TreeNode } from '../model/hierarchy';
import { Mount } from './mountinfo';

/** As `findmnt -o PROPAGATION` would say it, without its `private,` prefixes. */
export type MountPropagation = 'shared' | 'private' | 'slave' | 'unbindable' | 'shared,slave';

export interface MountRecord {
  id: number;
  parent: number;
  majmin: string;
  root: string;
  target: string;
  fstype: string;
  source: string;
  options: string;
  superOptions: string;
  propagation: MountPropagation;
  /** Peer group (`shared:N`): mounts that receive each other's mount events. */
  peer: number | null;
  /** Peer group this mount is a slave of (`master:N`): it receives their events, not they its. */
  master: number | null;
  /** `propagate_from:N`: the nearest group it receives from that this namespace can see. */
  propagateFrom: number | null;
  /** Another mount sits on its target, or on a directory above it: its files cannot be reached. */
  hidden: boolean;
  /** Why it is hidden: the mount covering it, or the covered parent it sits in. */
  hiddenBy?: Cover;
}

/**
 * What makes a mount unreachable: a mount on top of it, one over a directory above it, or a hidden mount it sits in.
 */
export interface Cover {
  id: number;
  target: string;
  how: 'on top' | 'above' | 'in a hidden mount';
}

/** Why a mount is hidden, in words: `/dev/shm (mount 30) is mounted on top`. */
export function coverText(m: Pick<MountRecord, 'hiddenBy'>): string {
  if (!m.hiddenBy) return '';
  const by = `${m.hiddenBy.target} (mount ${m.hiddenBy.id})`;
  switch (m.hiddenBy.how) {
    case 'on top':
      return `${by} is mounted on top`;
    case 'above':
      return `${by} is mounted over a directory above it`;
    case 'in a hidden mount':
      return `it is inside ${by}, which is hidden`;
  }
}

function groupId(fields: string[], key: string): number | null {
  const field = fields.find((f) => f.startsWith(key));
  if (field === undefined) return null;
  // Digits only: Number('') is 0, which would make every `shared:` one peer group.
  const digits = field.slice(key.length);
  const n = Number(digits);
  return /^\d+$/.test(digits) && Number.isSafeInteger(n) ? n : null;
}

export function propagationOf(peer: number | null, master: number | null, unbindable: boolean): MountPropagation {
  if (peer !== null) return master !== null ? 'shared,slave' : 'shared';
  if (master !== null) return 'slave';
  return unbindable ? 'unbindable' : 'private';
}

/** `shared:5 master:3`, the way mountinfo and findmnt's OPT-FIELDS write the groups. */
export function groupText(m: Pick<MountRecord, 'peer' | 'master' | 'propagateFrom'>): string {
  const parts: string[] = [];
  if (m.peer !== null) parts.push(`shared:${m.peer}`);
  if (m.master !== null) parts.push(`master:${m.master}`);
  if (m.propagateFrom !== null) parts.push(`propagate_from:${m.propagateFrom}`);
  return parts.join(' ');
}

/**
 * Records in mountinfo order, with `hidden` decided the way the kernel resolves paths:
 * a mount is out of reach when a mount stacked on it has the same target, when a sibling
 * (same parent) is mounted on a directory above its target, or when its parent is itself
 * out of reach. Siblings on the very same target (shadow mounts) are covered by the later.
 */
export function mountRecords(mounts: readonly Mount[]): MountRecord[] {
  const records = mounts.map((m): MountRecord => {
    const peer = groupId(m.optionalFields, 'shared:');
    const master = groupId(m.optionalFields, 'master:');
    return {
      id: m.id,
      parent: m.parent,
      majmin: m.majmin,
      root: m.root,
      target: m.target,
      fstype: m.fstype,
      source: m.source,
      options: m.options,
      superOptions: m.superOptions,
      propagation: propagationOf(peer, master, m.optionalFields.includes('unbindable')),
      peer,
      master,
      propagateFrom: groupId(m.optionalFields, 'propagate_from:'),
      hidden: false,
    };
  });
  const byId = new Map(records.map((r) => [r.id, r]));
  const children = new Map<number, MountRecord[]>();
  for (const r of records) {
    if (r.parent === r.id || !byId.has(r.parent)) continue;
    const list = children.get(r.parent);
    if (list) list.push(r);
    else children.set(r.parent, [r]);
  }

  // A mount's mountpoint is out of reach when a sibling (same parent) sits on the same
  // target after it, or on a directory above it; its root is out of reach when a child
  // is stacked on it (same target as its own).
  const order = new Map(records.map((r, i) => [r.id, i]));
  const pointCover = new Map<MountRecord, Cover>();
  const topCover = new Map<MountRecord, Cover>();
  for (const [parentId, kids] of children) {
    const parent = byId.get(parentId)!;
    // Walking each kid's ancestors is cheaper than comparing all pairs of siblings.
    const onTarget = new Map<string, MountRecord>();
    for (const k of kids) {
      const other = onTarget.get(k.target);
      if (!other || order.get(k.id)! > order.get(other.id)!) onTarget.set(k.target, k);
    }
    for (const k of kids) {
      const top = onTarget.get(k.target)!;
      if (top !== k) {
        pointCover.set(k, { id: top.id, target: top.target, how: 'on top' });
        continue;
      }
      if (k.target === parent.target) {
        topCover.set(parent, { id: k.id, target: k.target, how: 'on top' });
        continue;
      }
      for (let dir = parentDir(k.target); dir !== null && dir !== parent.target; dir = parentDir(dir)) {
        const above = onTarget.get(dir);
        if (above) {
          pointCover.set(k, { id: above.id, target: above.target, how: 'above' });
          break;
        }
      }
    }
  }

  // Walk down from the roots: what sits in a hidden mount is hidden with it, and what is
  // stacked on a mount shares that mount's mountpoint.
  const roots = records.filter((r) => r.parent === r.id || !byId.has(r.parent));
  const stack: { r: MountRecord; pointHiddenBy: Cover | null }[] = roots.map((r) => ({ r, pointHiddenBy: null }));
  while (stack.length) {
    const { r, pointHiddenBy } = stack.pop()!;
    const point = pointHiddenBy ?? pointCover.get(r) ?? null;
    const cover = point ?? topCover.get(r);
    if (cover) r.hiddenBy = cover;
    r.hidden = cover !== undefined;
    const inside: Cover | null = r.hidden ? { id: r.id, target: r.target, how: 'in a hidden mount' } : null;
    for (const c of children.get(r.id) ?? [])
      stack.push({ r: c, pointHiddenBy: c.target === r.target ? point : inside });
  }
  return records;
}

function parentDir(path: string): string | null {
  if (path === '/' || !path.startsWith('/')) return null;
  const cut = path.lastIndexOf('/');
  return cut === 0 ? '/' : path.slice(0, cut);
}

/** Mounts nested under their parents, in mountinfo order: the tree findmnt draws. */
export function mountForest(records: readonly MountRecord[]): TreeNode<MountRecord>[] {
  return forest(
    records,
    (r) => r.id,
    (r) => r.parent,
  );
}
