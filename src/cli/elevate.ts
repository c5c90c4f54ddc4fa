/** `nsx` asking polkit for root: it re-runs itself through pkexec with the same arguments. */
import * as path from 'node:path';
import { currentRuntime, Runtime, SCAN_ARGS } from '../privilege/pkexec';
import { helperState, staleHelperNote } from '../privilege/policy';
import { runElevated } from '../privilege/run';

/** A failure the user can act on; printed as one line. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly status = 1,
  ) {
    super(message);
  }
}

/** This program: the runtime running it, and this bundle. */
export function cliRuntime(): Runtime {
  return currentRuntime(path.join(__dirname, 'cli.js'));
}

/**
 * Interactive runs share the terminal, so pkexec can ask for the password there; STDOUT, a
 * file this process opened, takes the helper's output instead.
 */
export async function elevate(args: readonly string[], installedHelper = true, stdout?: number): Promise<number> {
  if (installedHelper) noteStaleHelper();
  const run = {
    args,
    runtime: cliRuntime(),
    capture: false,
    installedHelper,
    ...(stdout !== undefined ? { stdout } : {}),
  };
  return (await runElevated(run)).status;
}

/** A scan as root; its JSON. */
export async function elevatedSnapshot(): Promise<string> {
  noteStaleHelper();
  return (await runElevated({ args: SCAN_ARGS, runtime: cliRuntime(), capture: true })).stdout;
}

/**
 * Says, before polkit asks, why the installed helper is passed over and how to update it.
 * Not in a terminal the editor opened (NSX_HOLD): the editor offered the update before.
 */
function noteStaleHelper(): void {
  const note = process.env.NSX_HOLD ? null : staleHelperNote(helperState(path.dirname(cliRuntime().cli)));
  if (note)
    process.stderr.write(
      `nsx: ${note}; polkit asks for the administrator password instead (to update it: sudo nsx install-policy)\n`,
    );
}
