/**
 * One way to run nsx as root, for `nsx --as-root` and for the sidebar's elevated scan:
 * refuse in a sandbox, use the installed helper when it matches this build, and turn
 * pkexec's own failures into an ElevationError that says what happened.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { shellQuote } from '../core/terminals/argv';
import { fromPrintable } from '../core/text/printable';
import { leaveKeyboardSignals } from '../core/terminals/session';
import { ToolMissingError } from '../core/linux/tools';
import {
  elevatedArgv,
  manualArgv,
  PKEXEC_MESSAGES,
  pkexecEnv,
  pkexecFailure,
  PkexecFailure,
  polkitUnreachable,
  Runtime,
  sandboxReason,
} from './pkexec';
import { helperState } from './policy';

export type ElevationFailure = PkexecFailure | 'sandboxed' | 'no-pkexec' | 'failed';

export class ElevationError extends Error {
  override name = 'ElevationError';
  constructor(
    readonly kind: ElevationFailure,
    message: string,
    /** Exit status to pass on (pkexec's 126 / 127, or the helper's). */
    readonly status: number,
    /** What to run by hand instead, when there is such a thing. */
    readonly manual?: string,
  ) {
    super(message);
  }
}

export interface ElevatedRun {
  /** nsx's arguments. */
  args: readonly string[];
  runtime: Runtime;
  /** Capture stdout and stderr (a scan); otherwise share the terminal (pkexec may ask there). */
  capture: boolean;
  /** Use the installed helper when it matches this build (default); installing the policy must not. */
  installedHelper?: boolean;
  /** Not captured: the file the command's stdout goes to instead of the terminal (an open descriptor). */
  stdout?: number;
  /** Called with a way to stop the run, so that a caller can cancel it. */
  started?: (kill: () => void) => void;
}

export async function runElevated(run: ElevatedRun): Promise<{ status: number; stdout: string }> {
  const sandboxed = sandboxReason();
  if (sandboxed) throw new ElevationError('sandboxed', sandboxed, 1);
  const helper =
    run.installedHelper === false ? ({ state: 'absent' } as const) : helperState(path.dirname(run.runtime.cli));
  let argv: string[];
  try {
    argv = elevatedArgv(run.args, run.runtime, helper.state === 'installed' ? helper : null);
  } catch (err) {
    if (!(err instanceof ToolMissingError)) throw err;
    const manual = shellQuote(manualArgv(run.args, run.runtime));
    throw new ElevationError(
      'no-pkexec',
      `this needs root, and pkexec is not installed (apt-get install pkexec); or run: ${manual}`,
      1,
      manual,
    );
  }
  const piped = run.capture ? 'pipe' : 'inherit';
  const restore = run.capture ? () => undefined : leaveKeyboardSignals();
  const out = run.capture ? 'pipe' : (run.stdout ?? 'inherit');
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['inherit', out, piped], env: pkexecEnv() });
  run.started?.(() => child.kill('SIGTERM'));
  const stdoutText = collectText(child.stdout);
  const stderrText = collectText(child.stderr);
  const status = await new Promise<number>((resolve, reject) => {
    child.on('error', (err) => reject(new ElevationError('failed', `could not run pkexec: ${err.message}`, 1)));
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal ? osConstants.signals[signal] : 0)));
  }).finally(restore);
  const stdout = stdoutText();
  const stderr = stderrText();
  const failure = run.capture
    ? pkexecFailure(status, stderr)
    : pkexecFailure(status, status === 127 ? polkitUnreachable() : null, hasControllingTerminal());
  if (failure) throw new ElevationError(failure, PKEXEC_MESSAGES[failure], status);
  if (run.capture && status !== 0) {
    // The helper wrote its messages printable; carried as they were, they are made printable where shown.
    const said = stderr
      .trim()
      .split('\n')
      .filter((l) => l.startsWith('nsx: '))
      .map((l) => fromPrintable(l.slice(5)))
      .join('; ');
    throw new ElevationError('failed', said || `the command run as root failed (exit status ${status})`, status);
  }
  return { status, stdout };
}

/**
 * What STREAM carries, decoded once it has all arrived: a character whose bytes came in two
 * chunks (anywhere in a long command line) would otherwise be decoded as two halves.
 */
export function collectText(stream: Readable | null): () => string {
  const chunks: Buffer[] = [];
  stream?.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

function hasControllingTerminal(): boolean {
  try {
    fs.closeSync(fs.openSync('/dev/tty', 'r'));
    return true;
  } catch {
    return false;
  }
}
