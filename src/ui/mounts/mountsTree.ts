/** The Mounts view's tree: one mount namespace's mounts under their parents. */
import * as vscode from 'vscode';
import { MountRecord } from '../../core/mounts/mountTable';
import { MountTable } from '../../core/mounts/propagation';
import { mountRow } from './mountRows';

/**
 * Hidden rows carry a URI of this scheme so that a file decoration can grey their label:
 * a TreeItem has no colour of its own.
 */
const HIDDEN_SCHEME = 'nsx-hidden-mount';

export class MountTreeProvider
  implements vscode.TreeDataProvider<MountRecord>, vscode.FileDecorationProvider, vscode.Disposable
{
  private readonly changed = new vscode.EventEmitter<MountRecord | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private table: MountTable | undefined;
  private byId = new Map<number, MountRecord>();
  private children = new Map<number, MountRecord[]>();
  private roots: MountRecord[] = [];

  get current(): MountTable | undefined {
    return this.table;
  }

  setTable(table: MountTable | undefined): void {
    this.table = table;
    this.byId = new Map(table?.mounts.map((m) => [m.id, m]));
    this.children = new Map();
    this.roots = [];
    for (const m of table?.mounts ?? []) {
      const parent = m.parent !== m.id ? this.byId.get(m.parent) : undefined;
      if (!parent) this.roots.push(m);
      else {
        const list = this.children.get(parent.id);
        if (list) list.push(m);
        else this.children.set(parent.id, [m]);
      }
    }
    this.changed.fire(undefined);
  }

  find(id: number): MountRecord | undefined {
    return this.byId.get(id);
  }

  getChildren(m?: MountRecord): MountRecord[] {
    return m ? (this.children.get(m.id) ?? []) : this.roots;
  }

  getParent(m: MountRecord): MountRecord | undefined {
    return m.parent !== m.id ? this.byId.get(m.parent) : undefined;
  }

  getTreeItem(m: MountRecord): vscode.TreeItem {
    const row = mountRow(m);
    const state = !this.children.has(m.id)
      ? vscode.TreeItemCollapsibleState.None
      : this.roots.includes(m)
        ? vscode.TreeItemCollapsibleState.Expanded
        : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(row.label, state);
    // The namespace is part of the id: expansion state must not carry over to another one.
    item.id = `${this.table?.ns ?? 'own'}/${m.id}`;
    item.description = row.description;
    item.tooltip = row.tooltip;
    item.contextValue = row.contextValue;
    item.accessibilityInformation = { label: row.ariaLabel };
    item.iconPath = new vscode.ThemeIcon(
      row.icon,
      row.dimmed ? new vscode.ThemeColor('disabledForeground') : undefined,
    );
    if (row.dimmed) item.resourceUri = vscode.Uri.from({ scheme: HIDDEN_SCHEME, path: `/${m.id}` });
    return item;
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== HIDDEN_SCHEME) return undefined;
    // No tooltip: VS Code appends it to the row's, which already says what covers the mount.
    return { color: new vscode.ThemeColor('disabledForeground') };
  }

  dispose(): void {
    this.changed.dispose();
  }
}
