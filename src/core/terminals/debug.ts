/**
 * What `nsx debug` and "Debug Shell…" run: a terminal in a container's (or any process's)
 * net, uts, ipc, pid and cgroup namespaces with the host's tools, in a new private mount
 * namespace where a fresh /proc shows the target's PID namespace and the target's files
 * are reached through /proc/N/root. The host's mount namespace is never entered, so the
 * tools are the host's, and nothing mounted there reaches the host.
 */
import { containerTitle, ContainerQueryError, findContainer, refusalNote } from '../containers/find';
import type { ContainerRecord } from '../containers/types';
import { NS_TYPES, NsType, Snapshot } from '../model/snapshot';
import { nsenterCommand, OpenedNamespaces } from './argv';
import { EnterError, EnterPlan, planEnter } from './enter';
import { Caller } from './rootNeeded';

/** The namespaces a debug shell shares with its target; mnt is new, user is entered only for an own one. */
export const DEBUG_TYPES: readonly NsType[] = ['net', 'uts', 'ipc', 'pid', 'cgroup'];

/** What the debug shell goes into: a container's first process, or a process in none. */
export interface DebugTarget {
  pid: number;
  container: ContainerRecord | null;
}

export interface DebugPlan {
  /** How nsx enter would go into the same namespaces: its checks, its privilege. */
  enter: EnterPlan;
  container: ContainerRecord | null;
  /** Where the target's root directory is seen inside: /proc of its PID there. */
  rootPath: string;
}

/**
 * The process QUERY (a container's name, id or id prefix, or a PID) names. With
 * ANY_PROCESS (a debug shell) a PID in no container is taken as it is: a debug shell can go
 * into any process's namespaces. STOPPED (the engines' stopped containers) turns "no match"
 * into "is not running" for a container that is there but stopped.
 */
export function targetOf(
  snapshot: Snapshot,
  query: string,
  anyProcess: boolean,
  stopped: readonly ContainerRecord[] = [],
): DebugTarget {
  try {
    const container = findContainer(snapshot.containers ?? [], query);
    return { pid: container.pid!, container };
  } catch (err) {
    if (!(err instanceof ContainerQueryError)) throw err;
    if (err.reason === 'none') stoppedMatch(stopped, query);
    const exists = snapshot.processes.some((p) => p.pid === err.pid);
    if (err.reason === 'outside' && exists && anyProcess) return { pid: err.pid!, container: null };
    const blame = err.reason === 'stopped' ? 'attempt' : 'request';
    if (err.reason === 'outside') {
      const why = exists ? `PID ${err.pid} is in no container (--pid enters it)` : `no process has PID ${err.pid}`;
      throw new EnterError(`no container matches '${query.trim()}': ${why}${unseenNote(snapshot, 'none')}`, blame);
    }
    throw new EnterError(err.message + unseenNote(snapshot, err.reason), blame);
  }
}

/** Throws the sentence for the one stopped container (or several) QUERY names in STOPPED; none: returns. */
function stoppedMatch(stopped: readonly ContainerRecord[], query: string): void {
  try {
    findContainer(stopped, query);
  } catch (err) {
    if (!(err instanceof ContainerQueryError) || err.reason === 'none' || err.reason === 'outside') return;
    throw new EnterError(err.message, err.reason === 'stopped' ? 'attempt' : 'request');
  }
}

/** Why a container may be missing from this scan, and what would show it. */
function unseenNote(snapshot: Snapshot, reason: ContainerQueryError['reason']): string {
  if (reason !== 'none' || snapshot.scanner.uid === 0) return '';
  return `${refusalNote(snapshot.engineRefusals)}; root sees every user's containers: add --as-root`;
}

export function planDebug(snapshot: Snapshot, target: DebugTarget, caller: Caller): DebugPlan {
  const proc = snapshot.processes.find((p) => p.pid === target.pid);
  const self = snapshot.processes.find((p) => p.pid === process.pid)?.ns;
  // Those it shares with the caller are not entered: setns into one's own cgroup namespace
  // from a user namespace one owns is refused. Another user's process: root enters them all.
  const types =
    proc && !proc.hidden
      ? DEBUG_TYPES.filter((t) => proc.ns[t] !== undefined && proc.ns[t] !== self?.[t])
      : [...DEBUG_TYPES];
  if (!types.length)
    throw new EnterError(`PID ${target.pid} (${proc?.name}) shares all of your namespaces: there is nothing to debug`);
  const enter = planEnter(snapshot, { pid: target.pid, types, asRoot: true }, caller);
  const inner = proc?.nspid.at(-1) ?? 1;
  return {
    enter: { ...enter, name: target.container ? containerTitle(target.container) : enter.name },
    container: target.container,
    rootPath: `/proc/${inner}/root`,
  };
}

/** The terminal's title: `debug dweb (docker)`, `debug sleep (4242)`. */
export function debugTitle(plan: Pick<DebugPlan, 'enter' | 'container'>): string {
  const pid = plan.enter.target.kind === 'process' ? plan.enter.target.pid : null;
  return plan.container ? `debug ${containerTitle(plan.container)}` : `debug ${plan.enter.name ?? 'PID'} (${pid})`;
}

/** What the terminal shows before the shell starts: where it is, where the files are, whose tools. */
export function debugBanner(plan: DebugPlan): string[] {
  const pid = plan.enter.target.kind === 'process' ? plan.enter.target.pid : 0;
  const what = plan.container ? `container ${containerTitle(plan.container)}` : `PID ${pid} (${plan.enter.name})`;
  const types = plan.enter.types.filter((t) => t !== 'user');
  return [
    `debug shell in ${what}: its ${listed(types)} namespaces${plan.container ? `, PID ${pid} on the host` : ''}`,
    `its files: ${plan.rootPath}`,
    "/proc shows its processes; the tools are the host's, in a private mount namespace that ends with the shell",
  ];
}

function listed(items: readonly string[]): string {
  return items.length > 1 ? `${items.slice(0, -1).join(', ')} and ${items.at(-1)}` : (items[0] ?? '');
}

/**
 * nsenter into the opened namespaces, then unshare a private mount namespace with a fresh
 * /proc for the PID namespace just entered (nsenter forks into it), then the command.
 * unshare sets every mount private before mounting, so nothing propagates to the host.
 */
export function debugCommand(
  tools: { nsenter: string; unshare: string },
  opened: OpenedNamespaces,
  plan: Pick<EnterPlan, 'types' | 'privilege'>,
  command: readonly string[],
): string[] {
  const inner = [tools.unshare, '--mount', '--propagation=private', '--mount-proc', '--', ...command];
  return nsenterCommand(tools.nsenter, {
    target: opened,
    types: NS_TYPES.filter((t) => plan.types.includes(t)),
    viaOwnUserns: plan.privilege === 'userns',
    asRoot: true,
    command: inner,
  });
}
