/** Entry point: wires the features; each registers its own disposables. */
import * as vscode from 'vscode';
import { ExtensionEnv } from './ui/shared/env';
import { registerDetailsPanel } from './ui/details/detailsPanel';
import { registerNamespaceCommands } from './ui/namespaces/namespaceCommands';
import { registerNamespaceView } from './ui/namespaces/namespaceView';
import { registerElevationCommands, rootRunner } from './ui/elevation/elevation';
import { registerMountsView } from './ui/mounts/mountsView';
import { registerTerminalCommands } from './ui/terminals/terminals';
import { fail, warn } from './ui/shared/notify';
import type { NamespaceExplorerApi } from './api';
import { createApi } from './ui/api';

/** Returns the API for other extensions (src/api.ts); undefined where the view does not run. */
export function activate(extension: vscode.ExtensionContext): NamespaceExplorerApi | undefined {
  const started = Date.now();
  const log = vscode.window.createOutputChannel('Namespace Explorer', { log: true });
  extension.subscriptions.push(
    log,
    vscode.commands.registerCommand('namespaceExplorer.showLog', () => log.show()),
  );
  const env: ExtensionEnv = { extension, log };
  try {
    if (process.platform !== 'linux') {
      void vscode.commands.executeCommand('setContext', 'namespaceExplorer.state', 'notLinux');
      log.warn(`namespaces exist only on Linux; this editor runs on ${process.platform}`);
      registerExplainers(extension, `Namespace Explorer needs Linux; this editor runs on ${process.platform}.`);
      return undefined;
    }
    const view = registerNamespaceView(env);
    registerNamespaceCommands(env, view);
    const root = rootRunner(env);
    registerElevationCommands(env, view, root);
    registerTerminalCommands(env, view, root);
    registerMountsView(env, view, root);
    registerDetailsPanel(env, view);
    log.info(`activated in ${Date.now() - started} ms`);
    return createApi(view, extension.subscriptions);
  } catch (err) {
    // VS Code shows nothing when activation throws: say it here.
    log.error('activation failed', err);
    void fail(`Namespace Explorer could not start: ${(err as Error).message}`);
    return undefined;
  }
}

/** Every contributed command answers with the reason instead of "command not found". */
function registerExplainers(extension: vscode.ExtensionContext, reason: string): void {
  const commands = (extension.extension.packageJSON.contributes?.commands ?? []) as { command: string }[];
  for (const { command } of commands.filter((c) => c.command !== 'namespaceExplorer.showLog')) {
    extension.subscriptions.push(vscode.commands.registerCommand(command, () => warn(reason)));
  }
}

export function deactivate(): void {}
