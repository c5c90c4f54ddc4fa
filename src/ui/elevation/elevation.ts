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
import { CommandTable, ExtensionEnv, registerCommands } from '../shared/env';
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
  /**
   * Whether an elevated `nsx ARGS` may start: pkexec is there (canElevate), and a stale
   * helper was offered its update.
   */
  ready(args: readonly string[]): Promise<boolean>;
  /**
   * Explains a failed run; with no polkit agent, offers RETRY_IN_TERMINAL when given.
   * Rethrows what is not an elevation failure.
   */
  explain(what: string, args: readonly string[], err: unknown, retryInTerminal?: () => Promise<void>): Promise<void>;
}

/** The one RootRunner of the window: it remembers whether a stale helper's update was offered. */
export class ElevatedRunner implements RootRunner {
  readonly runtime: Runtime;
  private readonly distDir: string;
  /** Whether the user has answered the offer to update a stale helper in this window. */
  private updateAnswered = false;

  constructor(private readonly env: ExtensionEnv) {
    this.runtime = extensionRuntime(env.extension);
    this.distDir = path.dirname(this.runtime.cli);
  }

  run(title: string, args: readonly string[], installedHelper = true): Thenable<{ status: number; stdout: string }> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (_progress, token) =>
        runElevated({
          args,
          runtime: this.runtime,
          capture: true,
          installedHelper,
          started: (kill) => token.onCancellationRequested(kill),
        }),
    );
  }

  inTerminal(name: string, args: string[]): Promise<void> {
    return new Promise<void>((resolve) => {
      const terminal = vscode.window.createTerminal(nsxTerminalOptions(this.runtime, name, args, 'shield'));
      const listener = vscode.window.onDidCloseTerminal((closed) => {
        if (closed !== terminal) return;
        listener.dispose();
        resolve();
      });
      terminal.show();
    });
  }

  async offerHelperUpdate(): Promise<boolean> {
    const note = this.updateAnswered ? null : staleHelperNote(helperState(this.distDir));
    if (!note) return true;
    this.env.log.info(`before an elevated run: ${note}`);
    const choice = await warn(
      `${note[0]!.toUpperCase()}${note.slice(1)}: polkit asks for the administrator password every time instead. ` +
        'Update the polkit policy now (one password prompt)?',
      UPDATE_POLICY,
      'Continue Without',
    );
    this.updateAnswered = true;
    if (choice !== UPDATE_POLICY) return true;
    try {
      // Never through the installed helper: installing replaces it, from this build's files.
      const title = 'Updating the polkit policy (polkit asks for the password)…';
      const { stdout } = await this.run(title, ['install-policy'], false);
      this.env.log.info(`Update polkit Policy: ${stdout.trim()}`);
      return true;
    } catch (err) {
      await this.explain(UPDATE_POLICY, ['install-policy'], err);
      return false;
    }
  }

  async ready(args: readonly string[]): Promise<boolean> {
    return (await canElevate(this.runtime, args)) && (await this.offerHelperUpdate());
  }

  async explain(
    what: string,
    args: readonly string[],
    err: unknown,
    retryInTerminal?: () => Promise<void>,
  ): Promise<void> {
    if (!(err instanceof ElevationError)) throw err;
    this.env.log.warn(`${what}: ${err.kind}: ${err.message}`);
    if (err.kind === 'no-agent' && retryInTerminal) {
      const choice = await warn(
        `${what}: no polkit agent is running here to ask for the password. Enter it in a terminal instead?`,
        'Enter Password in Terminal',
      );
      if (choice) await retryInTerminal();
    } else if (err.kind === 'no-pkexec') {
      await offerManualCommand(
        `${what}: this needs root, and pkexec (polkit) is not installed. ` +
          'Install the pkexec package, or run this in a terminal:',
        manualArgv(args, this.runtime),
      );
    } else if (err.kind === 'dismissed') {
      void inform(`${what}: the password prompt was dismissed; nothing changed.`);
    } else {
      void fail(`${what}: ${err.message}.`);
    }
  }
}

const UPDATE_POLICY = 'Update polkit Policy';

/** Show All Namespaces and the polkit policy commands. */
export class ElevationCommands implements vscode.Disposable {
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly env: ExtensionEnv,
    private readonly view: NamespaceView,
    private readonly root: RootRunner,
  ) {
    this.registration = registerCommands(env, this.commands());
  }

  dispose(): void {
    this.registration.dispose();
  }

  private commands(): CommandTable {
    return {
      'namespaceExplorer.showAll': { title: 'Show All Namespaces', run: () => this.showAll() },
      'namespaceExplorer.installPolicy': {
        title: 'Install polkit Policy',
        run: () =>
          this.policyCommand(
            'Install polkit Policy',
            ['install-policy'],
            'installed',
            'The polkit policy is installed: elevated scans and terminals now run a root-owned copy of the ' +
              'helper, and polkit remembers the password for Show All scans for a few minutes.',
          ),
      },
      'namespaceExplorer.removePolicy': {
        title: 'Remove polkit Policy',
        run: () =>
          this.policyCommand(
            'Remove polkit Policy',
            ['remove-policy'],
            'absent',
            'The polkit policy and the root-owned helper are removed.',
          ),
      },
    };
  }

  /** Scans as root (through polkit) and shows root's view; with no agent, in a terminal. */
  private async showAll(): Promise<void> {
    if (process.geteuid?.() === 0) {
      void inform('The editor already runs as root: every process and namespace is shown.');
      return this.view.refreshNow();
    }
    if (!(await this.root.ready(SCAN_ARGS))) return;
    try {
      const title = 'Scanning as root (polkit may ask for the password)…';
      this.showSnapshot((await this.root.run(title, SCAN_ARGS)).stdout);
    } catch (err) {
      await this.root.explain('Show All Namespaces', SCAN_ARGS, err, () => this.showAllInTerminal());
    }
  }

  private async showAllInTerminal(): Promise<void> {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-')), 'snapshot.json');
    try {
      // The terminal closes with nsx's status 0 whatever happened (it said so there): the file is the answer.
      await this.root.inTerminal('Scan as root', ['snapshot', '--as-root', '--output', file]);
      if (fs.existsSync(file)) this.showSnapshot(fs.readFileSync(file, 'utf8'));
    } finally {
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
    }
  }

  private showSnapshot(json: string): void {
    const snapshot = JSON.parse(json) as Snapshot;
    if (snapshot.version !== SNAPSHOT_VERSION)
      throw new Error(
        `the helper answered in format ${snapshot.version}, not ${SNAPSHOT_VERSION}: reinstall the polkit policy`,
      );
    this.view.showElevated(snapshot);
  }

  /** Installs or removes the policy; DONE says it worked, once the helper is in the state WANTED. */
  private async policyCommand(what: string, args: string[], wanted: HelperState['state'], done: string): Promise<void> {
    if (!(await canElevate(this.root.runtime, args))) return;
    try {
      // Never through the installed helper: installing replaces it, from this build's files.
      const { stdout } = await this.root.run(`${what} (polkit asks for the password)…`, args, false);
      this.env.log.info(`${what}: ${stdout.trim()}`);
      void inform(done);
    } catch (err) {
      await this.root.explain(what, args, err, async () => {
        // The terminal ends with status 0 whatever happened (it said so there): the policy's state tells.
        await this.root.inTerminal(what, args);
        if (helperState(path.dirname(this.root.runtime.cli)).state === wanted) void inform(done);
        else void warn(`${what} did not complete; the terminal said why.`);
      });
    }
  }
}
