/**
 * What the tree view was given, and which of it a new snapshot changes. VS Code redraws
 * an element passed to onDidChangeTreeData with its whole subtree (its rows are built
 * anew, and a tooltip open on one of them closes), and the whole tree for `undefined`; so
 * only rows whose words, tooltip or children really changed are passed.
 *
 * VS Code knows elements by object identity: the same row in a new snapshot must be the
 * same object (TreeModel adopts it by id, see `reusable`), or a change event for it is
 * ignored. No vscode here, so it is unit-tested.
 */
import type { Node } from './treeModel';

/** What the tree is now: its rows, their children and how each looks (any string that changes when the row would). */
export interface TreeNow {
  roots(): Node[];
  children(node: Node): Node[];
  look(node: Node): string;
}

interface Given {
  node: Node;
  /** How the row looked when VS Code asked for its item. */
  look?: string;
  /** The ids of its children when VS Code last asked for them. */
  children?: string[];
}

export class GivenTree {
  private readonly given = new Map<string, Given>();
  private roots: string[] | undefined;

  /** VS Code asked for the children of PARENT (undefined: the roots) and got CHILDREN. */
  gaveChildren(parent: Node | undefined, children: readonly Node[]): void {
    const ids = children.map((c) => c.id);
    if (parent) this.entry(parent).children = ids;
    else this.roots = ids;
    for (const child of children) this.entry(child);
  }

  /** VS Code asked for the item of NODE, which looked like LOOK. */
  gaveItem(node: Node, look: string): void {
    this.entry(node).look = look;
  }

  /** The object VS Code knows for the row with this id, to be used again for it. */
  reusable(id: string): Node | undefined {
    return this.given.get(id)?.node;
  }

  /**
   * The rows to pass to onDidChangeTreeData for the tree as it is NOW: those whose look or
   * children differ from what VS Code was given, without their descendants (they are
   * redrawn with them); 'all' when the roots changed. Only what VS Code asked for is
   * compared: a folded row's children were never drawn.
   */
  changes(now: TreeNow): Node[] | 'all' {
    if (this.roots === undefined) return [];
    const roots = now.roots();
    if (!sameIds(roots, this.roots)) return 'all';
    const changed: Node[] = [];
    const visit = (nodes: readonly Node[]): void => {
      for (const node of nodes) {
        const given = this.given.get(node.id);
        if (!given) continue;
        if (given.look !== undefined && given.look !== now.look(node)) {
          changed.push(node);
          continue;
        }
        if (given.children === undefined) continue;
        const children = now.children(node);
        if (!sameIds(children, given.children)) changed.push(node);
        else visit(children);
      }
    };
    visit(roots);
    return changed;
  }

  /** NODE is being redrawn: VS Code asks again for it and forgets what was below it. */
  redrawn(node: Node): void {
    const given = this.given.get(node.id);
    if (!given) return;
    const below = [...(given.children ?? [])];
    given.look = undefined;
    given.children = undefined;
    while (below.length) {
      const id = below.pop()!;
      below.push(...(this.given.get(id)?.children ?? []));
      this.given.delete(id);
    }
  }

  /** The whole tree is being redrawn. */
  clear(): void {
    this.given.clear();
    this.roots = undefined;
  }

  private entry(node: Node): Given {
    let given = this.given.get(node.id);
    if (!given) this.given.set(node.id, (given = { node }));
    else given.node = node;
    return given;
  }
}

/**
 * The one row whose redraw covers every row of CHANGED: the row itself when there is one,
 * else their nearest common ancestor; undefined when only the whole tree does. Readings
 * that change 500 rows of a group then redraw the group once, not 500 rows one by one.
 */
export function coveringRow(changed: readonly Node[]): Node | undefined {
  let common = lineage(changed[0]);
  for (const node of changed.slice(1)) {
    const line = lineage(node);
    let same = 0;
    while (same < common.length && same < line.length && common[same]!.id === line[same]!.id) same++;
    common = common.slice(0, same);
  }
  return common[common.length - 1];
}

/** NODE's ancestors from its root down, itself last. */
function lineage(node: Node | undefined): Node[] {
  const line: Node[] = [];
  for (let n = node; n; n = n.parent) line.unshift(n);
  return line;
}

function sameIds(nodes: readonly Node[], ids: readonly string[]): boolean {
  return nodes.length === ids.length && nodes.every((n, i) => n.id === ids[i]);
}
