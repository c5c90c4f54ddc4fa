/** The sidebar tree of namespaces: a TreeDataProvider over the TreeModel. */
import * as vscode from 'vscode';
import { NamespaceRecord, Snapshot } from '../../core/model/snapshot';
import { DetailsSource } from '../details/detailsSource';
import { detailRows, detailWords } from '../details/detailRows';
import { namespaceTooltip, rowText } from './presentation';
import { containerTooltip, hostSharedTooltip } from './containerPresentation';
import { coveringRow, GivenTree } from './treeChanges';
import { DetailNode, Grouping, NamespaceNode, Node, TreeModel } from './treeModel';
import type { Finding } from '../../core/findings/types';
import { FINDINGS_EXPANDED_MAX, findingTooltip } from '../findings/findingText';

/** A finding's row, and its namespace's, in the colour of its severity. */
const TONE_COLOR = { warning: 'list.warningForeground', info: 'notificationsInfoIcon.foreground' } as const;

/**
 * How long after a redraw the next may go out. VS Code refreshes the rows of one change
 * event side by side, and two refreshes that each add, drop or replace rows can leave the
 * view drawing rows its tree no longer has ("Data tree node not found", then a garbled list
 * that stops updating). Its extension host merges events less than 200 ms apart into one,
 * and sends the next only once the view has finished the last.
 */
const REDRAW_SPACING_MS = 250;
/** From this many rows changed together, they are redrawn in one event: one by one they took minutes. */
const MANY_CHANGED = 10;

