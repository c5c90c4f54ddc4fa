/**
 * Everything in the editor that needs root: Show All Namespaces (a scan as root, on
 * demand), the polkit policy commands, and the checks made before a terminal that will
 * ask pkexec for a password is opened.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { shellQuote } from '../../core/terminals/argv';
import { Snapshot, SNAPSHOT_VERSION } from '../../core/model/snapshot';
import { findTool } from '../../core/linux/tools';
import { manualArgv, Runtime, sandboxReason, SCAN_ARGS } from '../../privilege/pkexec';
import { helperState, HelperState, staleHelperNote } from '../../privilege/policy';
import { ElevationError, runElevated } from '../../privilege/run';
import { ExtensionEnv, guarded } from '../shared/env';
import { NamespaceView } from '../namespaces/namespaceView';
import { extensionRuntime, nsxTerminalOptions } from '../shared/runtime';
import { fail, inform, warn, warnModal } from '../shared/notify';

/**
 * Whether pkexec can be asked at all; if not, says why (with the command to run by hand)
 * and returns false, having started nothing.
 */
export async function canElevate(runtime: Runtime, args: readonly string[]): Promise<boolean> {
  const sandboxed = sandboxReason();
  if (sandboxed) {
    void fail(`Namespace Explorer cannot do this: ${sandboxed}.`);
    return false;
  }
  if (findTool('pkexec')) return true;
  await offerManualCommand(
    'This needs root, and pkexec (polkit) is not installed. Install the pkexec package, or run this in a terminal:',
    manualArgv(args, runtime),
  );
  return false;
}

async function offerManualCommand(message: string, argv: string[]): Promise<void> {
  const command = shellQuote(argv);
  const choice = await warnModal(message, command, 'Copy Command');
  if (choice === 'Copy Command') await vscode.env.clipboard.writeText(command);
}

/** Runs `nsx` as root from the editor, and says in words what went wrong. */
export interface RootRunner {
  runtime: Runtime;
  /** Runs `nsx ARGS` as root with a cancellable progress notification; its stdout. */
  run(title: string, args: readonly string[], installedHelper?: boolean): Thenable<{ status: number; stdout: string }>;
  /** Runs `nsx ARGS` in a terminal, where pkexec can ask for the password; resolves when it is closed. */
  inTerminal(name: string, args: string[]): Promise<void>;
  /**
   * Before an elevated run: when the installed helper is stale, says so (once a window)
   * and offers to update it first. False when the update failed (and said why).
   */
  offerHelperUpdate(): Promise<boolean>;
  /** Whether an elevated `nsx ARGS` may start: pkexec is there (canElevate), and a stale helper was offered its update. */
  ready(args: readonly string[]): Promise<boolean>;
  /**
   * Explains a failed run; with no polkit agent, offers RETRY_IN_TERMINAL when given.
   * Rethrows what is not an elevation failure.
   */
  explain(what: string, args: readonly string[], err: unknown, retryInTerminal?: () => Promise<void>): Promise<void>;
}

