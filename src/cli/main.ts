/**
 * `nsx`: the discovery engine on the command line, the terminals' enter / new, and the
 * entry point the privileged helper runs as root (`nsx snapshot --json --details`).
 */
// First: it starts the scan's helper thread before the rest loads.
import './prestart';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { account, pkexecCaller, requestingUid } from '../core/linux/account';
import { DetailsError, readDetails } from '../core/details';
import { DiscoverOptions, DiscoveryError } from '../core/discovery/discover';
import { discoverNamed } from '../core/containers';
import { currentCaller } from '../core/terminals/rootNeeded';
import { EnterError, enterTitle, identityProblem, planEnter } from '../core/terminals/enter';
import { stoppedContainers } from '../core/containers/engineApi';
import { containerTitle } from '../core/containers/find';
import { debugTitle, planDebug, targetOf, type DebugTarget } from '../core/terminals/debug';
import { forestJson, ownerForest, parentForest, processForest, prune, TreeNode } from '../core/model/hierarchy';
import { IsolateError, newTitle, planNew } from '../core/terminals/isolate';
import {
  CaptureError,
  CapturePlan,
  missingInterface,
  planCapture,
  tcpdumpArgsProblem,
  tcpdumpCommand,
} from '../core/terminals/capture';
import { allTables, MountReadError, tableOfNamespace, tableOfPid } from '../core/mounts/mountNamespaces';
import { ReadOnce, ProcSource } from '../core/linux/procfs';
import { MountTable, PropagationError, PropagationIndex } from '../core/mounts/propagation';
import {
  runDebug,
  runEnter,
  runNew,
  SessionEnd,
  SessionError,
  SessionOptions,
  sessionOutcome,
} from '../core/terminals/session';
import { NamespaceRecord, Snapshot } from '../core/model/snapshot';
import { takeForeground } from '../core/terminals/terminalForeground';
import { requireTool, ToolMissingError } from '../core/linux/tools';
import { installPolicy, PolicyError, removePolicy } from '../privilege/policy';
import { ElevationError } from '../privilege/run';
import { Command, parseCommand, USAGE, UsageError } from './args';
import { CliError, cliRuntime, elevate, elevatedSnapshot } from './elevate';
import { mountTreeText, propagationText, tableHeading } from './mounts';
import { out, outJson, say, tell } from './output';
import { detailsText } from './show';
import { checkJson, checkText } from './check';
import { checkSnapshot } from '../core/findings';
import { openForWriting, writeOutput } from './files';
import { containerNotes, containerTable } from './containers';
import { netDot, netText } from './net';
import { watch } from './watch';
import { netGraph } from '../core/network/graph';
import type { NetDetails } from '../core/details/types';
import { namespaceTable, namespaceTree, processTree, scanNotes } from './render';

declare const NSX_VERSION: string;

const KNOWN_FAILURES = [
  UsageError,
  CliError,
  ElevationError,
  DiscoveryError,
  EnterError,
  IsolateError,
  CaptureError,
  SessionError,
  PolicyError,
  ToolMissingError,
  MountReadError,
  PropagationError,
  DetailsError,
];

/** Failures that are always the request's: what it asks cannot be done, whatever the system. */
const WRONG_REQUESTS = [UsageError, IsolateError, PropagationError, DetailsError];

/**
 * The exit status of a failure, by the one rule the README gives (The `nsx` command, exit
 * status): 2 when the request was wrong, 1 when the attempt failed (core/blame.ts), and
 * pkexec's 126 or 127 as pkexec gave them. `enter` and `new` exit with their command's
 * status when it ran.
 */
function exitStatus(err: unknown): number {
  if (err instanceof CliError || err instanceof ElevationError) return err.status;
  if (WRONG_REQUESTS.some((type) => err instanceof type)) return 2;
  if (err instanceof EnterError || err instanceof MountReadError || err instanceof CaptureError)
    return err.blame === 'request' ? 2 : 1;
  return 1;
}

