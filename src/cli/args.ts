/** Command-line parsing for `nsx`: every mistake becomes one UsageError line. */
import { parseArgs } from 'node:util';
import { Propagation, PROPAGATIONS } from '../core/terminals/argv';
import { isNsType, NS_TYPES, NsType } from '../core/model/snapshot';
import { DEFAULT_SUBNET } from '../core/terminals/veth';

export class UsageError extends Error {}

export type TreeMode = 'owner' | 'parent' | 'process';

export type Command =
  | { name: 'help' }
  | { name: 'version' }
  | { name: 'list'; json: boolean; types: NsType[] | null; pid: number | null; asRoot: boolean }
  | { name: 'tree'; json: boolean; types: NsType[] | null; mode: TreeMode; asRoot: boolean }
  | { name: 'snapshot'; asRoot: boolean; output: string | null; details: boolean }
  | { name: 'containers'; json: boolean; asRoot: boolean }
  | { name: 'net'; json: boolean; dot: boolean; noFirewall: boolean; asRoot: boolean }
  | { name: 'show'; ns: number; json: boolean; asRoot: boolean }
  | {
      name: 'enter';
      pid: number | null;
      ns: number | null;
      /** A container's name, id or PID, whose first process is entered. */
      container: string | null;
      types: NsType[] | null;
      asRoot: boolean;
      startTime: number | null;
      hold: boolean;
      command: string[] | null;
    }
  | {
      name: 'debug';
      /** A container's name, id or id prefix, or a PID. */
      target: string;
      asRoot: boolean;
      startTime: number | null;
      hold: boolean;
      command: string[] | null;
    }
  | {
      name: 'new';
      types: NsType[];
      hostname?: string;
      mountProc: boolean;
      propagation?: Propagation;
      mapRoot: boolean;
      veth: boolean;
      subnet?: string;
      hold: boolean;
      command: string[] | null;
    }
  | {
      name: 'capture';
      pid: number | null;
      ns: number | null;
      iface: string;
      /** A pcap file to write, `-` for stdout; null to print the packets. */
      write: string | null;
      startTime: number | null;
      hold: boolean;
      /** tcpdump's options and filter, after `--`. */
      tcpdump: string[];
    }
  | { name: 'mounts'; pid: number | null; ns: number | null; json: boolean; asRoot: boolean }
  | { name: 'watch'; json: boolean; intervalMs: number; types: NsType[] | null; mounts: boolean; asRoot: boolean }
  | { name: 'propagation'; pid: number | null; ns: number | null; path: string; json: boolean; asRoot: boolean }
  | { name: 'check'; json: boolean; strict: boolean; types: NsType[] | null; asRoot: boolean }
  | { name: 'install-policy' }
  | { name: 'remove-policy' };

