/**
 * Shared machinery of the integration tests: run the built CLI as a whole process,
 * create real namespaces with util-linux / iproute2, and remove exactly what a test
 * made (by PID / process group, by the unique name it chose, by the path it created).
 *
 * Nothing here kills by name: every process a test starts is spawned detached, so it
 * leads its own process group, and cleanup sends SIGKILL to that group only.
 * (SIGKILL because `unshare --fork` ignores SIGTERM and a PID-namespace init ignores
 * signals it has no handler for.)
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { missingTools, type LookupOptions } from '../../scripts/debian-packages.cjs';
import type {
  HiddenCount,
  NamespaceRecord,
  NsType,
  ProcessRecord,
  ScanCapabilities,
  Snapshot,
} from '../../src/core/model/snapshot';

export type { Holder, NamespaceRecord, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';

export const REPO = path.resolve(__dirname, '..', '..');
export const DIST = path.join(REPO, 'dist');
export const CLI = path.join(DIST, 'cli.js');

export interface Needs {
  /** Why the test needs root; anyone else skips it. */
  root?: string;
  /**
   * The programs (by name) and files (by absolute path) it runs or reads, each listed in
   * scripts/debian-packages.cjs; where one is missing the test is skipped.
   */
  tools?: readonly string[];
}

/**
 * `skip` option of a test: false when it can run here, otherwise one line saying why not
 * and what to do (run as root, the apt-get command), so that the runner reports the test
 * as skipped, never as passed or failed. `lookup` points the tool lookup at a fixture tree.
 */
export function needs({ root, tools = [] }: Needs, lookup: LookupOptions = {}): string | false {
  const reasons = [root === undefined ? null : notRoot(root), missingTools(tools, lookup)];
  const found = reasons.filter((r): r is string => r !== null);
  return found.length > 0 ? found.join('; ') : false;
}

function notRoot(what: string): string | null {
  if (process.platform !== 'linux') return `needs root on Linux: ${what}`;
  return process.getuid?.() === 0 ? null : `needs root: ${what} (run the tests as root)`;
}

/** `skip` option of a test that needs root and nothing that might not be installed. */
export function needsRoot(what: string): string | false {
  return needs({ root: what });
}

/** Unique name for anything a test creates (netns, temp dirs). */
export function uniqueName(tag: string): string {
  return `nsxtest-${process.pid}-${tag}`;
}

// ---------------------------------------------------------------------------------
// Running the CLI

export interface CliResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Other cli.js to run (e.g. a copy readable by an unprivileged user). */
  cli?: string;
  /** Prefix argv, e.g. ['runuser', '-u', 'nobody', '--']. */
  wrapper?: string[];
  cwd?: string;
  timeoutMs?: number;
}

function assertBuilt(cli: string): void {
  if (!existsSync(cli)) {
    throw new Error(`${cli} does not exist: build it first with \`npm run build\``);
  }
}

export function runCli(args: string[], opts: CliOptions = {}): CliResult {
  const cli = opts.cli ?? CLI;
  assertBuilt(cli);
  const argv = [...(opts.wrapper ?? []), process.execPath, cli, ...args];
  const [cmd, ...rest] = argv as [string, ...string[]];
  const r: SpawnSyncReturns<string> = spawnSync(cmd, rest, {
    encoding: 'utf8',
    cwd: opts.cwd ?? REPO,
    timeout: opts.timeoutMs ?? 60_000,
    maxBuffer: 512 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI, requires exit status 0, and parses stdout as JSON. */
export function cliJson<T>(args: string[], opts: CliOptions = {}): T {
  const r = runCli(args, opts);
  if (r.status !== 0) {
    throw new Error(`nsx ${args.join(' ')} exited ${r.status ?? r.signal}\nstderr: ${r.stderr.slice(0, 4000)}`);
  }
  try {
    return JSON.parse(r.stdout) as T;
  } catch (err) {
    throw new Error(`nsx ${args.join(' ')}: stdout is not JSON (${String(err)}): ${r.stdout.slice(0, 500)}`);
  }
}

export interface ListOutput {
  namespaces: NamespaceRecord[];
  hidden: HiddenCount;
  capabilities: ScanCapabilities;
}

export function listJson(extra: string[] = [], opts: CliOptions = {}): ListOutput {
  return cliJson<ListOutput>(['list', '--json', ...extra], opts);
}

export function snapshotJson(opts: CliOptions = {}): Snapshot {
  return cliJson<Snapshot>(['snapshot', '--json'], opts);
}

export function findNs(list: { namespaces: NamespaceRecord[] }, ino: number): NamespaceRecord | undefined {
  return list.namespaces.find((n) => n.ns === ino);
}

export function findProc(snap: Snapshot, pid: number): ProcessRecord | undefined {
  return snap.processes.find((p) => p.pid === pid);
}

/** Short human description of a namespace record, for assertion messages. */
export function describeNs(rec: NamespaceRecord | undefined): string {
  return rec === undefined ? 'undefined' : JSON.stringify(rec, null, 1).slice(0, 3000);
}

// ---------------------------------------------------------------------------------
// Truth from /proc

/** Inode of the namespace a /proc ns link (or fd link) points at: "net:[4026532178]". */
export function linkInode(link: string): number {
  const target = readlinkSync(link);
  const m = /^[a-z_]+:\[(\d+)\]$/.exec(target);
  if (!m) throw new Error(`${link} -> ${target}: not a namespace link`);
  return Number(m[1]);
}

export function nsInode(pid: number | 'self', type: NsType): number {
  return linkInode(`/proc/${pid}/ns/${type}`);
}

interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
}

function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' ');
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
  };
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const st = readStat(Number(name));
    if (st) out.push(st);
  }
  return out;
}

