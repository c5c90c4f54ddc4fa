/**
 * The Namespaces view: tree, background discovery (live while visible), grouping, filter
 * and reveal.
 */
import * as vscode from 'vscode';
import { BackgroundDiscovery, Pushed, ScanReply } from '../../core/discovery/background';
import { Snapshot } from '../../core/model/snapshot';
import type { Finding } from '../../core/findings/types';
import { CommandTable, ExtensionEnv, registerCommands } from '../shared/env';
import { DetailsSource } from '../details/detailsSource';
import { NamespaceTreeProvider } from './namespaceTree';
import { LiveSwitch } from '../shared/liveSwitch';
import { plural } from '../../core/text/plural';
import { Grouping, GROUPINGS, Node } from './treeModel';
import { inform, warn } from '../shared/notify';
import { filterReplacedNote, headerText, pidToReveal, rootScanSummary, scanSummary } from './viewHeader';

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
   * Shows a snapshot taken as root, marked as such, until the user goes back. The live
   * engine stops meanwhile: each elevated scan is asked for, never repeated behind the
   * user's back (which would mean a password prompt every few seconds).
   */
  showElevated(snapshot: Snapshot): void;
  readonly elevated: boolean;
  /** Fires with the row selected (the first of several), or undefined when none is. */
  readonly onDidSelect: vscode.Event<Node | undefined>;
  /** Fires with the findings of the user's own snapshot whenever they change (none in root's view). */
  readonly onDidReceiveFindings: vscode.Event<readonly Finding[]>;
  /** The findings to show: the Findings group and the marks on their namespaces' rows. */
  setFindings(findings: readonly Finding[]): void;
  /** Marks namespaces as made for a terminal (inode → terminal name). */
  setTerminalMarks(marks: ReadonlyMap<number, string>): void;
  /**
   * Shows a namespace's row, expanded (and selected, when asked); false when it is not in
   * the tree or could not be shown. A filter that hides it is cleared, and the user told so,
   * naming what is shown (WHY: "the namespaces of terminal …").
   */
  reveal(ino: number, options?: { select?: boolean; why?: string }): Promise<boolean>;
}

/** The Namespaces view's controller: it owns the tree, the background discovery and their commands. */
export class NamespaceViewController implements NamespaceView, vscode.Disposable {
  readonly provider: NamespaceTreeProvider;
  readonly details: DetailsSource;
  readonly onDidChangeSnapshot: vscode.Event<Snapshot>;
  readonly onDidSelect: vscode.Event<Node | undefined>;
  private readonly findings = new vscode.EventEmitter<readonly Finding[]>();
  readonly onDidReceiveFindings = this.findings.event;
  private readonly discovery = new BackgroundDiscovery();
  private readonly treeView: vscode.TreeView<Node>;
  private readonly changed = new vscode.EventEmitter<Snapshot>();
  private readonly live: LiveSwitch;
  private readonly disposables: vscode.Disposable[];
  /** The fingerprint of the snapshot shown: a scan that finds the same sends none. */
  private known: string | undefined;
  private isElevated = false;
  /** When root's view was taken, while it is shown. */
  private elevatedAt: string | undefined;
  /** Why the last refresh failed, while the tree still shows the one before. */
  private failure: string | undefined;