async function main(argv: string[]): Promise<number> {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    say(`${err.message} (see 'nsx --help')`);
    return exitStatus(err);
  }
  const hold = holdsTerminal(command);
  try {
    const status = await run(command, argv, hold);
    // A failure said above (by a helper run as root, or by install-policy) is read first;
    // then 0, so that the editor adds no line with nsx's command line.
    if (hold && status !== 0) return holdTerminal().then(() => 0);
    // Run by pkexec, a command's own 126 or 127 would read as pkexec's "dismissed" or
    // "not authorised" to the nsx that asked: say 125 instead.
    return elevatedHelper() && (status === 126 || status === 127) ? 125 : status;
  } catch (err) {
    if (KNOWN_FAILURES.some((type) => err instanceof type)) say((err as Error).message);
    else {
      say(`unexpected error: ${(err as Error)?.message ?? String(err)}`);
      if (process.env.NSX_DEBUG) tell(`${(err as Error)?.stack}`);
    }
    if (!hold) return exitStatus(err);
    await holdTerminal();
    return 0;
  }
}

async function run(command: Command, argv: string[], hold: boolean): Promise<number> {
  switch (command.name) {
    case 'help':
      out(USAGE + '\n');
      return 0;
    case 'version':
      out(`nsx ${NSX_VERSION}\n`);
      return 0;
    case 'snapshot':
      return snapshot(command);
    case 'list':
      return needsElevation(command.asRoot) ? elevate(argv) : list(command);
    case 'tree':
      return needsElevation(command.asRoot) ? elevate(argv) : tree(command);
    case 'containers':
      return needsElevation(command.asRoot) ? elevate(argv) : containers(command);
    case 'net':
      return needsElevation(command.asRoot) ? elevate(argv) : net(command);
    case 'watch':
      return needsElevation(command.asRoot) ? elevate(argv) : watch(command);
    case 'enter':
      return enter(command, argv, hold);
    case 'new':
      return newNamespaces(command, argv, hold);
    case 'debug':
      return debug(command, argv, hold);
    case 'capture':
      return capture(command, hold);
    case 'show':
      return needsElevation(command.asRoot) ? elevate(argv) : show(command);
    case 'check':
      return needsElevation(command.asRoot) ? elevate(argv) : check(command);
    case 'mounts':
      return needsElevation(command.asRoot) ? elevate(argv) : mounts(command);
    case 'propagation':
      return needsElevation(command.asRoot) ? elevate(argv) : propagation(command);
    case 'install-policy':
      // Installing replaces the installed helper, so it never runs through it.
      if (euid() !== 0) return elevate(argv, false);
      for (const p of installPolicy(__dirname, path.join(__dirname, '..', 'polkit'), cliRuntime()))
        out(`installed ${p}\n`);
      return 0;
    case 'remove-policy': {
      if (euid() !== 0) return elevate(argv, false);
      const removed = removePolicy();
      out(removed.length ? removed.map((p) => `removed ${p}\n`).join('') : 'nothing to remove\n');
      return 0;
    }
  }
}

function euid(): number {
  return process.geteuid?.() ?? 0;
}

function elevatedHelper(): boolean {
  return euid() === 0 && pkexecCaller() !== undefined;
}

function needsElevation(asRoot: boolean): boolean {
  return asRoot && euid() !== 0;
}

/**
 * `namespaces` detail skips the command lines nobody will see. Containers are named in every
 * scan; sandboxes are left out where nothing shows them.
 */
async function scan(
  detail: DiscoverOptions['detail'] = 'full',
  proc?: ProcSource,
  sandboxes = true,
): Promise<Snapshot> {
  const requestedBy = pkexecCaller();
  return discoverNamed({
    detail,
    sandboxes,
    parallel: true,
    ...(requestedBy !== undefined ? { requestedBy } : {}),
    ...(proc ? { proc } : {}),
  });
}

