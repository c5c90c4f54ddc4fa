/**
 * What `nsx new` and "New Isolated Terminal…" make: validated options for unshare, checked
 * together so that a request that cannot work is refused before anything is created.
 */
import { hostnameProblem, Propagation, PROPAGATIONS } from './argv';
import { Caller, newPrivilege, Privilege } from './rootNeeded';
import { NS_TYPES, NsType } from '../model/snapshot';
import { DEFAULT_SUBNET, parseSubnet, Subnet } from './veth';

export class IsolateError extends Error {
  override name = 'IsolateError';
}

export interface NewRequest {
  types: readonly NsType[];
  hostname?: string;
  /** Mount a /proc that shows the new PID namespace (needs pid and mnt). */
  mountProc?: boolean;
  propagation?: Propagation;
  /** Map the caller to root in the new user namespace. */
  mapRoot?: boolean;
  /** Connect the new network namespace to the host through a veth pair. */
  veth?: boolean;
  subnet?: string;
}

export interface NewPlan {
  types: NsType[];
  hostname: string | null;
  mountProc: boolean;
  propagation: Propagation;
  mapRoot: boolean;
  /** The subnet veth addresses come from, when connected to the host. */
  veth: Subnet | null;
  privilege: Privilege;
}

export function planNew(req: NewRequest, caller: Pick<Caller, 'uid'>): NewPlan {
  const types = NS_TYPES.filter((t) => req.types.includes(t));
  if (types.length === 0) throw new IsolateError('choose at least one namespace type to make');
  const needs = (option: string, ...wanted: NsType[]) => {
    const missing = wanted.filter((t) => !types.includes(t));
    if (missing.length) throw new IsolateError(`${option} needs a new ${missing.join(' and ')} namespace`);
  };
  if (req.hostname !== undefined) {
    needs('a hostname', 'uts');
    const problem = hostnameProblem(req.hostname);
    if (problem) throw new IsolateError(problem);
  }
  if (req.mountProc) needs('a fresh /proc', 'pid', 'mnt');
  if (req.propagation !== undefined) {
    needs('mount propagation', 'mnt');
    if (!PROPAGATIONS.includes(req.propagation))
      throw new IsolateError(`propagation must be one of ${PROPAGATIONS.join(', ')}`);
  }
  if (req.mapRoot) needs('mapping you to root', 'user');
  let veth: Subnet | null = null;
  if (req.subnet !== undefined && !req.veth) throw new IsolateError('a subnet is only for a veth pair');
  if (req.veth) {
    needs('a veth pair', 'net');
    const subnet = parseSubnet(req.subnet ?? DEFAULT_SUBNET);
    if (typeof subnet === 'string') throw new IsolateError(subnet);
    veth = subnet;
  }
  // Unmapped, the caller has no rights inside its new user namespace to set anything up.
  if (
    caller.uid !== 0 &&
    types.includes('user') &&
    !req.mapRoot &&
    !veth &&
    (req.hostname !== undefined || types.includes('net'))
  ) {
    throw new IsolateError(
      `setting up ${req.hostname !== undefined ? 'the hostname' : 'the network'} inside a new user ` +
        `namespace needs mapping you to root (Map me to root, --map-root)`,
    );
  }
  return {
    types,
    hostname: req.hostname ?? null,
    mountProc: !!req.mountProc,
    propagation: req.propagation ?? 'private',
    mapRoot: !!req.mapRoot,
    veth,
    privilege: newPrivilege(types, veth !== null, caller),
  };
}

/** "net+pid+mnt+uts, hostname box": a terminal's title. */
export function newTitle(plan: Pick<NewPlan, 'types' | 'hostname' | 'veth'>): string {
  const parts = [`new ${plan.types.join('+')}`];
  if (plan.hostname) parts.push(`hostname ${plan.hostname}`);
  if (plan.veth) parts.push('veth');
  return parts.join(', ');
}