  constructor(private readonly env: ExtensionEnv) {
    const grouping = env.extension.globalState.get<Grouping>(GROUPING_KEY, 'type');
    this.details = new DetailsSource((inos, topology) => this.discovery.details(inos, topology));
    this.provider = new NamespaceTreeProvider(GROUPINGS.includes(grouping) ? grouping : 'type', this.details);
    this.treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.provider, showCollapseAll: true });
    this.onDidChangeSnapshot = this.changed.event;
    this.onDidSelect = (listener, thisArg, disposables) =>
      this.treeView.onDidChangeSelection((e) => listener.call(thisArg, e.selection[0]), undefined, disposables);
    this.live = new LiveSwitch({
      start: (ms) => void this.discovery.live(ms, (pushed) => this.receivePushed(pushed)).catch(this.failedLive),
      stop: () => void this.discovery.live(null).catch(this.failedLive),
      once: () => void this.scan(),
      interval: refreshInterval,
    });
    void this.setState('loading');
    void vscode.commands.executeCommand('setContext', GROUPING_KEY, this.provider.current.grouping);
    this.disposables = [
      this.treeView,
      this.provider,
      this.details,
      this.live,
      this.changed,
      this.findings,
      { dispose: () => this.discovery.dispose() },
      this.treeView.onDidChangeVisibility((e) => this.live.setVisible(e.visible)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('namespaceExplorer.refreshInterval')) this.live.reschedule();
      }),
      registerCommands(env, this.commands()),
    ];
    if (this.treeView.visible) this.live.setVisible(true);
  }

  get elevated(): boolean {
    return this.isElevated;
  }

  current(): Snapshot | undefined {
    return this.provider.current.snapshot;
  }

  refreshNow(): Promise<void> {
    return this.scan();
  }

  showElevated(snapshot: Snapshot): void {
    this.setElevated(true, snapshot);
  }

  setFindings(findings: readonly Finding[]): void {
    this.provider.setFindings(findings);
  }

  setTerminalMarks(marks: ReadonlyMap<number, string>): void {
    this.provider.setTerminalMarks(marks);
  }

  reveal(ino: number, { select = false, why }: { select?: boolean; why?: string } = {}): Promise<boolean> {
    return this.revealNamespace(ino, { select, expand: true, ...(why ? { why } : {}) });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private commands(): CommandTable {
    const group = (title: string, g: Grouping) => ({ title, run: () => this.group(g) });
    return {
      'namespaceExplorer.refresh': { title: 'Refresh', run: () => this.refresh() },
      'namespaceExplorer.showMine': { title: 'Show Your Namespaces', run: () => this.setElevated(false) },
      'namespaceExplorer.groupByType': group('Group by Type', 'type'),
      'namespaceExplorer.groupByOwner': group('Group by Owner', 'owner'),
      'namespaceExplorer.groupByParent': group('Group by Parent', 'parent'),
      'namespaceExplorer.groupByContainer': group('Group by Containers', 'containers'),
      'namespaceExplorer.filter': { title: 'Filter', run: () => this.askFilter() },
      'namespaceExplorer.clearFilter': { title: 'Clear Filter', run: () => this.applyFilter('') },
      'namespaceExplorer.revealPid': {
        title: 'Reveal Namespaces of a PID',
        run: (pid?: number) => this.revealPid(pid),
      },
    };
  }

  /** The user's Refresh: root's view asks root again. */
  private refresh(): Thenable<unknown> {
    if (this.isElevated) return vscode.commands.executeCommand('namespaceExplorer.showAll');
    // Asked for: redrawn even when no namespace changed, and what is inside them read again.
    this.known = undefined;
    this.details.forget();
    return this.scan();
  }

  /** One scan of the user's own now, unless root's view is shown. */
  private async scan(): Promise<void> {
    if (this.isElevated) return;
    const started = Date.now();
    try {
      this.receive(await this.discovery.scan({ known: this.known }), Date.now() - started);
    } catch (err) {
      this.failed((err as Error).message);
    }
  }

  /** A snapshot the live engine sent because something changed. */
  private receivePushed({ pushed, ranMs }: Pushed): void {
    if ('error' in pushed) this.failed(pushed.error);
    else this.receive(pushed, ranMs);
  }

  private receive(reply: ScanReply, tookMs: number): void {
    this.known = reply.fingerprint;
    if (this.failure) {
      this.failure = undefined; // a failure before is over, changed or not
      this.showHeader();
    }
    if (this.isElevated) return; // root's view arrived meanwhile
    // They change without the snapshot (lo brought up): an unchanged reply can carry them.
    if (reply.findings) this.findings.fire(reply.findings);
    if (reply.findingsError) this.env.log.warn(`findings could not be checked: ${reply.findingsError}`);
    if ('unchanged' in reply) return this.env.log.trace(`refresh: unchanged (${tookMs} ms)`);
    const first = !this.provider.current.snapshot;
    this.show(reply.snapshot);
    const summary = scanSummary(reply.snapshot, tookMs);
    if (first) this.env.log.info(`first scan: ${summary}`);
    else this.env.log.debug(`refresh: ${summary}`);
  }

  private readonly failedLive = (err: Error) => this.failed(`the live engine could not run: ${err.message}`);

  private failed(message: string): void {
    this.env.log.error(`refresh failed: ${message}`);
    if (this.provider.current.snapshot) {
      this.failure = message;
      this.showHeader();
    } else void this.setState('error');
  }

  private show(snapshot: Snapshot): void {
    this.provider.update(snapshot);
    this.changed.fire(snapshot);
    void this.setState('ready');
  }

  private showHeader(): void {
    const { description, message } = headerText({
      elevatedAt: this.elevatedAt,
      filter: this.provider.current.filter,
      failure: this.failure,
    });
    this.treeView.description = description;
    this.treeView.message = message;
  }

  private setState(state: 'loading' | 'ready' | 'error'): Thenable<unknown> {
    return vscode.commands.executeCommand('setContext', 'namespaceExplorer.state', state);
  }

  private setElevated(on: boolean, snapshot?: Snapshot): void {
    this.isElevated = on;
    this.live.setPaused(on);
    void vscode.commands.executeCommand('setContext', 'namespaceExplorer.elevated', on);
    if (on && snapshot) {
      this.findings.fire([]); // they were found in the user's own snapshot
      this.show(snapshot);
      this.elevatedAt = new Date(snapshot.takenAt).toLocaleTimeString();
      this.failure = undefined;
      this.showHeader();
      this.env.log.info(rootScanSummary(snapshot));
    } else {
      this.known = undefined; // the tree shows root's snapshot: the next scan must redraw
      this.elevatedAt = undefined;
      this.showHeader();
      void this.scan();
    }
  }

  private applyFilter(filter: string): void {
    this.provider.setFilter(filter);
    this.showHeader();
    void vscode.commands.executeCommand('setContext', 'namespaceExplorer.filtered', !!filter);
  }

  private async askFilter(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Filter Namespaces',
      prompt:
        'Show namespaces whose inode, type or label contains this text, ' +
        'or that hold a process with this PID or command',
      value: this.provider.current.filter,
      placeHolder: 'e.g. 1234, nginx, 4026532181, net',
    });
    if (value !== undefined) this.applyFilter(value.trim());
  }

  private async group(g: Grouping): Promise<void> {
    this.provider.setGrouping(g);
    await this.env.extension.globalState.update(GROUPING_KEY, g);
    await vscode.commands.executeCommand('setContext', GROUPING_KEY, g);
  }

  /** Filters by a PID (asked for when not given) and reveals its namespaces, selecting the first. */
  private async revealPid(pidArg?: number): Promise<void> {
    const snapshot = this.provider.current.snapshot;
    if (!snapshot) return void inform('The namespaces are still being scanned; try again in a moment.');
    const pid = pidArg ?? Number(await askPid(snapshot));
    if (!pid) return;
    const found = pidToReveal(snapshot, pid);
    if ('problem' in found) return void warn(found.problem);
    const note = filterReplacedNote(this.provider.current.filter, pid);
    this.applyFilter(String(pid));
    if (note) void inform(note);
    const inos = Object.values(found.process.ns).filter((ino) => this.provider.findNamespace(ino));
    for (const [i, ino] of inos.entries()) await this.revealNamespace(ino, { select: i === 0, expand: false });
  }

  /**
   * Shows a namespace's row. A new snapshot can replace the tree's nodes while VS Code
   * resolves the one asked for, and the reveal then fails: look it up again and retry.
   * Redraws wait meanwhile: one that lands during a reveal can leave its group folded.
   */
  private async revealNamespace(
    ino: number,
    options: { select: boolean; expand: boolean; why?: string },
  ): Promise<boolean> {
    if (this.provider.hiddenByFilter(ino)) this.clearFilterFor(ino, options.why);
    const { select, expand } = options;
    for (let attempt = 1; ; attempt++) {
      const node = this.provider.findNamespace(ino);
      if (!node) return false;
      try {
        await this.provider.holdingRedraws(() => this.treeView.reveal(node, { select, focus: select, expand }));
        return true;
      } catch (err) {
        if (attempt === 3) {
          this.env.log.warn(`could not reveal namespace ${ino}: ${(err as Error).message}`);
          return false;
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
  }

  /** A filter hides namespace INO: cleared, and the user told so, naming what is shown. */
  private clearFilterFor(ino: number, why: string | undefined): void {
    const filter = this.provider.current.filter;
    this.applyFilter('');
    const shown = why ?? `namespace ${ino}`;
    this.env.log.info(`filter "${filter}" cleared to show ${shown}`);
    void inform(`Filter “${filter}” cleared to show ${shown}.`);
  }
}

function refreshInterval(): number {
  return vscode.workspace.getConfiguration('namespaceExplorer').get<number>('refreshInterval', 1000);
}

function askPid(snapshot: Snapshot): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Reveal Namespaces of a PID',
    prompt: `Process ID (${plural(snapshot.processes.length, 'process', 'processes')} known)`,
    validateInput: (v) => (/^[1-9]\d{0,9}$/.test(v.trim()) ? undefined : 'A process ID is a positive whole number'),
  });
}