const OPTIONS = {
  json: { type: 'boolean' },
  dot: { type: 'boolean' },
  'no-firewall': { type: 'boolean' },
  'as-root': { type: 'boolean' },
  details: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  ns: { type: 'string' },
  container: { type: 'string', short: 'c' },
  'start-time': { type: 'string' },
  hold: { type: 'boolean' },
  hostname: { type: 'string' },
  'mount-proc': { type: 'boolean' },
  propagation: { type: 'string' },
  'map-root': { type: 'boolean' },
  veth: { type: 'boolean' },
  subnet: { type: 'string' },
  type: { type: 'string', short: 't' },
  pid: { type: 'string', short: 'p' },
  parent: { type: 'boolean' },
  process: { type: 'boolean' },
  path: { type: 'string' },
  iface: { type: 'string', short: 'i' },
  write: { type: 'string', short: 'w' },
  interval: { type: 'string' },
  mounts: { type: 'boolean' },
  strict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

type OptionName = keyof typeof OPTIONS;

/** The options as parseArgs gives them: a string for those that take a value, else a boolean. */
type Values = { [K in OptionName]?: (typeof OPTIONS)[K]['type'] extends 'string' ? string : boolean };

/** What a subcommand's parse step reads, once the options it takes are known to be the only ones. */
interface Invocation {
  values: Values;
  /** The positional arguments after the subcommand's name. */
  args: string[];
  /** What follows `--`, unparsed; null without `--`. */
  command: string[] | null;
  asRoot: boolean;
}

interface Subcommand {
  /** The options it takes, by long name. */
  options: readonly OptionName[];
  /** How many positional arguments it takes (default none). */
  args?: number;
  /** Whether it runs the program given after `--`. */
  runsCommand?: boolean;
  /** Its lines under "Commands:" in USAGE; empty when another command's lines say it. */
  usage: string;
  /** The Command it stands for; a value or combination that cannot work is a UsageError. */
  parse(invocation: Invocation): Command;
}

/** The subcommands, in the order USAGE and the unknown-command message list them. */
const SUBCOMMANDS: Record<string, Subcommand> = {
  list: {
    options: ['json', 'type', 'pid', 'as-root'],
    usage: `  list [--type T[,T...]] [--pid PID] [--json]   one row per namespace, like lsns`,
    parse: ({ values, asRoot }) => ({
      name: 'list',
      json: !!values.json,
      types: parseTypes(values.type),
      pid: parsePid(values.pid),
      asRoot,
    }),
  },
  tree: {
    options: ['json', 'type', 'parent', 'process', 'as-root'],
    usage: `  tree [--parent | --process] [--type T] [--json]
                                    by owner user namespace (like lsns -T),
                                    by parent (PID and user namespaces), or the process tree`,
    parse: ({ values, asRoot }) => {
      if (values.parent && values.process) throw new UsageError('choose one of --parent and --process');
      return {
        name: 'tree',
        json: !!values.json,
        types: parseTypes(values.type),
        mode: values.parent ? 'parent' : values.process ? 'process' : 'owner',
        asRoot,
      };
    },
  },
  containers: {
    options: ['json', 'as-root'],
    usage: `  containers [--json]               containers, pods and sandboxes by name, with their
                                    engine, image, processes, and each namespace marked
                                    own, host or shared with another container or pod`,
    parse: ({ values, asRoot }) => ({ name: 'containers', json: !!values.json, asRoot }),
  },
  net: {
    options: ['json', 'dot', 'no-firewall', 'as-root'],
    usage: `  net [--json | --dot] [--no-firewall]
                                    every net namespace with its interfaces, and the wires
                                    between them: veth pairs, bridge ports, macvlan / vlan /
                                    vxlan on their parent; --dot prints Graphviz;
                                    --no-firewall reads no firewall (faster: root runs nft
                                    inside each namespace for it)`,
    parse: ({ values, asRoot }) => {
      if (values.json && values.dot) throw new UsageError('choose one of --json and --dot');
      return { name: 'net', json: !!values.json, dot: !!values.dot, noFirewall: !!values['no-firewall'], asRoot };
    },
  },
  watch: {
    options: ['json', 'interval', 'type', 'mounts', 'as-root'],
    usage: `  watch [--json] [--interval MS] [--type T[,T...]] [--mounts]
                                    each change as it happens, until interrupted: namespaces
                                    that appear or go, processes that enter or leave one,
                                    holders that come or go; --mounts adds mounts added,
                                    removed or changing propagation (default tick 1000 ms)`,
    parse: ({ values, asRoot }) => ({
      name: 'watch',
      json: !!values.json,
      intervalMs: parseInterval(values.interval),
      types: parseTypes(values.type),
      mounts: !!values.mounts,
      asRoot,
    }),
  },
  snapshot: {
    options: ['json', 'as-root', 'output', 'details'],
    usage: `  snapshot [--json] [--details] [--output FILE]
                                    everything discovery found, as JSON; --details adds
                                    what is inside each namespace (as nsx show)`,
    parse: ({ values, asRoot }) => ({
      name: 'snapshot',
      asRoot,
      output: values.output ?? null,
      details: !!values.details,
    }),
  },
  show: {
    options: ['json', 'as-root'],
    args: 1,
    usage: `  show INODE [--json]               what is inside one namespace: interfaces, routes and
                                    listening sockets; hostname; IPC objects; ID maps and
                                    capabilities; PID 1 and members; cgroup root; clock
                                    offsets. What needs root is named (add --as-root)`,
    parse: ({ values, args, asRoot }) => {
      if (args[0] === undefined)
        throw new UsageError('show needs a namespace inode, e.g. nsx show 4026531840 (nsx list shows them)');
      return { name: 'show', ns: parseNumber(args[0], 'a namespace inode')!, json: !!values.json, asRoot };
    },
  },
  enter: {
    options: ['pid', 'ns', 'container', 'type', 'as-root', 'start-time', 'hold'],
    runsCommand: true,
    usage: `  enter (--pid PID | --ns INODE | --container NAME) [--type T[,T...]] [--as-root] [-- CMD...]
                                    run CMD (default: your shell) inside the namespaces of a
                                    process or a container (default: all that differ from
                                    yours) or inside one namespace, through nsenter`,
    parse: parseEnter,
  },
  debug: {
    options: ['as-root', 'start-time', 'hold'],
    args: 1,
    runsCommand: true,
    usage: `  debug NAME|ID|PID [--as-root] [-- CMD...]
                                    run CMD (default: your shell) with the host's tools in a
                                    container's (or a process's) net, uts, ipc, pid and cgroup
                                    namespaces, with its /proc; its files are at /proc/N/root`,
    parse: parseDebug,
  },
  capture: {
    options: ['pid', 'ns', 'iface', 'write', 'start-time', 'hold'],
    runsCommand: true,
    usage: `  capture (--pid PID | --ns INODE) --iface NAME [--write FILE] [-- TCPDUMP_ARGS...]
                                    the host's tcpdump on an interface of a net namespace
                                    (only that namespace entered), printing the packets or
                                    writing a pcap FILE (- for stdout) that is yours; as root`,
    parse: parseCapture,
  },
  new: {
    options: ['type', 'hostname', 'mount-proc', 'propagation', 'map-root', 'veth', 'subnet', 'hold'],
    runsCommand: true,
    usage: `  new --type T[,T...] [--hostname H] [--mount-proc] [--propagation P] [--map-root]
      [--veth [--subnet CIDR]] [-- CMD...]
                                    run CMD (default: your shell) in new namespaces, through
                                    unshare; --veth connects a new net namespace to the host
                                    (addresses from ${DEFAULT_SUBNET} by default); what was made
                                    is removed when CMD ends`,
    parse: parseNew,
  },
  mounts: {
    options: ['pid', 'ns', 'json', 'as-root'],
    usage: `  mounts [--pid PID | --ns INODE] [--json]
                                    the mount tree of a mount namespace (default: yours),
                                    like findmnt, with propagation, peer groups and what
                                    is hidden under other mounts`,
    parse: ({ values, asRoot }) => ({
      name: 'mounts',
      ...mountNamespace('mounts', values),
      json: !!values.json,
      asRoot,
    }),
  },
  propagation: {
    options: ['pid', 'ns', 'path', 'json', 'as-root'],
    usage: `  propagation [--pid PID | --ns INODE] --path PATH [--json]
                                    where a mount made at PATH would also appear, in every
                                    mount namespace, and where mounts would come from`,
    parse: parsePropagation,
  },
  check: {
    options: ['json', 'strict', 'type', 'as-root'],
    usage: `  check [--json] [--strict] [--type T[,T...]]
                                    what a person would miss: a /proc of another PID namespace,
                                    lo down, no route out, namespaces kept by no process, PID 1
                                    gone or not reaping, mounts shared with the host, root
                                    unprivileged outside, containers with the host's
                                    namespaces, limits near; each with its fix. --strict
                                    exits 1 when a warning was found`,
    parse: ({ values, asRoot }) => ({
      name: 'check',
      json: !!values.json,
      strict: !!values.strict,
      types: parseTypes(values.type),
      asRoot,
    }),
  },
  'install-policy': {
    options: [],
    usage: `  install-policy | remove-policy    (as root) the polkit action and root-owned helper that
                                    pkexec runs`,
    parse: () => ({ name: 'install-policy' }),
  },
  'remove-policy': { options: [], usage: '', parse: () => ({ name: 'remove-policy' }) },
};

export const USAGE = `Usage: nsx <command> [options]

Commands:
${Object.values(SUBCOMMANDS)
  .map((subcommand) => subcommand.usage)
  .filter((usage) => usage !== '')
  .join('\n')}

Types: ${NS_TYPES.join(', ')}
Propagation (new mount namespaces): ${PROPAGATIONS.join(', ')} (default private)
--as-root on list, tree, snapshot, show, check, mounts and propagation reads as root; on enter it keeps the shell root
(in a user namespace you own you are who its uid_map makes you: root, with --map-root); on debug it looks for the
container as root (a debug shell is always root's, unless it is in a user namespace you own).
Where root is needed and you are not root, nsx asks polkit (pkexec) for it.`;

export function parseCommand(argv: string[]): Command {
  // Everything after `--` belongs to the command that enter / new run, unparsed.
  const dash = argv.indexOf('--');
  const command = dash >= 0 ? argv.slice(dash + 1) : null;
  const { values, positionals } = parseOptions(dash >= 0 ? argv.slice(0, dash) : argv);
  if (values.help) return { name: 'help' };
  if (values.version) return { name: 'version' };
  const [name, ...args] = positionals;
  if (name === undefined || name === 'help') return { name: 'help' };
  const subcommand = Object.hasOwn(SUBCOMMANDS, name) ? SUBCOMMANDS[name] : undefined;
  if (!subcommand) throw new UsageError(`unknown command '${name}' (commands: ${Object.keys(SUBCOMMANDS).join(', ')})`);
  checkShape(name, subcommand, values, args, command);
  return subcommand.parse({ values, args, command, asRoot: !!values['as-root'] });
}

function parseOptions(args: string[]): { values: Values; positionals: string[] } {
  try {
    return parseArgs({ args: withDashedValues(args), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }));
  }
}