/** Living (non-zombie) descendants of `pid`, nearest first. */
export function descendants(pid: number): ProcStat[] {
  const stats = allStats().filter((s) => s.state !== 'Z');
  const out: ProcStat[] = [];
  let frontier = [pid];
  while (frontier.length > 0) {
    const next = stats.filter((s) => frontier.includes(s.ppid));
    out.push(...next);
    frontier = next.map((s) => s.pid);
  }
  return out;
}

/** NSpid line of /proc/PID/status. */
export function nspidOf(pid: number): number[] {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /^NSpid:\s*(.*)$/m.exec(status);
  if (!m) throw new Error(`no NSpid in /proc/${pid}/status`);
  return m[1]!.trim().split(/\s+/).map(Number);
}

export function commOf(pid: number): string | null {
  return readStat(pid)?.comm ?? null;
}

// ---------------------------------------------------------------------------------
// Waiting

export function sleepMs(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `probe` until it returns a value other than undefined/false/null. A probe that
 * throws is tried again; the last error it threw is told if time runs out.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    let value: T | undefined | null | false;
    try {
      value = probe();
    } catch (err) {
      value = undefined;
      last = err;
    }
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await sleepMs(50);
  }
}

// ---------------------------------------------------------------------------------
// Scenario: everything a test created, removed in reverse order even when it fails

export interface Started {
  child: ChildProcess;
  /** PID of the spawned program (the process-group leader). */
  pid: number;
  /** Everything it wrote on stdout so far. */
  stdout: () => string;
}

export class Scenario {
  private readonly cleanups: { what: string; run: () => Promise<void> | void }[] = [];

  constructor(t: TestContext) {
    t.after(() => this.cleanup());
  }

  /** Registers an undo step; steps run last-registered first. */
  defer(what: string, run: () => Promise<void> | void): void {
    this.cleanups.push({ what, run });
  }

