/**
 * Capture Traffic: the host's tcpdump run inside one net namespace (only the net namespace
 * is entered, so it loads nothing from a namespace's files), through the same plan and
 * checks as `nsx enter --type net`. Root does the capturing; a pcap file is written
 * through a descriptor the user's own nsx opened, so root never opens a path a user named.
 */
import { Blame } from '../model/blame';
import { Snapshot } from '../model/snapshot';
import { EnterError, EnterPlan, planEnter } from './enter';
import { Caller } from './rootNeeded';

/** What cannot be captured; the message says why, in the user's words. */
export class CaptureError extends Error {
  override name = 'CaptureError';
  constructor(
    message: string,
    readonly blame: Blame = 'request',
  ) {
    super(message);
  }
}

export interface CaptureRequest {
  /** The net namespace of this process... */
  pid?: number;
  /** ...or this net namespace, by inode. */
  ns?: number;
  iface: string;
}

export interface CapturePlan {
  enter: EnterPlan;
  /** The net namespace's inode, where the caller's scan sees it. */
  ns: number | null;
  /** What a person knows the namespace by. */
  label: string;
  iface: string;
}

/**
 * The net namespace to capture in. Capturing needs root even in a namespace the caller owns
 * through a user namespace: tcpdump, started as root there, changes to its own user
 * (Debian's is built to), which a user namespace cannot map.
 */
export function planCapture(snapshot: Snapshot, req: CaptureRequest, caller: Caller): CapturePlan {
  const problem = interfaceNameProblem(req.iface);
  if (problem) throw new CaptureError(problem);
  if (req.ns !== undefined && !snapshot.namespaces.some((n) => n.ns === req.ns)) {
    const seen = snapshot.scanner.uid === 0 ? '' : 'you can see ';
    throw new CaptureError(
      `no namespace ${seen}has inode ${req.ns}: it is gone, or never was (nsx list --type net lists those there are)`,
    );
  }
  let enter: EnterPlan;
  try {
    enter = planEnter(snapshot, { ...target(req), types: ['net'], asRoot: true }, caller);
  } catch (err) {
    if (err instanceof EnterError) throw new CaptureError(err.message, err.blame);
    throw err;
  }
  const ns = enter.inodes.net ?? null;
  const record = ns === null ? undefined : snapshot.namespaces.find((n) => n.ns === ns);
  const label = record?.label ?? (ns === null ? `the net namespace of PID ${req.pid}` : `net:[${ns}]`);
  return { enter: { ...enter, privilege: caller.uid === 0 ? 'none' : 'root' }, ns, label, iface: req.iface };
}

function target(req: CaptureRequest): { pid: number } | { ns: number } | Record<string, never> {
  return req.pid !== undefined ? { pid: req.pid } : req.ns !== undefined ? { ns: req.ns } : {};
}

/** "capture veth0 in web (docker)": a terminal's title. */
export function captureTitle(iface: string, label: string): string {
  return `capture ${iface} in ${label}`;
}

/** Why NAME cannot be a network interface's name (Linux: 1 to 15 bytes, no slash, colon or space). */
export function interfaceNameProblem(name: string): string | null {
  if (name === '' || name === '.' || name === '..' || Buffer.byteLength(name) > 15 || /[\s/:]/.test(name))
    return `'${name}' is not an interface name`;
  return null;
}

/** Why IFACE is not one of NAMES, the interfaces of the namespace called WHERE; null when it is. */
export function missingInterface(iface: string, names: readonly string[], where: string): string | null {
  if (names.includes(iface)) return null;
  return `${where} has no interface ${iface}; its interfaces: ${names.join(', ') || 'none'}`;
}

/** tcpdump's short options, `:` after those that take a value (tcpdump 4.99). */
const TCPDUMP_SHORT = 'aAbB:c:C:dDeE:fF:G:hHi:IjJ:KlLm:M:nNOpqQ:r:s:StT:uUvV:w:W:xXy:Yz:Z:#';

/**
 * Options nsx sets or that would make root read or write files, or run a program: the
 * interface, -w (FILE is nsx's --write), -r, -F, -V, -E (files read), -C, -G, -W (rotation),
 * -z (a command), -Z (whose rights).
 */
const REFUSED_SHORT = new Set('iwrFVECGWzZ');

/** Long options taken, whole (getopt_long would take abbreviations of others too). */
const LONG_TAKEN = new Set([
  '--count',
  '--immediate-mode',
  '--number',
  '--print',
  '--micro',
  '--nano',
  '--time-stamp-precision',
  '--time-stamp-type',
  '--snapshot-length',
  '--direction',
  '--list-interfaces',
  '--list-time-stamp-types',
  '--monitor-mode',
  '--no-promiscuous-mode',
  '--version',
  '--help',
]);

/** Why ARGS, the user's tcpdump options and filter, are refused; null when they are taken. */
export function tcpdumpArgsProblem(args: readonly string[]): string | null {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return null;
    if (arg.startsWith('--')) {
      if (!LONG_TAKEN.has(arg.split('=')[0]!)) return `tcpdump's ${arg.split('=')[0]} is not taken by nsx capture`;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') continue;
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      const at = TCPDUMP_SHORT.indexOf(letter);
      if (at < 0) return `tcpdump has no option -${letter}`;
      if (REFUSED_SHORT.has(letter))
        return letter === 'w'
          ? 'tcpdump -w is not taken: write a file with nsx capture --write FILE'
          : `tcpdump's -${letter} is not taken by nsx capture`;
      if (TCPDUMP_SHORT[at + 1] === ':') {
        // The rest of the word is its value, or else the next word is.
        if (j === arg.length - 1) i++;
        break;
      }
    }
  }
  return null;
}

/**
 * tcpdump on IFACE with no name lookups (which from an isolated namespace would stall),
 * printing each packet as it comes, or, to a pcap stream on stdout, writing each packet
 * as it comes (so that a capture ended by Ctrl-C or a kill still has every packet).
 */
export function tcpdumpCommand(tcpdump: string, iface: string, pcap: boolean, extra: readonly string[]): string[] {
  return [tcpdump, '-i', iface, '-n', ...(pcap ? ['-U', '-w', '-'] : ['-l']), ...extra];
}

/** `nsx capture` of interface IFACE in net namespace NS, into FILE when one is given. */
export function captureArgs(ns: number, iface: string, file?: string): string[] {
  return ['capture', '--ns', String(ns), '--iface', iface, ...(file !== undefined ? ['--write', file] : [])];
}