/** Refuses arguments, a command to run and options that the subcommand does not take. */
function checkShape(name: string, subcommand: Subcommand, values: Values, args: string[], command: string[] | null) {
  const takes = subcommand.args ?? 0;
  if (args.length > takes) {
    const hint = subcommand.runsCommand ? " (put the command to run after '--')" : '';
    throw new UsageError(`unexpected argument '${args[takes]}'${hint}`);
  }
  if (command && !subcommand.runsCommand) throw new UsageError(`'${name}' runs no command`);
  if (command && command.length === 0) throw new UsageError("no command after '--'");
  for (const key of Object.keys(values)) {
    if (!subcommand.options.includes(key as OptionName)) throw new UsageError(`'${name}' takes no --${key} option`);
  }
}

function parseEnter({ values, command, asRoot }: Invocation): Command {
  const pid = parsePid(values.pid);
  const ns = parseNumber(values.ns, 'a namespace inode');
  const container = values.container?.trim() || null;
  if ([pid, ns, container].filter((v) => v !== null).length !== 1)
    throw new UsageError('enter needs one of --pid PID, --ns INODE and --container NAME');
  return {
    name: 'enter',
    pid,
    ns,
    container,
    types: parseTypes(values.type),
    asRoot,
    startTime: parseNumber(values['start-time'], 'a start time'),
    hold: !!values.hold,
    command,
  };
}

