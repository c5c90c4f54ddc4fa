/**
 * The Namespace Details panel: one webview per namespace, showing what is inside it as
 * the sections `nsx show` prints (tables sorted and filtered in the page), what could not
 * be read and why, and links to other namespaces (a veth peer's) that show them in the
 * tree. It reads through the Namespaces view's DetailsSource and again with each new
 * snapshot; the webview (webview/details) only draws what it is sent.
 */
import * as vscode from 'vscode';
import { NamespaceDetails } from '../../core/details/types';
import { NamespaceRecord, Snapshot } from '../../core/model/snapshot';
import { DetailsFromWebview, DetailsToWebview, isDetailsFromWebview } from '../../protocol';
import { detailsName, detailsView } from './detailsViews';
import { ExtensionEnv, guarded } from '../shared/env';
import { NamespaceView } from '../namespaces/namespaceView';
import { TYPE_ICON } from '../namespaces/presentation';
import { Node } from '../namespaces/treeModel';
import { webviewDir, webviewOptions, webviewPage } from '../shared/webviewPage';
import { inform, warn } from '../shared/notify';

export const DETAILS_VIEW_TYPE = 'namespaceExplorer.details';

export function registerDetailsPanel(env: ExtensionEnv, view: NamespaceView): void {
  const panels = new Map<number, DetailsPanel>();
  const show = (record: NamespaceRecord) => {
    const existing = panels.get(record.ns);
    if (existing) return existing.reveal();
    const panel = vscode.window.createWebviewPanel(
      DETAILS_VIEW_TYPE,
      detailsName(record),
      vscode.ViewColumn.Active,
      webviewOptions(env.extension),
    );
    panels.set(record.ns, new DetailsPanel(env, view, panel, record, () => panels.delete(record.ns)));
  };
  env.extension.subscriptions.push(
    vscode.commands.registerCommand(
      'namespaceExplorer.showDetails',
      guarded(env, 'Show Details', async (node?: Node) => {
        const record = node?.kind === 'namespace' ? node.ns : await pickNamespace(view);
        if (record) show(record);
      }),
    ),
    { dispose: () => [...panels.values()].forEach((p) => p.dispose()) },
  );
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
  private ready = false;
  private disposed = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly env: ExtensionEnv,
    private readonly view: NamespaceView,
    private readonly panel: vscode.WebviewPanel,
    private record: NamespaceRecord,
    private readonly onDispose: () => void,
  ) {
    this.ino = record.ns;
    const icon = (theme: string) => vscode.Uri.joinPath(webviewDir(env.extension), `details-${theme}.svg`);
    panel.iconPath = { light: icon('light'), dark: icon('dark') };
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((msg: unknown) => {
        if (isDetailsFromWebview(msg)) void guarded(env, 'Namespace Details', () => this.receive(msg))();
      }),
      view.onDidChangeSnapshot((s) => this.update(s)),
    );
    void this.read();
  }

  reveal(): void {
    this.panel.reveal();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.onDispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }

  private async receive(msg: DetailsFromWebview): Promise<void> {
    switch (msg.type) {
      case 'details/ready':
        this.ready = true;
        this.post({ type: 'details/busy', busy: this.busy });
        return this.postView();
      case 'details/refresh':
        if (!this.present) return this.postView();
        // Root's view holds what root's scan read: reading again is scanning again, one prompt.
        if (this.view.elevated) return void (await vscode.commands.executeCommand('namespaceExplorer.refresh'));
        this.view.details.forget(this.ino);
        return this.read();
      case 'details/reveal':
        if (!(await this.view.reveal(msg.ns, { select: true, why: this.nameOf(msg.ns) ?? `namespace ${msg.ns}` }))) {
          void warn(
            `${this.nameOf(msg.ns) ?? `Namespace ${msg.ns}`} is not in the Namespaces view: it is gone, not in this grouping, or not visible to you.`,
          );
        }
        return;
      case 'details/showAll':
        await vscode.commands.executeCommand('namespaceExplorer.showAll');
        return;
    }
  }

  /** A new snapshot: read again, or say that the namespace is gone (keeping what was read). */
  private update(snapshot: Snapshot): void {
    const record = snapshot.namespaces.find((n) => n.ns === this.ino);
    this.present = record !== undefined;
    if (!record) {
      this.reading++;
      this.setBusy(false);
      this.panel.title = `${detailsName(this.record)} (gone)`;
      return this.postView();
    }
    this.record = record;
    this.panel.title = detailsName(record);
    void this.read();
  }

  private async read(): Promise<void> {
    const reading = ++this.reading;
    this.setBusy(true);
    let details: NamespaceDetails | undefined;
    let failure: string | null = null;
    try {
      details = await this.view.details.get(this.ino);
    } catch (err) {
      failure = (err as Error)?.message ?? String(err);
      this.env.log.warn(`details of ${detailsName(this.record)}: ${failure}`);
    }
    if (this.disposed || reading !== this.reading) return;
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
    });
    this.post({ type: 'details/show', view });
  }

  private post(msg: DetailsToWebview): void {
    // A hidden webview drops messages; it says `ready` again when shown.
    if (this.ready && !this.disposed) void this.panel.webview.postMessage(msg);
  }

  private html(): string {
    return webviewPage(this.panel.webview, this.env.extension, {
      bundle: 'details',
      title: 'Namespace Details',
      loading: 'Reading what is inside the namespace…',
    });
  }
}
