/**
 * What the terminal commands offer and what they run: the quick pick items, the request
 * built from the answers, and the `nsx` arguments. No vscode here: the unit tests read them.
 */
import type { QuickPickItem } from 'vscode';
import { NamespaceRecord, NS_TYPES, NsType, Snapshot } from '../../core/model/snapshot';
import { Propagation } from '../../core/terminals/argv';
import type { ContainerRecord } from '../../core/containers/types';
import { DebugTarget, targetOf } from '../../core/terminals/debug';
import { EnterPlan } from '../../core/terminals/enter';
import { NewRequest } from '../../core/terminals/isolate';
import { DEFAULT_SUBNET } from '../../core/terminals/veth';

export const TYPE_WORDS: Readonly<Record<NsType, string>> = {
  cgroup: 'its own view of the cgroup tree',
  ipc: 'its own System V IPC and POSIX message queues',
  mnt: 'its own mounts',
  net: 'its own network stack',
  pid: 'its own process IDs',
  time: 'its own monotonic and boot clocks',
  user: 'its own user and group IDs',
  uts: 'its own hostname',
};

export const PROPAGATION_WORDS: Readonly<Record<Propagation, string>> = {
  private: 'mounts stay on their side (the default)',
  slave: 'mounts made on the host appear inside, not the other way',
  shared: 'mounts appear on both sides',
  unchanged: 'keep what the host has',
};

/** The types New Isolated Terminal offers; as root, all but user and time are picked. */
export function newTypeItems(root: boolean): (QuickPickItem & { label: NsType })[] {
  const defaults: NsType[] = root ? ['ipc', 'mnt', 'net', 'pid', 'uts'] : ['ipc', 'mnt', 'net', 'pid', 'user', 'uts'];
  return NS_TYPES.map((t) => ({ label: t, description: TYPE_WORDS[t], picked: defaults.includes(t) }));
}

export type NewOption = 'mountProc' | 'mapRoot' | 'veth' | 'propagation';

export interface OptionItem extends QuickPickItem {
  option: NewOption;
}

/** The options that apply to TYPES; SUBNET is where veth addresses come from. */
export function newOptionItems(types: readonly NsType[], subnet: string, root: boolean): OptionItem[] {
  const has = (...wanted: NsType[]) => wanted.every((t) => types.includes(t));
  const items: OptionItem[] = [];
  if (has('pid', 'mnt')) {
    const description = 'a /proc that shows only the new PID namespace';
    items.push({ label: 'Fresh /proc', description, picked: true, option: 'mountProc' });
  }
  if (has('user')) {
    const description = 'be root inside the new user namespace';
    items.push({ label: 'Map me to root', description, picked: true, option: 'mapRoot' });
  }
  if (has('net')) {
    const description = `a veth pair with addresses from ${subnet}${root ? '' : '; needs root'} (otherwise only lo)`;
    items.push({ label: 'Connect to the host (veth)', description, picked: false, option: 'veth' });
  }
  if (has('mnt')) {
    const description = 'private unless changed';
    items.push({ label: 'Change mount propagation…', description, picked: false, option: 'propagation' });
  }
  return items;
}

/** The request made of the types and options chosen; the hostname and propagation come after. */
export function newRequest(types: readonly NsType[], options: ReadonlySet<NewOption>, subnet: string): NewRequest {
  const request: NewRequest = {
    types,
    mountProc: options.has('mountProc'),
    mapRoot: options.has('mapRoot'),
    veth: options.has('veth'),
  };
  if (request.veth) request.subnet = subnet;
  return request;
}

/** `nsx new …` for REQ. */
export function newArgs(req: NewRequest): string[] {
  const args = ['new', '--type', req.types.join(',')];
  if (req.hostname) args.push('--hostname', req.hostname);
  if (req.mountProc) args.push('--mount-proc');
  if (req.propagation) args.push('--propagation', req.propagation);
  if (req.mapRoot) args.push('--map-root');
  if (req.veth) args.push('--veth', '--subnet', req.subnet ?? DEFAULT_SUBNET);
  return args;
}

/** `nsx enter …` for PLAN: a process pinned by its start time STARTED, or namespace NS by inode. */
export function enterArgs(plan: EnterPlan, ns: number, started: number | null): string[] {
  const args = ['enter'];
  if (plan.target.kind === 'process') {
    args.push('--pid', String(plan.target.pid), '--start-time', String(started), '--type', plan.types.join(','));
  } else {
    args.push('--ns', String(ns));
  }
  if (plan.asRoot) args.push('--as-root');
  return args;
}

