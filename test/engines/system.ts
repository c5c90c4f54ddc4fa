/**
 * What every engine of the harness needs from the machine: commands run to completion, a
 * daemon started detached, processes found by an exact path in their argv and ended by PID,
 * mounts under a directory of ours undone, and that directory removed.
 *
 * Nothing here acts on a name that another test or the machine's own engines could share:
 * processes are picked by the unique temporary directory their command line names (or by
 * PID), mounts by that directory.
 */
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { chmodSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { waitFor } from '../integration/helpers';

/** Where a harness registers what undoes it; test/integration/helpers.ts's Scenario is one. */
export interface Defer {
  defer(what: string, run: () => Promise<void> | void): void;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  input?: string | Buffer;
  cwd?: string;
  timeoutMs?: number;
}

/** Runs `cmd args` to completion and returns its stdout; throws with its stderr when it fails. */
export function sh(cmd: string, args: readonly string[], opts: RunOptions = {}): string {
  const spawnOpts: SpawnSyncOptions = {
    encoding: 'utf8',
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    timeout: opts.timeoutMs ?? 120_000,
    maxBuffer: 256 * 1024 * 1024,
    cwd: opts.cwd ?? '/',
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.input === undefined ? {} : { input: opts.input }),
  };
  const r = spawnSync(cmd, [...args], spawnOpts);
  if (r.error) throw r.error;
  if (r.status !== 0) {
    const err = String(r.stderr).trim() || String(r.stdout).trim();
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${err.slice(0, 2000)}`);
  }
  return String(r.stdout);
}

/** Runs `cmd args` to completion and returns its stdout as bytes (`docker save`). */
export function shBytes(cmd: string, args: readonly string[]): Buffer {
  const r = spawnSync(cmd, [...args], { stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1024 * 1024 * 1024 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}: ${r.stderr}`);
  return r.stdout;
}

/** A new directory in the temp dir, readable by every user (test users run from it). */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-${tag}-`));
  chmodSync(dir, 0o755);
  return dir;
}

/**
 * Starts `cmd args` in a session of its own, its output into `log`, and does not wait for
 * it: a daemon, ended later by its PID.
 */
export function startDaemon(cmd: string, args: readonly string[], log: string, env?: NodeJS.ProcessEnv): number {
  const fd = openSync(log, 'a');
  try {
    const child = spawn(cmd, [...args], {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: '/',
      ...(env ? { env } : {}),
    });
    if (child.pid === undefined) throw new Error(`${cmd} did not start`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** Sends `signal` to PID, then SIGKILL after `graceMs`; resolves once it is gone (or a zombie). */
export async function endProcess(pid: number, signal: NodeJS.Signals = 'SIGTERM', graceMs = 15_000): Promise<void> {
  const send = (sig: NodeJS.Signals): void => {
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  };
  if (!isAlive(pid)) return;
  send(signal);
  try {
    await waitFor(`PID ${pid} to exit after ${signal}`, () => !isAlive(pid), graceMs);
  } catch {
    send('SIGKILL');
    await waitFor(`PID ${pid} to exit after SIGKILL`, () => !isAlive(pid), 10_000);
  }
}

function cmdline(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
  } catch {
    return null;
  }
}

/** Living processes one of whose arguments is `dir` or lies under it. */
export function processesUnder(dir: string): number[] {
  const prefix = dir.endsWith('/') ? dir : `${dir}/`;
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .map(Number)
    .filter((pid) => isAlive(pid) && (cmdline(pid) ?? []).some((a) => a === dir || a.includes(prefix)));
}

/** Living processes whose real UID is `uid`. */
export function processesOf(uid: number): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]) === uid && isAlive(pid);
      } catch {
        return false;
      }
    });
}

/** SIGKILLs each PID and waits until none lives. */
export async function killAll(pids: readonly number[]): Promise<void> {
  await Promise.all(pids.map((pid) => endProcess(pid, 'SIGKILL', 10_000)));
}

/** Mount points at or under `dir` in our mount namespace, deepest first. */
export function mountsUnder(dir: string): string[] {
  const decode = (p: string): string =>
    p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => decode(line.split(' ')[4] ?? ''))
    .filter((target) => target === dir || target.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/**
 * Ends every process that names `dir` in its argv, undoes every mount under it, and removes
 * it: what a daemon of ours leaves when it was killed rather than stopped.
 */
export async function removeTree(dir: string): Promise<void> {
  await killAll(processesUnder(dir));
  for (const target of mountsUnder(dir)) {
    spawnSync('umount', ['--lazy', target], { stdio: 'ignore' });
  }
  const left = mountsUnder(dir);
  if (left.length > 0) throw new Error(`still mounted under ${dir}: ${left.join(', ')}`);
  rmSync(dir, { recursive: true, force: true });
}
