/**
 * The Mount Propagation panel: one webview per mount namespace, showing its mounts, and
 * for the selected one its peers, master and slaves in every namespace read, the core's
 * explanation and a drawing; "Compare with…" sets it beside another namespace. The host
 * computes everything; the webview (webview/propagation) only draws what it is sent.
 */
import * as vscode from 'vscode';
import { webviewOptions, webviewPage } from '../shared/webviewPage';
import { MountSet, MountTable, namespaceName, PropagationIndex } from '../../core/mounts/propagation';
import { plural } from '../../core/text/plural';
import { ProcSource } from '../../core/linux/procfs';
import {
  CompareView,
  isPropagationFromWebview,
  NamespaceView,
  PropagationFromWebview,
  PropagationPanelState,
  PropagationToWebview,
} from '../../protocol';
import { comparable, compareView, defaultMount, namespaceView, selectionView } from './propagationViews';
import { fail, inform } from '../shared/notify';

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
export function showPropagationPanel(
  extension: vscode.ExtensionContext,
  data: MountData,
  target: { ns: number | null; mountId: number | null },
): void {
  const ns = target.ns ?? ownMountNamespace();
  const existing = panels.get(panelKey(ns));
  if (existing) return existing.reveal(target.mountId);
  const panel = vscode.window.createWebviewPanel(
    PROPAGATION_VIEW_TYPE,
    panelTitle(ns, null),
    vscode.ViewColumn.Active,
    webviewOptions(extension),
  );
  new PropagationPanel(extension, data, panel, { ns, mountId: target.mountId, compareNs: null, filter: '' });
}

/**
 * Brings panels back after a window reload, from what the webview saved with setState.
 * Needs `onWebviewPanel:namespaceExplorer.propagation` among the activation events.
 */
export function registerPropagationPanelSerializer(
  extension: vscode.ExtensionContext,
  data: MountData,
): vscode.Disposable {
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
  const s = (typeof state === 'object' && state !== null ? state : {}) as Partial<
    Record<keyof PropagationPanelState, unknown>
  >;
  const id = (v: unknown) => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : null);
  return {
    ns: id(s.ns) ?? ownMountNamespace(),
    mountId: id(s.mountId),
    compareNs: id(s.compareNs),
    filter: typeof s.filter === 'string' ? s.filter : '',
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
          void fail(`Mount Propagation: ${(err as Error)?.message ?? String(err)}`);
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
    return namespaceView(this.ns, this.set, this.table(), this.failure, this.readAt);
  }

  private compareView(): CompareView | null {
    return compareView(this.set, this.table(), this.compareNs);
  }

  private async pickComparison(): Promise<void> {
    const table = this.table();
    if (!this.set || !table) return;
    const others = comparable(this.set, table);
    if (!others.length) {
      const unread = this.set.unreadable.length
        ? ` (${plural(this.set.unreadable.length, 'namespace was', 'namespaces were')} not readable)`
        : '';
      return void inform(
        `There is no other mount namespace to compare ${namespaceName(table.ns, table.label)} with${unread}.`,
      );
    }
    const items = others.map((t) => ({
      label: `mnt ${t.ns}`,
      description: t.label ?? '',
      detail: plural(t.mounts.length, 'mount', 'mounts'),
      ns: t.ns,
    }));
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
    return webviewPage(this.panel.webview, this.extension, {
      bundle: 'propagation',
      title: 'Mount Propagation',
      loading: 'Reading the mount namespaces…',
    });
  }
}

/** The mount at `/` as this namespace sees it, else the first. */
