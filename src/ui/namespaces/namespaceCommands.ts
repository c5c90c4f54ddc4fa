/** Actions on namespaces: copy and export. */
import * as vscode from 'vscode';
import { nsenterArgv, shellQuote } from '../../core/terminals/argv';
import { CommandTable } from '../shared/env';
import { Snapshot } from '../../core/model/snapshot';
import { NamespaceView } from './namespaceView';
import { namespaceName } from './presentation';
import { plural } from '../../core/text/plural';
import { Node } from './treeModel';
import { inform, warn } from '../shared/notify';

/** The commands on namespace rows, and Export Snapshot (stateless: the view holds what they read). */
export function namespaceCommands(view: NamespaceView): CommandTable {
  return {
    'namespaceExplorer.copyInode': { title: 'Copy Inode', run: copyInode },
    'namespaceExplorer.copyNsenterCommand': { title: 'Copy nsenter Command', run: copyNsenterCommand },
    'namespaceExplorer.exportSnapshot': { title: 'Export Snapshot', run: () => exportSnapshot(view.current()) },
  };
}

async function copyInode(node?: Node): Promise<void> {
  if (node?.kind !== 'namespace') return;
  await vscode.env.clipboard.writeText(String(node.ns.ns));
  vscode.window.setStatusBarMessage(`Copied ${namespaceName(node.ns)}`, 3000);
}

async function copyNsenterCommand(node?: Node): Promise<void> {
  if (node?.kind !== 'namespace') return;
  const argv = nsenterArgv(node.ns);
  if (!argv) {
    return void warn(
      `${namespaceName(node.ns)} is a ghost: no process, fd or bind mount holds it, so nsenter cannot open it.`,
    );
  }
  const mine = node.ns.uid === null || node.ns.uid === process.getuid?.();
  const command = shellQuote(mine ? argv : ['sudo', ...argv]);
  await vscode.env.clipboard.writeText(command);
  vscode.window.setStatusBarMessage(`Copied: ${command}`, 4000);
}

async function exportSnapshot(snapshot: Snapshot | undefined): Promise<void> {
  if (!snapshot) return void inform('The namespaces are still being scanned; try again in a moment.');
  const stamp = snapshot.takenAt.replace(/[:.]/g, '-');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(process.env.HOME ?? '/');
  const target = await vscode.window.showSaveDialog({
    title: 'Export Namespace Snapshot',
    defaultUri: vscode.Uri.joinPath(folder, `namespaces-${stamp}.json`),
    filters: { JSON: ['json'] },
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(JSON.stringify(snapshot, null, 2) + '\n'));
  vscode.window.setStatusBarMessage(
    `Exported ${plural(snapshot.namespaces.length, 'namespace', 'namespaces')} to ${target.fsPath}`,
    4000,
  );
}
