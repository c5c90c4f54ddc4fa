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