export class NamespaceTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private model: TreeModel | undefined;
  private snapshot: Snapshot | undefined;
  /** Namespaces of the editor's own process: marked "yours". */
  private mine = new Set<number>();
  /** Namespaces made for a terminal: inode → terminal name. */
  private terminals: ReadonlyMap<number, string> = new Map();
  /** The findings to show (not dismissed, not switched off). */
  private findings: readonly Finding[] = [];
  /** What the view was given, to redraw only the rows a change touches. */
  private readonly given = new GivenTree();

  /** Redraws wait while a reveal is under way: a redraw can cut a reveal short. */
  private holds = 0;
  private held: 'all' | 'changes' | undefined;
  /** Set while a redraw is too recent for another to go out on its own (REDRAW_SPACING_MS). */
  private spacing: NodeJS.Timeout | undefined;
  /** Rows changed while `spacing` was set, or were left over: looked at again when it ends. */
  private due = false;
  private readonly listeners: vscode.Disposable[];

  constructor(
    private grouping: Grouping,
    private readonly details: DetailsSource,
    private filter = '',
  ) {
    // A new reading redraws the rows whose words or interface rows it changes.
    this.listeners = [details.onDidRead(() => this.redrawChanges())];
  }

  /** Runs REVEAL with redraws held back until it is over. */
  async holdingRedraws<T>(reveal: () => Thenable<T>): Promise<T> {
    this.holds++;
    try {
      return await reveal();
    } finally {
      if (--this.holds === 0 && this.held) {
        const held = this.held;
        this.held = undefined;
        if (held === 'all') this.redrawAll();
        else this.redrawChanges();
      }
    }
  }

  get current(): { snapshot: Snapshot | undefined; model: TreeModel | undefined; grouping: Grouping; filter: string } {
    return { snapshot: this.snapshot, model: this.model, grouping: this.grouping, filter: this.filter };
  }

  /** A new snapshot: the rows it changes are redrawn, the others stay as they are drawn. */
  update(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.details.update(snapshot);
    this.mine = new Set(Object.values(snapshot.processes.find((p) => p.pid === process.pid)?.ns ?? {}));
    this.remodel();
  }

  /** The findings to show: the Findings group and the marks on their namespaces' rows. */
  setFindings(findings: readonly Finding[]): void {
    this.findings = findings;
    if (this.snapshot) this.remodel();
  }

  private remodel(): void {
    const reuse = (id: string) => this.given.reusable(id);
    this.model = new TreeModel(this.snapshot!, this.grouping, this.filter, reuse, this.findings);
    this.redrawChanges();
  }

  setGrouping(grouping: Grouping): void {
    this.grouping = grouping;
    this.rebuild();
  }

  setTerminalMarks(marks: ReadonlyMap<number, string>): void {
    this.terminals = marks;
    this.redrawChanges();
  }

  setFilter(filter: string): void {
    this.filter = filter;
    this.rebuild();
  }

  findNamespace(ino: number): NamespaceNode | undefined {
    return this.model?.findNamespace(ino);
  }

  /** Whether namespace INO is left out by the filter alone: without it, this grouping shows it. */
  hiddenByFilter(ino: number): boolean {
    if (!this.filter || !this.snapshot || this.findNamespace(ino)) return false;
    return new TreeModel(this.snapshot, this.grouping).findNamespace(ino) !== undefined;
  }

  getChildren(node?: Node): Node[] {
    const children = this.childrenOf(node);
    this.given.gaveChildren(node, children);
    return children;
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const look = this.look(node);
    this.given.gaveItem(node, JSON.stringify(look));
    const { Collapsed, Expanded, None } = vscode.TreeItemCollapsibleState;
    const open = node.kind === 'findings' && node.count <= FINDINGS_EXPANDED_MAX;
    const item = new vscode.TreeItem(look.label, open ? Expanded : look.expandable ? Collapsed : None);
    item.id = node.id;
    item.description = look.description;
    item.contextValue = look.contextValue;
    item.accessibilityInformation = { label: look.ariaLabel };
    const color = look.ghost ? 'disabledForeground' : look.tone && TONE_COLOR[look.tone];
    item.iconPath = new vscode.ThemeIcon(look.icon, color ? new vscode.ThemeColor(color) : undefined);
    if (node.kind === 'info' && node.action === 'showAll') {
      item.command = { command: 'namespaceExplorer.showAll', title: 'Show All Namespaces…' };
    }
    if (node.kind === 'finding') {
      item.command = { command: 'namespaceExplorer.revealFinding', title: 'Reveal Namespace', arguments: [node] };
    }
    return item;
  }

  /** VS Code asks for a tooltip only when its row is hovered. */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    const tooltip = this.tooltip(node);
    const markdown = node.kind === 'namespace' || node.kind === 'container' || node.kind === 'finding';
    if (tooltip !== undefined) item.tooltip = markdown ? new vscode.MarkdownString(tooltip) : tooltip;
    return item;
  }

  dispose(): void {
    clearTimeout(this.spacing);
    this.changed.dispose();
    for (const l of this.listeners) l.dispose();
  }

  /** What is inside a namespace (a net namespace's interfaces) above who is in it. */
  private childrenOf(node: Node | undefined): Node[] {
    const model = this.model;
    if (!model) return [];
    if (!node) return model.roots();
    if (node.kind !== 'namespace' || node.ns.ghost) return model.children(node);
    // Not waited for: the latest reading now, and the rows redrawn if a new one changes them.
    const seen = this.details.glance(node.ns.ns);
    const rows = (seen ? detailRows(seen) : []).map((row): DetailNode => {
      const id = `${node.id}/d:${row.key}`;
      const known = this.given.reusable(id);
      const detail: DetailNode = { kind: 'detail', id, parent: node, ns: node.ns, row };
      return known?.kind === 'detail' ? Object.assign(known, detail) : detail;
    });
    return [...rows, ...model.children(node)];
  }

  /** Everything a row shows: its item's words, icon and menus, and its tooltip. */
  private look(node: Node) {
    const text = rowText(node, this.model!, this.mine, this.terminals, (ns) => this.inside(ns));
    return {
      ...text,
      expandable: node.kind === 'group' || this.model!.children(node).length > 0,
      ghost: node.kind === 'namespace' && node.ns.ghost,
      tooltip: this.tooltip(node),
    };
  }

  private tooltip(node: Node): string | undefined {
    if (!this.model) return undefined;
    if (node.kind === 'namespace') return namespaceTooltip(node.ns, this.model);
    if (node.kind === 'container') return containerTooltip(node.container);
    if (node.kind === 'hostShared') return hostSharedTooltip(node);
    if (node.kind === 'process') return `${node.process.pid}: ${node.process.command}`;
    if (node.kind === 'finding') {
      const ns = this.model.namespace(node.finding.ns);
      return findingTooltip(
        node.finding,
        ns?.label ? `${ns.type} ${ns.ns} (${ns.label})` : `${node.finding.type} ${node.finding.ns}`,
      );
    }
    if (node.kind === 'holder' || node.kind === 'info' || node.kind === 'others') {
      const text = rowText(node, this.model, this.mine);
      return `${text.label}${text.description ? `\n${text.description}` : ''}`;
    }
    return undefined;
  }

  /** The row's words on what is inside, from the latest reading. */
  private inside(ns: NamespaceRecord): string | undefined {
    if (ns.ghost) return undefined;
    const seen = this.details.glance(ns.ns);
    return seen && detailWords(seen);
  }

  /**
   * Redraws the rows whose look or children differ from what the view was given. A few go
   * one after another, REDRAW_SPACING_MS apart, each compared again then: a tooltip open on
   * another row stays open, and the focus stays where it is. Many at once (a group's rows
   * receiving their readings) go in one event for the row that covers them (coveringRow).
   */
  private redrawChanges(): void {
    if (!this.model) return;
    if (this.holds) return void (this.held ??= 'changes');
    if (this.spacing) return void (this.due = true);
    const model = this.model;
    const changes = this.given.changes({
      roots: () => model.roots(),
      children: (n) => this.childrenOf(n),
      look: (n) => JSON.stringify(this.look(n)),
    });
    if (changes === 'all') return this.redrawAll();
    if (!changes.length) return;
    const covering = changes.length >= MANY_CHANGED ? coveringRow(changes) : undefined;
    const row = covering ?? changes[0]!;
    this.given.redrawn(row);
    this.fire(row, !covering && changes.length > 1);
  }

  private redrawAll(): void {
    if (this.holds) return void (this.held = 'all');
    this.given.clear();
    // Merged with a row's redraw still waiting, this one is the whole tree alone.
    this.fire(undefined, false);
  }

  private fire(node: Node | undefined, more: boolean): void {
    this.changed.fire(node);
    this.due = more;
    clearTimeout(this.spacing);
    this.spacing = setTimeout(() => {
      this.spacing = undefined;
      if (this.due) this.redrawChanges();
    }, REDRAW_SPACING_MS);
  }

  /** Another grouping or filter: every row is another. */
  private rebuild(): void {
    this.model = this.snapshot
      ? new TreeModel(this.snapshot, this.grouping, this.filter, undefined, this.findings)
      : undefined;
    this.redrawAll();
  }
}
