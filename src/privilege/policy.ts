/**
 * The installed mode of elevation: a polkit action that names a root-owned copy of the
 * helper (cli.js, koffi and, when the editor's runtime could be changed by a user, that
 * runtime too). Once installed, pkexec never runs a file a user could have written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shellQuote } from '../core/commands';
import { Runtime, SCAN_ARGS } from './pkexec';

export const ACTION_ID = 'org.namespaceexplorer.nsx';
export const INSTALL_DIR = '/usr/local/lib/namespace-explorer';
const POLICY_NAME = `${ACTION_ID}.policy`;
/** The two launchers: any nsx command (asks every time), and the scan alone (asks once in a while). */
const LAUNCHERS = { helper: 'nsx-helper', scanner: 'nsx-scan' } as const;
export const POLICY_PATH = `/usr/share/polkit-1/actions/${POLICY_NAME}`;

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export interface InstalledHelper {
  /** Runs `nsx ARGS`. */
  helper: string;
  /** Runs `nsx snapshot --json --details` and nothing else, whatever it is given. */
  scanner: string;
}

export type HelperState = ({ state: 'installed' } & InstalledHelper) | { state: 'absent' } | { state: 'stale'; why: string };

/**
 * Whether the installed helper can be used for this build: it must exist, be root's alone,
 * and be this very cli.js (an older copy would answer in an older format).
 */
export function helperState(distDir: string, installDir = INSTALL_DIR, policyPath = POLICY_PATH): HelperState {
  const helper = path.join(installDir, LAUNCHERS.helper);
  const scanner = path.join(installDir, LAUNCHERS.scanner);
  if (!fs.existsSync(policyPath) || !fs.existsSync(helper) || !fs.existsSync(scanner)) return { state: 'absent' };
  const problem = [helper, scanner, path.join(installDir, 'cli.js')].map(writableByOthers).find((p) => p);
  if (problem) return { state: 'stale', why: problem };
  try {
    if (!fs.readFileSync(path.join(installDir, 'cli.js')).equals(fs.readFileSync(path.join(distDir, 'cli.js')))) {
      return { state: 'stale', why: 'the installed helper is from another version of Namespace Explorer' };
    }
  } catch (err) {
    return { state: 'stale', why: (err as Error).message };
  }
  return { state: 'installed', helper, scanner };
}

/** Why a user other than root could change `file` or a directory above it, or null. */
export function writableByOthers(file: string): string | null {
  let current: string;
  try {
    current = fs.realpathSync(file);
  } catch {
    return `${file} does not exist`;
  }
  for (;;) {
    const st = fs.statSync(current);
    if (st.uid !== 0) return `${current} belongs to UID ${st.uid}, not root`;
    // A sticky directory writable by all (/tmp) still lets others replace only their own files.
    if (st.mode & 0o022 && !(st.isDirectory() && st.mode & 0o1000)) return `${current} is writable by others`;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/**
 * Copies the helper from `distDir` and the action from `policyDir` into place, as root.
 * Everything is written to a new directory first and moved in whole.
 */
export function installPolicy(distDir: string, policyDir: string, runtime: Runtime, installDir = INSTALL_DIR, policyPath = POLICY_PATH): string[] {
  if (process.geteuid?.() !== 0) throw new PolicyError('installing the polkit policy needs root (run it with sudo or pkexec)');
  const arch = `linux_${process.arch}`;
  const koffi = path.join(distDir, 'koffi', arch, 'koffi.node');
  for (const file of [path.join(distDir, 'cli.js'), path.join(policyDir, POLICY_NAME)]) {
    if (!fs.existsSync(file)) throw new PolicyError(`${file} is missing: build or reinstall Namespace Explorer`);
  }
  const staging = `${installDir}.new`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.join(staging, 'koffi', arch), { recursive: true, mode: 0o755 });
  const written: string[] = [];
  try {
    copy(path.join(distDir, 'cli.js'), path.join(staging, 'cli.js'), 0o644);
    if (fs.existsSync(koffi)) copy(koffi, path.join(staging, 'koffi', arch, 'koffi.node'), 0o644);
    const runtimePath = trustedRuntime(runtime, staging, installDir);
    const launcher = (what: string, args: string) =>
      [
        '#!/bin/sh',
        `# Installed by Namespace Explorer: ${what}, run by pkexec with a runtime only root can change.`,
        `${runtime.electron ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}exec ${shellQuote([runtimePath, path.join(installDir, 'cli.js')])} ${args}`,
        '',
      ].join('\n');
    fs.writeFileSync(path.join(staging, LAUNCHERS.helper), launcher('its helper', '"$@"'), { mode: 0o755 });
    fs.writeFileSync(path.join(staging, LAUNCHERS.scanner), launcher('the scan alone, whatever it is given', SCAN_ARGS.join(' ')), { mode: 0o755 });
    for (const launcher of Object.values(LAUNCHERS)) fs.chmodSync(path.join(staging, launcher), 0o755);
    for (const dir of [staging, path.join(staging, 'koffi'), path.join(staging, 'koffi', arch)]) fs.chmodSync(dir, 0o755);
    fs.rmSync(installDir, { recursive: true, force: true });
    fs.renameSync(staging, installDir);
    written.push(installDir);
    fs.mkdirSync(path.dirname(policyPath), { recursive: true });
    copy(path.join(policyDir, POLICY_NAME), policyPath, 0o644);
    written.push(policyPath);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
  return written;
}

export function removePolicy(installDir = INSTALL_DIR, policyPath = POLICY_PATH): string[] {
  if (process.geteuid?.() !== 0) throw new PolicyError('removing the polkit policy needs root (run it with sudo or pkexec)');
  const removed = [policyPath, installDir].filter((p) => fs.existsSync(p));
  for (const p of removed) fs.rmSync(p, { recursive: true, force: true });
  return removed;
}

/**
 * The runtime the launcher runs: the editor's own when only root can change it, else a
 * copy of Node made here. Electron cannot be copied on its own.
 */
function trustedRuntime(runtime: Runtime, staging: string, installDir: string): string {
  const problem = writableByOthers(runtime.execPath);
  if (!problem) return fs.realpathSync(runtime.execPath);
  if (runtime.electron) {
    throw new PolicyError(`the editor's runtime could be changed by a user (${problem}); install the editor system-wide to use the polkit policy`);
  }
  copy(runtime.execPath, path.join(staging, 'node'), 0o755);
  return path.join(installDir, 'node');
}

function copy(from: string, to: string, mode: number): void {
  fs.copyFileSync(from, to);
  fs.chownSync(to, 0, 0);
  fs.chmodSync(to, mode);
}