  /**
   * Spawns `cmd args` detached (a new session and process group led by it) with stdin
   * closed (a pipe with `input`), stdout captured and stderr inherited; cleanup SIGKILLs
   * that process group.
   */
  async start(
    cmd: string,
    args: string[],
    opts: { cwd?: string; input?: boolean; env?: NodeJS.ProcessEnv } = {},
  ): Promise<Started> {
    const child = spawn(cmd, args, {
      detached: true,
      cwd: opts.cwd ?? '/',
      stdio: [opts.input ? 'pipe' : 'ignore', 'pipe', 'inherit'],
      ...(opts.env ? { env: opts.env } : {}),
    });
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', () => resolve());
      child.once('error', reject);
    });
    const pid = child.pid;
    if (pid === undefined) throw new Error(`spawn ${cmd}: no pid`);
    this.defer(`process group ${pid} (${cmd} ${args.join(' ')})`, () => killGroup(pid, child));
    return { child, pid, stdout: () => out };
  }

  /** `ip netns add NAME`, deleted at cleanup; returns the namespace's inode. */
  netns(name: string): number {
    this.defer(`ip netns del ${name}`, () => {
      if (
        run('ip', ['netns', 'list'])
          .split('\n')
          .some((l) => l.split(' ')[0] === name)
      ) {
        run('ip', ['netns', 'del', name]);
      }
    });
    run('ip', ['netns', 'add', name]);
    return statSync(`/run/netns/${name}`).ino; // a bind mount of the nsfs file itself
  }

  /**
   * The process started as `s` (or one of its descendants) named `comm` whose `type`
   * namespace is not ours: the program the started command ran in its new namespaces.
   */
  async inNewNamespace(s: Started, comm: string, type: NsType): Promise<number> {
    const own = nsInode('self', type);
    return waitFor(`a ${comm} of ${s.pid} in its own ${type} namespace`, () => {
      const candidates = [s.pid, ...descendants(s.pid).map((d) => d.pid)];
      return candidates.find((pid) => commOf(pid) === comm && nsInode(pid, type) !== own);
    });
  }

  /** Waits until the started program printed a line equal to `line`. */
  async waitLine(s: Started, line: string, timeoutMs = 10_000): Promise<void> {
    await waitFor(`"${line}" from pid ${s.pid}`, () => s.stdout().split('\n').includes(line), timeoutMs);
  }

  async cleanup(): Promise<void> {
    const errors: string[] = [];
    while (this.cleanups.length > 0) {
      const step = this.cleanups.pop()!;
      try {
        await step.run();
      } catch (err) {
        errors.push(`${step.what}: ${describeError(err)}`);
      }
    }
    if (errors.length > 0) throw new Error(`cleanup failed:\n${errors.join('\n')}`);
  }
}

/** An error with what an AggregateError gathered (String() shows only its message). */
function describeError(err: unknown): string {
  if (!(err instanceof AggregateError)) return String(err);
  return [String(err), ...err.errors.map((e: unknown) => `  - ${String(e)}`)].join('\n');
}

/** Living members of process group PGID (what a started process and everything it started are). */
export function groupMembers(pgid: number): ProcStat[] {
  return allStats().filter((s) => s.pgrp === pgid && s.state !== 'Z');
}

/** SIGKILLs the process group we created and waits until none of its members lives. */
async function killGroup(pgid: number, leader: ChildProcess): Promise<void> {
  if (groupMembers(pgid).length > 0) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
  leader.stdout?.destroy();
  await waitFor(`process group ${pgid} to exit`, () => groupMembers(pgid).length === 0, 10_000);
  if (leader.exitCode === null && leader.signalCode === null) {
    await Promise.race([new Promise((r) => leader.once('exit', r)), sleepMs(2000)]);
  }
}

/**
 * cli.js of a copy of dist/ (and polkit/ beside it) that every user can read and only root
 * can write, wherever the checkout is; removed at cleanup. Also keeps a test's build
 * fixed while dist/ is rebuilt.
 */
