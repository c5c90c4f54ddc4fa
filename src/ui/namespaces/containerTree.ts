/**
 * Group By Containers: one row per container, pod and sandbox of the snapshot, their
 * namespaces and processes under them, and one last row for the namespaces no container
 * row shows (the host's among them). Built as plain data like the other groupings (no
 * vscode), for TreeModel to adopt.
 */
import type { ContainerRecord } from '../../core/containers/types';
import { processForest, TreeNode } from '../../core/model/hierarchy';
import type { NamespaceRecord, ProcessRecord, Snapshot } from '../../core/model/snapshot';
import { plural } from '../../core/text/plural';
import type {
  ContainerNode,
  HostSharedNode,
  InfoNode,
  NamespaceNode,
  Node,
  OthersNode,
  ProcessNode,
} from './treeNodes';

export const CONTAINERS_ROOT = 'containers';

/** What the grouping reads of the model: records by inode and PID, and the filter. */
export interface ContainerLookup {
  namespace(ino: number): NamespaceRecord | undefined;
  process(pid: number): ProcessRecord | undefined;
  /** Whether the filter keeps a namespace (true without a filter). */
  matches(ns: NamespaceRecord): boolean;
  /** The filter, trimmed and lower case; '' for none. */
  filter: string;
}

export class ContainerGrouping {
  private readonly byKey: Map<string, ContainerRecord>;

  constructor(
    private readonly snapshot: Snapshot,
    private readonly look: ContainerLookup,
  ) {
    this.byKey = new Map((snapshot.containers ?? []).map((c) => [c.key, c]));
  }

  /** The rows at the top: pods and containers by engine and name, sandboxes, then the rest. */
  roots(): Node[] {
    const records = this.snapshot.containers ?? [];
    const inPod = new Set(records.flatMap((c) => (c.kind === 'pod' ? (c.members ?? []) : [])));
    const top = records
      .filter((c) => !inPod.has(c.key) && this.kept(c))
      .sort(containerOrder)
      .map((c): ContainerNode => this.containerNode(c, undefined, CONTAINERS_ROOT));
    const others = this.others();
    const rest: OthersNode[] = others.length
      ? [{ kind: 'others', id: `${CONTAINERS_ROOT}/others`, parent: undefined, namespaces: others }]
      : [];
    return [...top, ...rest];
  }

  /** A pod's members; a container's own and shared namespaces, those of the host in one row, its processes. */
  children(node: ContainerNode | OthersNode): Node[] {
    if (node.kind === 'others') return node.namespaces.map((ns) => namespaceNode(ns, node));
    const c = node.container;
    const members = (c.members ?? [])
      .map((key) => this.byKey.get(key))
      .filter((m): m is ContainerRecord => m !== undefined)
      .sort(containerOrder)
      .map((m) => this.containerNode(m, node, node.id));
    const namespaces: Node[] = [];
    for (const entry of c.namespaces) {
      const ns = entry.sharing === 'host' ? undefined : this.look.namespace(entry.ns);
      if (ns) namespaces.push({ ...namespaceNode(ns, node), sharing: entry });
    }
    const hostTypes = c.namespaces.filter((n) => n.sharing === 'host').map((n) => n.type);
    const host: HostSharedNode[] = hostTypes.length
      ? [{ kind: 'hostShared', id: `${node.id}/host`, parent: node, container: c, types: hostTypes }]
      : [];
    return [...members, ...namespaces, ...host, ...this.processes(node)];
  }

  /**
   * Whether ROW leads to namespace INO: it is the namespace, or a container that has it
   * (STRICT: as its own, so that a shared namespace is found under its owner first).
   */
  leadsTo(row: Node, ino: number, strict: boolean): boolean {
    if (row.kind === 'namespace') return row.ns.ns === ino;
    if (row.kind === 'others') return row.namespaces.some((n) => n.ns === ino);
    return row.kind === 'container' && this.holds(row.container, ino, strict);
  }

  private holds(c: ContainerRecord, ino: number, strict: boolean): boolean {
    const has = c.namespaces.some((n) => n.ns === ino && (strict ? n.sharing === 'own' : n.sharing !== 'host'));
    return has || (c.members ?? []).some((key) => this.byKey.has(key) && this.holds(this.byKey.get(key)!, ino, strict));
  }

