/**
 * The three ways of nesting a snapshot: by owning user namespace (lsns -T), by parent
 * (PID and user namespaces), and the process tree. Shared by `nsx tree` and the sidebar.
 * Every walk over a tree here is a loop, never a recursion: anyone can nest thousands of
 * processes, or stack thousands of mounts, deeper than a call stack goes.
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
export function forest<T>(
  items: readonly T[],
  keyOf: (item: T) => number,
  parentOf: (item: T) => number | null,
): TreeNode<T>[] {
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
  // Depth first, a child skipped when placed already, as a recursion would; a frame per level.
  const grow = (top: T): TreeNode<T> => {
    const root: TreeNode<T> = { item: top, children: [] };
    placed.add(keyOf(top));
    const frames = [{ node: root, kids: childrenOf.get(keyOf(top)) ?? [], next: 0 }];
    for (let frame = frames.at(-1); frame; frame = frames.at(-1)) {
      const child = frame.kids[frame.next++];
      if (child === undefined) frames.pop();
      else if (!placed.has(keyOf(child))) {
        placed.add(keyOf(child));
        const node: TreeNode<T> = { item: child, children: [] };
        frame.node.children.push(node);
        frames.push({ node, kids: childrenOf.get(keyOf(child)) ?? [], next: 0 });
      }
    }
    return root;
  };
  const roots = rootItems.map(grow);
  for (const item of items) if (!placed.has(keyOf(item))) roots.push(grow(item));
  return roots;
}

/** Every namespace under the user namespace that owns it; user namespaces nest by owner. */
export function ownerForest(namespaces: readonly NamespaceRecord[]): TreeNode<NamespaceRecord>[] {
  return forest(
    namespaces,
    (n) => n.ns,
    (n) => n.ons,
  );
}

/** PID and user namespaces under their parents; the other types have no parent. */
export function parentForest(namespaces: readonly NamespaceRecord[]): TreeNode<NamespaceRecord>[] {
  const hierarchical = namespaces.filter((n) => n.type === 'pid' || n.type === 'user');
  return forest(
    hierarchical,
    (n) => n.ns,
    (n) => n.pns,
  );
}

/**
 * How many PID (or user) namespaces are above NS, by the parents LOOKUP knows: 0 for the
 * initial one. The kernel nests at most 32 deep, so a longer chain is a cycle in a
 * hand-made snapshot, cut at 64.
 */
export function nestingDepth(
  ns: Pick<NamespaceRecord, 'pns'>,
  lookup: (ino: number) => Pick<NamespaceRecord, 'pns'> | undefined,
): number {
  let depth = 0;
  for (let p = ns.pns; p !== null && depth < 64; p = lookup(p)?.pns ?? null) depth++;
  return depth;
}

export function processForest(processes: readonly ProcessRecord[]): TreeNode<ProcessRecord>[] {
  return forest(
    processes,
    (p) => p.pid,
    (p) => p.ppid,
  );
}

/** Keeps the nodes that match and the ancestors that lead to them. */
export function prune<T>(roots: TreeNode<T>[], keep: (item: T) => boolean): TreeNode<T>[] {
  // Children are decided before their parent: walk down, then decide on the way back up.
  const order = preorder(roots);
  const kept = new Map<TreeNode<T>, TreeNode<T>[]>();
  for (let i = order.length - 1; i >= 0; i--) {
    const { node } = order[i]!;
    const children = node.children.filter((c) => kept.has(c)).map((c) => ({ item: c.item, children: kept.get(c)! }));
    if (keep(node.item) || children.length) kept.set(node, children);
  }
  return roots.filter((r) => kept.has(r)).map((r) => ({ item: r.item, children: kept.get(r)! }));
}

/** Every node with its depth (0 for the roots), each before its children, in order. */
export function preorder<T>(roots: readonly TreeNode<T>[]): { node: TreeNode<T>; depth: number }[] {
  const out: { node: TreeNode<T>; depth: number }[] = [];
  const pending = roots.map((node) => ({ node, depth: 0 })).reverse();
  for (let next = pending.pop(); next; next = pending.pop()) {
    out.push(next);
    for (let i = next.node.children.length - 1; i >= 0; i--)
      pending.push({ node: next.node.children[i]!, depth: next.depth + 1 });
  }
  return out;
}

/** Levels of indentation of forestJson at most: deeper, lines are indented no further. */
export const INDENTED_LEVELS = 40;

/**
 * A forest as JSON text, each item with its `children`, omitted on leaves (like lsns -J -T):
 * the text JSON.stringify(roots nested, null, INDENT) would give, written without
 * recursion, as JSON.stringify's own recursion ends a few thousand levels down. LEVEL is
 * how deep the array sits in the document, for its indentation, which stops growing
 * INDENTED_LEVELS down: else a deep chain would make each line as wide as it is deep.
 */
export function forestJson<T extends object>(roots: readonly TreeNode<T>[], indent = '', level = 0): string {
  const newline = (depth: number) => (indent ? '\n' + indent.repeat(Math.min(depth, INDENTED_LEVELS)) : '');
  const colon = indent ? ': ' : ':';
  const parts: string[] = [];
  // Pieces of text, and nodes to write at a depth, in the order they are written.
  type Step = string | { node: TreeNode<T>; depth: number };
  const array = (nodes: readonly TreeNode<T>[], depth: number): Step[] => {
    if (!nodes.length) return ['[]'];
    return [
      '[',
      ...nodes.flatMap((node, i): Step[] => [(i ? ',' : '') + newline(depth + 1), { node, depth: depth + 1 }]),
      newline(depth) + ']',
    ];
  };
  const pending = array(roots, level).reverse();
  for (let step = pending.pop(); step !== undefined; step = pending.pop()) {
    if (typeof step === 'string') {
      parts.push(step);
      continue;
    }
    const { node, depth } = step;
    const own = JSON.stringify(node.item, null, indent).replaceAll('\n', newline(depth));
    if (!node.children.length) {
      parts.push(own);
      continue;
    }
    // The item's own members, then `children` as its last.
    const open = own === '{}' ? '{' : own.slice(0, own.length - newline(depth).length - 1) + ',';
    const steps = [
      `${open}${newline(depth + 1)}"children"${colon}`,
      ...array(node.children, depth + 1),
      `${newline(depth)}}`,
    ];
    for (let i = steps.length - 1; i >= 0; i--) pending.push(steps[i]!);
  }
  return parts.join('');
}
