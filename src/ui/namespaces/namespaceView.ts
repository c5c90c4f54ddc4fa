/**
 * The Namespaces view: tree, background discovery, refresh while visible, grouping,
 * filter and reveal.
 */
import * as vscode from 'vscode';
import { BackgroundDiscovery } from '../../core/discovery/background';
import { Snapshot } from '../../core/model/snapshot';
import { ExtensionEnv, guarded } from '../shared/env';
import { DetailsSource } from '../details/detailsSource';
import { NamespaceTreeProvider } from './namespaceTree';
import { RefreshManager } from '../shared/refresh';
import { plural } from '../../core/text/plural';
import { Grouping, GROUPINGS, Node } from './treeModel';
import { inform, warn } from '../shared/notify';

export const VIEW_ID = 'namespaceExplorer.namespaces';
const GROUPING_KEY = 'namespaceExplorer.grouping';

/** What other features need from the view. */
export interface NamespaceView {
  readonly provider: NamespaceTreeProvider;
  /** What is inside each namespace of the snapshot shown. */
  readonly details: DetailsSource;
  current(): Snapshot | undefined;
  /** Fires with each new snapshot, the user's or root's. */
  readonly onDidChangeSnapshot: vscode.Event<Snapshot>;
  /** Scans again now (the user's own scan; in the root view, nothing). */
  refreshNow(): Promise<void>;
  /**
   * Shows a snapshot taken as root, marked as such, until the user goes back. Automatic
   * refresh stops meanwhile: each elevated scan is asked for, never repeated behind the
   * user's back (which would mean a password prompt every few seconds).
   */
  showElevated(snapshot: Snapshot): void;
  readonly elevated: boolean;
  /** Fires with the row selected (the first of several), or undefined when none is. */
  readonly onDidSelect: vscode.Event<Node | undefined>;
  /** Marks namespaces as made for a terminal (inode → terminal name). */
  setTerminalMarks(marks: ReadonlyMap<number, string>): void;
  /**
   * Shows a namespace's row, expanded (and selected, when asked); false when it is not in
   * the tree or could not be shown. A filter that hides it is cleared, and the user told so,
   * naming what is shown (WHY: "the namespaces of terminal …").
   */
  reveal(ino: number, options?: { select?: boolean; why?: string }): Promise<boolean>;
}