async function snapshot(command: Extract<Command, { name: 'snapshot' }>): Promise<number> {
  // Root writing where a user named could overwrite any file: the nsx that asked writes it.
  if (command.output && elevatedHelper())
    throw new UsageError('--output is not taken when run through pkexec; the nsx that asked writes the file');
  const text = needsElevation(command.asRoot)
    ? await rootSnapshot(command.details)
    : jsonText(await withDetails(await scan(), command.details));
  // Written by this process, as the user who ran it, even when the scan ran as root.
  if (command.output) writeOutput(command.output, text);
  else outJson(text);
  return 0;
}

/**
 * Root's scan through polkit, whose one remembered command always reads the details: they
 * are left out unless asked for.
 */
async function rootSnapshot(details: boolean): Promise<string> {
  const text = await elevatedSnapshot();
  if (details) return text;
  const snapshot = JSON.parse(text) as Snapshot;
  delete snapshot.details;
  return jsonText(snapshot);
}

/** Adds what is inside each namespace, read with this process's rights, when asked. */
async function withDetails(snapshot: Snapshot, details: boolean): Promise<Snapshot> {
  if (!details) return snapshot;
  return { ...snapshot, details: Object.fromEntries((await readDetails(snapshot)).map((d) => [d.ns, d])) };
}

async function show(command: Extract<Command, { name: 'show' }>): Promise<number> {
  const [details] = await readDetails(await scan(), [command.ns]).catch((err: unknown) => {
    // Other users' namespaces are hidden from a scan without root.
    throw err instanceof DetailsError && euid() !== 0 ? new DetailsError(`${err.message} (add --as-root)`) : err;
  });
  if (command.json) outJson(jsonText(details));
  else out(detailsText(details!, terminalWidth()));
  return 0;
}

async function check(command: Extract<Command, { name: 'check' }>): Promise<number> {
  const snapshot = await scan('namespaces', undefined, false);
  const all = await checkSnapshot(snapshot);
  const findings = command.types ? all.filter((f) => command.types!.includes(f.type)) : all;
  if (command.json) outJson(jsonText(checkJson(findings)));
  else {
    const checked = command.types
      ? snapshot.namespaces.filter((n) => command.types!.includes(n.type)).length
      : snapshot.namespaces.length;
    out(checkText(findings, checked));
    notes(snapshot);
  }
  return command.strict && findings.some((f) => f.severity === 'warning') ? 1 : 0;
}

async function list(command: Extract<Command, { name: 'list' }>): Promise<number> {
  const snapshot = await scan('namespaces', undefined, false);
  let namespaces = snapshot.namespaces;
  if (command.pid !== null) namespaces = namespacesOfPid(snapshot, command.pid);
  if (command.types) namespaces = namespaces.filter((n) => command.types!.includes(n.type));
  if (command.json) {
    outJson(jsonText({ namespaces, hidden: snapshot.hidden, capabilities: snapshot.capabilities }));
    return 0;
  }
  out(namespaceTable(namespaces, terminalWidth()));
  notes(snapshot);
  return 0;
}

async function containers(command: Extract<Command, { name: 'containers' }>): Promise<number> {
  const snapshot = await scan('namespaces');
  const found = snapshot.containers ?? [];
  if (command.json) {
    outJson(jsonText({ containers: found, refusals: snapshot.engineRefusals ?? [] }));
    return 0;
  }
  out(found.length ? containerTable(found, terminalWidth()) : 'no container, pod or sandbox was found\n');
  for (const line of containerNotes(snapshot)) say(line);
  notes(snapshot);
  return 0;
}

async function net(command: Extract<Command, { name: 'net' }>): Promise<number> {
  const snapshot = await scan('namespaces');
  const nets = snapshot.namespaces.filter((n) => n.type === 'net' && !n.ghost).map((n) => n.ns);
  const details = new Map<number, NetDetails>();
  // Without the firewall, only what the map draws is read: no sockets either (ReadOptions.topology).
  for (const d of await readDetails(snapshot, nets, { topology: command.noFirewall }))
    if (d.type === 'net') details.set(d.ns, d);
  const graph = netGraph(snapshot.namespaces, details);
  if (command.json) outJson(jsonText(graph));
  else out(command.dot ? netDot(graph) : netText(graph));
  notes(snapshot);
  return 0;
}

