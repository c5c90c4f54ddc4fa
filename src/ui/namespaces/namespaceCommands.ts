/** Actions on namespaces: copy and export. */
import * as vscode from 'vscode';
import { nsenterArgv, shellQuote } from '../../core/terminals/argv';
import { ExtensionEnv, guarded } from '../shared/env';
import { NamespaceView } from './namespaceView';
import { namespaceName } from './presentation';
import { plural } from '../../core/text/plural';
import { Node } from './treeModel';
import { inform, warn } from '../shared/notify';

export function registerNamespaceCommands(env: ExtensionEnv, view: NamespaceView): void {
  const { extension } = env;
  extension.subscriptions.push(
    vscode.commands.registerCommand(
      'namespaceExplorer.copyInode',
      guarded(env, 'Copy Inode', async (node?: Node) => {
        if (node?.kind !== 'namespace') return;
        await vscode.env.clipboard.writeText(String(node.ns.ns));
        vscode.window.setStatusBarMessage(`Copied ${namespaceName(node.ns)}`, 3000);
      }),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.copyNsenterCommand',
      guarded(env, 'Copy nsenter Command', async (node?: Node) => {
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
      }),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.exportSnapshot',
      guarded(env, 'Export Snapshot', async () => {
        const snapshot = view.current();
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
      }),
    ),
  );
}
