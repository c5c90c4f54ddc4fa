/** How the extension runs its own `nsx` (dist/cli.js) with the editor's runtime. */
import * as vscode from 'vscode';
import { ProcSource } from '../../core/linux/procfs';
import { currentRuntime, Runtime } from '../../privilege/pkexec';

export function extensionRuntime(extension: vscode.ExtensionContext): Runtime {
  return currentRuntime(vscode.Uri.joinPath(extension.extensionUri, 'dist', 'cli.js').fsPath);
}

/** A terminal that runs `nsx ARGS`; a failure stays on screen until read (NSX_HOLD). */
export function nsxTerminalOptions(
  runtime: Runtime,
  name: string,
  args: string[],
  icon: string,
): vscode.TerminalOptions {
  return {
    name,
    shellPath: runtime.execPath,
    shellArgs: [runtime.cli, ...args],
    env: { ELECTRON_RUN_AS_NODE: '1', NSX_HOLD: '1' },
    iconPath: new vscode.ThemeIcon(icon),
  };
}

/** Start time of a process, or null when it has exited. */
export function startTime(pid: number): number | null {
  try {
    return new ProcSource().startTime(pid);
  } catch {
    return null;
  }
}

/**
 * Whether the process now at `pid` (started at `ticks`) started after `takenAt`, so is not
 * the one a snapshot taken then showed. Start times count USER_HZ ticks (100 a second on
 * Linux) since boot, whose time /proc/stat gives to the second: hence the second of slack.
 */
export function startedAfter(ticks: number, takenAt: string): boolean {
  return new ProcSource().bootTime() * 1000 + ticks * 10 > Date.parse(takenAt) + 1000;
}
