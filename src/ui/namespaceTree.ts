/** The sidebar tree of namespaces: a TreeDataProvider over the TreeModel. */
import * as vscode from 'vscode';
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

  private readonly listeners: vscode.Disposable[];

  constructor(
    private grouping: Grouping,
    private readonly details: DetailsSource,
    private filter = '',
  ) {
    // Rows drawn before their details were read get them now: only those rows are redrawn.
    this.listeners = [
      details.onDidRead((inos) => {
        for (const ino of inos) {
          const node = this.model?.findNamespace(ino);
          if (node) this.changed.fire(node);
        }
      }),
    ];
  }

  get current(): { snapshot: Snapshot | undefined; model: TreeModel | undefined; grouping: Grouping; filter: string } {
    return { snapshot: this.snapshot, model: this.model, grouping: this.grouping, filter: this.filter };
  }

  update(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.details.update(snapshot);
    this.mine = new Set(Object.values(snapshot.processes.find((p) => p.pid === process.pid)?.ns ?? {}));
    this.rebuild();
  }

  setGrouping(grouping: Grouping): void {
    this.grouping = grouping;
    this.rebuild();
  }

  setTerminalMarks(marks: ReadonlyMap<number, string>): void {
    const same = marks.size === this.terminals.size && [...marks].every(([ino, name]) => this.terminals.get(ino) === name);
    this.terminals = marks;
    if (!same) this.changed.fire(undefined);
  }

  setFilter(filter: string): void {
    this.filter = filter;
    this.rebuild();
  }

  findNamespace(ino: number): NamespaceNode | undefined {
    return this.model?.findNamespace(ino);
  }

  async getChildren(node?: Node): Promise<Node[]> {
    const model = this.model;
    if (!model) return [];
    if (!node) return model.roots();
    if (node.kind !== 'namespace' || node.ns.ghost) return model.children(node);
    // What is inside (a net namespace's interfaces) above who is in it.
    const details = await this.details.get(node.ns.ns).catch(() => undefined);
    const inside = details ? detailRows(details).map((row): DetailNode => ({ kind: 'detail', id: `${node.id}/d:${row.key}`, parent: node, ns: node.ns, row })) : [];
    return [...inside, ...model.children(node)];
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

  /** The row's words on what is inside; asked for (and the row redrawn) when not read yet. */
  private inside(ns: NamespaceRecord): string | undefined {
    if (ns.ghost) return undefined;
    const details = this.details.peek(ns.ns);
    if (details) return detailWords(details);
    void this.details.get(ns.ns).catch(() => undefined);
    return undefined;
  }

  private rebuild(): void {
    this.model = this.snapshot ? new TreeModel(this.snapshot, this.grouping, this.filter) : undefined;
    this.changed.fire(undefined);
  }
}
