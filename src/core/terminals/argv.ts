/**
 * Command lines for util-linux and iproute2, built as argv arrays from validated values
 * (never a shell string made from them) and quoted for a shell only when shown to a person.
 */
import { holderFile, NamespaceRecord, NsType } from '../model/snapshot';

/** nsenter's option for each namespace type. */
export const NSENTER_OPTION: Readonly<Record<NsType, string>> = {
  cgroup: '--cgroup',
  ipc: '--ipc',
  mnt: '--mount',
  net: '--net',
  pid: '--pid',
  time: '--time',
  user: '--user',
  uts: '--uts',
};

/** unshare's option for each type (the same words as nsenter's). */
const UNSHARE_OPTION = NSENTER_OPTION;

/**
 * `nsenter` into one namespace: through a member process when it has one, else through a
 * bind mount or an fd that holds it. Null for a ghost, which nothing can open.
 */
export function nsenterArgv(ns: Pick<NamespaceRecord, 'type' | 'pid' | 'holders'>): string[] | null {
  const [holder] = ns.holders;
  const target: EnterTarget | null =
    ns.pid !== null
      ? { kind: 'process', pid: ns.pid }
      : holder
        ? { kind: 'file', path: holderFile(holder, ns.type), type: ns.type }
        : null;
  return (
    target && nsenterCommand('nsenter', { target, types: [ns.type], viaOwnUserns: false, asRoot: true, command: [] })
  );
}

/** What `nsx enter` goes into: a process's namespaces, or one namespace through its nsfs file. */
export type EnterTarget = { kind: 'process'; pid: number } | { kind: 'file'; path: string; type: NsType };

/** Namespaces nsx has opened and checked itself (pin.ts), each named by the path of its open fd. */
export interface OpenedNamespaces {
  kind: 'opened';
  files: Partial<Record<NsType, string>>;
}

export interface NsenterSpec {
  target: EnterTarget | OpenedNamespaces;
  types: readonly NsType[];
  /**
   * Enter the target's user namespace first, which the caller owns (no password). The
   * caller keeps its UID there, as the namespace's uid_map shows it (root for one made with
   * --map-root-user): such namespaces deny setgroups(2), which becoming another UID needs.
   */
  viaOwnUserns: boolean;
  /** Stay root inside; otherwise become `user` (when running as root for someone else). */
  asRoot: boolean;
  /** The identity to take when running as root on a user's behalf and not `asRoot`. */
  user?: { uid: number; gid: number };
  command: readonly string[];
}

export function nsenterCommand(nsenter: string, spec: NsenterSpec): string[] {
  const argv = [nsenter];
  const { target } = spec;
  const opened = (type: NsType) => {
    const file = target.kind === 'opened' ? target.files[type] : undefined;
    if (!file) throw new Error(`no opened ${type} namespace to enter`);
    return `${NSENTER_OPTION[type]}=${file}`;
  };
  if (target.kind === 'process') {
    argv.push('--target', String(target.pid), ...spec.types.map((t) => NSENTER_OPTION[t]));
  } else if (target.kind === 'file') {
    argv.push(`${NSENTER_OPTION[target.type]}=${target.path}`);
  } else {
    argv.push(...spec.types.map(opened));
  }
  if (spec.viaOwnUserns) {
    if (!spec.types.includes('user')) argv.push(target.kind === 'opened' ? opened('user') : '--user');
    argv.push('--preserve-credentials');
  } else if (!spec.asRoot && spec.user) {
    argv.push('--setuid', String(spec.user.uid), '--setgid', String(spec.user.gid));
  }
  if (spec.command.length) argv.push('--', ...spec.command);
  return argv;
}

export const PROPAGATIONS = ['private', 'slave', 'shared', 'unchanged'] as const;
export type Propagation = (typeof PROPAGATIONS)[number];

export interface UnshareSpec {
  types: readonly NsType[];
  mountProc: boolean;
  propagation: Propagation;
  mapRoot: boolean;
  command: readonly string[];
}

export function unshareCommand(unshare: string, spec: UnshareSpec): string[] {
  const argv = [unshare, ...spec.types.map((t) => UNSHARE_OPTION[t])];
  // PID and time namespaces apply to children only; --kill-child ties the child's life to ours.
  if (spec.types.includes('pid') || spec.types.includes('time')) argv.push('--fork', '--kill-child');
  if (spec.mountProc) argv.push('--mount-proc');
  if (spec.types.includes('mnt')) argv.push(`--propagation=${spec.propagation}`);
  if (spec.mapRoot) argv.push('--map-root-user');
  argv.push('--', ...spec.command);
  return argv;
}

/**
 * A fixed script (no value is ever spliced into it; the command comes as "$@") that
 * tells nsx on fd 3 that the namespaces exist, and runs the command only once nsx has set
 * them up (hostname, addresses) and answers `go`. Anything else, or the end of fd 3 (nsx
 * was killed during set-up), means the set-up did not complete: the command never runs
 * with half of it, and the namespaces go with this shell.
 */
export const GATE_SCRIPT =
  'echo ready >&3 && read -r answer <&3 && [ "$answer" = go ] && exec 3<&- && exec "$@"; ' +
  'echo "nsx: setting up the new namespaces did not complete; the command was not run" >&2; exit 125';

export function gatedCommand(sh: string, command: readonly string[]): string[] {
  return [sh, '-c', GATE_SCRIPT, 'nsx-gate', ...command];
}

const HOSTNAME_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why `name` is not a valid hostname (RFC 1123, at most 64 bytes), or null. */
export function hostnameProblem(name: string): string | null {
  if (name.length === 0) return 'a hostname cannot be empty';
  if (name.length > 64) return `'${name.slice(0, 20)}…' is longer than 64 characters`;
  if (!name.split('.').every((label) => HOSTNAME_LABEL.test(label))) {
    return `'${name}' is not a valid hostname (letters, digits and inner hyphens, in dot-separated labels)`;
  }
  return null;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes argv for a POSIX shell so that a person can paste it. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (a !== '' && SHELL_SAFE.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}
