/**
 * The Mount Propagation panel: one webview per mount namespace, showing its mounts, and
 * for the selected one its peers, master and slaves in every namespace read, the core's
 * explanation and a drawing; "Compare with…" sets it beside another namespace. The host
 * computes everything; the webview (webview/propagation) only draws what it is sent.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { TreeNode } from '../core/hierarchy';
import { compareMounts } from '../core/mountDiff';
import { Cover, groupText, mountForest, MountRecord } from '../core/mountTable';
import { describePropagation, Located, mountAt, MountSet, MountTable, namespaceName, PropagationIndex } from '../core/propagation';
import { graphSvg, layoutGraph, printable, propagationGraph } from '../core/propagationGraph';
import { plural } from '../core/plural';
import { ProcSource } from '../core/procfs';
import {
  CompareView,
  DiffPair,
  ExplanationParagraph,
  isPropagationFromWebview,
  MountRow,
  MountTreeRow,
  NamespaceView,
  PlaceRow,
  PropagationFromWebview,
  PropagationPanelState,
  PropagationToWebview,
  RelationSection,
  SelectionView,
} from '../protocol';

export const PROPAGATION_VIEW_TYPE = 'namespaceExplorer.propagation';

export interface MountData {
  /** Reads every mount namespace now; the editor's own is among the tables. */
  readAll(): Promise<MountSet>;
}

const panels = new Map<string, PropagationPanel>();
const panelKey = (ns: number | null) => (ns === null ? 'unknown' : String(ns));

/**
 * Opens (or reveals) the panel for mount namespace NS (null: the editor's own) with mount
 * MOUNT_ID selected (null: the root mount).
 */
export function showPropagationPanel(extension: vscode.ExtensionContext, data: MountData, target: { ns: number | null; mountId: number | null }): void {
  const ns = target.ns ?? ownMountNamespace();
  const existing = panels.get(panelKey(ns));
  if (existing) return existing.reveal(target.mountId);
  const panel = vscode.window.createWebviewPanel(PROPAGATION_VIEW_TYPE, panelTitle(ns, null), vscode.ViewColumn.Active, webviewOptions(extension));
  new PropagationPanel(extension, data, panel, { ns, mountId: target.mountId, compareNs: null, filter: '' });
}

/**
 * Brings panels back after a window reload, from what the webview saved with setState.
 * Needs `onWebviewPanel:namespaceExplorer.propagation` among the activation events.
 */
export function registerPropagationPanelSerializer(extension: vscode.ExtensionContext, data: MountData): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(PROPAGATION_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      const restored = restoredState(state);
      const existing = panels.get(panelKey(restored.ns));
      if (existing) {
        panel.dispose();
        return existing.reveal(restored.mountId);
      }
      panel.webview.options = webviewOptions(extension);
      new PropagationPanel(extension, data, panel, restored);
    },
  });
}

function restoredState(state: unknown): PropagationPanelState {
  const s = (typeof state === 'object' && state !== null ? state : {}) as Partial<Record<keyof PropagationPanelState, unknown>>;
  const id = (v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : null);
  return { ns: id(s.ns) ?? ownMountNamespace(), mountId: id(s.mountId), compareNs: id(s.compareNs), filter: typeof s.filter === 'string' ? s.filter : '' };
}

function webviewOptions(extension: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    localResourceRoots: [vscode.Uri.joinPath(extension.extensionUri, 'dist')],
  };
}

function ownMountNamespace(): number | null {
  try {
    return new ProcSource().nsInode(process.pid, 'mnt');
  } catch {
    return null;
  }
}

function panelTitle(ns: number | null, label: string | null): string {
  return `Mount Propagation: ${namespaceName(ns, label)}`;
}

