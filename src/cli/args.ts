/** Command-line parsing for `nsx`: every mistake becomes one UsageError line. */
import { parseArgs } from 'node:util';
import { isNsType, NS_TYPES, NsType } from '../core/snapshot';

export class UsageError extends Error {}

export type TreeMode = 'owner' | 'parent' | 'process';

export type Command =
  | { name: 'help' }
  | { name: 'version' }
  | { name: 'list'; json: boolean; types: NsType[] | null; pid: number | null }
  | { name: 'tree'; json: boolean; types: NsType[] | null; mode: TreeMode }
  | { name: 'snapshot' };

export const USAGE = `Usage: nsx <command> [options]

Commands:
  list [--type T[,T...]] [--pid PID] [--json]   one row per namespace, like lsns
  tree [--parent | --process] [--type T] [--json]
                                    by owner user namespace (like lsns -T),
                                    by parent (PID and user namespaces), or the process tree
  snapshot [--json]                 everything discovery found, as JSON

Types: ${NS_TYPES.join(', ')}
Run as root to see the namespaces of every user's processes.`;

const OPTIONS = {
  json: { type: 'boolean' },
  type: { type: 'string', short: 't' },
  pid: { type: 'string', short: 'p' },
  parent: { type: 'boolean' },
  process: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
} as const;

const ALLOWED: Record<string, readonly string[]> = {
  list: ['json', 'type', 'pid'],
  tree: ['json', 'type', 'parent', 'process'],
  snapshot: ['json'],
};

export function parseCommand(argv: string[]): Command {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(describeParseError(err as Error & { code?: string }));
  }
  const { values, positionals } = parsed;
  if (values.help) return { name: 'help' };
  if (values.version) return { name: 'version' };
  const [name, ...extra] = positionals;
  if (name === undefined || name === 'help') return { name: 'help' };
  const allowed = Object.hasOwn(ALLOWED, name) ? ALLOWED[name] : undefined;
  if (!allowed) throw new UsageError(`unknown command '${name}' (commands: list, tree, snapshot)`);
  if (extra.length) throw new UsageError(`unexpected argument '${extra[0]}'`);
  for (const key of Object.keys(values)) {
    if (!allowed.includes(key)) throw new UsageError(`'${name}' takes no --${key} option`);
  }

  switch (name) {
    case 'list':
      return { name, json: !!values.json, types: parseTypes(values.type), pid: parsePid(values.pid) };
    case 'tree':
      if (values.parent && values.process) throw new UsageError('choose one of --parent and --process');
      return {
        name,
        json: !!values.json,
        types: parseTypes(values.type),
        mode: values.parent ? 'parent' : values.process ? 'process' : 'owner',
      };
    default:
      return { name: 'snapshot' };
  }
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
