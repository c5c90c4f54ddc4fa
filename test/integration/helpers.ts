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
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import type {
  HiddenCount,
  NamespaceRecord,
  NsType,
  ProcessRecord,
  ScanCapabilities,
  Snapshot,
} from '../../src/core/snapshot';

export type { Holder, NamespaceRecord, ProcessRecord, Snapshot } from '../../src/core/snapshot';

export const REPO = path.resolve(__dirname, '..', '..');
export const DIST = path.join(REPO, 'dist');
export const CLI = path.join(DIST, 'cli.js');

/**
 * `skip` option for every test of this suite: a reason string when not root (so the
 * runner reports the test as skipped, never as passed), false when root.
 */
export function needsRoot(what: string): string | false {
  if (process.platform !== 'linux') return `needs root on Linux: ${what}`;
  return process.getuid?.() === 0 ? false : `needs root: ${what} (run the tests as root)`;
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
    throw new Error(
      `nsx ${args.join(' ')} exited ${r.status ?? r.signal}\nstderr: ${r.stderr.slice(0, 4000)}`,
    );
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

/** Polls `probe` until it returns a value other than undefined/false/null. */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | null | false,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let value: T | undefined | null | false;
    try {
      value = probe();
    } catch {
      value = undefined;
    }
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
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
  async start(cmd: string, args: string[], opts: { cwd?: string; input?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<Started> {
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
      if (run('ip', ['netns', 'list']).split('\n').some((l) => l.split(' ')[0] === name)) {
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
        errors.push(`${step.what}: ${String(err)}`);
      }
    }
    if (errors.length > 0) throw new Error(`cleanup failed:\n${errors.join('\n')}`);
  }
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
