/** The sidebar tree of namespaces: a TreeDataProvider over the TreeModel. */
import * as vscode from 'vscode';
import { Snapshot } from '../core/snapshot';
import { namespaceTooltip, rowText } from './presentation';
import { Grouping, NamespaceNode, Node, TreeModel } from './treeModel';

export class NamespaceTreeProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private model: TreeModel | undefined;
  private snapshot: Snapshot | undefined;
  /** Namespaces of the editor's own process: marked "yours". */
  private mine = new Set<number>();
  /** Namespaces made for a terminal: inode → terminal name. */
  private terminals: ReadonlyMap<number, string> = new Map();

  constructor(
    private grouping: Grouping,
    private filter = '',
  ) {}

  get current(): { snapshot: Snapshot | undefined; model: TreeModel | undefined; grouping: Grouping; filter: string } {
    return { snapshot: this.snapshot, model: this.model, grouping: this.grouping, filter: this.filter };
  }

  update(snapshot: Snapshot): void {
    this.snapshot = snapshot;
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

  getChildren(node?: Node): Node[] {
    if (!this.model) return [];
    return node ? this.model.children(node) : this.model.roots();
  }

  getParent(node: Node): Node | undefined {
    return node.parent;
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const text = rowText(node, this.model!, this.mine, this.terminals);
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
  }

  private rebuild(): void {
    this.model = this.snapshot ? new TreeModel(this.snapshot, this.grouping, this.filter) : undefined;
    this.changed.fire(undefined);
  }
}
