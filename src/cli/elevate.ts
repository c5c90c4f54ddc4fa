/** `nsx` asking polkit for root: it re-runs itself through pkexec with the same arguments. */
import * as path from 'node:path';
import { currentRuntime, Runtime, SCAN_ARGS } from '../privilege/pkexec';
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

/** Interactive runs share the terminal, so pkexec can ask for the password there. */
export async function elevate(args: readonly string[], installedHelper = true): Promise<number> {
  return (await runElevated({ args, runtime: cliRuntime(), capture: false, installedHelper })).status;
}

/** A scan as root; its JSON. */
export async function elevatedSnapshot(): Promise<string> {
  return (await runElevated({ args: SCAN_ARGS, runtime: cliRuntime(), capture: true })).stdout;
}
