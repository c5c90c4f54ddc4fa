/**
 * What the namespace tree shows, as plain data: nodes with stable ids and their parents,
 * built from a Snapshot for one grouping and filter. No vscode here, so it is unit-tested.
 */
import {
  nestingDepth,
  ownerForest,
  parentForest,
  preorder,
  processForest,
  prune,
  TreeNode,
} from '../../core/model/hierarchy';
import { plural } from '../../core/text/plural';
import { Holder, NamespaceRecord, NS_TYPES, ProcessRecord, Snapshot } from '../../core/model/snapshot';
import { ContainerGrouping, containersInfo, processNode } from './containerTree';
import { FindingNode, FindingsNode, Grouping, HolderNode, InfoNode, NamespaceNode, Node } from './treeNodes';
import type { Finding } from '../../core/findings/types';
import { byImportance, findingKey } from '../findings/findingText';

export * from './treeNodes';

export class TreeModel {
  private readonly byPid: Map<number, ProcessRecord>;
  private readonly byIno: Map<number, NamespaceRecord>;
  private membersByIno?: Map<number, ProcessRecord[]>;
  private readonly memberTrees = new Map<number, TreeNode<ProcessRecord>[]>();
  private readonly childCache = new Map<string, Node[]>();
  private rootNodes?: Node[];
  private containerRows?: ContainerGrouping;
  private readonly findingsByIno = new Map<number, Finding[]>();

  /**
   * @param reuse the object an earlier model gave for a row id: the same row keeps its
   *   object, updated in place, since the tree view knows rows by identity (treeChanges.ts).
   * @param findings those to show (not dismissed, not switched off), in the Findings group
   *   and as marks on their namespaces' rows.
   */
  constructor(
    readonly snapshot: Snapshot,
    readonly grouping: Grouping,
    readonly filter = '',
    private readonly reuse: (id: string) => Node | undefined = () => undefined,
    readonly findings: readonly Finding[] = [],
  ) {
    this.byPid = new Map(snapshot.processes.map((p) => [p.pid, p]));
    this.byIno = new Map(snapshot.namespaces.map((n) => [n.ns, n]));
    for (const f of findings) {
      const list = this.findingsByIno.get(f.ns);
      if (list) list.push(f);
      else this.findingsByIno.set(f.ns, [f]);
    }
  }

  /** The findings shown about namespace INO. */
  findingsOf(ino: number): readonly Finding[] {
    return this.findingsByIno.get(ino) ?? [];
  }

  namespace(ino: number): NamespaceRecord | undefined {
    return this.byIno.get(ino);
  }

  process(pid: number): ProcessRecord | undefined {
    return this.byPid.get(pid);
  }

  /** How deep a PID or user namespace is nested (0 for the initial one); undefined for the other types. */
  depth(ns: NamespaceRecord): number | undefined {
    return ns.type === 'pid' || ns.type === 'user' ? nestingDepth(ns, (ino) => this.byIno.get(ino)) : undefined;
  }

  roots(): Node[] {
    this.rootNodes ??= [...this.findingsRow(), ...this.infoNodes(), ...this.topLevel()].map((n) => this.adopt(n));
    return this.rootNodes;
  }

  children(node: Node): Node[] {
    let cached = this.childCache.get(node.id);
    if (!cached) this.childCache.set(node.id, (cached = this.computeChildren(node).map((n) => this.adopt(n))));
    return cached;
  }

  /** The object given for this row before, now with this model's data; else the new one. */
  private adopt<T extends Node>(fresh: T): T {
    const known = this.reuse(fresh.id);
    if (!known || known === fresh || known.kind !== fresh.kind) return fresh;
    for (const key of Object.keys(known)) delete (known as unknown as Record<string, unknown>)[key];
    return Object.assign(known, fresh) as T;
  }

  /**
   * The namespace row of `ino` in this grouping, with its ancestors built: the one row, or
   * under Containers the one under the container that owns it (else one it is shared with).
   */
  findNamespace(ino: number): NamespaceNode | undefined {
    const type = this.byIno.get(ino)?.type;
    const leadsTo = (n: Node, strict: boolean) =>
      this.grouping === 'containers'
        ? this.containers().leadsTo(n, ino, strict)
        : (n.kind === 'namespace' && (n.ns.ns === ino || containsNs(n.nested, ino))) ||
          (n.kind === 'group' && n.type === type);
    // Down the one branch that leads to it.
    for (let nodes = this.roots(); ;) {
      const next = nodes.find((n) => leadsTo(n, true)) ?? nodes.find((n) => leadsTo(n, false));
      if (!next) return undefined;
      if (next.kind === 'namespace' && next.ns.ns === ino) return next;
      nodes = this.children(next);
    }
  }

  /** Members of a namespace, in PID order. */
  members(ns: NamespaceRecord): ProcessRecord[] {
    if (!this.membersByIno) {
      this.membersByIno = new Map();
      for (const p of this.snapshot.processes) {
        for (const ino of Object.values(p.ns)) {
          const list = this.membersByIno.get(ino);
          if (list) list.push(p);
          else this.membersByIno.set(ino, [p]);
        }
      }
    }
    return this.membersByIno.get(ns.ns) ?? [];
  }

  matches(ns: NamespaceRecord): boolean {
    const f = this.filter.trim().toLowerCase();
    if (!f) return true;
    if (String(ns.ns).includes(f) || ns.type === f || (ns.label ?? '').toLowerCase().includes(f)) return true;
    if (/^\d+$/.test(f) && this.members(ns).some((p) => p.pid === Number(f))) return true;
    return this.members(ns).some((p) => p.command.toLowerCase().includes(f));
  }