function namespacesOfPid(snapshot: Snapshot, pid: number): NamespaceRecord[] {
  const proc = snapshot.processes.find((p) => p.pid === pid);
  if (!proc) throw new UsageError(`no process with PID ${pid}`);
  if (proc.hidden) {
    const why =
      snapshot.scanner.uid === 0 ? 'permission denied even to root' : 'it belongs to another user; add --as-root';
    throw new CliError(`cannot read the namespaces of PID ${pid} (${proc.name}): ${why}`);
  }
  const mine = new Set(Object.values(proc.ns));
  return snapshot.namespaces.filter((n) => mine.has(n.ns));
}

async function tree(command: Extract<Command, { name: 'tree' }>): Promise<number> {
  const snapshot = await scan(command.mode === 'process' ? 'full' : 'namespaces');
  if (command.mode === 'process') {
    let roots = processForest(snapshot.processes);
    if (command.types) {
      const wanted = new Set(snapshot.namespaces.filter((n) => command.types!.includes(n.type)).map((n) => n.ns));
      roots = prune(roots, (p) => Object.values(p.ns).some((ino) => wanted.has(ino)));
    }
    if (command.json) outJson(treeJsonText('processes', roots));
    else out(processTree(roots, terminalWidth()));
  } else {
    let roots = command.mode === 'parent' ? parentForest(snapshot.namespaces) : ownerForest(snapshot.namespaces);
    if (command.types) roots = prune(roots, (n) => command.types!.includes(n.type));
    if (command.json) outJson(treeJsonText('namespaces', roots));
    else out(namespaceTree(roots, terminalWidth()));
  }
  notes(snapshot);
  return 0;
}

/** The mount table `--pid` or `--ns` names; this process's own by default. */
async function mountTable(
  target: { pid: number | null; ns: number | null },
  snapshot?: Snapshot,
  proc = new ProcSource(),
): Promise<MountTable> {
  try {
    if (target.ns === null) {
      const table = tableOfPid(target.pid ?? process.pid, proc);
      return { ...table, label: snapshot?.namespaces.find((n) => n.ns === table.ns)?.label ?? null };
    }
    return await tableOfNamespace(snapshot ?? (await scan('namespaces', proc)), target.ns, proc);
  } catch (err) {
    if (err instanceof MountReadError && euid() !== 0 && err.rootMayRead) {
      throw new MountReadError(`${err.message} (add --as-root)`, err.why, err.blame);
    }
    throw err;
  }
}

function mountinfoNotes(t: MountTable): void {
  for (const e of t.errors) say(`${t.via} line ${e.line} skipped: ${e.message}`);
}

async function mounts(command: Extract<Command, { name: 'mounts' }>): Promise<number> {
  const t = await mountTable(command);
  if (command.json) {
    outJson(jsonText({ namespace: { ns: t.ns, label: t.label, via: t.via }, mounts: t.mounts, errors: t.errors }));
    return 0;
  }
  out(`${tableHeading(t)}\n${mountTreeText(t, terminalWidth())}`);
  mountinfoNotes(t);
  return 0;
}

