/**
 * What `nsx enter` and "Open Terminal in Namespace…" go into, decided from a snapshot:
 * the same plan, the same checks and the same words for both.
 */
import { Blame } from '../model/blame';
import { EnterTarget } from './argv';
import { Caller, enterPrivilege, Privilege } from './rootNeeded';
import { ProcSource } from '../linux/procfs';
import { holderFile, NamespaceRecord, NS_TYPES, NsType, ProcessRecord, Snapshot } from '../model/snapshot';

/** What to enter cannot be entered; the message says why, in the user's words. */
export class EnterError extends Error {
  override name = 'EnterError';
  constructor(
    message: string,
    readonly blame: Blame = 'request',
  ) {
    super(message);
  }
}

export interface EnterRequest {
  /** Enter the namespaces of this process... */
  pid?: number;
  /** ...or this namespace, by inode. */
  ns?: number;
  /** Which of the process's namespaces; default every one that differs from the caller's. */
  types?: readonly NsType[];
  asRoot: boolean;
}

export interface EnterPlan {
  target: EnterTarget;
  /** The namespaces entered, in type order; empty when the caller cannot see them (root will). */
  namespaces: NamespaceRecord[];
  types: NsType[];
  privilege: Privilege;
  asRoot: boolean;
  /** What a person knows the target by: the process's short name, or the holder of the namespace. */
  name: string | null;
  /** The namespaces the scan saw the target in, by type: what nsx checks it enters (pin.ts). */
  inodes: Partial<Record<NsType, number>>;
}

export function planEnter(snapshot: Snapshot, req: EnterRequest, caller: Caller): EnterPlan {
  const byIno = new Map(snapshot.namespaces.map((n) => [n.ns, n]));
  if (req.ns !== undefined) {
    const ns = byIno.get(req.ns);
    if (!ns)
      throw new EnterError(`no namespace ${snapshot.scanner.uid === 0 ? '' : 'you can see '}has inode ${req.ns}`);
    if (req.types && req.types.some((t) => t !== ns.type))
      throw new EnterError(`namespace ${req.ns} is a ${ns.type} namespace`);
    if (ns.pid !== null) return planForProcess(snapshot, ns.pid, [ns.type], req.asRoot, caller, byIno);
    return planForFile(ns, req.asRoot, caller);
  }
  if (req.pid === undefined) throw new EnterError('say what to enter: a PID or a namespace inode');
  return planForProcess(snapshot, req.pid, req.types, req.asRoot, caller, byIno);
}

function planForProcess(
  snapshot: Snapshot,
  pid: number,
  types: readonly NsType[] | undefined,
  asRoot: boolean,
  caller: Caller,
  byIno: Map<number, NamespaceRecord>,
): EnterPlan {
  const proc = snapshot.processes.find((p) => p.pid === pid);
  if (!proc) throw new EnterError(`no process with PID ${pid}`);
  if (proc.hidden === 'vanished') throw new EnterError(`PID ${pid} is gone: the process exited`, 'attempt');
  const target: EnterTarget = { kind: 'process', pid };
  if (proc.hidden && caller.uid === 0) {
    throw new EnterError(
      `cannot open the namespaces of PID ${pid} (${proc.name}): permission denied, even to root`,
      'attempt',
    );
  }
  if (proc.hidden) {
    // Another user's process: only root can see which namespaces it has.
    return {
      target,
      namespaces: [],
      types: types ? [...types] : [],
      privilege: caller.uid === 0 ? 'none' : 'root',
      asRoot,
      name: proc.name,
      inodes: {},
    };
  }
  // The caller's own user namespace cannot be entered again (setns fails): it is already there.
  const ownUserns = (t: NsType) => t === 'user' && proc.ns.user === caller.userns;
  const chosen = types
    ? NS_TYPES.filter((t) => types.includes(t) && !ownUserns(t))
    : differingTypes(snapshot, proc, caller);
  if (chosen.length === 0) {
    throw new EnterError(
      `PID ${pid} (${proc.name}) is already in ` +
        `${types ? `your ${types.join(', ')} namespace${types.length > 1 ? 's' : ''}` : 'all of your namespaces'}: ` +
        'there is nothing to enter',
    );
  }
  for (const t of chosen) {
    if (proc.ns[t] === undefined) throw new EnterError(`this kernel has no ${t} namespaces (PID ${pid} has none)`);
  }
  const namespaces = chosen.map((t) => byIno.get(proc.ns[t]!)).filter((n): n is NamespaceRecord => !!n);
  const userns = userNamespaces(snapshot);
  const privilege = enterPrivilege(namespaces, proc.ns.user ?? null, caller, userns);
  return { target, namespaces, types: chosen, privilege, asRoot, name: proc.name, inodes: { ...proc.ns } };
}

/** The types in which the process differs from the caller (the user type only if it differs). */
function differingTypes(snapshot: Snapshot, proc: ProcessRecord, caller: Caller): NsType[] {
  const self = snapshot.processes.find((p) => p.pid === process.pid)?.ns;
  return NS_TYPES.filter(
    (t) => proc.ns[t] !== undefined && (t === 'user' ? proc.ns.user !== caller.userns : proc.ns[t] !== self?.[t]),
  );
}

function planForFile(ns: NamespaceRecord, asRoot: boolean, caller: Caller): EnterPlan {
  const [holder] = ns.holders;
  if (!holder)
    throw new EnterError(`${ns.type}:[${ns.ns}] has no process, bind mount or open file: nothing can open it`);
  // A bind mount's path is seen from its own mount namespace: reach it through a process there.
  const path =
    holder.kind === 'bindmount' ? new ProcSource().pathInMountNs(holder.pid, holder.path) : holderFile(holder, ns.type);
  return {
    target: { kind: 'file', path, type: ns.type },
    namespaces: [ns],
    types: [ns.type],
    privilege: caller.uid === 0 ? 'none' : 'root',
    asRoot,
    name:
      holder.kind === 'bindmount' ? holder.path : holder.kind === 'fd' ? `fd ${holder.fd} of PID ${holder.pid}` : null,
    inodes: { [ns.type]: ns.ns },
  };
}

function userNamespaces(snapshot: Snapshot): Map<number, NamespaceRecord> {
  return new Map(snapshot.namespaces.filter((n) => n.type === 'user').map((n) => [n.ns, n]));
}

/** "net+uts of nginx (1234)": a terminal's title and the line nsx prints on entering. */
export function enterTitle(plan: Pick<EnterPlan, 'target' | 'types' | 'name' | 'asRoot'>): string {
  const what = plan.types.length === NS_TYPES.length ? 'all namespaces' : plan.types.join('+');
  const where =
    plan.target.kind === 'process' ? `${plan.name ?? 'PID'} (${plan.target.pid})` : (plan.name ?? plan.target.path);
  return `${what} of ${where}${plan.asRoot ? ' as root' : ''}`;
}

/**
 * Root entering for a user who stays themselves (`nsenter --setuid`) cannot take that UID
 * inside a user namespace it enters: the UID is not mapped there, or means someone else.
 */
export function identityProblem(plan: Pick<EnterPlan, 'privilege' | 'asRoot' | 'types'>): string | null {
  if (plan.privilege !== 'root' || plan.asRoot || !plan.types.includes('user')) return null;
  return (
    'as yourself, a user namespace that only root may enter cannot be entered (your UID is not yours ' +
    'there): add --as-root, or leave out the user type'
  );
}
