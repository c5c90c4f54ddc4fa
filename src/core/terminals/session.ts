/**
 * Runs an enter or new plan in the current terminal. nsx stays the parent of nsenter /
 * unshare: it checks the target right before use, sets new namespaces up before the
 * command starts, and removes what it made when the command ends, however it ends.
 * Nothing it makes outlives the namespaces: no named netns, no mount outside them, and the
 * host end of a veth pair dies with its peer's namespace even if nsx itself is killed.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { constants as osConstants } from 'node:os';
import type { Duplex } from 'node:stream';
import { Account } from '../linux/account';
import { gatedCommand, nsenterCommand, unshareCommand } from './argv';
import { debugBanner, debugCommand, DebugPlan } from './debug';
import { EnterError, EnterPlan, enterTitle, identityProblem } from './enter';
import { NewPlan } from './isolate';
import { pinFile, pinProcess, startTime } from './pin';
import { ProcSource } from '../linux/procfs';
import { requireTool } from '../linux/tools';
import { hostSideBatch, namespaceSideBatch, planVeth, usedNetworks, VethPlan } from './veth';

/** Something went wrong before the command ran; nothing is left behind. */
export class SessionError extends Error {
  override name = 'SessionError';
}

export interface SessionOptions {
  /** The command to run; null for the user's shell. */
  command: string[] | null;
  /** Who the session is for (the pkexec caller when elevated). */
  user: Account;
  /** Root's account, for a session that stays root. */
  root: Account;
  /** Lines for the person at the terminal. */
  say: (line: string) => void;
  proc?: ProcSource;
  /** What to say on entering, instead of "entering …". */
  announce?: string;
  /** The command's stdout, when not nsx's own: a file nsx opened for it. */
  stdout?: number;
}

/** How the command ended: its exit status the shell's way (128 + signal), and the signal that killed it, if one did. */
export interface SessionEnd {
  status: number;
  signal: NodeJS.Signals | null;
  /** The signal nsx itself got and passed on to it (its terminal closed, or it was told to end), if any. */
  passedOn: NodeJS.Signals | null;
}

export async function runEnter(
  plan: EnterPlan,
  expectedStart: number | null,
  opts: SessionOptions,
): Promise<SessionEnd> {
  const proc = opts.proc ?? new ProcSource();
  const nsenter = requireTool('nsenter');
  const identity = plan.asRoot ? opts.root : opts.user;
  const target = plan.target;
  // Run by pkexec for someone else, this is where their request needs root after all.
  if (opts.user.uid !== process.geteuid?.()) {
    const problem = identityProblem({ ...plan, privilege: 'root' });
    if (problem) throw new EnterError(problem);
  }
  const root = target.kind === 'process' && plan.types.includes('mnt') ? proc.pathInMountNs(target.pid, '') : '';
  const command = opts.command ?? [chooseShell(identity.shell, root)];
  const viaOwnUserns = plan.privilege === 'userns';
  // Opened and checked last, right before nsenter, which enters these very files: a PID
  // reused or a path swapped since the scan is refused rather than entered.
  const pinned =
    target.kind === 'process'
      ? pinProcess(
          proc,
          target.pid,
          viaOwnUserns && !plan.types.includes('user') ? [...plan.types, 'user'] : plan.types,
          { inodes: plan.inodes, start: expectedStart, name: plan.name },
        )
      : pinFile(target.path, target.type, plan.inodes[target.type]);
  if (typeof pinned === 'string') throw new SessionError(pinned);
  try {
    const argv = nsenterCommand(nsenter, {
      target: { kind: 'opened', files: pinned.files },
      types: plan.types,
      viaOwnUserns,
      asRoot: plan.asRoot,
      // Only root on someone else's behalf changes identity; nsenter keeps the caller's otherwise.
      ...(opts.user.uid !== process.geteuid?.() ? { user: opts.user } : {}),
      command,
    });
    opts.say(opts.announce ?? `entering ${enterTitle(plan)}`);
    const stdio = ['inherit', opts.stdout ?? 'inherit', 'inherit'] as const;
    return await waitForExit(spawn(argv[0]!, argv.slice(1), { stdio: [...stdio], env: sessionEnv(identity) }));
  } finally {
    pinned.close();
  }
}

/**
 * A debug shell (debug.ts): root's, or, in a user namespace the caller owns, who its uid_map
 * makes them. The process is checked as for enter; the banner is printed once it is.
 */
