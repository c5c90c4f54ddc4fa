/** `nsx` asking polkit for root: it re-runs itself through pkexec with the same arguments. */
import * as path from 'node:path';
import { currentRuntime } from '../privilege/pkexec';
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

/** Interactive runs share the terminal, so pkexec can ask for the password there. */
export async function elevate(args: readonly string[], installedHelper = true): Promise<number> {
  return (await runElevated({ args, runtime: currentRuntime(path.join(__dirname, 'cli.js')), capture: false, installedHelper })).status;
}

/** A scan as root; its JSON. */
export async function elevatedSnapshot(): Promise<string> {
  return (await runElevated({ args: ['snapshot', '--json'], runtime: currentRuntime(path.join(__dirname, 'cli.js')), capture: true })).stdout;
}