export function rootRunner(env: ExtensionEnv): RootRunner {
  const { extension, log } = env;
  const runtime = extensionRuntime(extension);
  const distDir = path.dirname(runtime.cli);
  /** Whether the user has answered the offer to update a stale helper in this window. */
  let updateAnswered = false;
  const runner: RootRunner = {
    runtime,
    run: (title, args, installedHelper = true) =>
      vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title, cancellable: true },
        (_progress, token) =>
          runElevated({
            args,
            runtime,
            capture: true,
            installedHelper,
            started: (kill) => token.onCancellationRequested(kill),
          }),
      ),
    inTerminal: (name, args) =>
      new Promise<void>((resolve) => {
        const terminal = vscode.window.createTerminal(nsxTerminalOptions(runtime, name, args, 'shield'));
        const listener = vscode.window.onDidCloseTerminal((closed) => {
          if (closed !== terminal) return;
          listener.dispose();
          resolve();
        });
        terminal.show();
      }),
    offerHelperUpdate: async () => {
      const note = updateAnswered ? null : staleHelperNote(helperState(distDir));
      if (!note) return true;
      log.info(`before an elevated run: ${note}`);
      const choice = await warn(
        `${note[0]!.toUpperCase()}${note.slice(1)}: polkit asks for the administrator password every time instead. Update the polkit policy now (one password prompt)?`,
        UPDATE_POLICY,
        'Continue Without',
      );
      updateAnswered = true;
      if (choice !== UPDATE_POLICY) return true;
      try {
        // Never through the installed helper: installing replaces it, from this build's files.
        log.info(
          `Update polkit Policy: ${(await runner.run('Updating the polkit policy (polkit asks for the password)…', ['install-policy'], false)).stdout.trim()}`,
        );
        return true;
      } catch (err) {
        await runner.explain(UPDATE_POLICY, ['install-policy'], err);
        return false;
      }
    },
    ready: async (args) => (await canElevate(runtime, args)) && (await runner.offerHelperUpdate()),
    explain: async (what, args, err, retryInTerminal) => {
      if (!(err instanceof ElevationError)) throw err;
      log.warn(`${what}: ${err.kind}: ${err.message}`);
      if (err.kind === 'no-agent' && retryInTerminal) {
        const choice = await warn(
          `${what}: no polkit agent is running here to ask for the password. Enter it in a terminal instead?`,
          'Enter Password in Terminal',
        );
        if (choice) await retryInTerminal();
      } else if (err.kind === 'no-pkexec') {
        await offerManualCommand(
          `${what}: this needs root, and pkexec (polkit) is not installed. Install the pkexec package, or run this in a terminal:`,
          manualArgv(args, runtime),
        );
      } else if (err.kind === 'dismissed') {
        void inform(`${what}: the password prompt was dismissed; nothing changed.`);
      } else {
        void fail(`${what}: ${err.message}.`);
      }
    },
  };
  return runner;
}

const UPDATE_POLICY = 'Update polkit Policy';

export function registerElevationCommands(env: ExtensionEnv, view: NamespaceView, root: RootRunner): void {
  const { extension, log } = env;
  const { runtime } = root;
  const distDir = path.dirname(runtime.cli);

  const showSnapshot = (json: string) => {
    const snapshot = JSON.parse(json) as Snapshot;
    if (snapshot.version !== SNAPSHOT_VERSION)
      throw new Error(
        `the helper answered in format ${snapshot.version}, not ${SNAPSHOT_VERSION}: reinstall the polkit policy`,
      );
    view.showElevated(snapshot);
  };

  const showAll = async () => {
    if (process.geteuid?.() === 0) {
      void inform('The editor already runs as root: every process and namespace is shown.');
      return view.refreshNow();
    }
    if (!(await root.ready(SCAN_ARGS))) return;
    try {
      showSnapshot((await root.run('Scanning as root (polkit may ask for the password)…', SCAN_ARGS)).stdout);
    } catch (err) {
      await root.explain('Show All Namespaces', SCAN_ARGS, err, async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-')), 'snapshot.json');
        try {
          // The terminal closes with nsx's status 0 whatever happened (it said so there): the file is the answer.
          await root.inTerminal('Scan as root', ['snapshot', '--as-root', '--output', file]);
          if (fs.existsSync(file)) showSnapshot(fs.readFileSync(file, 'utf8'));
        } finally {
          fs.rmSync(path.dirname(file), { recursive: true, force: true });
        }
      });
    }
  };

  /** DONE says it worked, once the helper is in the state WANTED. */
  const policyCommand = (what: string, args: string[], wanted: HelperState['state'], done: string) => async () => {
    if (!(await canElevate(runtime, args))) return;
    try {
      // Never through the installed helper: installing replaces it, from this build's files.
      const { stdout } = await root.run(`${what} (polkit asks for the password)…`, args, false);
      log.info(`${what}: ${stdout.trim()}`);
      void inform(done);
    } catch (err) {
      await root.explain(what, args, err, async () => {
        // The terminal ends with status 0 whatever happened (it said so there): the policy's state tells.
        await root.inTerminal(what, args);
        if (helperState(distDir).state === wanted) void inform(done);
        else void warn(`${what} did not complete; the terminal said why.`);
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
          'installed',
          'The polkit policy is installed: elevated scans and terminals now run a root-owned copy of the helper, and polkit remembers the password for Show All scans for a few minutes.',
        ),
      ),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.removePolicy',
      guarded(
        env,
        'Remove polkit Policy',
        policyCommand(
          'Remove polkit Policy',
          ['remove-policy'],
          'absent',
          'The polkit policy and the root-owned helper are removed.',
        ),
      ),
    ),
  );
}