async function propagation(command: Extract<Command, { name: 'propagation' }>): Promise<number> {
  const proc = new ReadOnce();
  const snapshot = await scan('namespaces', proc);
  // The namespace asked about first: a wrong --ns fails before every other one is read.
  const asked = await mountTable(command, snapshot, proc);
  const set = await allTables(snapshot, proc, asked);
  // The same namespace read twice would count its own mounts as somewhere else. A mount is
  // in one namespace only: the table that holds the first mount PID sees is its namespace's.
  const first = asked.mounts[0]?.id;
  const t =
    set.tables.find((other) => other === asked || (first !== undefined && other.mounts.some((m) => m.id === first))) ??
    asked;
  if (t === asked && !set.tables.includes(asked)) set.tables.push(asked);
  const answer = new PropagationIndex(set).answer(t, command.path);
  const members =
    command.pid !== null
      ? [command.pid]
      : command.ns === null
        ? [process.pid]
        : snapshot.processes.filter((p) => p.ns.mnt === command.ns && !p.hidden).map((p) => p.pid);
  const exists = pathExists(answer.path, members, proc);
  if (command.json) outJson(jsonText({ ...answer, pathExists: exists }));
  else {
    out(propagationText(answer, exists));
    mountinfoNotes(t);
  }
  return 0;
}

/**
 * Whether TARGET exists in a mount namespace, seen through the root directory of one of the
 * processes PIDS in it (symbolic links as the answer takes them: not followed); null when
 * none of them can be looked into.
 */
function pathExists(target: string, pids: readonly number[], proc: ProcSource): boolean | null {
  for (const pid of pids) {
    try {
      fs.lstatSync(proc.pathInMountNs(pid, target));
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    }
  }
  return null;
}

function sessionOptions(command: string[] | null): SessionOptions {
  return { command, user: account(requestingUid()), root: account(0), say };
}

async function enter(command: Extract<Command, { name: 'enter' }>, argv: string[], hold: boolean): Promise<number> {
  const snapshot = await scan();
  let container: string | null = null;
  let pid = command.pid;
  if (command.container !== null) {
    // Not seen in the user's scan, and root asked for: root's scan may see it.
    if (command.asRoot && euid() !== 0 && !seesContainer(snapshot, command.container)) return elevate(argv);
    const target = await targetIn(snapshot, command.container, false);
    pid = target.pid;
    container = target.container && containerTitle(target.container);
  }
  const planned = planEnter(
    snapshot,
    {
      ...(pid !== null ? { pid } : { ns: command.ns! }),
      ...(command.types ? { types: command.types } : {}),
      asRoot: command.asRoot,
    },
    currentCaller(),
  );
  const plan = container ? { ...planned, name: container } : planned;
  if (plan.privilege === 'root' && euid() !== 0) {
    const problem = identityProblem(plan);
    if (problem) throw new EnterError(problem);
    // Pin the process now: the password prompt may take a while, and its PID could be reused.
    const pinned =
      plan.target.kind === 'process' && command.startTime === null
        ? ['--start-time', String(startTimeOf(plan.target.pid))]
        : [];
    return elevate(withOptions(argv, [...pinned, ...heldHelper(command, hold)]));
  }
  return sessionEnded(
    await runEnter(plan, command.startTime, sessionOptions(command.command)),
    enterTitle(plan),
    command.command,
    hold,
  );
}

/** targetOf; when nothing running matches, again with the engines' stopped containers, to name one that is there. */
async function targetIn(snapshot: Snapshot, query: string, anyProcess: boolean): Promise<DebugTarget> {
  try {
    return targetOf(snapshot, query, anyProcess);
  } catch (err) {
    if (!(err instanceof EnterError)) throw err;
    const stopped = await stoppedContainers(new ProcSource(snapshot.scanner.procRoot), snapshot.processes);
    return targetOf(snapshot, query, anyProcess, stopped);
  }
}

function seesContainer(snapshot: Snapshot, query: string): boolean {
  try {
    targetOf(snapshot, query, true);
    return true;
  } catch {
    return false;
  }
}

/**
 * A debug shell. Run as root for a user, it is given the PID that user's scan found and its
 * start time, so that root debugs that very process (and names its container from its own scan).
 */
