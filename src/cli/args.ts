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
  | { name: 'show'; ns: number; json: boolean; asRoot: boolean }
  | {
      name: 'enter';
      pid: number | null;
      ns: number | null;
      types: NsType[] | null;
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
  | { name: 'mounts'; pid: number | null; ns: number | null; json: boolean; asRoot: boolean }
  | { name: 'propagation'; pid: number | null; ns: number | null; path: string; json: boolean; asRoot: boolean }
  | { name: 'install-policy' }
  | { name: 'remove-policy' };

export const USAGE = `Usage: nsx <command> [options]

Commands:
  list [--type T[,T...]] [--pid PID] [--json]   one row per namespace, like lsns
  tree [--parent | --process] [--type T] [--json]
                                    by owner user namespace (like lsns -T),
                                    by parent (PID and user namespaces), or the process tree
  snapshot [--json] [--details] [--output FILE]
                                    everything discovery found, as JSON; --details adds
                                    what is inside each namespace (as nsx show)
  show INODE [--json]               what is inside one namespace: interfaces, routes and
                                    listening sockets; hostname; IPC objects; ID maps and
                                    capabilities; PID 1 and members; cgroup root; clock
                                    offsets. What needs root is named (add --as-root)
  enter (--pid PID | --ns INODE) [--type T[,T...]] [--as-root] [-- CMD...]
                                    run CMD (default: your shell) inside the namespaces of a
                                    process (default: all that differ from yours) or inside
                                    one namespace, through nsenter
  new --type T[,T...] [--hostname H] [--mount-proc] [--propagation P] [--map-root]
      [--veth [--subnet CIDR]] [-- CMD...]
                                    run CMD (default: your shell) in new namespaces, through
                                    unshare; --veth connects a new net namespace to the host
                                    (addresses from ${DEFAULT_SUBNET} by default); what was made
                                    is removed when CMD ends
  mounts [--pid PID | --ns INODE] [--json]
                                    the mount tree of a mount namespace (default: yours),
                                    like findmnt, with propagation, peer groups and what
                                    is hidden under other mounts
  propagation [--pid PID | --ns INODE] --path PATH [--json]
                                    where a mount made at PATH would also appear, in every
                                    mount namespace, and where mounts would come from
  install-policy | remove-policy    (as root) the polkit action and root-owned helper that
                                    pkexec runs

Types: ${NS_TYPES.join(', ')}
Propagation (new mount namespaces): ${PROPAGATIONS.join(', ')} (default private)
--as-root on list, tree, snapshot, show, mounts and propagation reads as root; on enter it keeps the shell root (in a
user namespace you own you are who its uid_map makes you: root, with --map-root).
Where root is needed and you are not root, nsx asks polkit (pkexec) for it.`;

const OPTIONS = {
  json: { type: 'boolean' },
  'as-root': { type: 'boolean' },
  details: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  ns: { type: 'string' },
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
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  list: ['json', 'type', 'pid', 'as-root'],
  tree: ['json', 'type', 'parent', 'process', 'as-root'],
  snapshot: ['json', 'as-root', 'output', 'details'],
  show: ['json', 'as-root'],
  enter: ['pid', 'ns', 'type', 'as-root', 'start-time', 'hold'],
  new: ['type', 'hostname', 'mount-proc', 'propagation', 'map-root', 'veth', 'subnet', 'hold'],
  mounts: ['pid', 'ns', 'json', 'as-root'],
  propagation: ['pid', 'ns', 'path', 'json', 'as-root'],
  'install-policy': [],
  'remove-policy': [],
};

/** Commands that run a program after `--`. */
const RUNS_COMMAND = ['enter', 'new'];

export function parseCommand(argv: string[]): Command {
  // Everything after `--` belongs to the command that enter / new run, unparsed.
  const dash = argv.indexOf('--');
  const command = dash >= 0 ? argv.slice(dash + 1) : null;
  let parsed;
  try {
    parsed = parseArgs({
      args: withDashedValues(dash >= 0 ? argv.slice(0, dash) : argv),
      options: OPTIONS,
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }));
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  if (values.version) return { name: 'version' };
  const [name, ...extra] = positionals;
  if (name === undefined || name === 'help') return { name: 'help' };
  const allowed = Object.hasOwn(ALLOWED, name) ? ALLOWED[name] : undefined;
  if (!allowed) throw new UsageError(`unknown command '${name}' (commands: ${Object.keys(ALLOWED).join(', ')})`);
  // `show` takes the inode as its one argument.
  const takes = name === 'show' ? 1 : 0;
  if (extra.length > takes)
    throw new UsageError(
      `unexpected argument '${extra[takes]}'${RUNS_COMMAND.includes(name) ? " (put the command to run after '--')" : ''}`,
    );
  if (command && !RUNS_COMMAND.includes(name)) throw new UsageError(`'${name}' runs no command`);
  if (command && command.length === 0) throw new UsageError("no command after '--'");
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key)) throw new UsageError(`'${name}' takes no --${key} option`);
  }

  const asRoot = !!values['as-root'];
  switch (name) {
    case 'list':
      return { name, json: !!values.json, types: parseTypes(values.type), pid: parsePid(values.pid), asRoot };
    case 'tree':
      if (values.parent && values.process) throw new UsageError('choose one of --parent and --process');
      return {
        name,
        json: !!values.json,
        types: parseTypes(values.type),
        mode: values.parent ? 'parent' : values.process ? 'process' : 'owner',
        asRoot,
      };
    case 'snapshot':
      return { name, asRoot, output: values.output ?? null, details: !!values.details };
    case 'show': {
      if (extra[0] === undefined)
        throw new UsageError('show needs a namespace inode, e.g. nsx show 4026531840 (nsx list shows them)');
      return { name, ns: parseNumber(extra[0], 'a namespace inode')!, json: !!values.json, asRoot };
    }
    case 'enter': {
      const pid = parsePid(values.pid);
      const ns = parseNumber(values.ns, 'a namespace inode');
      if ((pid === null) === (ns === null)) throw new UsageError('enter needs one of --pid PID and --ns INODE');
      return {
        name,
        pid,
        ns,
        types: parseTypes(values.type),
        asRoot,
        startTime: parseNumber(values['start-time'], 'a start time'),
        hold: !!values.hold,
        command,
      };
    }
    case 'new': {
      const types = parseTypes(values.type);
      if (!types) throw new UsageError('new needs --type, e.g. --type net,uts');
      const propagation = values.propagation;
      if (propagation !== undefined && !(PROPAGATIONS as readonly string[]).includes(propagation)) {
        throw new UsageError(`unknown propagation '${propagation}' (${PROPAGATIONS.join(', ')})`);
      }
      if (values.subnet !== undefined && !values.veth) throw new UsageError('--subnet is for --veth');
      return {
        name,
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
    case 'mounts':
    case 'propagation': {
      const pid = parsePid(values.pid);
      const ns = parseNumber(values.ns, 'a namespace inode');
      if (pid !== null && ns !== null) throw new UsageError(`${name} takes one of --pid PID and --ns INODE`);
      const json = !!values.json;
      if (name === 'mounts') return { name, pid, ns, json, asRoot };
      if (values.path === undefined) throw new UsageError('propagation needs --path PATH, e.g. --path /mnt/x');
      if (!values.path.startsWith('/')) throw new UsageError(`'${values.path}' is not an absolute path`);
      return { name, pid, ns, path: values.path, json, asRoot };
    }
    default:
      return { name: name as 'install-policy' | 'remove-policy' };
  }
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