/** Why nothing was opened: PID is not the process the row showed (STARTED null: it exited). */
export function staleProcessNote(pid: number, started: number | null): string {
  const reused = started === null ? '' : ' and its PID was reused';
  return `PID ${pid} is no longer the process shown (it exited${reused}); refresh and try again. Nothing was opened.`;
}

/** PLAN without its user namespace; undefined when nothing else is left to enter. */
export function withoutUserNamespace(plan: EnterPlan): EnterPlan | undefined {
  const types = plan.types.filter((t) => t !== 'user');
  if (types.length === 0) return undefined;
  return { ...plan, types, namespaces: plan.namespaces.filter((n) => n.type !== 'user') };
}

export interface TypeItem extends QuickPickItem {
  types: NsType[];
}

/**
 * The namespaces of process PID that Open Terminal in Namespace offers: "all" first, then
 * each type, the one clicked picked ("all" when a container was clicked: CLICKED undefined).
 * Undefined when there is nothing to choose (then the clicked type is entered).
 */
export function enterTypeItems(
  snapshot: Snapshot,
  pid: number,
  clicked: NamespaceRecord | undefined,
): { name: string; all: TypeItem; items: TypeItem[] } | undefined {
  const proc = snapshot.processes.find((p) => p.pid === pid);
  const byIno = new Map(snapshot.namespaces.map((n) => [n.ns, n]));
  const own = snapshot.processes.find((p) => p.pid === process.pid)?.ns ?? {};
  // Not the user namespace the editor is in already: nsenter cannot enter it again (setns: EINVAL).
  const types = NS_TYPES.filter((t) => proc?.ns[t] !== undefined && (t !== 'user' || proc.ns.user !== own.user));
  if (!proc || types.length === 0) return undefined;
  const all: TypeItem = { label: '$(check-all) All of them', description: types.join(', '), types, picked: !clicked };
  const each = types.map((t) => {
    const ino = proc.ns[t]!;
    const label = byIno.get(ino)?.label;
    return {
      label: t,
      description: `${t}:[${ino}]${label ? ` · ${label}` : ''}${own[t] === ino ? ' · same as yours' : ''}`,
      picked: t === clicked?.type,
      types: [t],
    };
  });
  return { name: proc.name, all, items: [all, ...each] };
}

/** The types of the items CHOSEN, in type order; every type offered when "all" is among them. */
export function chosenTypes(chosen: readonly TypeItem[], all: TypeItem): NsType[] {
  return chosen.includes(all) ? all.types : NS_TYPES.filter((t) => chosen.some((c) => c.types.includes(t)));
}

/** What Debug Shell reads of the rows it is offered on: namespace, process and container rows. */
export type DebugRow =
  | { kind: 'namespace'; ns: NamespaceRecord }
  | { kind: 'process'; process: { pid: number } }
  | { kind: 'container'; container: ContainerRecord };

/**
 * What Debug Shell on ROW goes into: the container's first process (a namespace row of a
 * container names it), or the row's process; a sentence when there is none.
 */
export function debugTargetOfRow(snapshot: Snapshot, row: DebugRow): DebugTarget | string {
  const container =
    row.kind === 'container'
      ? row.container
      : row.kind === 'namespace' && row.ns.container
        ? snapshot.containers?.find((c) => c.engine === row.ns.container!.engine && c.id === row.ns.container!.id)
        : undefined;
  if (container) {
    if (container.pid === null) return `${container.name} (${container.engine}) is not running (${container.state})`;
    return { pid: container.pid, container };
  }
  const pid = row.kind === 'process' ? row.process.pid : row.kind === 'namespace' ? row.ns.pid : null;
  if (pid === null) return 'no process is in this namespace, so a debug shell has nothing to go into';
  // A process of a container is debugged as that container.
  try {
    return targetOf(snapshot, String(pid), true);
  } catch {
    return { pid, container: null };
  }
}

/** `nsx debug …` for TARGET, pinned by its start time STARTED. */
export function debugArgs(target: DebugTarget, started: number | null): string[] {
  return ['debug', String(target.pid), '--start-time', String(started)];
}
