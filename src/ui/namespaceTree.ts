/** The sidebar tree of namespaces: a TreeDataProvider over the TreeModel. */
import * as vscode from 'vscode';
import { NamespaceDetails } from '../core/details/types';
import { NamespaceRecord, Snapshot } from '../core/snapshot';
import { DetailsSource } from './details';
import { detailRows, detailWords } from './detailRows';
import { namespaceTooltip, rowText } from './presentation';
import { DetailNode, Grouping, NamespaceNode, Node, TreeModel } from './treeModel';

export class NamespaceTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private model: TreeModel | undefined;
  private snapshot: Snapshot | undefined;
  /** Namespaces of the editor's own process: marked "yours". */
  private mine = new Set<number>();
  /** Namespaces made for a terminal: inode → terminal name. */
  private terminals: ReadonlyMap<number, string> = new Map();

  /** What each namespace's row and interface rows last showed of its details. */
  private readonly drawn = new Map<number, { words: string; rows?: string }>();
  /** Rows (or, with redrawAll, the tree) to redraw once no reveal is under way: a redraw can cut a reveal short. */
  private readonly redraws = new Set<number>();
  private holds = 0;
  private redrawAll = false;
  private readonly listeners: vscode.Disposable[];

  constructor(
    private grouping: Grouping,
    private readonly details: DetailsSource,
    private filter = '',
  ) {
    // A new reading redraws a row only when it changes what the row shows.
    this.listeners = [details.onDidRead((inos) => inos.filter((ino) => this.showsOther(ino)).forEach((ino) => this.redraw(ino)))];
  }

  /** Runs REVEAL with the redraws that new details ask for held back until it is over. */
  async holdingRedraws<T>(reveal: () => Thenable<T>): Promise<T> {
    this.holds++;
    try {
      return await reveal();
    } finally {
      if (--this.holds === 0) {
        if (this.redrawAll) {
          this.redrawAll = false;
          this.changed.fire(undefined);
        } else this.redraws.forEach((ino) => this.redraw(ino));
        this.redraws.clear();
      }
    }
  }

  get current(): { snapshot: Snapshot | undefined; model: TreeModel | undefined; grouping: Grouping; filter: string } {
    return { snapshot: this.snapshot, model: this.model, grouping: this.grouping, filter: this.filter };
  }

  update(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.details.update(snapshot);
    const present = new Set(snapshot.namespaces.map((n) => n.ns));
    for (const ino of this.drawn.keys()) if (!present.has(ino)) this.drawn.delete(ino);
    this.mine = new Set(Object.values(snapshot.processes.find((p) => p.pid === process.pid)?.ns ?? {}));
    this.rebuild();
  }

  setGrouping(grouping: Grouping): void {
    this.grouping = grouping;
    this.rebuild();
  }

  /** Only the rows whose mark changed are redrawn: a whole redraw could cut a reveal short. */
  setTerminalMarks(marks: ReadonlyMap<number, string>): void {
    const changed = new Set([...marks.keys(), ...this.terminals.keys()].filter((ino) => marks.get(ino) !== this.terminals.get(ino)));
    this.terminals = marks;
    changed.forEach((ino) => this.redraw(ino));
  }

  setFilter(filter: string): void {
    this.filter = filter;
    this.rebuild();
  }

  findNamespace(ino: number): NamespaceNode | undefined {
    return this.model?.findNamespace(ino);
  }

  getChildren(node?: Node): Node[] {
    const model = this.model;
    if (!model) return [];
    if (!node) return model.roots();
    if (node.kind !== 'namespace' || node.ns.ghost) return model.children(node);
    // What is inside (a net namespace's interfaces) above who is in it. Not waited for: the
    // latest reading now, and the rows redrawn if a new one changes them.
    const seen = this.latest(node.ns.ns);
    const rows = seen ? detailRows(seen) : [];
    this.drawn.set(node.ns.ns, { words: this.drawn.get(node.ns.ns)?.words ?? '', rows: JSON.stringify(rows) });
    return [...rows.map((row): DetailNode => ({ kind: 'detail', id: `${node.id}/d:${row.key}`, parent: node, ns: node.ns, row })), ...model.children(node)];
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const text = rowText(node, this.model!, this.mine, this.terminals, (ns) => this.inside(ns));
    const expandable = node.kind === 'group' || this.model!.children(node).length > 0;
    const item = new vscode.TreeItem(text.label, expandable ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = text.description;
    item.contextValue = text.contextValue;
    item.accessibilityInformation = { label: text.ariaLabel };
    const ghost = node.kind === 'namespace' && node.ns.ghost;
    item.iconPath = new vscode.ThemeIcon(text.icon, ghost ? new vscode.ThemeColor('disabledForeground') : undefined);
    if (node.kind === 'info' && node.action === 'showAll') {
      item.command = { command: 'namespaceExplorer.showAll', title: 'Show All Namespaces…' };
    }
    return item;
  }

  /** Tooltips are built only when hovered. */
  resolveTreeItem(item: vscode.TreeItem, node: Node): vscode.TreeItem {
    if (!this.model) return item;
    if (node.kind === 'namespace') item.tooltip = new vscode.MarkdownString(namespaceTooltip(node.ns, this.model));
    else if (node.kind === 'process') item.tooltip = `${node.process.pid}: ${node.process.command}`;
    else if (node.kind === 'holder' || node.kind === 'info') item.tooltip = `${item.label}${item.description ? `\n${item.description}` : ''}`;
    return item;
  }

  dispose(): void {
    this.changed.dispose();
    for (const l of this.listeners) l.dispose();
  }

  /** The row's words on what is inside, from the latest reading (the row is redrawn if a new one changes them). */
  private inside(ns: NamespaceRecord): string | undefined {
    if (ns.ghost) return undefined;
    const seen = this.latest(ns.ns);
    const words = seen && detailWords(seen);
    this.drawn.set(ns.ns, { ...this.drawn.get(ns.ns), words: words ?? '' });
    return words;
  }

  /** The latest reading of namespace INO, a new one asked for (not waited for) when it belongs to an earlier snapshot. */
  private latest(ino: number): NamespaceDetails | undefined {
    const seen = this.details.peek(ino);
    if (!seen?.fresh) void this.details.get(ino).catch(() => undefined);
    return seen?.details;
  }

  /** Whether the details just read change what the namespace's rows show. */
  private showsOther(ino: number): boolean {
    const drawn = this.drawn.get(ino);
    const seen = this.details.peek(ino);
    if (!drawn || !seen) return false;
    if ((detailWords(seen.details) ?? '') !== drawn.words) return true;
    return drawn.rows !== undefined && JSON.stringify(detailRows(seen.details)) !== drawn.rows;
  }

  private redraw(ino: number): void {
    if (this.holds) return void this.redraws.add(ino);
    const node = this.model?.findNamespace(ino);
    if (node) this.changed.fire(node);
  }

  private rebuild(): void {
    this.model = this.snapshot ? new TreeModel(this.snapshot, this.grouping, this.filter) : undefined;
    if (this.holds) this.redrawAll = true;
    else this.changed.fire(undefined);
  }
}
