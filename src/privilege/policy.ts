/**
 * The installed mode of elevation: a polkit action that names a root-owned copy of the
 * helper (cli.js, the worker bundles it loads, koffi and, when the editor's runtime could
 * be changed by a user, that runtime too). Once installed, pkexec never runs a file a user could have written.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { shellQuote } from '../core/terminals/argv';
import { THREAD_BUNDLE } from '../core/details/threads';
import { READER_BUNDLE } from '../core/mounts/mountNamespaces';
import { POLLER_BUNDLE } from '../core/linux/fdPoller';
import { SCAN_BUNDLE } from '../core/discovery/scanHelper';
import { InstalledHelper, Runtime, SCAN_ARGS } from './pkexec';

export const ACTION_ID = 'org.namespaceexplorer.nsx';
export const INSTALL_DIR = '/usr/local/lib/namespace-explorer';
const POLICY_NAME = `${ACTION_ID}.policy`;
/** The two launchers: any nsx command (asks every time), and the scan alone (asks once in a while). */
const LAUNCHERS = { helper: 'nsx-helper', scanner: 'nsx-scan' } as const;
export const POLICY_PATH = `/usr/share/polkit-1/actions/${POLICY_NAME}`;

export class PolicyError extends Error {
  override name = 'PolicyError';
}

export type HelperState =
  ({ state: 'installed' } & InstalledHelper) | { state: 'absent' } | { state: 'stale'; why: string };

/** cli.js and the worker-thread bundles it loads at run time (reading inside namespaces as root). */
export const HELPER_BUNDLES: readonly string[] = ['cli.js', THREAD_BUNDLE, READER_BUNDLE, POLLER_BUNDLE, SCAN_BUNDLE];

/**
 * The helper's files, relative to dist/: its bundles and koffi's native module for this
 * machine, when this build has one. Installed together, and used only while every one is
 * this build's own.
 */
function helperFiles(distDir: string): string[] {
  const koffi = path.join('koffi', `linux_${process.arch}`, 'koffi.node');
  return [...HELPER_BUNDLES, ...(fs.existsSync(path.join(distDir, koffi)) ? [koffi] : [])];
}

/** Why an installed helper that is root's alone is not used. */
export const STALE_VERSION = 'the installed helper is from another version of Namespace Explorer';

/**
 * Whether the installed helper can be used for this build: it must exist, be root's alone,
 * and be this very build, file for file (an older cli.js would answer in an older format,
 * an older worker bundle would not match the cli.js that loads it).
 */
export function helperState(distDir: string, installDir = INSTALL_DIR, policyPath = POLICY_PATH): HelperState {
  const helper = path.join(installDir, LAUNCHERS.helper);
  const scanner = path.join(installDir, LAUNCHERS.scanner);
  if (!fs.existsSync(policyPath) || !fs.existsSync(helper) || !fs.existsSync(scanner)) return { state: 'absent' };
  const files = helperFiles(distDir);
  const problem = [helper, scanner, ...files.map((f) => path.join(installDir, f))].map(writableByOthers).find((p) => p);
  if (problem) return { state: 'stale', why: problem };
  try {
    if (files.some((f) => !fs.readFileSync(path.join(installDir, f)).equals(fs.readFileSync(path.join(distDir, f))))) {
      return { state: 'stale', why: STALE_VERSION };
    }
  } catch (err) {
    return { state: 'stale', why: (err as Error).message };
  }
  return { state: 'installed', helper, scanner };
}

/**
 * What a person is told of a stale installed helper, or null when it is not stale: it is
 * then not used, and polkit asks for the administrator password every time instead.
 */
export function staleHelperNote(state: HelperState): string | null {
  if (state.state !== 'stale') return null;
  return state.why === STALE_VERSION
    ? 'the installed polkit helper is from another version of Namespace Explorer, so it is not used'
    : `the installed polkit helper is not used: ${state.why}`;
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
export function installPolicy(
  distDir: string,
  policyDir: string,
  runtime: Runtime,
  installDir = INSTALL_DIR,
  policyPath = POLICY_PATH,
): string[] {
  if (process.geteuid?.() !== 0)
    throw new PolicyError('installing the polkit policy needs root (run it with sudo or pkexec)');
  for (const file of [...HELPER_BUNDLES.map((f) => path.join(distDir, f)), path.join(policyDir, POLICY_NAME)]) {
    if (!fs.existsSync(file)) throw new PolicyError(`${file} is missing: build or reinstall Namespace Explorer`);
  }
  const staging = `${installDir}.new`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true, mode: 0o755 });
  const written: string[] = [];
  try {
    for (const file of helperFiles(distDir)) {
      mkdirs(staging, path.dirname(file));
      copy(path.join(distDir, file), path.join(staging, file), 0o644);
    }
    const runtimePath = trustedRuntime(runtime, staging, installDir);
    const run = shellQuote([runtimePath, path.join(installDir, 'cli.js')]);
    const launcher = (what: string, args: string) =>
      [
        '#!/bin/sh',
        `# Installed by Namespace Explorer: ${what}, run by pkexec with a runtime only root can change.`,
        `${runtime.electron ? 'ELECTRON_RUN_AS_NODE=1 ' : ''}exec ${run} ${args}`,
        '',
      ].join('\n');
    fs.writeFileSync(path.join(staging, LAUNCHERS.helper), launcher('its helper', '"$@"'), { mode: 0o755 });
    fs.writeFileSync(
      path.join(staging, LAUNCHERS.scanner),
      launcher('the scan alone, whatever it is given', SCAN_ARGS.join(' ')),
      { mode: 0o755 },
    );
    for (const launcher of Object.values(LAUNCHERS)) fs.chmodSync(path.join(staging, launcher), 0o755);
    fs.chmodSync(staging, 0o755);
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
  if (process.geteuid?.() !== 0)
    throw new PolicyError('removing the polkit policy needs root (run it with sudo or pkexec)');
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
    throw new PolicyError(
      `the editor's runtime could be changed by a user (${problem}); install the editor system-wide to use ` +
        `the polkit policy`,
    );
  }
  copy(runtime.execPath, path.join(staging, 'node'), 0o755);
  return path.join(installDir, 'node');
}

/** Makes the directories of REL (a relative path) below BASE, each 0755 whatever the umask. */
function mkdirs(base: string, rel: string): void {
  let dir = base;
  for (const part of rel.split(path.sep).filter((p) => p && p !== '.')) {
    dir = path.join(dir, part);
    if (!fs.existsSync(dir)) fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o755);
  }
}

function copy(from: string, to: string, mode: number): void {
  fs.copyFileSync(from, to);
  fs.chownSync(to, 0, 0);
  fs.chmodSync(to, mode);
}
