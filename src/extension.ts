/** Entry point: wires the features; each controller owns its registrations. */
import * as vscode from 'vscode';
import { ExtensionEnv, registerCommands } from './ui/shared/env';
import { registerDetailsPanel } from './ui/details/detailsPanel';
import { namespaceCommands } from './ui/namespaces/namespaceCommands';
import { NamespaceViewController } from './ui/namespaces/namespaceView';
import { ElevatedRunner, ElevationCommands } from './ui/elevation/elevation';
import { MountsController } from './ui/mounts/mountsView';
import { TerminalController } from './ui/terminals/terminals';
import { TourController } from './ui/tour/tourController';
import { activateOrExplain } from './ui/shared/activation';
import { fail, warn } from './ui/shared/notify';
import type { NamespaceExplorerApi } from './api';
import { createApi } from './ui/api/createApi';
import { NetworkMapPanels } from './ui/network/networkMapPanel';
import { networkMapCommands } from './ui/network/networkMapCommands';
import { FindingsController } from './ui/findings/findings';

/** Returns the API for other extensions (src/api.ts); undefined where the view does not run. */
export function activate(extension: vscode.ExtensionContext): NamespaceExplorerApi | undefined {
  const started = Date.now();
  const log = vscode.window.createOutputChannel('Namespace Explorer', { log: true });
  extension.subscriptions.push(
    log,
    vscode.commands.registerCommand('namespaceExplorer.showLog', () => log.show()),
  );
  if (process.platform !== 'linux') {
    void vscode.commands.executeCommand('setContext', 'namespaceExplorer.state', 'notLinux');
    log.warn(`namespaces exist only on Linux; this editor runs on ${process.platform}`);
    registerExplainers(extension, `Namespace Explorer needs Linux; this editor runs on ${process.platform}.`);
    return undefined;
  }
  const host = {
    subscriptions: extension.subscriptions,
    log,
    explain: (reason: string) => registerExplainers(extension, reason),
    show: (reason: string) => void fail(reason, 'Show Log').then((choice) => choice && log.show()),
  };
  return activateOrExplain(host, () => wire({ extension, log }, started));
}

/** Makes each feature, in the order they depend on each other; the Namespaces view is the one others read. */
function wire(env: ExtensionEnv, started: number): NamespaceExplorerApi {
  const own = <T extends vscode.Disposable>(disposable: T): T => {
    env.extension.subscriptions.push(disposable);
    return disposable;
  };
  const view = own(new NamespaceViewController(env));
  own(registerCommands(env, namespaceCommands(view)));
  const findings = own(new FindingsController(env, view));
  const root = new ElevatedRunner(env);
  own(new ElevationCommands(env, view, root));
  const terminals = own(new TerminalController(env, view, root));
  own(new TourController(env, terminals));
  own(new MountsController(env, view, root));
  const showDetails = registerDetailsPanel(env, view, findings);
  const networkMaps = own(new NetworkMapPanels(env, view, showDetails));
  own(registerCommands(env, networkMapCommands(view, networkMaps)));
  env.log.info(`activated in ${Date.now() - started} ms`);
  return createApi(view, findings, env.extension.subscriptions);
}

/** Every contributed command answers with the reason instead of "command not found". */
function registerExplainers(extension: vscode.ExtensionContext, reason: string): void {
  const commands = (extension.extension.packageJSON.contributes?.commands ?? []) as { command: string }[];
  for (const { command } of commands.filter((c) => c.command !== 'namespaceExplorer.showLog')) {
    extension.subscriptions.push(vscode.commands.registerCommand(command, () => warn(reason)));
  }
}

export function deactivate(): void {}
