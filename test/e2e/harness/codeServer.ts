/**
 * scripts/code-server.mjs seen from the tests: its functions with their types, and what an
 * e2e test needs to run here (needsE2e).
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { needs, type Needs } from '../../integration/helpers';
import { REPO } from './packaging';

/** The shape of scripts/code-server.mjs (plain JS without declarations). */
export interface CodeServer {
  url: string;
  port: number;
  pid: number;
  output(): string;
  exited: Promise<void>;
  stop(): Promise<void>;
}
export interface CodeServerScript {
  ensureCodeServer(): Promise<string>;
  checkPrerequisites(opts?: { browser?: boolean }): void;
  installVsix(
    vsix: string | string[],
    opts: { extensionsDir: string; userDataDir: string; installDir?: string; env?: Record<string, string> },
  ): string;
  installReadableBy(uid: number, gid: number, scratchDir: string, dir?: string): string;
  startCodeServer(opts: {
    folder?: string;
    extensionsDir: string;
    userDataDir: string;
    port?: number;
    settings?: Record<string, unknown>;
    env?: Record<string, string>;
    uid?: number;
    gid?: number;
    installDir?: string;
    timeoutMs?: number;
  }): Promise<CodeServer>;
  workbenchUrl(serverUrl: string, opts: { folder?: string; extensionDevelopmentPath?: string }): string;
}

const CODE_SERVER_SCRIPT = path.join(REPO, 'scripts', 'code-server.mjs');

export async function codeServerScript(): Promise<CodeServerScript> {
  // A computed specifier keeps tsc from looking for declarations of the .mjs.
  return (await import(pathToFileURL(CODE_SERVER_SCRIPT).href)) as CodeServerScript;
}

let codeServerProblem: string | null | undefined;

/**
 * `skip` option of an e2e test: needs() for what the test itself does, and what code-server
 * and the browser need here (`scripts/code-server.mjs check --browser`: Node 20, Chromium,
 * ripgrep, and the build tools while code-server is not installed yet). A test must know
 * before it starts, so the script is asked once, synchronously.
 */
export function needsE2e(n: Needs = {}): string | false {
  if (codeServerProblem === undefined) {
    const r = spawnSync(process.execPath, [CODE_SERVER_SCRIPT, 'check', '--browser'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    codeServerProblem =
      r.status === 0
        ? null
        : r.stderr.trim() ||
          `${CODE_SERVER_SCRIPT} check failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`})`;
  }
  const reasons = [needs(n), codeServerProblem].filter((r): r is string => typeof r === 'string');
  return reasons.length > 0 ? reasons.join('; ') : false;
}