  private containers(): ContainerGrouping {
    return (this.containerRows ??= new ContainerGrouping(this.snapshot, {
      namespace: (ino) => this.byIno.get(ino),
      process: (pid) => this.byPid.get(pid),
      matches: (ns) => this.matches(ns),
      filter: this.filter.trim().toLowerCase(),
    }));
  }

  private findingsRow(): FindingsNode[] {
    const count = this.findings.length;
    return count ? [{ kind: 'findings', id: 'findings', parent: undefined, count }] : [];
  }

  /** One row per finding, warnings first; the id is the dismiss key, kept across snapshots. */
  private findingRows(parent: FindingsNode): FindingNode[] {
    const seen = new Set<string>();
    return [...this.findings].sort(byImportance).map((finding) => {
      let id = `findings/${findingKey(finding)}`;
      for (let n = 2; seen.has(id); n++) id = `findings/${findingKey(finding)}#${n}`;
      seen.add(id);
      return { kind: 'finding', id, parent, finding };
    });
  }

  private infoNodes(): InfoNode[] {
    const out: InfoNode[] = [];
    const containers = this.grouping === 'containers' ? containersInfo(this.snapshot) : undefined;
    if (containers) out.push(containers);
    const denied = this.snapshot.hidden.byReason.EACCES;
    if (denied && this.snapshot.scanner.uid !== 0) {
      out.push({
        kind: 'info',
        id: 'info/hidden',
        parent: undefined,
        message: `${plural(denied, 'process', 'processes')} hidden`,
        detail: 'other users’ — Show All Namespaces…',
        sentence: `${plural(denied, 'process', 'processes')} of other users hidden — Show All Namespaces…`,
        action: 'showAll',
      });
    }
    if (!this.snapshot.capabilities.hierarchy) {
      out.push({
        kind: 'info',
        id: 'info/hierarchy',
        parent: undefined,
        message: 'Parents and owners unavailable',
        detail: this.snapshot.capabilities.hierarchyError ?? 'unknown reason',
        sentence: `Parents and owners unavailable: ${this.snapshot.capabilities.hierarchyError ?? 'unknown reason'}`,
      });
    }
    return out;
  }

  private topLevel(): Node[] {
    if (this.grouping === 'containers') return this.containers().roots();
    const shown = this.snapshot.namespaces.filter((n) => this.matches(n));
    if (this.grouping === 'type') {
      return NS_TYPES.map((type) => ({
        kind: 'group' as const,
        id: `type/${type}`,
        parent: undefined,
        type,
        count: shown.filter((n) => n.type === type).length,
      }));
    }
    const forest =
      this.grouping === 'owner' ? ownerForest(this.snapshot.namespaces) : parentForest(this.snapshot.namespaces);
    const kept = this.filter.trim() ? prune(forest, (n) => this.matches(n)) : forest;
    return kept.map((t) => this.namespaceNode(t, undefined, this.grouping));
  }

  private namespaceNode(t: TreeNode<NamespaceRecord>, parent: Node | undefined, prefix: string): NamespaceNode {
    return { kind: 'namespace', id: `${prefix}/ns:${t.item.ns}`, parent, ns: t.item, nested: t.children };
  }

  private computeChildren(node: Node): Node[] {
    switch (node.kind) {
      case 'group':
        return this.snapshot.namespaces
          .filter((n) => n.type === node.type && this.matches(n))
          .map((ns) => this.namespaceNode({ item: ns, children: [] }, node, node.id));
      case 'namespace': {
        const nested = node.nested.map((t) => this.namespaceNode(t, node, node.id));
        const members = this.members(node.ns);
        // Beside nested namespaces, members go into a folder of their own so the two do not mix.
        const processes: Node[] =
          nested.length && members.length
            ? [{ kind: 'members', id: `${node.id}/members`, parent: node, ns: node.ns, count: members.length }]
            : this.memberTree(node.ns).map((t) => processNode(t, node, node.ns));
        const holders = node.ns.holders
          .filter((h) => h.kind !== 'process' || h.path)
          .map((h) => this.holderNode(h, node));
        return [...nested, ...processes, ...holders];
      }
      case 'findings':
        return this.findingRows(node);
      case 'members':
        return this.memberTree(node.ns).map((t) => processNode(t, node, node.ns));
      case 'process':
        return node.subtree.map((t) => processNode(t, node, node.ns));
      case 'container':
      case 'others':
        return this.containers().children(node);
      default:
        return [];
    }
  }

  /** The members as a process tree: tops are members whose parent process is not one. */
  private memberTree(ns: NamespaceRecord): TreeNode<ProcessRecord>[] {
    let tree = this.memberTrees.get(ns.ns);
    if (!tree) this.memberTrees.set(ns.ns, (tree = processForest(this.members(ns))));
    return tree;
  }

  private holderNode(h: Holder, parent: NamespaceNode): HolderNode {
    const key =
      h.kind === 'fd'
        ? `${h.pid}:${h.fd}`
        : h.kind === 'task'
          ? `${h.pid}:${h.tid}`
          : h.kind === 'bindmount'
            ? `${h.mntns}:${h.path}`
            : `${h.pid}:${h.path}`;
    return { kind: 'holder', id: `${parent.id}/h:${h.kind}:${key}`, parent, holder: h, ns: parent.ns };
  }
}

function containsNs(nodes: TreeNode<NamespaceRecord>[], ino: number): boolean {
  return preorder(nodes).some(({ node }) => node.item.ns === ino);
}
