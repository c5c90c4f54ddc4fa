/**
 * The Namespace Details panel: one webview per namespace, showing what is inside it as
 * the sections `nsx show` prints (tables sorted and filtered in the page), what could not
 * be read and why, and links to other namespaces (a veth peer's) that show them in the
 * tree. It reads through the Namespaces view's DetailsSource and again with each new
 * snapshot; the webview (webview/details) only draws what it is sent.
 */
import * as vscode from 'vscode';
import { NamespaceDetails } from '../../core/details/types';
import { isNsType, NamespaceRecord, Snapshot } from '../../core/model/snapshot';
import { DetailsFromWebview, DetailsToWebview, isDetailsFromWebview, savedDetailsTarget } from './protocol';
import { detailsName, detailsView, NamespaceIdentity } from './detailsViews';
import { ExtensionEnv, guarded } from '../shared/env';
import { NamespaceView } from '../namespaces/namespaceView';
import { TYPE_ICON } from '../namespaces/presentation';
import { Node } from '../namespaces/treeModel';
import { createPanel, PanelHost, registerPanelSerializer } from '../shared/panelHost';
import { inform, warn } from '../shared/notify';
import type { FindingsController } from '../findings/findings';
import { findingKey } from '../findings/findingText';

export const DETAILS_VIEW_TYPE = 'namespaceExplorer.details';

/** Shows a namespace's details; for a net namespace, at interface IFNAME when given. */
export type ShowDetails = (record: NamespaceRecord, ifname?: string) => void;

export function registerDetailsPanel(
  env: ExtensionEnv,
  view: NamespaceView,
  findings: FindingsController,
): ShowDetails {
  const panels = new Map<number, DetailsPanel>();
  const open = (panel: vscode.WebviewPanel, record: NamespaceIdentity) =>
    panels.set(record.ns, new DetailsPanel(env, { view, findings }, panel, record, () => panels.delete(record.ns)));
  const show = (record: NamespaceRecord, ifname?: string) => {
    let panel = panels.get(record.ns);
    if (panel) panel.reveal();
    else panel = open(createPanel(env, DETAILS_VIEW_TYPE, detailsName(record)), record).get(record.ns)!;
    if (ifname !== undefined) panel.focusInterface(ifname);
  };
  /** After a window reload: the namespace the page saved, shown again. */
  const restore = (panel: vscode.WebviewPanel, state: unknown) => {
    const target = savedDetailsTarget(state);
    if (!target || !isNsType(target.type)) {
      env.log.warn('a Details panel was not restored: its page had not saved which namespace it shows');
      return panel.dispose();
    }
    const existing = panels.get(target.ns);
    if (!existing) return void open(panel, { ...target, type: target.type });
    panel.dispose();
    existing.reveal();
  };
  env.extension.subscriptions.push(
    vscode.commands.registerCommand(
      'namespaceExplorer.showDetails',
      guarded(env, 'Show Details', async (node?: Node) => {
        const record = node?.kind === 'namespace' ? node.ns : await pickNamespace(view);
        if (record) show(record);
      }),
    ),
    registerPanelSerializer(env, DETAILS_VIEW_TYPE, restore),
    { dispose: () => [...panels.values()].forEach((p) => p.dispose()) },
  );
  return show;
}

/** From the command palette: which namespace, of the snapshot shown. */
async function pickNamespace(view: NamespaceView): Promise<NamespaceRecord | undefined> {
  const snapshot = view.current();
  if (!snapshot) return void inform('The namespaces are still being scanned; try again in a moment.');
  // A ghost is held by nothing that can be opened: there is nothing to read inside it.
  const items = snapshot.namespaces
    .filter((n) => !n.ghost)
    .map((n) => ({
      label: `${n.type} ${n.ns}`,
      description: n.label && n.label !== String(n.ns) ? n.label : '',
      iconPath: new vscode.ThemeIcon(TYPE_ICON[n.type]),
      record: n,
    }));
  const picked = await vscode.window.showQuickPick(items, {
    title: 'Show Details',
    placeHolder: 'Which namespace? Type to filter by type, inode or label',
    matchOnDescription: true,
    // A refresh that redraws the focused row of the Namespaces view moves the focus to the
    // tree, which would close the pick under the user's typing.
    ignoreFocusOut: true,
  });
  return picked?.record;
}

class DetailsPanel {
  private readonly ino: number;
  private present = true;
  private details: NamespaceDetails | undefined;
  private failure: string | null = null;
  private readAt: string | null = null;
  /** Counts readings: an answer overtaken by a later reading is dropped. */
  private reading = 0;
  private busy = false;
  private readonly host: PanelHost<DetailsToWebview, DetailsFromWebview>;
  private readonly view: NamespaceView;
  private readonly findings: FindingsController;