  /** Shown under the filter: its words, one of its namespaces, or a member, match. */
  private kept(c: ContainerRecord): boolean {
    const f = this.look.filter;
    if (!f) return true;
    const words = [c.name, c.id, c.engine, c.image, c.pod, c.k8sNamespace, c.k8sContainer, c.madeBy, c.state];
    if (words.some((w) => w?.toLowerCase().includes(f))) return true;
    const own = c.namespaces.filter((n) => n.sharing !== 'host').map((n) => this.look.namespace(n.ns));
    if (own.some((ns) => ns && this.look.matches(ns))) return true;
    return (c.members ?? []).some((key) => this.byKey.has(key) && this.kept(this.byKey.get(key)!));
  }

  /** The namespaces that no container row shows, in the snapshot's order, as the filter keeps them. */
  private others(): NamespaceRecord[] {
    const shown = new Set(
      (this.snapshot.containers ?? []).flatMap((c) =>
        c.namespaces.filter((n) => n.sharing !== 'host').map((n) => n.ns),
      ),
    );
    return this.snapshot.namespaces.filter((ns) => !shown.has(ns.ns) && this.look.matches(ns));
  }

  private containerNode(c: ContainerRecord, parent: Node | undefined, prefix: string): ContainerNode {
    return { kind: 'container', id: `${prefix}/c:${c.key}`, parent, container: c };
  }

  /** Its processes as a tree, shown as members of its PID namespace. */
  private processes(node: ContainerNode): ProcessNode[] {
    const c = node.container;
    const pidNs = c.namespaces.find((n) => n.type === 'pid');
    const ns = pidNs && this.look.namespace(pidNs.ns);
    if (!ns) return [];
    const records = c.pids.map((pid) => this.look.process(pid)).filter((p): p is ProcessRecord => p !== undefined);
    return processForest(records).map((t) => processNode(t, node, ns));
  }
}

export function processNode(t: TreeNode<ProcessRecord>, parent: Node, ns: NamespaceRecord): ProcessNode {
  return { kind: 'process', id: `${parent.id}/p:${t.item.pid}`, parent, process: t.item, subtree: t.children, ns };
}

function namespaceNode(ns: NamespaceRecord, parent: Node): NamespaceNode {
  return { kind: 'namespace', id: `${parent.id}/ns:${ns.ns}`, parent, ns, nested: [] };
}

/** Pods and containers by engine, then name; sandboxes after them, by name. */
export function containerOrder(a: ContainerRecord, b: ContainerRecord): number {
  const sandbox = Number(a.kind === 'sandbox') - Number(b.kind === 'sandbox');
  if (sandbox) return sandbox;
  const [ea, eb] = [a.engine ?? '', b.engine ?? ''];
  if (a.kind !== 'sandbox' && ea !== eb) return ea < eb ? -1 : 1;
  return a.name.localeCompare(b.name) || (a.pid ?? 0) - (b.pid ?? 0) || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

/**
 * The row above the containers that says why none is listed, or which engine refused to
 * name them; none when there is nothing to say.
 */
export function containersInfo(snapshot: Snapshot): InfoNode | undefined {
  const found = snapshot.containers?.length ?? 0;
  const refusals = snapshot.engineRefusals ?? [];
  const refused = refusals.map((r) => `${r.engine} refused ${r.socket}: ${r.hint}`).join('; ');
  const ordinary = snapshot.scanner.uid !== 0;
  const base = { kind: 'info' as const, id: 'info/containers', parent: undefined };
  if (found === 0) {
    const message = 'No container or sandbox found';
    const parts = [
      ...(refused ? [refused] : []),
      ...(ordinary ? ['other users’ containers need Show All Namespaces…'] : []),
    ];
    const detail = parts.join('; ');
    const sentence = detail ? `${message}: ${detail}` : `${message}.`;
    return { ...base, message, detail, sentence, ...(ordinary ? { action: 'showAll' as const } : {}) };
  }
  if (!refused) return undefined;
  const message = `${plural(refusals.length, 'engine', 'engines')} refused`;
  return { ...base, message, detail: refused, sentence: `Names may be missing: ${refused}` };
}