export function readableCli(s: Scenario): string {
  const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-`));
  s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  chmodSync(dir, 0o755);
  cpSync(DIST, path.join(dir, 'dist'), { recursive: true });
  cpSync(path.join(REPO, 'polkit'), path.join(dir, 'polkit'), { recursive: true });
  return path.join(dir, 'dist', 'cli.js');
}

/** Runs a command to completion; throws with its stderr when it fails. */
export function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
  }
  return r.stdout;
}

// ---------------------------------------------------------------------------------
// Tools whose answers depend on the machine's state, made to not depend on it

/** Attempts of lsns() before it gives up. */
const LSNS_ATTEMPTS = 10;

/**
 * `lsns ARGS`, parsed. util-linux 2.38's lsns abandons the whole run, with exit status 1 and
 * nothing on stderr, when a process exits between its open of /proc/PID/stat and the read
 * (the read fails with ESRCH, which it does not tolerate as it does ENOENT): a run in a few
 * hundred on a machine where processes come and go. Such a run is done again, and the test
 * says so; any other failure is thrown at once.
 */
export function lsns<T>(t: Pick<TestContext, 'diagnostic'>, args: string[]): T {
  for (let attempt = 1; ; attempt++) {
    const r = spawnSync('lsns', args, {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    if (r.status === 0) return JSON.parse(r.stdout) as T;
    if (r.status !== 1 || r.stderr !== '' || attempt === LSNS_ATTEMPTS) {
      throw new Error(`lsns ${args.join(' ')} exited ${r.status ?? r.signal} (attempt ${attempt}): ${r.stderr.trim()}`);
    }
    t.diagnostic(`lsns ${args.join(' ')} exited 1 saying nothing (a process exited while it read it): run again`);
  }
}

/** The CPUs this process may run on, from Cpus_allowed_list in /proc/self/status ("0-3,6"). */
export function allowedCpus(): number[] {
  const list = /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? '0';
  return list.split(',').flatMap((range) => {
    const [first, last] = range.split('-').map(Number);
    return Array.from({ length: (last ?? first!) - first! + 1 }, (_, i) => first! + i);
  });
}

/**
 * `unshare --mount=FILE ARGS`: a new mount namespace kept by a bind mount of its file at
 * FILE, made from the mount namespace of PID `from` (this process's when not given).
 *
 * The kernel binds a mount namespace's file only into a namespace with a lower id (its
 * namespace-loop check), and it hands those ids out in per-CPU batches (6.18 here): a
 * namespace made on one CPU can get a lower id than one made earlier on another, and the
 * bind then fails with EINVAL, more often the busier the machine. A namespace made on the
 * CPU that made `from`'s own gets a higher id; which CPU that was is not known, so the
 * command runs pinned to each CPU in turn until one binds (unshare binds before it runs
 * ARGS, so a refused attempt ran nothing).
 */
export function unshareMountAt(file: string, args: string[] = ['true'], from?: number): void {
  const enter = from === undefined ? [] : ['nsenter', `--mount=/proc/${from}/ns/mnt`, '--'];
  const refused: string[] = [];
  for (const cpu of allowedCpus()) {
    const r = spawnSync('taskset', ['--cpu-list', String(cpu), ...enter, 'unshare', `--mount=${file}`, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    if (r.error) throw r.error;
    if (r.status === 0) return;
    if (!/Invalid argument/.test(r.stderr))
      throw new Error(`unshare --mount=${file} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr.trim()}`);
    refused.push(`CPU ${cpu}: ${r.stderr.trim()}`);
  }
  throw new Error(`unshare --mount=${file} was refused on every CPU:\n${refused.join('\n')}`);
}

// ---------------------------------------------------------------------------------
// Snapshots compared

/**
 * What a snapshot found, without what two scans of the same state may tell differently:
 * when it was taken, how long it took, and processes that exited while being read.
 */
export function snapshotContent(s: Snapshot): unknown {
  const { takenAt: _takenAt, scanner, hidden, ...rest } = s;
  const { durationMs: _durationMs, ...who } = scanner;
  const { vanished: _vanished, ...reasons } = hidden.byReason;
  return { ...rest, scanner: who, hidden: reasons };
}

/** How two snapshots' contents differ, one line per namespace or process, at most LIMIT lines. */
export function snapshotDiff(got: Snapshot, want: Snapshot, limit = 20): string[] {
  const lines = [
    ...recordDiff(
      'namespace',
      got.namespaces,
      want.namespaces,
      (n) => n.ns,
      (n) => `${n.type} ${n.ns} (${n.label ?? 'no label'})`,
    ),
    ...recordDiff(
      'process',
      got.processes,
      want.processes,
      (p) => p.pid,
      (p) => `${p.pid} (${p.command})`,
    ),
  ];
  for (const key of ['scanner', 'capabilities', 'hidden'] as const) {
    const [a, b] = [snapshotContent(got), snapshotContent(want)].map((c) => JSON.stringify((c as never)[key]));
    if (a !== b) lines.push(`${key}: ${a} instead of ${b}`);
  }
  return lines.length > limit ? [...lines.slice(0, limit), `… and ${lines.length - limit} more`] : lines;
}

function recordDiff<T extends object>(
  what: string,
  got: T[],
  want: T[],
  key: (r: T) => number,
  name: (r: T) => string,
): string[] {
  const wanted = new Map(want.map((r) => [key(r), r]));
  const lines: string[] = [];
  for (const r of got) {
    const w = wanted.get(key(r));
    wanted.delete(key(r));
    if (!w) {
      lines.push(`${what} ${name(r)}: not found by the full scan`);
      continue;
    }
    const fields = Object.keys({ ...r, ...w }) as (keyof T)[];
    for (const f of fields) {
      const [a, b] = [JSON.stringify(r[f]), JSON.stringify(w[f])];
      if (a !== b) lines.push(`${what} ${name(w)}: ${String(f)} ${a} instead of ${b}`);
    }
  }
  for (const w of wanted.values()) lines.push(`${what} ${name(w)}: missing (the full scan found it)`);
  return lines;
}
