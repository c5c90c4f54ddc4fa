/**
 * The Mounts view: the mount tree of one mount namespace — the editor's own by default,
 * the one selected in the Namespaces view, or one picked — re-read while visible.
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
import { plural } from '../../core/text/plural';
import { ProcSource } from '../../core/linux/procfs';
import { RootRunner } from '../elevation/elevation';
import { ExtensionEnv, guarded } from '../shared/env';
import { registerPropagationPanelSerializer, showPropagationPanel } from '../propagation/propagationPanel';
import { tableDescription } from './mountRows';
import { MountTreeProvider } from './mountsTree';
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

export function registerMountsView(env: ExtensionEnv, view: NamespaceView, root: RootRunner): MountsView {
  const { extension, log } = env;
  const proc = new ProcSource();
  const provider = new MountTreeProvider();
  const treeView = vscode.window.createTreeView(MOUNTS_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const ownNs = proc.nsInode(process.pid, 'mnt');
  /** The namespace shown: its inode. */
  let selected = ownNs;
  /** A table read as root stays until another namespace is chosen: re-reading it would ask again. */
  let rootTable: MountTable | undefined;
  let shownJson = '';
  /** The mount namespace selected in the Namespaces view when it last changed. */
  let followed: number | undefined;

  const setState = (state: 'ready' | 'needsRoot' | 'error') =>
    vscode.commands.executeCommand('setContext', STATE_KEY, state);
  const labelOf = (ns: number) => view.current()?.namespaces.find((n) => n.ns === ns)?.label ?? null;

  const show = (table: MountTable, asRoot: boolean) => {
    treeView.title = 'Mounts';
    treeView.description = tableDescription(table, table.ns === ownNs, asRoot);
    const notes = [
      table.errors.length
        ? `${plural(table.errors.length, 'line', 'lines')} of ${table.via} could not be read and ${table.errors.length === 1 ? 'was' : 'were'} skipped (see the log).`
        : '',
      asRoot ? 'Read as root; Refresh asks again.' : '',
    ].filter(Boolean);
    treeView.message = notes.length ? notes.join(' ') : undefined;
    // Redraw only on change: a redraw collapses nothing, but it costs on big tables.
    const json = JSON.stringify([table.ns, table.mounts, table.errors]);
    if (json !== shownJson || provider.current?.ns !== table.ns) {
      provider.setTable(table);
      for (const e of table.errors) log.warn(`${table.via} line ${e.line} skipped: ${e.message}`);
    }
    shownJson = json;
    void setState('ready');
  };

  const fail = (message: string, state: 'needsRoot' | 'error') => {
    provider.setTable(undefined);
    shownJson = '';
    treeView.description = namespaceName(selected, labelOf(selected));
    // VS Code draws a view's welcome content only while the view has no message: the
    // needs-root welcome says why itself and carries Read as Root.
    treeView.message = state === 'needsRoot' ? undefined : message;
    void setState(state);
  };

  const read = async (): Promise<MountTable> => {
    if (selected === ownNs) return tableOfPid(process.pid, proc, labelOf(ownNs));
    const snapshot = view.current();
    if (!snapshot) throw new MountReadError('the namespaces are still being scanned');
    return tableOfNamespace(snapshot, selected, proc);
  };

  const refresh = async () => {
    if (rootTable) return;
    try {
      show(await read(), false);
    } catch (err) {
      if (!(err instanceof MountReadError)) throw err;
      fail(capitalise(err.message) + '.', err.needsRoot ? 'needsRoot' : 'error');
    }
  };
  const interval = () => vscode.workspace.getConfiguration('namespaceExplorer').get<number>('refreshInterval', 2000);
  const manager = new RefreshManager(refresh, interval);

  const select = (ns: number) => {
    // The namespace shown again: a table read as root stays, re-reading it would ask again.
    if (ns === selected) return rootTable ? undefined : manager.trigger();
    selected = ns;
    rootTable = undefined;
    return manager.trigger();
  };

  /** The namespace being read as root: one password prompt at a time. */
  let readingAsRoot: number | undefined;
  const readAsRoot = async () => {
    if (readingAsRoot !== undefined) return;
    const ns = selected;
    const args = ['mounts', '--ns', String(ns), '--json'];
    readingAsRoot = ns;
    try {
      if (!(await root.offerHelperUpdate())) return;
      const { stdout } = await root.run(`Reading the mounts of ${namespaceName(ns, labelOf(ns))} as root…`, args);
      // Another namespace chosen while polkit asked: this answer is no longer wanted.
      if (selected !== ns) return;
      const answer = JSON.parse(stdout) as {
        namespace: { ns: number; label: string | null; via: string };
        mounts: MountRecord[];
        errors: MountTable['errors'];
      };
      rootTable = {
        ...answer.namespace,
        label: answer.namespace.label ?? labelOf(ns),
        mounts: answer.mounts,
        errors: answer.errors,
      };
      show(rootTable, true);
    } catch (err) {
      await root.explain('Read Mounts as Root', args, err);
    } finally {
      readingAsRoot = undefined;
    }
  };

  const chooseNamespace = async () => {
    const snapshot = view.current();
    const namespaces = snapshot ? mountNamespaces(snapshot) : [];
    if (!namespaces.length) return void inform('The namespaces are still being scanned; try again in a moment.');
    const items = namespaces.map((n) => ({
      label: `mnt ${n.ns}`,
      description: [n.label, n.ns === ownNs ? 'yours' : '', n.ns === selected ? 'shown' : '']
        .filter(Boolean)
        .join(' · '),
      detail: n.nprocs
        ? plural(n.nprocs, 'process', 'processes')
        : `no process: held by ${n.holders.map((h) => (h.kind === 'bindmount' ? h.path : h.kind)).join(', ') || 'nothing visible'}`,
      ns: n.ns,
    }));
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Show the Mounts of…',
      placeHolder: 'A mount namespace, by inode or label',
      matchOnDescription: true,
    });
    if (picked) await select(picked.ns);
  };

  /** The mount namespace a row of the Namespaces view stands for. */
  const mountNsOf = (node: Node | undefined): number | undefined => {
    if (!node) return undefined;
    if (node.kind === 'namespace' && node.ns.type === 'mnt') return node.ns.ns;
    if (node.kind === 'process') return node.process.ns.mnt;
    if ((node.kind === 'holder' || node.kind === 'members') && node.ns.type === 'mnt') return node.ns.ns;
    return undefined;
  };

  /** The editor's own table, which every set has. */
  const ownTable = () => {
    try {
      return tableOfPid(process.pid, proc, labelOf(ownNs));
    } catch {
      return undefined;
    }
  };

  const readAll = async (): Promise<MountSet> => {
    const snapshot = view.current();
    const set: MountSet = snapshot ? await allTables(snapshot, proc) : { tables: [], unreadable: [] };
    const add = (t: MountTable | undefined) => {
      if (!t || set.tables.some((other) => other.ns === t.ns)) return;
      set.tables.push(t);
      set.unreadable = set.unreadable.filter((u) => u.ns !== t.ns);
    };
    add(rootTable ?? provider.current);
    // Read again only when the scan did not already read it.
    if (!set.tables.some((t) => t.ns === ownNs)) add(ownTable());
    return set;
  };
  extension.subscriptions.push(
    treeView,
    provider,
    manager,
    vscode.window.registerFileDecorationProvider(provider),
    treeView.onDidChangeVisibility((e) => manager.setVisible(e.visible)),
    view.onDidSelect((node) => {
      // Following the Namespaces view: a mount namespace selected there is shown here. A
      // redraw of that tree can report its selection again, sometimes after an empty one;
      // only a new row is followed, or a namespace picked since would be replaced by the
      // one still selected there.
      if (!node) return;
      const ns = node.kind === 'namespace' && node.ns.type === 'mnt' ? node.ns.ns : undefined;
      if (ns !== undefined && ns !== followed) {
        log.info(`mounts: following the selected mount namespace ${ns}`);
        void select(ns);
      }
      followed = ns;
    }),
    view.onDidChangeSnapshot(() => {
      // A namespace may have come or gone, and labels come with the first scan.
      if (treeView.visible) void manager.trigger();
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('namespaceExplorer.refreshInterval')) manager.reschedule();
    }),
    vscode.commands.registerCommand(
      'namespaceExplorer.showMounts',
      guarded(env, 'Show Mounts', async (node?: Node) => {
        const ns = mountNsOf(node);
        if (node && ns === undefined)
          return void warn('Its mount namespace is not known: the process belongs to another user.');
        await vscode.commands.executeCommand(`${MOUNTS_VIEW_ID}.focus`);
        await (ns === undefined ? chooseNamespace() : select(ns));
      }),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.chooseMountNamespace',
      guarded(env, 'Choose Mount Namespace', chooseNamespace),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.showOwnMounts',
      guarded(env, 'Show Your Mounts', () => select(ownNs)),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.refreshMounts',
      guarded(env, 'Refresh Mounts', () => (rootTable ? readAsRoot() : manager.trigger())),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.readMountsAsRoot',
      guarded(env, 'Read Mounts as Root', readAsRoot),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.showPropagation',
      guarded(env, 'Show Propagation', (m?: MountRecord) => {
        const table = rootTable ?? provider.current;
        showPropagationPanel(env, { readAll }, { ns: table?.ns ?? selected, mountId: m?.id ?? null });
      }),
    ),
    registerPropagationPanelSerializer(env, { readAll }),
  );
  void setState('ready');
  if (treeView.visible) manager.setVisible(true);
  return { current: () => rootTable ?? provider.current, readAll };
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
