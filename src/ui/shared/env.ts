/** What every feature is given, and the error boundary of command handlers. */
import * as vscode from 'vscode';
import { fail } from './notify';

export interface ExtensionEnv {
  extension: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
}

/**
 * Wraps a command handler: a failure becomes one sentence for the user and the details
 * go to the log, never a stack trace in a notification.
 */
export function guarded<A extends unknown[]>(
  env: ExtensionEnv,
  what: string,
  handler: (...args: A) => unknown,
): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await handler(...args);
    } catch (err) {
      env.log.error(`${what} failed`, err);
      void fail(`${what} failed: ${(err as Error)?.message ?? String(err)}`);
    }
  };
}

/** A command as data: the words its failure is reported with, and what it does. */
export interface Command {
  readonly title: string;
  readonly run: (...args: never[]) => unknown;
}

/** Command id → command, as each controller lists its own. */
export type CommandTable = Readonly<Record<string, Command>>;

/**
 * Registers a table's commands, each behind `guarded`; one disposable for them all. All or
 * none: when one cannot be registered, those before are disposed.
 */
export function registerCommands(env: ExtensionEnv, table: CommandTable): vscode.Disposable {
  const registered: vscode.Disposable[] = [];
  try {
    for (const [id, { title, run }] of Object.entries(table)) {
      registered.push(vscode.commands.registerCommand(id, guarded(env, title, run as (...args: unknown[]) => unknown)));
    }
  } catch (err) {
    for (const d of registered) d.dispose();
    throw err;
  }
  return vscode.Disposable.from(...registered);
}
