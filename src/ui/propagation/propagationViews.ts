/**
 * What the Mount Propagation panel shows, computed from the mount tables: the messages'
 * views, built here without vscode so that they can be tested and read on their own.
 */
import { preorder } from '../../core/model/hierarchy';
import { compareMounts } from '../../core/mounts/mountDiff';
import { Cover, coverText, groupText, mountForest, MountRecord } from '../../core/mounts/mountTable';
import {
  describePropagation,
  Located,
  mountAt,
  MountSet,
  MountTable,
  namespaceName,
  PropagationIndex,
} from '../../core/mounts/propagation';
import { graphSvg, layoutGraph, propagationGraph } from '../../core/mounts/propagationGraph';
import { printable } from '../../core/text/printable';
import { plural } from '../../core/text/plural';
import {
  CompareView,
  DiffPair,
  ExplanationParagraph,
  MountRow,
  MountTreeRow,
  MountTableView,
  PlaceRow,
  RelationSection,
  SelectionView,
} from './protocol';

export function mountTableView(
  ns: number | null,
  set: MountSet | undefined,
  table: MountTable | undefined,
  failure: string | null,
  readAt: string,
): MountTableView {
  const unread = (set?.unreadable ?? []).map((u) => ({ ...ref(u.ns, u.label), reason: printable(u.reason) }));
  const label = table?.label ?? set?.unreadable.find((u) => u.ns === ns)?.label ?? null;
  const base = { namespace: ref(ns, label), via: '', mounts: [], skipped: [], unread, others: 0, readAt: readAt };
  if (!set)
    return {
      ...base,
      status: 'failed',
      problem: `Reading the mount namespaces failed: ${printable(failure ?? 'unknown error')}`,
    };
  if (!table) return { ...base, status: 'missing', problem: missingText(ns, set) };
  return {
    ...base,
    status: 'ok',
    problem: failure && `Reading again failed, so this is the earlier reading: ${printable(failure)}`,
    via: printable(table.via),
    mounts: treeRows(table.mounts),
    skipped: table.errors.map((e) => `line ${e.line}: ${printable(e.message)}`),
    others: comparable(set, table).length,
  };
}

export function compareView(
  set: MountSet | undefined,
  table: MountTable | undefined,
  compareNs: number | null,
): CompareView | null {
  if (compareNs === null || !set || !table) return null;
  const there = set.tables.find((t) => t.ns === compareNs);
  const view: CompareView = {
    here: ref(table.ns, table.label),
    there: ref(compareNs, there?.label ?? null),
    problem: null,
    onlyHere: [],
    onlyThere: [],
    propagationDiffers: [],
    mountDiffers: [],
    same: 0,
  };
  if (!there) return { ...view, problem: missingText(compareNs, set) };
  const diff = compareMounts(table.mounts, there.mounts);
  const byTarget = (a: { target: string }, b: { target: string }) => a.target.localeCompare(b.target);
  const pair = (p: { target: string; here: MountRecord; there: MountRecord }): DiffPair => ({
    target: printable(p.target),
    here: mountRow(p.here),
    there: mountRow(p.there),
  });
  return {
    ...view,
    onlyHere: diff.onlyHere.map(mountRow).sort(byTarget),
    onlyThere: diff.onlyThere.map(mountRow).sort(byTarget),
    propagationDiffers: diff.propagationDiffers.map(pair).sort(byTarget),
    mountDiffers: diff.mountDiffers.map(pair).sort(byTarget),
    same: diff.same,
  };
}

export function defaultMount(table: MountTable): number | null {
  return (mountAt(table.mounts, '/') ?? table.mounts[0])?.id ?? null;
}

export function comparable(set: MountSet, table: MountTable): MountTable[] {
  return set.tables.filter((t) => t !== table && t.ns !== null);
}

function ref(ns: number | null, label: string | null) {
  return { ns, label: label === null ? null : printable(label), name: printable(namespaceName(ns, label)) };
}

function missingText(ns: number | null, set: MountSet): string {
  if (ns === null)
    return 'The editor’s own mount namespace could not be determined (/proc/self/ns/mnt is not readable).';
  const unread = set.unreadable.find((u) => u.ns === ns);
  const name = printable(namespaceName(ns, unread?.label ?? null));
  if (unread) return `${name} could not be read: ${printable(unread.reason)}.`;
  return `${name} is gone: no process or file keeps it alive any more, or it is no longer visible to you.`;
}

/** Why a mount is hidden, with its path shown safely. */
function hiddenText(c: Cover): string {
  return `hidden: ${coverText({ hiddenBy: { ...c, target: printable(c.target) } })}`;
}

function mountRow(m: MountRecord): MountRow {
  return {
    id: m.id,
    parent: m.parent,
    majmin: m.majmin,
    target: printable(m.target),
    root: printable(m.root),
    source: printable(m.source),
    fstype: printable(m.fstype),
    options: printable(m.options),
    propagation: m.propagation,
    groups: groupText(m),
    hidden: m.hiddenBy ? hiddenText(m.hiddenBy) : m.hidden ? 'hidden' : null,
  };
}

