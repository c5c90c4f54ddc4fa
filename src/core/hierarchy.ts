/**
 * The three ways of nesting a snapshot: by owning user namespace (lsns -T), by parent
 * (PID and user namespaces), and the process tree. Shared by `nsx tree` and the sidebar.
 */
import { NamespaceRecord, ProcessRecord } from './snapshot';

export interface TreeNode<T> {
  item: T;
  children: TreeNode<T>[];
}

/**
 * Builds a forest from `parentOf`. An item whose parent is absent is a root; a cycle
 * (impossible from the kernel, possible from a hand-edited snapshot) is cut where it was entered.
 */
export function forest<T>(items: readonly T[], keyOf: (item: T) => number, parentOf: (item: T) => number | null): TreeNode<T>[] {
  const keys = new Set(items.map(keyOf));
  const childrenOf = new Map<number, T[]>();
  const rootItems: T[] = [];
  for (const item of items) {
    const parent = parentOf(item);
    if (parent === null || parent === keyOf(item) || !keys.has(parent)) rootItems.push(item);
    else {
      const siblings = childrenOf.get(parent);
      if (siblings) siblings.push(item);
      else childrenOf.set(parent, [item]);
    }
  }
  const placed = new Set<number>();
  const grow = (item: T): TreeNode<T> => {
    placed.add(keyOf(item));
    const node: TreeNode<T> = { item, children: [] };
    for (const child of childrenOf.get(keyOf(item)) ?? []) {
      if (!placed.has(keyOf(child))) node.children.push(grow(child));
    }
    return node;
  };
  const roots = rootItems.map(grow);
  for (const item of items) if (!placed.has(keyOf(item))) roots.push(grow(item));
  return roots;
}

/** Every namespace under the user namespace that owns it; user namespaces nest by owner. */
export function ownerForest(namespaces: readonly NamespaceRecord[]): TreeNode<NamespaceRecord>[] {
  return forest(namespaces, (n) => n.ns, (n) => n.ons);
}

/** PID and user namespaces under their parents; the other types have no parent. */
export function parentForest(namespaces: readonly NamespaceRecord[]): TreeNode<NamespaceRecord>[] {
  const hierarchical = namespaces.filter((n) => n.type === 'pid' || n.type === 'user');
  return forest(hierarchical, (n) => n.ns, (n) => n.pns);
}

/**
 * How many PID (or user) namespaces are above NS, by the parents LOOKUP knows: 0 for the
 * initial one. The kernel nests at most 32 deep, so a longer chain is a cycle in a
 * hand-made snapshot, cut at 64.
 */
export function nestingDepth(ns: Pick<NamespaceRecord, 'pns'>, lookup: (ino: number) => Pick<NamespaceRecord, 'pns'> | undefined): number {
  let depth = 0;
  for (let p = ns.pns; p !== null && depth < 64; p = lookup(p)?.pns ?? null) depth++;
  return depth;
}

export function processForest(processes: readonly ProcessRecord[]): TreeNode<ProcessRecord>[] {
  return forest(processes, (p) => p.pid, (p) => p.ppid);
}

/** Keeps the nodes that match and the ancestors that lead to them. */
export function prune<T>(roots: TreeNode<T>[], keep: (item: T) => boolean): TreeNode<T>[] {
  const out: TreeNode<T>[] = [];
  for (const node of roots) {
    const children = prune(node.children, keep);
    if (keep(node.item) || children.length) out.push({ item: node.item, children });
  }
  return out;
}

/** A tree as JSON: each item with its `children`, omitted on leaves (like lsns -J -T). */
export type Nested<T> = T & { children?: Nested<T>[] };

export function nest<T extends object>(node: TreeNode<T>): Nested<T> {
  const item: Nested<T> = { ...node.item };
  if (node.children.length) item.children = node.children.map(nest);
  return item;
}