  constructor(
    private readonly env: ExtensionEnv,
    { view, findings }: { view: NamespaceView; findings: FindingsController },
    private readonly panel: vscode.WebviewPanel,
    private record: NamespaceIdentity,
    onDispose: () => void,
  ) {
    this.ino = record.ns;
    this.view = view;
    this.findings = findings;
    this.host = new PanelHost(env, panel, {
      what: 'Namespace Details',
      bundle: 'details',
      icon: true,
      loading: 'Reading what is inside the namespace…',
      isMessage: isDetailsFromWebview,
      receive: (msg) => this.receive(msg),
      onDispose,
    });
    this.host.track(view.onDidChangeSnapshot((s) => this.update(s)));
    this.host.track(findings.onDidChange(() => this.postView()));
    void this.read();
    this.postView();
  }

  reveal(): void {
    this.panel.reveal();
  }

  focusInterface(ifname: string): void {
    this.post({ type: 'details/focus', section: 'net-interfaces', row: ifname });
  }

  dispose(): void {
    this.host.dispose();
  }

  private async receive(msg: Exclude<DetailsFromWebview, { type: 'details/ready' }>): Promise<void> {
    switch (msg.type) {
      case 'details/refresh':
        if (!this.present) return this.postView();
        // Root's view holds what root's scan read: reading again is scanning again, one prompt.
        if (this.view.elevated) return void (await vscode.commands.executeCommand('namespaceExplorer.refresh'));
        this.view.details.forget(this.ino);
        return this.read();
      case 'details/reveal':
        return this.revealInTree(msg.ns);
      case 'details/showAll':
        await vscode.commands.executeCommand('namespaceExplorer.showAll');
        return;
      case 'details/finding':
        return this.actOnFinding(msg);
    }
  }

  /** A finding's button; a finding gone meanwhile (fixed, dismissed elsewhere) does nothing. */
  private async actOnFinding(msg: Extract<DetailsFromWebview, { type: 'details/finding' }>): Promise<void> {
    const finding = this.findings.shownFor(this.ino).find((f) => findingKey(f) === msg.key);
    if (!finding) return this.postView();
    if (msg.do === 'dismiss') return this.findings.dismiss(finding);
    const action = finding.actions[msg.index];
    if (action?.kind === 'reveal' && msg.do === 'reveal') return this.revealInTree(action.ns);
    if (action?.kind !== 'command') return;
    if (msg.do === 'copy') return this.findings.copyFix(action.command);
    if (msg.do === 'run' && action.inNamespace) return this.findings.runFix(finding, action.command);
  }

  private async revealInTree(ino: number): Promise<void> {
    if (await this.view.reveal(ino, { select: true, why: this.nameOf(ino) ?? `namespace ${ino}` })) return;
    void warn(
      `${this.nameOf(ino) ?? `Namespace ${ino}`} is not in the Namespaces view: ` +
        'it is gone, not in this grouping, or not visible to you.',
    );
  }

  /**
   * A new snapshot: read again when the namespace's own record changed (who is in it, what
   * holds it), or say that it is gone (keeping what was read). A snapshot comes whenever a
   * process starts anywhere; reading at each would, as root, start nft at each, and so
   * bring the next snapshot. Read Again reads it at any time.
   */
  private update(snapshot: Snapshot): void {
    const record = snapshot.namespaces.find((n) => n.ns === this.ino);
    const wasPresent = this.present;
    this.present = record !== undefined;
    if (!record) {
      this.reading++;
      this.setBusy(false);
      this.panel.title = `${detailsName(this.record)} (gone)`;
      return this.postView();
    }
    const same = wasPresent && this.details && JSON.stringify(record) === JSON.stringify(this.record);
    this.record = record;
    this.panel.title = detailsName(record);
    if (!same) void this.read();
  }

  private async read(): Promise<void> {
    const reading = ++this.reading;
    this.setBusy(true);
    // A panel restored after a window reload, before the first scan: that scan reads it.
    if (!this.view.current()) return void this.view.refreshNow();
    let details: NamespaceDetails | undefined;
    let failure: string | null = null;
    try {
      details = await this.view.details.get(this.ino);
    } catch (err) {
      failure = (err as Error)?.message ?? String(err);
      this.env.log.warn(`details of ${detailsName(this.record)}: ${failure}`);
    }
    if (this.host.disposed || reading !== this.reading) return;
    this.failure = failure;
    if (details) {
      this.details = details;
      // Root's scan carries the details read with it: they are as old as the scan.
      const snapshot = this.view.current();
      this.readAt = snapshot?.details?.[this.ino] === details ? snapshot.takenAt : new Date().toISOString();
    }
    this.setBusy(false);
    this.postView();
  }

  private nameOf(ino: number): string | undefined {
    const record = this.view.current()?.namespaces.find((n) => n.ns === ino);
    return record && detailsName(record);
  }

  private setBusy(busy: boolean): void {
    if (this.busy === busy) return;
    this.busy = busy;
    this.post({ type: 'details/busy', busy });
  }

  private postView(): void {
    const view = detailsView({
      record: this.record,
      present: this.present,
      details: this.details,
      failure: this.failure,
      readAt: this.readAt,
      elevated: this.view.elevated,
      root: process.geteuid?.() === 0,
      nameOf: (ino) => this.nameOf(ino),
      findings: this.findings.shownFor(this.ino),
    });
    this.post({ type: 'details/show', view });
  }

  private post(msg: DetailsToWebview): void {
    this.host.post(msg);
  }
}