export async function runDebug(
  plan: DebugPlan,
  expectedStart: number | null,
  opts: SessionOptions,
): Promise<SessionEnd> {
  const proc = opts.proc ?? new ProcSource();
  const tools = { nsenter: requireTool('nsenter'), unshare: requireTool('unshare') };
  const { enter } = plan;
  if (enter.target.kind !== 'process') throw new EnterError('a debug shell goes into a process');
  const pid = enter.target.pid;
  const identity = process.geteuid?.() === 0 ? opts.root : opts.user;
  // The user's shell, from the host: the target's own root may have none.
  const command = opts.command ?? [chooseShell(opts.user.shell, '')];
  if (startTime(proc, pid) === null)
    throw new SessionError(`${enter.name ?? `PID ${pid}`} stopped meanwhile: PID ${pid} is gone`);
  const viaOwnUserns = enter.privilege === 'userns';
  const pinned = pinProcess(proc, pid, viaOwnUserns ? [...enter.types, 'user'] : enter.types, {
    inodes: enter.inodes,
    start: expectedStart,
    name: enter.name,
  });
  if (typeof pinned === 'string') throw new SessionError(pinned);
  try {
    const argv = debugCommand(tools, { kind: 'opened', files: pinned.files }, enter, command);
    for (const line of debugBanner(plan)) opts.say(line);
    const child = spawn(argv[0]!, argv.slice(1), { stdio: 'inherit', env: sessionEnv(identity) });
    // nsenter waits for the command it forked into the PID namespace but passes it no
    // signal: the command is told first, so that it is never left to the container's init.
    return await waitForExit(child, () => (child.pid === undefined ? [] : proc.children(child.pid)));
  } finally {
    pinned.close();
  }
}

export async function runNew(plan: NewPlan, opts: SessionOptions): Promise<SessionEnd> {
  const proc = opts.proc ?? new ProcSource();
  const unshare = requireTool('unshare');
  const sh = requireTool('sh');
  const nsenter = requireTool('nsenter');
  const ip = plan.types.includes('net') ? requireTool('ip') : '';
  const hostname = plan.hostname ? requireTool('hostname') : '';
  const asRoot = process.geteuid?.() === 0;
  const identity = asRoot ? opts.root : opts.user;
  const command = opts.command ?? [chooseShell(identity.shell, '')];
  const argv = unshareCommand(unshare, { ...plan, command: gatedCommand(sh, command) });

  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    env: sessionEnv(identity),
  });
  const exited = waitForExit(child);
  const gate = child.stdio[3] as Duplex;
  // A command that dies during set-up closes the gate: its exit status tells what happened.
  gate.on('error', () => undefined);
  let veth: VethPlan | null = null;
  try {
    await readyOrExit(gate, exited);
    // unshare itself, or with --fork its only child.
    const inner = proc.children(child.pid!)[0] ?? child.pid!;
    // Without root, the rights over the new namespaces come from the new user namespace.
    const enter = (...types: string[]) => [
      nsenter,
      '--target',
      String(inner),
      ...(asRoot ? [] : ['--user', '--preserve-credentials']),
      ...types,
      '--',
    ];
    if (plan.hostname) runTool('setting the hostname', [...enter('--uts'), hostname, plan.hostname]);
    if (ip) {
      if (plan.veth) {
        veth = planVeth(
          plan.veth,
          usedNetworks(runTool('listing host addresses', [ip, '-4', '-o', 'addr', 'show'])),
          process.pid,
        );
        if (!veth) throw new SessionError('no free /30 is left in the veth subnet: choose another subnet');
        if (fs.existsSync(`/sys/class/net/${veth.host}`))
          throw new SessionError(`an interface named ${veth.host} already exists`);
        runTool('creating the veth pair', [ip, '-batch', '-'], hostSideBatch(veth, inner));
      }
      runTool('configuring the network namespace', [...enter('--net'), ip, '-batch', '-'], namespaceSideBatch(veth));
    }
    opts.say(madeLine(proc, plan, inner, veth));
    gate.end('go\n');
  } catch (err) {
    child.kill('SIGKILL');
    await exited.catch(() => undefined);
    removeVeth(veth, ip);
    throw err;
  }
  try {
    return await exited;
  } finally {
    removeVeth(veth, ip);
  }
}

/** Resolves when the gate says the namespaces exist; rejects when unshare ends first. */
function readyOrExit(gate: Duplex, exited: Promise<SessionEnd>): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    gate.setEncoding('utf8');
    gate.on('data', (chunk: string) => {
      seen += chunk;
      if (seen.includes('ready\n')) resolve();
    });
    // unshare has already said why on stderr.
    exited.then(
      ({ status, signal }) =>
        reject(
          new SessionError(
            signal || status > 128
              ? 'interrupted before the command started; nothing is left'
              : `unshare could not make the namespaces (exit status ${status})`,
          ),
        ),
      reject,
    );
  });
}

/**
 * What nsx says and exits with when a session ends. In a terminal that closes with nsx
 * (HELD: the editor's), a command killed by a signal is told in one line, which the
 * terminal keeps until it has been read, and one that ended by itself says nothing, as a
 * shell's terminal would; either way the status is 0, so that the editor adds no message
 * with nsx's command line. Elsewhere, the command's own status and nothing said.
 */
export function sessionOutcome(
  end: SessionEnd,
  left: string,
  command: readonly string[] | null,
  held: boolean,
): { status: number; killed: string | null } {
  if (!held) return { status: end.status, killed: null };
  // Ended with nsx (its terminal closed): nobody is left to read a word.
  if (!end.signal || end.passedOn) return { status: 0, killed: null };
  const what = command ? `the command (${command[0]})` : 'the shell';
  return { status: 0, killed: `${what} was killed (${end.signal}); you have left ${left}` };
}

