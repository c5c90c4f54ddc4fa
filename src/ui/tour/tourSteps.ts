/**
 * The walkthrough "Linux namespaces, hands-on": what each step's button opens (a New
 * Isolated Terminal request, asked nothing) and when the step counts as done (the
 * namespaces it asked for are seen below that terminal's process). No vscode here: the
 * unit tests read it, and check package.json's walkthrough against it.
 */
import { NsType, Snapshot } from '../../core/model/snapshot';
import { NewRequest } from '../../core/terminals/isolate';

/** The walkthrough's id in package.json; VS Code knows it as `<publisher>.<name>#<id>`. */
export const TOUR_ID = 'handsOn';

export const TOUR_STEP_IDS = [
  'netLo',
  'netVeth',
  'netBridge',
  'pidOne',
  'pidNested',
  'pidMountProc',
  'mntPropagation',
  'utsHostname',
  'ipcObjects',
  'userMaps',
] as const;
export type TourStepId = (typeof TOUR_STEP_IDS)[number];

/** A terminal a step's button opens. */
export interface TourTerminal {
  step: TourStepId;
  /** The namespaces made as root; an ordinary user gets a user namespace around them (requestFor). */
  request: NewRequest;
  /** Only root can make this one (a veth pair to the host): no user namespace is added, polkit asks. */
  needsRoot?: boolean;
  /** The step is done once this many namespaces of this type are seen below the terminal's process. */
  seen: { type: NsType; count: number };
}

const net: NewRequest = { types: ['net'] };
const pidWithProc: NewRequest = { types: ['pid', 'mnt'], mountProc: true };

/** Each button's terminal, by the id its `command:` link passes. */
export const TOUR_TERMINALS: Readonly<Record<string, TourTerminal>> = {
  netLo: { step: 'netLo', request: net, seen: { type: 'net', count: 1 } },
  // Two net namespaces: the terminal's and one the user makes inside it and joins with a veth pair.
  netVeth: { step: 'netVeth', request: net, seen: { type: 'net', count: 2 } },
  netVethHost: {
    step: 'netVeth',
    request: { types: ['net'], veth: true },
    needsRoot: true,
    seen: { type: 'net', count: 1 },
  },
  // The terminal's, holding the bridge, and two namespaces plugged into it.
  netBridge: { step: 'netBridge', request: net, seen: { type: 'net', count: 3 } },
  pidOne: { step: 'pidOne', request: pidWithProc, seen: { type: 'pid', count: 1 } },
  pidNested: { step: 'pidNested', request: pidWithProc, seen: { type: 'pid', count: 2 } },
  pidMountProc: { step: 'pidMountProc', request: { types: ['pid', 'mnt'] }, seen: { type: 'pid', count: 1 } },
  // The terminal's, and a second one whose /mnt is a peer of the first's.
  mntPropagation: { step: 'mntPropagation', request: { types: ['mnt'] }, seen: { type: 'mnt', count: 2 } },
  utsHostname: { step: 'utsHostname', request: { types: ['uts'], hostname: 'tour' }, seen: { type: 'uts', count: 1 } },
  ipcObjects: { step: 'ipcObjects', request: { types: ['ipc'] }, seen: { type: 'ipc', count: 1 } },
  userMaps: { step: 'userMaps', request: { types: ['user'], mapRoot: true }, seen: { type: 'user', count: 1 } },
};

/** The terminal a button names, or a sentence saying why there is none. */
export function tourTerminal(id: unknown): TourTerminal | string {
  if (typeof id === 'string' && Object.hasOwn(TOUR_TERMINALS, id)) return TOUR_TERMINALS[id]!;
  return `the tour has no step ${JSON.stringify(id) ?? String(id)}`;
}

/**
 * What New Isolated Terminal makes for TERMINAL. Root gets the request as it is; an
 * ordinary user gets it inside a new user namespace that maps them to root, which gives
 * the rights to set the others up without a password (the kernel allows it where
 * unprivileged user namespaces are on), except where only root can do it.
 */
export function requestFor(terminal: TourTerminal, root: boolean, subnet: string): NewRequest {
  const request: NewRequest = { ...terminal.request };
  if (request.veth) request.subnet = subnet;
  if (root || terminal.needsRoot) return request;
  const types: NsType[] = request.types.includes('user') ? [...request.types] : ['user', ...request.types];
  return { ...request, types, mapRoot: true };
}

/** The context key a step's `completionEvents` waits for. */
export function tourContextKey(step: TourStepId): string {
  return `namespaceExplorer.tour.${step}`;
}

/** Whether SNAPSHOT shows what TERMINAL's step asked for among the namespaces BELOW its process. */
export function stepSeen(terminal: TourTerminal, below: ReadonlySet<number>, snapshot: Snapshot): boolean {
  const { type, count } = terminal.seen;
  return snapshot.namespaces.filter((n) => n.type === type && below.has(n.ns)).length >= count;
}