function parseCapture({ values, command }: Invocation): Command {
  const pid = parsePid(values.pid);
  const ns = parseNumber(values.ns, 'a namespace inode');
  if ((pid === null) === (ns === null)) throw new UsageError('capture needs one of --pid PID and --ns INODE');
  if (values.iface === undefined) throw new UsageError('capture needs --iface NAME (nsx show INODE lists them)');
  if (values.write === '') throw new UsageError('--write needs a file name');
  return {
    name: 'capture',
    pid,
    ns,
    iface: values.iface,
    write: values.write ?? null,
    startTime: parseNumber(values['start-time'], 'a start time'),
    hold: !!values.hold,
    tcpdump: command ?? [],
  };
}

function parseDebug({ values, args, command, asRoot }: Invocation): Command {
  const target = args[0]?.trim();
  if (!target) throw new UsageError('debug needs a container (its name, id or a PID), e.g. nsx debug web');
  return {
    name: 'debug',
    target,
    asRoot,
    startTime: parseNumber(values['start-time'], 'a start time'),
    hold: !!values.hold,
    command,
  };
}

function parseNew({ values, command }: Invocation): Command {
  const types = parseTypes(values.type);
  if (!types) throw new UsageError('new needs --type, e.g. --type net,uts');
  const propagation = values.propagation;
  if (propagation !== undefined && !(PROPAGATIONS as readonly string[]).includes(propagation)) {
    throw new UsageError(`unknown propagation '${propagation}' (${PROPAGATIONS.join(', ')})`);
  }
  if (values.subnet !== undefined && !values.veth) throw new UsageError('--subnet is for --veth');
  return {
    name: 'new',
    types,
    ...(values.hostname !== undefined ? { hostname: values.hostname } : {}),
    mountProc: !!values['mount-proc'],
    ...(propagation !== undefined ? { propagation: propagation as Propagation } : {}),
    mapRoot: !!values['map-root'],
    veth: !!values.veth,
    ...(values.subnet !== undefined ? { subnet: values.subnet } : {}),
    hold: !!values.hold,
    command,
  };
}

