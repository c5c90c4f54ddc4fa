/**
 * The Mounts view: the mount tree of one mount namespace — the editor's own by default,
 * the one selected in the Namespaces view, or one picked — re-read while visible when the
 * kernel says its table changed (ShownTableWatch), or on the refresh timer where it cannot.
 */
import * as vscode from 'vscode';
import {
  allTables,
  MountReadError,
  mountNamespaces,
  tableOfNamespace,
  tableOfPid,
} from '../../core/mounts/mountNamespaces';
import { MountRecord } from '../../core/mounts/mountTable';
import { MountSet, MountTable, namespaceName } from '../../core/mounts/propagation';
import { ProcSource } from '../../core/linux/procfs';
import { RootRunner } from '../elevation/elevation';
import { CommandTable, ExtensionEnv, registerCommands } from '../shared/env';
import { registerPropagationPanelSerializer, showPropagationPanel } from '../propagation/propagationPanel';
import {
  addTable,
  mountNsOf,
  namespaceChoice,
  rootAnswerTable,
  sentence,
  tableDescription,
  tableNotes,
} from './mountRows';
import { MountTreeProvider } from './mountsTree';
import { ShownTableWatch } from './shownTableWatch';
import { NamespaceView } from '../namespaces/namespaceView';
import { RefreshManager } from '../shared/refresh';
import { Node } from '../namespaces/treeModel';
import { inform, warn } from '../shared/notify';

export const MOUNTS_VIEW_ID = 'namespaceExplorer.mounts';
const STATE_KEY = 'namespaceExplorer.mountsState';

/** What the Mounts view shows, and what the propagation panel reads. */
export interface MountsView {
  /** The table shown, if any. */
  current(): MountTable | undefined;
  /** Every mount namespace readable now, with the one shown (also when it was read as root). */
  readAll(): Promise<MountSet>;
}

/** The Mounts view's controller: which namespace is shown, how it was read, and the view's commands. */
export class MountsController implements MountsView, vscode.Disposable {
  private readonly proc = new ProcSource();
  private readonly provider = new MountTreeProvider();
  private readonly treeView: vscode.TreeView<MountRecord>;
  private readonly manager: RefreshManager;
  private readonly tableWatch: ShownTableWatch;
  private readonly disposables: vscode.Disposable[];
  /** The editor's own mount namespace. */
  private readonly ownNs: number;
  /** The namespace shown: its inode. */
  private selected: number;
  /** A table read as root stays until another namespace is chosen: re-reading it would ask again. */
  private rootTable: MountTable | undefined;
  private shownJson = '';
  /** The mount namespace selected in the Namespaces view when it last changed. */
  private followed: number | undefined;
  /** The namespace being read as root: one password prompt at a time. */
  private readingAsRoot: number | undefined;

