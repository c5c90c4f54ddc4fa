/**
 * Everything in the editor that needs root: Show All Namespaces (a scan as root, on
 * demand), the polkit policy commands, and the checks made before a terminal that will
 * ask pkexec for a password is opened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { shellQuote } from '../core/commands';
import { Snapshot, SNAPSHOT_VERSION } from '../core/snapshot';
import { findTool } from '../core/tools';
import { manualArgv, Runtime, sandboxReason, SCAN_ARGS } from '../privilege/pkexec';
import { helperState } from '../privilege/policy';
import { ElevationError, runElevated } from '../privilege/run';
import { ExtensionEnv, guarded } from './env';
import { NamespaceView } from './namespaceView';
import { extensionRuntime, nsxTerminalOptions } from './runtime';

/**
 * Whether pkexec can be asked at all; if not, says why (with the command to run by hand)
 * and returns false, having started nothing.
 */
export async function canElevate(runtime: Runtime, args: readonly string[]): Promise<boolean> {
  const sandboxed = sandboxReason();
  if (sandboxed) {
    void vscode.window.showErrorMessage(`Namespace Explorer cannot do this: ${sandboxed}.`);
    return false;
  }
  if (findTool('pkexec')) return true;
  await offerManualCommand('This needs root, and pkexec (polkit) is not installed. Install the pkexec package, or run this in a terminal:', manualArgv(args, runtime));
  return false;
}

async function offerManualCommand(message: string, argv: string[]): Promise<void> {
  const command = shellQuote(argv);
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail: command }, 'Copy Command');
  if (choice === 'Copy Command') await vscode.env.clipboard.writeText(command);
}

/** Runs `nsx` as root from the editor, and says in words what went wrong. */
export interface RootRunner {
  runtime: Runtime;
  /** Runs `nsx ARGS` as root with a cancellable progress notification; its stdout. */
  run(title: string, args: readonly string[], installedHelper?: boolean): Thenable<{ status: number; stdout: string }>;
  /** Runs `nsx ARGS` in a terminal, where pkexec can ask for the password; its exit status. */
  inTerminal(name: string, args: string[]): Promise<number | undefined>;
  /**
   * Explains a failed run; with no polkit agent, offers RETRY_IN_TERMINAL when given.
   * Rethrows what is not an elevation failure.
   */
  explain(what: string, args: readonly string[], err: unknown, retryInTerminal?: () => Promise<void>): Promise<void>;
}

export function rootRunner(env: ExtensionEnv): RootRunner {
  const { extension, log } = env;
  const runtime = extensionRuntime(extension);
  return {
    runtime,
    run: (title, args, installedHelper = true) =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (_progress, token) =>
        runElevated({ args, runtime, capture: true, installedHelper, started: (kill) => token.onCancellationRequested(kill) }),
      ),
    inTerminal: (name, args) =>
      new Promise<number | undefined>((resolve) => {
        const terminal = vscode.window.createTerminal(nsxTerminalOptions(runtime, name, args, 'shield'));
        const listener = vscode.window.onDidCloseTerminal((closed) => {
          if (closed !== terminal) return;
          listener.dispose();
          resolve(closed.exitStatus?.code);
        });
        terminal.show();
      }),
    explain: async (what, args, err, retryInTerminal) => {
      if (!(err instanceof ElevationError)) throw err;
      log.warn(`${what}: ${err.kind}: ${err.message}`);
      if (err.kind === 'no-agent' && retryInTerminal) {
        const choice = await vscode.window.showWarningMessage(
          `${what}: no polkit agent is running here to ask for the password. Enter it in a terminal instead?`,
          'Enter Password in Terminal',
        );
        if (choice) await retryInTerminal();
      } else if (err.kind === 'no-pkexec') {
        await offerManualCommand(`${what}: this needs root, and pkexec (polkit) is not installed. Install the pkexec package, or run this in a terminal:`, manualArgv(args, runtime));
      } else if (err.kind === 'dismissed') {
        void vscode.window.showInformationMessage(`${what}: the password prompt was dismissed; nothing changed.`);
      } else {
        void vscode.window.showErrorMessage(`${what}: ${err.message}.`);
      }
    },
  };
}

export function registerElevationCommands(env: ExtensionEnv, view: NamespaceView, root: RootRunner): void {
  const { extension, log } = env;
  const { runtime } = root;
  const distDir = path.dirname(runtime.cli);

  const showSnapshot = (json: string) => {
    const snapshot = JSON.parse(json) as Snapshot;
    if (snapshot.version !== SNAPSHOT_VERSION) throw new Error(`the helper answered in format ${snapshot.version}, not ${SNAPSHOT_VERSION}: reinstall the polkit policy`);
    view.showElevated(snapshot);
  };

  const showAll = async () => {
    if (process.geteuid?.() === 0) {
      void vscode.window.showInformationMessage('The editor already runs as root: every process and namespace is shown.');
      return view.refreshNow();
    }
    if (!(await canElevate(runtime, SCAN_ARGS))) return;
    const state = helperState(distDir);
    if (state.state === 'stale') log.info(`installed helper not used: ${state.why}`);
    try {
      showSnapshot((await root.run('Scanning as root (polkit may ask for the password)…', SCAN_ARGS)).stdout);
    } catch (err) {
      await root.explain('Show All Namespaces', SCAN_ARGS, err, async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-')), 'snapshot.json');
        try {
          const status = await root.inTerminal('Scan as root', ['snapshot', '--as-root', '--output', file]);
          if (status === 0 && fs.existsSync(file)) showSnapshot(fs.readFileSync(file, 'utf8'));
        } finally {
          fs.rmSync(path.dirname(file), { recursive: true, force: true });
        }
      });
    }
  };

  const policyCommand = (what: string, args: string[], done: string) => async () => {
    if (!(await canElevate(runtime, args))) return;
    try {
      // Never through the installed helper: installing replaces it, from this build's files.
      const { stdout } = await root.run(`${what} (polkit asks for the password)…`, args, false);
      log.info(`${what}: ${stdout.trim()}`);
      void vscode.window.showInformationMessage(done);
    } catch (err) {
      await root.explain(what, args, err, async () => {
        if ((await root.inTerminal(what, args)) === 0) void vscode.window.showInformationMessage(done);
      });
    }
  };

  extension.subscriptions.push(
    vscode.commands.registerCommand('namespaceExplorer.showAll', guarded(env, 'Show All Namespaces', showAll)),
    vscode.commands.registerCommand(
      'namespaceExplorer.installPolicy',
      guarded(
        env,
        'Install polkit Policy',
        policyCommand(
          'Install polkit Policy',
          ['install-policy'],
          'The polkit policy is installed: elevated scans and terminals now run a root-owned copy of the helper, and polkit remembers the password for Show All scans for a few minutes.',
        ),
      ),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.removePolicy',
      guarded(env, 'Remove polkit Policy', policyCommand('Remove polkit Policy', ['remove-policy'], 'The polkit policy and the root-owned helper are removed.')),
    ),
  );
}