function parsePropagation({ values, asRoot }: Invocation): Command {
  const where = mountNamespace('propagation', values);
  if (values.path === undefined) throw new UsageError('propagation needs --path PATH, e.g. --path /mnt/x');
  if (!values.path.startsWith('/')) throw new UsageError(`'${values.path}' is not an absolute path`);
  return { name: 'propagation', ...where, path: values.path, json: !!values.json, asRoot };
}

/** The mount namespace that mounts and propagation read: by a process, by its inode, or (both null) the caller's. */
function mountNamespace(name: string, values: Values): { pid: number | null; ns: number | null } {
  const pid = parsePid(values.pid);
  const ns = parseNumber(values.ns, 'a namespace inode');
  if (pid !== null && ns !== null) throw new UsageError(`${name} takes one of --pid PID and --ns INODE`);
  return { pid, ns };
}

/**
 * `--pid -5` as `--pid=-5`: parseArgs takes a value that starts with a dash for an option and
 * says the value is missing, where the value's own check says what is wrong with it. A
 * known option after it (`--pid -t net`) is still an option, and the value missing.
 */
function withDashedValues(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const name = stringOption(args[i]!);
    const next = args[i + 1];
    if (name && next !== undefined && /^-[^-]/.test(next) && !(next.length === 2 && SHORT.has(next[1]!))) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(args[i]!);
  }
  return out;
}

const SHORT = new Map<string, string>(
  Object.entries(OPTIONS).flatMap(([name, o]) => ('short' in o ? [[o.short, name] as const] : [])),
);

/** The long name of an option that takes a value, as written without one: `--pid`, `-p`. */
function stringOption(arg: string): string | undefined {
  const name = /^--([a-z-]+)$/.exec(arg)?.[1] ?? (/^-[a-zA-Z]$/.test(arg) ? SHORT.get(arg[1]!) : undefined);
  return name !== undefined && Object.hasOwn(OPTIONS, name) && OPTIONS[name as keyof typeof OPTIONS].type === 'string'
    ? name
    : undefined;
}

function parseNumber(value: string | undefined, what: string): number | null {
  if (value === undefined) return null;
  if (!/^\d{1,16}$/.test(value) || !Number.isSafeInteger(Number(value)))
    throw new UsageError(`'${value}' is not ${what}`);
  return Number(value);
}

function parseTypes(value: string | undefined): NsType[] | null {
  if (value === undefined) return null;
  const types = value.split(',').map((t) => t.trim());
  for (const t of types) {
    if (!isNsType(t)) throw new UsageError(`unknown namespace type '${t}' (types: ${NS_TYPES.join(', ')})`);
  }
  return types as NsType[];
}

function parsePid(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^[1-9]\d{0,9}$/.test(value) || Number(value) > 2 ** 22) throw new UsageError(`'${value}' is not a process ID`);
  return Number(value);
}

function describeParseError(err: Error & { code?: string }): string {
  const option = /'([^']+)'/.exec(err.message)?.[1];
  switch (err.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option '${option}'`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /does not take an argument/.test(err.message)
        ? `option '${option}' takes no value`
        : `option '${option?.replace(/ <value>$/, '')}' needs a value`;
    default:
      return err.message.split('\n')[0];
  }
}

/** How often `nsx watch` looks: 100 ms to an hour, in ms. */
function parseInterval(value: string | undefined): number {
  if (value === undefined) return 1000;
  const ms = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(ms >= 100 && ms <= 3_600_000))
    throw new UsageError(`--interval must be a number of ms from 100 to 3600000, not '${value}'`);
  return ms;
}