class PropagationPanel {
  private readonly ns: number | null;
  private selected: number | null;
  private compareNs: number | null;
  private set: MountSet | undefined;
  private index: PropagationIndex | undefined;
  private failure: string | null = null;
  private readAt = '';
  private loading: Promise<void> | undefined;
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly data: MountData,
    private readonly panel: vscode.WebviewPanel,
    state: PropagationPanelState,
  ) {
    this.ns = state.ns;
    this.selected = state.mountId;
    this.compareNs = state.compareNs;
    panels.set(panelKey(this.ns), this);
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((msg: unknown) => {
        if (!isPropagationFromWebview(msg)) return;
        this.receive(msg).catch((err: unknown) => {
          void vscode.window.showErrorMessage(`Mount Propagation: ${(err as Error)?.message ?? String(err)}`);
        });
      }),
    );
    void this.load();
  }

  reveal(mountId: number | null): void {
    this.panel.reveal();
    if (mountId === null) return;
    this.compareNs = null;
    this.selected = mountId;
    // A mount the tree shows but this panel's reading does not: read again.
    if (!this.table()?.mounts.some((m) => m.id === mountId)) return void this.load();
    this.post({ type: 'propagation/compare', view: null });
    this.postSelection();
  }

  private dispose(): void {
    this.disposed = true;
    if (panels.get(panelKey(this.ns)) === this) panels.delete(panelKey(this.ns));
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private async receive(msg: PropagationFromWebview): Promise<void> {
    switch (msg.type) {
      case 'propagation/ready':
        this.ready = true;
        this.post({ type: 'propagation/busy', busy: this.loading !== undefined });
        if (!this.loading) this.postAll();
        return;
      case 'propagation/select':
        this.selected = msg.mountId;
        return this.postSelection();
      case 'propagation/open':
        if (msg.ns === this.ns) {
          this.compareNs = null;
          this.selected = msg.mountId;
          this.post({ type: 'propagation/compare', view: null });
          return this.postSelection();
        }
        return showPropagationPanel(this.extension, this.data, { ns: msg.ns, mountId: msg.mountId });
      case 'propagation/refresh':
        return this.load();
      case 'propagation/compare':
        return this.pickComparison();
      case 'propagation/closeCompare':
        this.compareNs = null;
        return this.post({ type: 'propagation/compare', view: null });
    }
  }

  /** Reads every namespace again; one reading at a time. */
  private load(): Promise<void> {
    this.loading ??= (async () => {
      this.post({ type: 'propagation/busy', busy: true });
      try {
        this.set = await this.data.readAll();
        this.index = new PropagationIndex(this.set);
        this.failure = null;
      } catch (err) {
        this.failure = (err as Error)?.message ?? String(err);
      }
      this.readAt = new Date().toISOString();
      this.loading = undefined;
      if (this.disposed) return;
      const table = this.table();
      const label = table?.label ?? this.set?.unreadable.find((u) => u.ns === this.ns)?.label ?? null;
      this.panel.title = panelTitle(this.ns, label);
      if (table && this.selected === null) this.selected = defaultMount(table);
      this.post({ type: 'propagation/busy', busy: false });
      this.postAll();
    })();
    return this.loading;
  }

  private table(): MountTable | undefined {
    return this.set?.tables.find((t) => t.ns === this.ns);
  }

  private post(msg: PropagationToWebview): void {
    // A hidden webview drops messages; it says `ready` again when shown.
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(msg);
  }

  private postAll(): void {
    this.post({ type: 'propagation/namespace', view: this.namespaceView() });
    this.postSelection();
    this.post({ type: 'propagation/compare', view: this.compareView() });
  }

  private postSelection(): void {
    const table = this.table();
    const view = table && this.index && this.selected !== null ? selectionView(this.index, table, this.selected) : null;
    this.post({ type: 'propagation/selection', view });
  }

  private namespaceView(): NamespaceView {
    const set = this.set;
    const table = this.table();
    const unread = (set?.unreadable ?? []).map((u) => ({ ...ref(u.ns, u.label), reason: printable(u.reason) }));
    const label = table?.label ?? set?.unreadable.find((u) => u.ns === this.ns)?.label ?? null;
    const base = { namespace: ref(this.ns, label), via: '', mounts: [], skipped: [], unread, others: 0, readAt: this.readAt };
    if (!set) return { ...base, status: 'failed', problem: `Reading the mount namespaces failed: ${printable(this.failure ?? 'unknown error')}` };
    if (!table) return { ...base, status: 'missing', problem: missingText(this.ns, set) };
    return {
      ...base,
      status: 'ok',
      problem: this.failure && `Reading again failed, so this is the earlier reading: ${printable(this.failure)}`,
      via: printable(table.via),
      mounts: treeRows(table.mounts),
      skipped: table.errors.map((e) => `line ${e.line}: ${printable(e.message)}`),
      others: comparable(set, table).length,
    };
  }

  private compareView(): CompareView | null {
    const table = this.table();
    if (this.compareNs === null || !this.set || !table) return null;
    const there = this.set.tables.find((t) => t.ns === this.compareNs);
    const view: CompareView = {
      here: ref(table.ns, table.label),
      there: ref(this.compareNs, there?.label ?? null),
      problem: null,
      onlyHere: [],
      onlyThere: [],
      propagationDiffers: [],
      mountDiffers: [],
      same: 0,
    };
    if (!there) return { ...view, problem: missingText(this.compareNs, this.set) };
    const diff = compareMounts(table.mounts, there.mounts);
    const byTarget = (a: { target: string }, b: { target: string }) => a.target.localeCompare(b.target);
    const pair = (p: { target: string; here: MountRecord; there: MountRecord }): DiffPair => ({ target: printable(p.target), here: mountRow(p.here), there: mountRow(p.there) });
    return {
      ...view,
      onlyHere: diff.onlyHere.map(mountRow).sort(byTarget),
      onlyThere: diff.onlyThere.map(mountRow).sort(byTarget),
      propagationDiffers: diff.propagationDiffers.map(pair).sort(byTarget),
      mountDiffers: diff.mountDiffers.map(pair).sort(byTarget),
      same: diff.same,
    };
  }

  private async pickComparison(): Promise<void> {
    const table = this.table();
    if (!this.set || !table) return;
    const others = comparable(this.set, table);
    if (!others.length) {
      const unread = this.set.unreadable.length ? ` (${plural(this.set.unreadable.length, 'namespace was', 'namespaces were')} not readable)` : '';
      return void vscode.window.showInformationMessage(`There is no other mount namespace to compare ${namespaceName(table.ns, table.label)} with${unread}.`);
    }
    const items = others.map((t) => ({ label: `mnt ${t.ns}`, description: t.label ?? '', detail: plural(t.mounts.length, 'mount', 'mounts'), ns: t.ns }));
    const picked = await vscode.window.showQuickPick(items, {
      title: `Compare ${namespaceName(table.ns, table.label)} with…`,
      placeHolder: 'Choose another mount namespace',
      matchOnDescription: true,
    });
    if (!picked || this.disposed) return;
    this.compareNs = picked.ns;
    this.post({ type: 'propagation/compare', view: this.compareView() });
  }

  private html(): string {
    const webview = this.panel.webview;
    const nonce = randomBytes(18).toString('base64');
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'webview', name)).toString();
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset('propagation.css')}">
<title>Mount Propagation</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">Reading the mount namespaces…</p></main>
<script nonce="${nonce}" src="${asset('propagation.js')}"></script>
</body>
</html>`;
  }
}

/** The mount at `/` as this namespace sees it, else the first. */
function defaultMount(table: MountTable): number | null {
  return (mountAt(table.mounts, '/') ?? table.mounts[0])?.id ?? null;
}

function comparable(set: MountSet, table: MountTable): MountTable[] {
  return set.tables.filter((t) => t !== table && t.ns !== null);
}

function ref(ns: number | null, label: string | null) {
  return { ns, label: label === null ? null : printable(label), name: printable(namespaceName(ns, label)) };
}

function missingText(ns: number | null, set: MountSet): string {
  if (ns === null) return 'The editor’s own mount namespace could not be determined (/proc/self/ns/mnt is not readable).';
  const unread = set.unreadable.find((u) => u.ns === ns);
  const name = printable(namespaceName(ns, unread?.label ?? null));
  if (unread) return `${name} could not be read: ${printable(unread.reason)}.`;
  return `${name} is gone: no process or file keeps it alive any more, or it is no longer visible to you.`;
}

function coverText(c: Cover): string {
  const by = `${printable(c.target)} (mount ${c.id})`;
  switch (c.how) {
    case 'on top':
      return `hidden: ${by} is mounted on top`;
    case 'above':
      return `hidden: ${by} is mounted over a directory above it`;
    case 'in a hidden mount':
      return `hidden: it is inside ${by}, which is hidden`;
  }
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
    hidden: m.hiddenBy ? coverText(m.hiddenBy) : m.hidden ? 'hidden' : null,
  };
}

/** The mounts as findmnt and the Mounts view list them: "/" first, each mount under its parent. */
function treeRows(mounts: readonly MountRecord[]): MountTreeRow[] {
  const out: MountTreeRow[] = [];
  const walk = (nodes: readonly TreeNode<MountRecord>[], depth: number) => {
    for (const node of nodes) {
      out.push({ ...mountRow(node.item), depth });
      walk(node.children, depth + 1);
    }
  };
  walk(mountForest(mounts), 0);
  return out;
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
    hidden: l.mount.hiddenBy ? coverText(l.mount.hiddenBy) : l.mount.hidden ? 'hidden' : null,
  };
}

/** This namespace's rows first, then the others in the order they were read. */
function rows(located: readonly Located[], here: MountTable): PlaceRow[] {
  return located.map((l) => placeRow(l, here)).sort((a, b) => Number(b.here) - Number(a.here));
}

export function selectionView(index: PropagationIndex, table: MountTable, mountId: number): SelectionView {
  const mount = table.mounts.find((m) => m.id === mountId);
  const name = printable(namespaceName(table.ns, table.label));
  if (!mount) {
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
  const unreadCount = index.set.unreadable.length;
  const unread = unreadCount ? ` ${plural(unreadCount, 'mount namespace', 'mount namespaces')} could not be read and may hold more.` : '';
  const relations = index.relations(mount);
  const kind = describePropagation(mount);

  const peers = rows(relations.peers, table);
  const elsewhere = peers.filter((p) => !p.here).length;
  let peerNote: string | null = null;
  if (mount.peer === null) peerNote = `Mount ${mount.id} is not shared (it is ${kind}), so it has no peers.`;
  else if (!peers.length) peerNote = `No other mount is in peer group ${mount.peer}: no peers in other namespaces.${unread}`;
  else if (!elsewhere) peerNote = `No peers in other namespaces: ${peers.length === 1 ? 'its one peer is' : `all ${peers.length} peers are`} in this namespace.${unread}`;
  else if (unread) peerNote = unread.trim();

  const masters = rows(relations.masters, table);
  let masterNote: string | null = null;
  if (mount.master === null) masterNote = `Mount ${mount.id} is not a slave: no master sends it mount events.`;
  else if (!masters.length) masterNote = `No member of peer group ${mount.master} was found in the namespaces read.${unread}`;
  if (mount.propagateFrom !== null) {
    masterNote = [masterNote, `propagate_from:${mount.propagateFrom}: the nearest group it receives from that this namespace can see is peer group ${mount.propagateFrom}.`].filter(Boolean).join(' ');
  }

  const slaves = rows(relations.slaves, table);
  let slaveNote: string | null = null;
  if (mount.peer === null) slaveNote = `Mount ${mount.id} is not shared: nothing can be a slave of it.`;
  else if (!slaves.length) slaveNote = `Peer group ${mount.peer} has no slaves in the namespaces read.${unread}`;

  const answer = index.answerFor(table, mount);
  const layout = layoutGraph(propagationGraph(index, table, mount));
  return {
    mountId,
    mount: mountRow(mount),
    gone: null,
    description: kind,
    peers: { heading: mount.peer === null ? 'Peers' : `Peers in group ${mount.peer}`, rows: peers, note: peerNote },
    master: { heading: mount.master === null ? 'Master' : `Master: peer group ${mount.master}`, rows: masters, note: masterNote },
    slaves: { heading: mount.peer === null ? 'Slaves' : `Slaves of peer group ${mount.peer}`, rows: slaves, note: slaveNote },
    explanation: paragraphs(answer.explanation),
    graph: { svg: graphSvg(layout), caption: layout.description + (unreadCount ? ` Namespaces that could not be read are not drawn.` : '') },
  };
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