async function debug(command: Extract<Command, { name: 'debug' }>, argv: string[], hold: boolean): Promise<number> {
  if (needsElevation(command.asRoot)) return elevate(withOptions(argv, heldHelper(command, hold)));
  const snapshot = await scan();
  const plan = planDebug(snapshot, await targetIn(snapshot, command.target, true), currentCaller());
  if (plan.enter.target.kind !== 'process') throw new EnterError('a debug shell goes into a process');
  const pid = plan.enter.target.pid;
  if (plan.enter.privilege === 'root' && euid() !== 0) {
    const start = command.startTime ?? startTimeOf(pid);
    const run = command.command ? ['--', ...command.command] : [];
    return elevate(['debug', String(pid), '--start-time', String(start), ...(hold ? ['--hold'] : []), ...run]);
  }
  return sessionEnded(
    await runDebug(plan, command.startTime, sessionOptions(command.command)),
    debugTitle(plan),
    command.command,
    hold,
  );
}

function startTimeOf(pid: number): number {
  try {
    return new ProcSource().startTime(pid);
  } catch {
    throw new SessionError(`PID ${pid} is gone: the process exited`);
  }
}

type CaptureCommand = Extract<Command, { name: 'capture' }>;

/**
 * tcpdump inside a net namespace, as root. Through polkit, root's nsx gets the checked
 * target, not the file: it writes the pcap to its stdout, which is the file this process opened.
 */
async function capture(command: CaptureCommand, hold: boolean): Promise<number> {
  const tcpdump = requireTool('tcpdump');
  const refused = tcpdumpArgsProblem(command.tcpdump);
  if (refused) throw new UsageError(refused);
  const toFile = command.write !== null && command.write !== '-';
  if (toFile && elevatedHelper())
    throw new UsageError('--write FILE is not taken when run through pkexec; the nsx that asked writes the file');
  const snapshot = await scan();
  const plan = capturePlan(snapshot, command);
  if (plan) await checkInterface(snapshot, plan);
  const file = toFile ? openForWriting(command.write!) : null;
  try {
    if (!plan || (plan.enter.privilege === 'root' && euid() !== 0))
      return await elevate(rootCapture(command, plan, hold), true, file?.fd);
    const pcap = command.write !== null;
    const end = await runEnter(plan.enter, command.startTime, {
      ...sessionOptions(tcpdumpCommand(tcpdump, plan.iface, pcap, command.tcpdump)),
      announce: `capturing on ${plan.iface} in ${plan.label}${toFile ? `, into ${command.write}` : ''}; Ctrl-C ends it`,
      ...(file ? { stdout: file.fd } : {}),
    });
    if (!hold) return end.status;
    // tcpdump's last words (how many packets) stay until read.
    if (!end.passedOn) await holdTerminal();
    return 0;
  } finally {
    file?.close();
  }
}

/** The capture's plan; null when the namespace is hidden from this user, whose root's scan may see it. */
function capturePlan(snapshot: Snapshot, command: CaptureCommand): CapturePlan | null {
  try {
    return planCapture(snapshot, { iface: command.iface, ...targetOfCapture(command) }, currentCaller());
  } catch (err) {
    const unseen = command.ns !== null && !snapshot.namespaces.some((n) => n.ns === command.ns);
    if (err instanceof CaptureError && euid() !== 0 && unseen) return null;
    throw err;
  }
}

function targetOfCapture(command: CaptureCommand): { pid: number } | { ns: number } {
  return command.pid !== null ? { pid: command.pid } : { ns: command.ns! };
}

/** A wrong interface is named, with those there are, before any password is asked for. */
async function checkInterface(snapshot: Snapshot, plan: CapturePlan): Promise<void> {
  if (plan.ns === null) return;
  const [details] = await readDetails(snapshot, [plan.ns]);
  const names = details?.type === 'net' ? (details.interfaces ?? []).map((i) => i.name) : [];
  // Unreadable here (a namespace only root can look into): root checks it, or tcpdump says so.
  if (names.length === 0) return;
  const missing = missingInterface(plan.iface, names, plan.label);
  if (missing) throw new CaptureError(missing);
}

