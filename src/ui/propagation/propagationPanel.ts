/**
 * The Mount Propagation panel: one webview per mount namespace, showing its mounts, and
 * for the selected one its peers, master and slaves in every namespace read, the core's
 * explanation and a drawing; "Compare with…" sets it beside another namespace. The host
 * computes everything; the webview (webview/propagation) only draws what it is sent.
 */
import * as vscode from 'vscode';
import { createPanel, PanelHost, registerPanelSerializer } from '../shared/panelHost';
import { MountSet, MountTable, namespaceName, PropagationIndex } from '../../core/mounts/propagation';
import { plural } from '../../core/text/plural';
import { ProcSource } from '../../core/linux/procfs';
import {
  CompareView,
  isPropagationFromWebview,
  MountTableView,
  PropagationFromWebview,
  PropagationPanelState,
  PropagationToWebview,
  savedPropagationState,
} from './protocol';
import { comparable, compareView, defaultMount, mountTableView, selectionView } from './propagationViews';
import { ExtensionEnv } from '../shared/env';
import { inform } from '../shared/notify';

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
  env: ExtensionEnv,
  data: MountData,
  target: { ns: number | null; mountId: number | null },
): void {
  const ns = target.ns ?? ownMountNamespace();
  const existing = panels.get(panelKey(ns));
  if (existing) return existing.reveal(target.mountId);
  const panel = createPanel(env, PROPAGATION_VIEW_TYPE, panelTitle(ns, null));
  new PropagationPanel(env, data, panel, { ns, mountId: target.mountId, compareNs: null, filter: '' });
}

/** Brings panels back after a window reload, from what the webview saved with setState. */
export function registerPropagationPanelSerializer(env: ExtensionEnv, data: MountData): vscode.Disposable {
  return registerPanelSerializer(env, PROPAGATION_VIEW_TYPE, (panel, state) => {
    const saved = savedPropagationState(state);
    const restored = { ...saved, ns: saved.ns ?? ownMountNamespace() };
    const existing = panels.get(panelKey(restored.ns));
    if (!existing) return void new PropagationPanel(env, data, panel, restored);
    panel.dispose();
    existing.reveal(restored.mountId);
  });
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
  private readonly host: PanelHost<PropagationToWebview, PropagationFromWebview>;

  constructor(
    private readonly env: ExtensionEnv,
    private readonly data: MountData,
    private readonly panel: vscode.WebviewPanel,
    state: PropagationPanelState,
  ) {
    this.ns = state.ns;
    this.selected = state.mountId;
    this.compareNs = state.compareNs;
    panels.set(panelKey(this.ns), this);
    this.host = new PanelHost(env, panel, {
      what: 'Mount Propagation',
      bundle: 'propagation',
      loading: 'Reading the mount namespaces…',
      isMessage: isPropagationFromWebview,
      receive: (msg) => this.receive(msg),
      onDispose: () => {
        if (panels.get(panelKey(this.ns)) === this) panels.delete(panelKey(this.ns));
      },
    });
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

  private async receive(msg: Exclude<PropagationFromWebview, { type: 'propagation/ready' }>): Promise<void> {
    switch (msg.type) {
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
        return showPropagationPanel(this.env, this.data, { ns: msg.ns, mountId: msg.mountId });
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
      if (this.host.disposed) return;
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
    this.host.post(msg);
  }

  private postAll(): void {
    this.post({ type: 'propagation/namespace', view: this.mountTableView() });
    this.postSelection();
    this.post({ type: 'propagation/compare', view: this.compareView() });
  }

  private postSelection(): void {
    const table = this.table();
    const view = table && this.index && this.selected !== null ? selectionView(this.index, table, this.selected) : null;
    this.post({ type: 'propagation/selection', view });
  }

  private mountTableView(): MountTableView {
    return mountTableView(this.ns, this.set, this.table(), this.failure, this.readAt);
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
    if (!picked || this.host.disposed) return;
    this.compareNs = picked.ns;
    this.post({ type: 'propagation/compare', view: this.compareView() });
  }
}