  constructor(
    private readonly env: ExtensionEnv,
    private readonly view: NamespaceView,
    private readonly root: RootRunner,
  ) {
    // Read before anything is registered: a failure here leaves nothing behind.
    this.ownNs = this.proc.nsInode(process.pid, 'mnt');
    this.treeView = vscode.window.createTreeView(MOUNTS_VIEW_ID, {
      treeDataProvider: this.provider,
      showCollapseAll: true,
    });
    this.selected = this.ownNs;
    // A watched table needs no timer: it is read again when the kernel says it changed.
    this.manager = new RefreshManager(
      () => this.refresh(),
      () => (this.tableWatch.watching ? 0 : refreshInterval()),
    );
    this.tableWatch = new ShownTableWatch(() => void this.manager.trigger(), env.log);
    const data = { readAll: () => this.readAll() };
    this.disposables = [
      this.treeView,
      this.provider,
      this.manager,
      this.tableWatch,
      vscode.window.registerFileDecorationProvider(this.provider),
      this.treeView.onDidChangeVisibility((e) => this.setVisible(e.visible)),
      view.onDidSelect((node) => this.follow(node)),
      view.onDidChangeSnapshot(() => this.snapshotChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('namespaceExplorer.refreshInterval')) this.manager.reschedule();
      }),
      registerCommands(env, this.commands()),
      registerPropagationPanelSerializer(env, data),
    ];
    void this.setState('ready');
    if (this.treeView.visible) this.setVisible(true);
  }

  current(): MountTable | undefined {
    return this.rootTable ?? this.provider.current;
  }

  async readAll(): Promise<MountSet> {
    const snapshot = this.view.current();
    const set: MountSet = snapshot ? await allTables(snapshot, this.proc) : { tables: [], unreadable: [] };
    addTable(set, this.current());
    // Read again only when the scan did not already read it.
    if (!set.tables.some((t) => t.ns === this.ownNs)) addTable(set, this.ownTable());
    return set;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private commands(): CommandTable {
    return {
      'namespaceExplorer.showMounts': { title: 'Show Mounts', run: (node?: Node) => this.showMounts(node) },
      'namespaceExplorer.chooseMountNamespace': {
        title: 'Choose Mount Namespace',
        run: () => this.chooseNamespace(),
      },
      'namespaceExplorer.showOwnMounts': { title: 'Show Your Mounts', run: () => this.select(this.ownNs) },
      'namespaceExplorer.refreshMounts': {
        title: 'Refresh Mounts',
        run: () => (this.rootTable ? this.readAsRoot() : this.manager.trigger()),
      },
      'namespaceExplorer.readMountsAsRoot': { title: 'Read Mounts as Root', run: () => this.readAsRoot() },
      'namespaceExplorer.showPropagation': {
        title: 'Show Propagation',
        run: (m?: MountRecord) => {
          const target = { ns: this.current()?.ns ?? this.selected, mountId: m?.id ?? null };
          showPropagationPanel(this.env, { readAll: () => this.readAll() }, target);
        },
      },
    };
  }

  /** Reads the namespace shown again, unless its table was read as root; watches what it read. */
  private async refresh(): Promise<void> {
    if (this.rootTable) return;
    try {
      const table = await this.read();
      this.show(table, false);
      this.tableWatch.follow(this.treeView.visible ? table : undefined);
    } catch (err) {
      this.tableWatch.follow(undefined);
      if (!(err instanceof MountReadError)) throw err;
      this.showFailure(sentence(err.message), err.needsRoot ? 'needsRoot' : 'error');
    }
  }

  /** Hidden, the view watches nothing and holds no table open; shown again, it reads its table. */
  private setVisible(visible: boolean): void {
    if (!visible) this.tableWatch.follow(undefined);
    this.manager.setVisible(visible);
  }

  /**
   * A new scan: a watched table changed only if the kernel said so, but its label may have
   * (labels come with the first scan). Any other table is read again: a namespace may have come or gone.
   */
  private snapshotChanged(): void {
    if (!this.treeView.visible) return;
    const shown = this.provider.current;
    if (this.tableWatch.watching && shown?.ns != null && shown.label === this.labelOf(shown.ns)) return;
    void this.manager.trigger();
  }

  private async read(): Promise<MountTable> {
    if (this.selected === this.ownNs) return tableOfPid(process.pid, this.proc, this.labelOf(this.ownNs));
    const snapshot = this.view.current();
    if (!snapshot) throw new MountReadError('the namespaces are still being scanned');
    return tableOfNamespace(snapshot, this.selected, this.proc);
  }

  private show(table: MountTable, asRoot: boolean): void {
    this.treeView.title = 'Mounts';
    this.treeView.description = tableDescription(table, table.ns === this.ownNs, asRoot);
    this.treeView.message = tableNotes(table, asRoot);
    // Redraw only on change: a redraw collapses nothing, but it costs on big tables.
    const json = JSON.stringify([table.ns, table.mounts, table.errors]);
    if (json !== this.shownJson || this.provider.current?.ns !== table.ns) {
      this.provider.setTable(table);
      for (const e of table.errors) this.env.log.warn(`${table.via} line ${e.line} skipped: ${e.message}`);
    }
    this.shownJson = json;
    void this.setState('ready');
  }

  private showFailure(message: string, state: 'needsRoot' | 'error'): void {
    this.provider.setTable(undefined);
    this.shownJson = '';
    this.treeView.description = namespaceName(this.selected, this.labelOf(this.selected));
    // VS Code draws a view's welcome content only while the view has no message: the
    // needs-root welcome says why itself and carries Read as Root.
    this.treeView.message = state === 'needsRoot' ? undefined : message;
    void this.setState(state);
  }

  private setState(state: 'ready' | 'needsRoot' | 'error'): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', STATE_KEY, state);
  }

  private labelOf(ns: number): string | null {
    return this.view.current()?.namespaces.find((n) => n.ns === ns)?.label ?? null;
  }

  private select(ns: number): Promise<void> | undefined {
    // The namespace shown again: a table read as root stays, re-reading it would ask again.
    if (ns === this.selected) return this.rootTable ? undefined : this.manager.trigger();
    this.selected = ns;
    this.rootTable = undefined;
    return this.manager.trigger();
  }

  /**
   * Following the Namespaces view: a mount namespace selected there is shown here. A
   * redraw of that tree can report its selection again, sometimes after an empty one;
   * only a new row is followed, or a namespace picked since would be replaced by the
   * one still selected there.
   */
  private follow(node: Node | undefined): void {
    if (!node) return;
    const ns = node.kind === 'namespace' && node.ns.type === 'mnt' ? node.ns.ns : undefined;
    if (ns !== undefined && ns !== this.followed) {
      this.env.log.info(`mounts: following the selected mount namespace ${ns}`);
      void this.select(ns);
    }
    this.followed = ns;
  }

  private async showMounts(node?: Node): Promise<void> {
    const ns = mountNsOf(node);
    if (node && ns === undefined)
      return void warn('Its mount namespace is not known: the process belongs to another user.');
    await vscode.commands.executeCommand(`${MOUNTS_VIEW_ID}.focus`);
    await (ns === undefined ? this.chooseNamespace() : this.select(ns));
  }

  private async chooseNamespace(): Promise<void> {
    const snapshot = this.view.current();
    const namespaces = snapshot ? mountNamespaces(snapshot) : [];
    if (!namespaces.length) return void inform('The namespaces are still being scanned; try again in a moment.');
    const items = namespaces.map((n) => namespaceChoice(n, this.ownNs, this.selected));
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Show the Mounts of…',
      placeHolder: 'A mount namespace, by inode or label',
      matchOnDescription: true,
    });
    if (picked) await this.select(picked.ns);
  }

  private async readAsRoot(): Promise<void> {
    if (this.readingAsRoot !== undefined) return;
    const ns = this.selected;
    const args = ['mounts', '--ns', String(ns), '--json'];
    this.readingAsRoot = ns;
    try {
      if (!(await this.root.offerHelperUpdate())) return;
      const title = `Reading the mounts of ${namespaceName(ns, this.labelOf(ns))} as root…`;
      const { stdout } = await this.root.run(title, args);
      // Another namespace chosen while polkit asked: this answer is no longer wanted.
      if (this.selected !== ns) return;
      this.rootTable = rootAnswerTable(stdout, this.labelOf(ns));
      this.tableWatch.follow(undefined);
      this.show(this.rootTable, true);
    } catch (err) {
      await this.root.explain('Read Mounts as Root', args, err);
    } finally {
      this.readingAsRoot = undefined;
    }
  }

  /** The editor's own table, which every set has. */
  private ownTable(): MountTable | undefined {
    try {
      return tableOfPid(process.pid, this.proc, this.labelOf(this.ownNs));
    } catch {
      return undefined;
    }
  }
}

function refreshInterval(): number {
  return vscode.workspace.getConfiguration('namespaceExplorer').get<number>('refreshInterval', 2000);
}