/** The mounts as findmnt and the Mounts view list them: "/" first, each mount under its parent. */
function treeRows(mounts: readonly MountRecord[]): MountTreeRow[] {
  return preorder(mountForest(mounts)).map(({ node, depth }) => ({ ...mountRow(node.item), depth }));
}

function placeRow(l: Located, here: MountTable): PlaceRow {
  return {
    ns: l.table.ns,
    nsName: printable(namespaceName(l.table.ns, l.table.label)),
    here: l.table === here,
    mountId: l.mount.id,
    target: printable(l.mount.target),
    root: printable(l.mount.root),
    propagation: l.mount.propagation,
    groups: groupText(l.mount),
    hidden: l.mount.hiddenBy ? hiddenText(l.mount.hiddenBy) : l.mount.hidden ? 'hidden' : null,
  };
}

/** This namespace's rows first, then the others in the order they were read. */
function rows(located: readonly Located[], here: MountTable): PlaceRow[] {
  return located.map((l) => placeRow(l, here)).sort((a, b) => Number(b.here) - Number(a.here));
}

export function selectionView(index: PropagationIndex, table: MountTable, mountId: number): SelectionView {
  const mount = table.mounts.find((m) => m.id === mountId);
  if (!mount) return goneView(mountId, printable(namespaceName(table.ns, table.label)));
  const unreadCount = index.set.unreadable.length;
  const unread = unreadCount
    ? ` ${plural(unreadCount, 'mount namespace', 'mount namespaces')} could not be read and may hold more.`
    : '';
  const relations = index.relations(mount);
  const kind = describePropagation(mount);
  const peers = rows(relations.peers, table);
  const masters = rows(relations.masters, table);
  const slaves = rows(relations.slaves, table);
  const answer = index.answerFor(table, mount);
  const layout = layoutGraph(propagationGraph(index, table, mount));
  return {
    mountId,
    mount: mountRow(mount),
    gone: null,
    description: kind,
    peers: {
      heading: mount.peer === null ? 'Peers' : `Peers in group ${mount.peer}`,
      rows: peers,
      note: peerNote(mount, kind, peers, unread),
    },
    master: {
      heading: mount.master === null ? 'Master' : `Master: peer group ${mount.master}`,
      rows: masters,
      note: masterNote(mount, masters, unread),
    },
    slaves: {
      heading: mount.peer === null ? 'Slaves' : `Slaves of peer group ${mount.peer}`,
      rows: slaves,
      note: slaveNote(mount, slaves, unread),
    },
    explanation: paragraphs(answer.explanation),
    graph: {
      svg: graphSvg(layout),
      caption: layout.description + (unreadCount ? ` Namespaces that could not be read are not drawn.` : ''),
    },
  };
}

/** Mount MOUNT_ID of namespace NAME, unmounted since it was chosen. */
function goneView(mountId: number, name: string): SelectionView {
  const none = (heading: string): RelationSection => ({ heading, rows: [], note: null });
  return {
    mountId,
    mount: null,
    gone: `Mount ${mountId} is no longer in ${name}: it has been unmounted since it was chosen.`,
    description: '',
    peers: none('Peers'),
    master: none('Master'),
    slaves: none('Slaves'),
    explanation: [],
    graph: null,
  };
}

/** What the peers' table cannot say: why there are none, or none elsewhere; UNREAD: what may be missing. */
function peerNote(mount: MountRecord, kind: string, peers: PlaceRow[], unread: string): string | null {
  if (mount.peer === null) return `Mount ${mount.id} is not shared (it is ${kind}), so it has no peers.`;
  if (!peers.length) return `No other mount is in peer group ${mount.peer}: no peers in other namespaces.${unread}`;
  if (!peers.some((p) => !p.here)) {
    const inHere = peers.length === 1 ? 'its one peer is' : `all ${peers.length} peers are`;
    return `No peers in other namespaces: ${inHere} in this namespace.${unread}`;
  }
  return unread ? unread.trim() : null;
}

function masterNote(mount: MountRecord, masters: PlaceRow[], unread: string): string | null {
  let note: string | null = null;
  if (mount.master === null) note = `Mount ${mount.id} is not a slave: no master sends it mount events.`;
  else if (!masters.length) note = `No member of peer group ${mount.master} was found in the namespaces read.${unread}`;
  if (mount.propagateFrom === null) return note;
  const from =
    `propagate_from:${mount.propagateFrom}: the nearest group it receives from that this namespace can see ` +
    `is peer group ${mount.propagateFrom}.`;
  return [note, from].filter(Boolean).join(' ');
}

function slaveNote(mount: MountRecord, slaves: PlaceRow[], unread: string): string | null {
  if (mount.peer === null) return `Mount ${mount.id} is not shared: nothing can be a slave of it.`;
  if (!slaves.length) return `Peer group ${mount.peer} has no slaves in the namespaces read.${unread}`;
  return null;
}

/** The core writes sub-items as lines indented by two spaces. */
function paragraphs(lines: readonly string[]): ExplanationParagraph[] {
  const out: ExplanationParagraph[] = [];
  for (const line of lines) {
    if (line.startsWith('  ') && out.length) out.at(-1)!.items.push(printable(line.trim()));
    else out.push({ text: printable(line), items: [] });
  }
  return out;
}