/** The capture root's nsx runs: the same target (a process pinned by its start time), a pcap on its stdout. */
function rootCapture(command: CaptureCommand, plan: CapturePlan | null, hold: boolean): string[] {
  const target =
    command.pid !== null
      ? ['--pid', String(command.pid), '--start-time', String(command.startTime ?? startTimeOf(command.pid))]
      : ['--ns', String(command.ns)];
  return [
    'capture',
    ...target,
    '--iface',
    plan?.iface ?? command.iface,
    ...(command.write !== null ? ['--write', '-'] : []),
    ...(hold ? ['--hold'] : []),
    ...(command.tcpdump.length ? ['--', ...command.tcpdump] : []),
  ];
}

async function newNamespaces(
  command: Extract<Command, { name: 'new' }>,
  argv: string[],
  hold: boolean,
): Promise<number> {
  const plan = planNew(command, { uid: euid() });
  if (plan.privilege === 'root' && euid() !== 0) return elevate(withOptions(argv, heldHelper(command, hold)));
  return sessionEnded(await runNew(plan, sessionOptions(command.command)), newTitle(plan), command.command, hold);
}

/** ARGV with EXTRA options, before the `--` of the command to run. */
function withOptions(argv: string[], extra: string[]): string[] {
  const dash = argv.indexOf('--');
  return dash >= 0 ? [...argv.slice(0, dash), ...extra, ...argv.slice(dash)] : [...argv, ...extra];
}

/**
 * `--hold` for the helper run as root in a held terminal: pkexec passes no environment,
 * and only the helper knows whether the command was killed or the helper failed.
 */
function heldHelper(command: { hold: boolean }, hold: boolean): string[] {
  return hold && !command.hold ? ['--hold'] : [];
}

/** What nsx says and exits with when a session ends; a killed command's line stays until read. */
async function sessionEnded(end: SessionEnd, left: string, command: string[] | null, hold: boolean): Promise<number> {
  const { status, killed } = sessionOutcome(end, left, command, hold);
  if (killed) {
    // On a line of its own: the killed shell's prompt may be the last thing on the screen.
    if (process.stderr.isTTY) tell('');
    say(killed);
    await holdTerminal();
  }
  return status;
}

/**
 * A terminal the editor opened (NSX_HOLD), or that a held nsx asked for (--hold), closes
 * with nsx: what it says at the end stays until it has been read.
 */
function holdsTerminal(command: Command): boolean {
  return (
    !!process.env.NSX_HOLD ||
    ((command.name === 'enter' || command.name === 'new' || command.name === 'debug' || command.name === 'capture') &&
      command.hold)
  );
}

/** Keeps what was said on screen until the user presses Enter. */
async function holdTerminal(): Promise<void> {
  if (!process.stdin.isTTY) return;
  // A shell killed while it held the terminal left it to its dead process group.
  takeForeground();
  tell('Press Enter to close this terminal.');
  // Whatever ends the wait: a line, or the terminal going away.
  await new Promise((resolve) => process.stdin.once('data', resolve).once('end', resolve).once('error', resolve));
  process.stdin.pause();
}

function notes(snapshot: Snapshot): void {
  for (const note of scanNotes(snapshot)) say(note);
}

function terminalWidth(): number | undefined {
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}

/** Indented for a person at a terminal, compact for a program reading a pipe. */
function jsonIndent(): string {
  return process.stdout.isTTY ? '  ' : '';
}

function jsonText(value: unknown): string {
  return JSON.stringify(value, null, jsonIndent()) + '\n';
}

/** `{"KEY": [...]}` of a forest, which may be deeper than JSON.stringify can go. */
function treeJsonText<T extends object>(key: string, roots: readonly TreeNode<T>[]): string {
  const indent = jsonIndent();
  const [open, colon, close] = indent ? [`\n${indent}`, ': ', '\n'] : ['', ':', ''];
  return `{${open}${JSON.stringify(key)}${colon}${forestJson(roots, indent, 1)}${close}}\n`;
}

// A reader that stops early (`nsx list | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
void main(process.argv.slice(2)).then((status) => {
  process.exitCode = status;
});