export function registerNamespaceView(env: ExtensionEnv): NamespaceView {
  const { extension, log } = env;
  const grouping = extension.globalState.get<Grouping>(GROUPING_KEY, 'type');
  const discovery = new BackgroundDiscovery();
  const details = new DetailsSource((inos) => discovery.details(inos));
  const provider = new NamespaceTreeProvider(GROUPINGS.includes(grouping) ? grouping : 'type', details);
  const treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: provider, showCollapseAll: true });
  const changed = new vscode.EventEmitter<Snapshot>();
  let known: string | undefined;
  let elevated = false;
  /** What the header says besides the filter: when root's view was taken, why a refresh failed. */
  let elevatedAt: string | undefined;
  let failure: string | undefined;

  /**
   * The description is not drawn while the view is alone in its container (its header is
   * the container's), so the message above the tree says the same in words.
   */
  const showHeader = () => {
    const filter = provider.current.filter;
    const description = [elevatedAt && `all processes (root) · ${elevatedAt}`, filter && `filter: ${filter}`]
      .filter(Boolean)
      .join(' · ');
    treeView.description = description || undefined;
    const message = [
      elevatedAt && `Showing all processes (root), as scanned at ${elevatedAt}; Refresh scans again.`,
      filter && `Filtered by “${filter}”.`,
      failure && `Refresh failed: ${failure}`,
    ].filter(Boolean);
    treeView.message = message.length ? message.join(' ') : undefined;
  };

  const setState = (state: 'loading' | 'ready' | 'error') =>
    vscode.commands.executeCommand('setContext', 'namespaceExplorer.state', state);
  void setState('loading');
  void vscode.commands.executeCommand('setContext', GROUPING_KEY, provider.current.grouping);

  const show = (snapshot: Snapshot) => {
    provider.update(snapshot);
    changed.fire(snapshot);
    void setState('ready');
  };

  const refresh = async () => {
    if (elevated) return;
    const started = Date.now();
    try {
      const reply = await discovery.scan({ known });
      known = reply.fingerprint;
      if (failure) {
        failure = undefined; // a failure before is over, changed or not
        showHeader();
      }
      if ('unchanged' in reply) {
        log.trace(`refresh: unchanged (${Date.now() - started} ms)`);
        return;
      }
      if (elevated) return; // root's view arrived while this scan ran
      const first = !provider.current.snapshot;
      show(reply.snapshot);
      const { namespaces, processes, hidden, scanner } = reply.snapshot;
      const summary = `${namespaces.length} namespaces, ${processes.length} processes (${hidden.total} hidden), scan ${scanner.durationMs} ms, total ${Date.now() - started} ms`;
      if (first) log.info(`first scan: ${summary}`);
      else log.debug(`refresh: ${summary}`);
    } catch (err) {
      const message = (err as Error).message;
      log.error(`refresh failed: ${message}`);
      if (provider.current.snapshot) {
        failure = message;
        showHeader();
      } else void setState('error');
    }
  };
  const interval = () => vscode.workspace.getConfiguration('namespaceExplorer').get<number>('refreshInterval', 2000);
  const manager = new RefreshManager(refresh, interval);

  const applyFilter = (filter: string) => {
    provider.setFilter(filter);
    showHeader();
    void vscode.commands.executeCommand('setContext', 'namespaceExplorer.filtered', !!filter);
  };
  const group = (g: Grouping) => async () => {
    provider.setGrouping(g);
    await extension.globalState.update(GROUPING_KEY, g);
    await vscode.commands.executeCommand('setContext', GROUPING_KEY, g);
  };

  const setElevated = (on: boolean, snapshot?: Snapshot) => {
    elevated = on;
    void vscode.commands.executeCommand('setContext', 'namespaceExplorer.elevated', on);
    if (on && snapshot) {
      show(snapshot);
      elevatedAt = new Date(snapshot.takenAt).toLocaleTimeString();
      failure = undefined;
      showHeader();
      log.info(
        `root's view: ${snapshot.namespaces.length} namespaces, ${snapshot.processes.length} processes, scan ${snapshot.scanner.durationMs} ms`,
      );
    } else {
      known = undefined; // the tree shows root's snapshot: the next scan must redraw
      elevatedAt = undefined;
      showHeader();
      void manager.trigger();
    }
  };

  /**
   * Shows a namespace's row. A new snapshot can replace the tree's nodes while VS Code
   * resolves the one asked for, and the reveal then fails: look it up again and retry.
   * Redraws wait meanwhile: one that lands during a reveal can leave its group folded.
   */
  const revealNamespace = async (
    ino: number,
    options: { select: boolean; expand: boolean; why?: string },
  ): Promise<boolean> => {
    if (provider.hiddenByFilter(ino)) {
      const filter = provider.current.filter;
      applyFilter('');
      const shown = options.why ?? `namespace ${ino}`;
      log.info(`filter "${filter}" cleared to show ${shown}`);
      void inform(`Filter “${filter}” cleared to show ${shown}.`);
    }
    for (let attempt = 1; ; attempt++) {
      const node = provider.findNamespace(ino);
      if (!node) return false;
      try {
        await provider.holdingRedraws(() =>
          treeView.reveal(node, { select: options.select, focus: options.select, expand: options.expand }),
        );
        return true;
      } catch (err) {
        if (attempt === 3) {
          log.warn(`could not reveal namespace ${ino}: ${(err as Error).message}`);
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  };

  extension.subscriptions.push(
    treeView,
    provider,
    details,
    manager,
    changed,
    { dispose: () => discovery.dispose() },
    treeView.onDidChangeVisibility((e) => manager.setVisible(e.visible)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('namespaceExplorer.refreshInterval')) manager.reschedule();
    }),
    vscode.commands.registerCommand(
      'namespaceExplorer.refresh',
      guarded(env, 'Refresh', () => {
        if (elevated) return vscode.commands.executeCommand('namespaceExplorer.showAll');
        // Asked for: redrawn even when no namespace changed, so what is inside them is read again.
        known = undefined;
        return manager.trigger();
      }),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.showMine',
      guarded(env, 'Show Your Namespaces', () => setElevated(false)),
    ),
    vscode.commands.registerCommand('namespaceExplorer.groupByType', guarded(env, 'Group by Type', group('type'))),
    vscode.commands.registerCommand('namespaceExplorer.groupByOwner', guarded(env, 'Group by Owner', group('owner'))),
    vscode.commands.registerCommand(
      'namespaceExplorer.groupByParent',
      guarded(env, 'Group by Parent', group('parent')),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.filter',
      guarded(env, 'Filter', async () => {
        const value = await vscode.window.showInputBox({
          title: 'Filter Namespaces',
          prompt:
            'Show namespaces whose inode, type or label contains this text, or that hold a process with this PID or command',
          value: provider.current.filter,
          placeHolder: 'e.g. 1234, nginx, 4026532181, net',
        });
        if (value !== undefined) applyFilter(value.trim());
      }),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.clearFilter',
      guarded(env, 'Clear Filter', () => applyFilter('')),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.revealPid',
      guarded(env, 'Reveal Namespaces of a PID', async (pidArg?: number) => {
        const snapshot = provider.current.snapshot;
        if (!snapshot) return void inform('The namespaces are still being scanned; try again in a moment.');
        const pid = pidArg ?? Number(await askPid(snapshot));
        if (!pid) return;
        const proc = snapshot.processes.find((p) => p.pid === pid);
        if (!proc) return void warn(`No process with PID ${pid} (it may have exited).`);
        if (proc.hidden) {
          return void warn(
            `PID ${pid} (${proc.name}) belongs to another user; its namespaces cannot be read without root.`,
          );
        }
        const before = provider.current.filter;
        applyFilter(String(pid));
        if (before && before !== String(pid))
          void inform(`Filter “${before}” replaced by “${pid}” to show the namespaces of PID ${pid}.`);
        const inos = Object.values(proc.ns).filter((ino) => provider.findNamespace(ino));
        for (const [i, ino] of inos.entries()) await revealNamespace(ino, { select: i === 0, expand: false });
      }),
    ),
  );
  if (treeView.visible) manager.setVisible(true);
  return {
    provider,
    details,
    current: () => provider.current.snapshot,
    onDidChangeSnapshot: changed.event,
    onDidSelect: (listener, thisArg, disposables) =>
      treeView.onDidChangeSelection((e) => listener.call(thisArg, e.selection[0]), undefined, disposables),
    refreshNow: () => manager.trigger(),
    showElevated: (snapshot) => setElevated(true, snapshot),
    get elevated() {
      return elevated;
    },
    setTerminalMarks: (marks) => provider.setTerminalMarks(marks),
    reveal: (ino, { select = false, why } = {}) =>
      revealNamespace(ino, { select, expand: true, ...(why ? { why } : {}) }),
  };
}

function askPid(snapshot: Snapshot): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Reveal Namespaces of a PID',
    prompt: `Process ID (${plural(snapshot.processes.length, 'process', 'processes')} known)`,
    validateInput: (v) => (/^[1-9]\d{0,9}$/.test(v.trim()) ? undefined : 'A process ID is a positive whole number'),
  });
}
