/** How the extension runs its own `nsx` (dist/cli.js) with the editor's runtime. */
import * as vscode from 'vscode';
import { Caller } from '../core/elevation';
import { ProcSource } from '../core/procfs';
import { currentRuntime, Runtime } from '../privilege/pkexec';

export function extensionRuntime(extension: vscode.ExtensionContext): Runtime {
  return currentRuntime(vscode.Uri.joinPath(extension.extensionUri, 'dist', 'cli.js').fsPath);
}

/** A terminal that runs `nsx ARGS`; a failure stays on screen until read (NSX_HOLD). */
export function nsxTerminalOptions(runtime: Runtime, name: string, args: string[], icon: string): vscode.TerminalOptions {
  return {
    name,
    shellPath: runtime.execPath,
    shellArgs: [runtime.cli, ...args],
    env: { ELECTRON_RUN_AS_NODE: '1', NSX_HOLD: '1' },
    iconPath: new vscode.ThemeIcon(icon),
  };
}

/** The extension host itself, as the elevation rules see it. */
export function hostCaller(): Caller {
  return { uid: process.geteuid?.() ?? 0, userns: new ProcSource().nsInode(process.pid, 'user') };
}

/** Start time of a process, or null when it has exited. */
export function startTime(pid: number): number | null {
  try {
    return new ProcSource().startTime(pid);
  } catch {
    return null;
  }
}