function madeLine(proc: ProcSource, plan: NewPlan, inner: number, veth: VethPlan | null): string {
  const inodes = plan.types.map((t) => {
    try {
      return `${t}:[${proc.nsInode(inner, t)}]`;
    } catch {
      return `${t}:[?]`;
    }
  });
  const parts = [`new ${inodes.join(' ')}`];
  if (plan.hostname) parts.push(`hostname ${plan.hostname}`);
  if (veth)
    parts.push(
      `veth ${veth.host} ${veth.hostAddress}/${veth.prefix} ` +
        `<-> ${veth.peer} ${veth.peerAddress}/${veth.prefix}, default route via ${veth.hostAddress}`,
    );
  else if (plan.types.includes('net')) parts.push('network: lo only');
  return parts.join('; ');
}

function removeVeth(veth: VethPlan | null, ip: string): void {
  // Deleting one end deletes both; gone already when its namespace went first.
  if (veth && fs.existsSync(`/sys/class/net/${veth.host}`))
    spawnSync(ip, ['link', 'del', veth.host], { stdio: 'ignore' });
}

function runTool(what: string, argv: string[], input?: string): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { input, encoding: 'utf8' });
  if (r.error) throw new SessionError(`${what} failed: ${r.error.message}`);
  if (r.signal) throw new SessionError(`${what} was interrupted (${r.signal}); nothing is left`);
  if (r.status !== 0)
    throw new SessionError(`${what} failed: ${(r.stderr || r.stdout).trim() || `exit status ${r.status}`}`);
  return r.stdout;
}

/**
 * The user's shell, else bash, else sh: whichever exists under `root` (the target's root
 * directory when entering its mount namespace, seen through /proc/PID/root).
 */
export function chooseShell(preferred: string, root: string): string {
  // An account that may not log in (nologin, false) still gets a shell: it asked for one.
  const candidates = [preferred, '/bin/bash', '/bin/sh'].filter(
    (c) => c.startsWith('/') && !/\/(nologin|false)$/.test(c),
  );
  for (const shell of candidates) {
    try {
      fs.accessSync(root + shell, fs.constants.X_OK);
      return shell;
    } catch (err) {
      // The target's root cannot be looked into: try the one shell every system has.
      if ((err as NodeJS.ErrnoException).code === 'EACCES' && root) return '/bin/sh';
    }
  }
  return '/bin/sh';
}

/**
 * The environment of the user the session is for: HOME, USER and SHELL follow the identity,
 * and what only nsx itself needed (how the editor ran it) is not passed on.
 */
function sessionEnv(identity: Account): NodeJS.ProcessEnv {
  const { ELECTRON_RUN_AS_NODE: _electron, NSX_HOLD: _hold, ...inherited } = process.env;
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    HOME: identity.home,
    USER: identity.name,
    LOGNAME: identity.name,
    SHELL: identity.shell,
  };
  if (identity.uid !== 0 && process.geteuid?.() === 0) env.PATH = '/usr/local/bin:/usr/bin:/bin';
  return env;
}

/**
 * How the child ended. Ctrl-C and Ctrl-\ belong to the command in the foreground; a hangup
 * or termination of nsx is passed on to it.
 */
function waitForExit(child: ChildProcess, inner: () => number[] = () => []): Promise<SessionEnd> {
  const restore = leaveKeyboardSignals();
  let passedOn: NodeJS.Signals | null = null;
  const running = () => child.exitCode === null && child.signalCode === null;
  // With INNER processes, they get the signal; the child ends once they have, and reaps them.
  const pass = (signal: NodeJS.Signals) => {
    passedOn = signal;
    if (!signalAll(inner(), signal)) child.kill(signal);
    // `unshare --fork` ignores it; with --kill-child its SIGKILL takes the namespaces down.
    setTimeout(() => running() && !signalAll(inner(), 'SIGKILL') && child.kill('SIGKILL'), 2000).unref();
    setTimeout(() => running() && child.kill('SIGKILL'), 3000).unref();
  };
  process.on('SIGHUP', pass).on('SIGTERM', pass);
  return new Promise<SessionEnd>((resolve, reject) => {
    child.on('error', (err) => reject(new SessionError(`could not start ${child.spawnfile}: ${err.message}`)));
    child.on('exit', (code, signal) =>
      resolve({ status: code ?? 128 + (signal ? osConstants.signals[signal] : 0), signal, passedOn }),
    );
  }).finally(() => {
    restore();
    process.off('SIGHUP', pass).off('SIGTERM', pass);
  });
}

/** Sends SIGNAL to each of PIDS; whether any was there to get it. */
function signalAll(pids: readonly number[], signal: NodeJS.Signals): boolean {
  let sent = false;
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
      sent = true;
    } catch {
      // Gone already.
    }
  }
  return sent;
}

/**
 * While a child shares the terminal, Ctrl-C and Ctrl-\ are the child's to act on: nsx
 * stays to clean up and report. Returns the undo.
 */
export function leaveKeyboardSignals(): () => void {
  const ignore = () => undefined;
  process.on('SIGINT', ignore).on('SIGQUIT', ignore);
  return () => process.off('SIGINT', ignore).off('SIGQUIT', ignore);
}
