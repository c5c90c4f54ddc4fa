/** What a failure report says beyond the error: the extension's log and the extension host's errors. */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { firstLines } from './wait';

/** The last lines of the Namespace Explorer output channel, which VS Code writes under the user data. */
export function extensionLog(userData: string): string {
  return lastLogLines(userData, 'Namespace Explorer.log', 25, () => true) ?? '  | (no log of the extension)';
}

/** The last errors in the extension host's log: a tree view's refresh that failed is told there. */
export function extensionHostErrors(userData: string): string {
  return lastLogLines(userData, 'exthost.log', 8, (l) => l.includes('[error]')) ?? '  | (none)';
}

/** The last COUNT lines that KEEP keeps, of the logs named NAME under the user data; null when there are none. */
function lastLogLines(userData: string, name: string, count: number, keep: (line: string) => boolean): string | null {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(name)) found.push(full);
    }
  };
  try {
    walk(path.join(userData, 'logs'));
  } catch {
    return '  | (no logs directory)';
  }
  const lines = found.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l && keep(l))
      .slice(-count),
  );
  return lines.length ? lines.map((l) => `  | ${firstLines(l, 3)}`).join('\n') : null;
}
export interface FailureContext {
  what: string;
  error: Error;
  /** The screenshot taken at the failure (or why there is none), and the one before it. */
  screenshot: string;
  lastScreenshot: string | undefined;
  userDataDir: string;
  consoleErrors: string[];
  /** code-server's output, undefined before it started. */
  serverOutput: string | undefined;
}

/**
 * One message for a failed step: what was being done, the error, the screenshots, and the
 * last lines of the extension's log, the browser console's errors, the extension host's
 * errors and code-server's output. The extension's log comes first: a report cut short
 * keeps its beginning. Each quoted line is prefixed: reporters take lines that start with
 * "at " for the stack.
 */
export function failureReport(c: FailureContext): string {
  const quote = (lines: string[], none: string) => lines.map((l) => `  | ${l}`).join('\n') || `  | ${none}`;
  const server =
    c.serverOutput === undefined ? '  | (code-server not started)' : quote(c.serverOutput.split('\n').slice(-8), '');
  const before =
    c.lastScreenshot && c.lastScreenshot !== c.screenshot ? `\nlast screenshot before: ${c.lastScreenshot}` : '';
  return (
    `${c.what}: ${firstLines(c.error.message, 20)}\n` +
    `screenshot: ${c.screenshot}${before}\n` +
    `the extension's log (last lines):\n${extensionLog(c.userDataDir)}\n` +
    `errors in the browser's console (last):\n${quote(c.consoleErrors.slice(-8), '(none)')}\n` +
    `errors in the extension host's log (last):\n${extensionHostErrors(c.userDataDir)}\n` +
    `code-server output (last lines):\n${server}`
  );
}
