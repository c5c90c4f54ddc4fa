/**
 * `nsx`: the discovery engine on the command line, and the entry point the privileged
 * helper runs as root (`nsx snapshot --json`).
 */
import { discover, DiscoverOptions, DiscoveryError } from './core/discover';
import { nest, ownerForest, parentForest, processForest, prune } from './core/hierarchy';
import { NamespaceRecord, Snapshot } from './core/snapshot';
import { Command, parseCommand, USAGE, UsageError } from './cli/args';
import { namespaceTable, namespaceTree, processTree, scanNotes } from './cli/render';

declare const NSX_VERSION: string;

/** A failure the user can act on; printed as one line, exit 1. */
class CliError extends Error {}

function main(argv: string[]): number {
  let command: Command;
  try {
    command = parseCommand(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`nsx: ${err.message} (see 'nsx --help')\n`);
    return 2;
  }
  try {
    run(command);
    return 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`nsx: ${err.message}\n`);
      return 2;
    }
    if (err instanceof CliError || err instanceof DiscoveryError) {
      process.stderr.write(`nsx: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`nsx: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    if (process.env.NSX_DEBUG) process.stderr.write(`${(err as Error)?.stack}\n`);
    return 1;
  }
}

function run(command: Command): void {
  switch (command.name) {
    case 'help':
      out(USAGE + '\n');
      return;
    case 'version':
      out(`nsx ${NSX_VERSION}\n`);
      return;
    case 'snapshot':
      json(scan());
      return;
    case 'list':
      return list(command);
    case 'tree':
      return tree(command);
  }
}

/** `namespaces` detail skips the command lines nobody will see. */
function scan(detail: DiscoverOptions['detail'] = 'full'): Snapshot {
  const requestedBy = process.env.PKEXEC_UID;
  return discover({ detail, ...(requestedBy && /^\d+$/.test(requestedBy) ? { requestedBy: Number(requestedBy) } : {}) });
}

function list(command: Extract<Command, { name: 'list' }>): void {
  const snapshot = scan('namespaces');
  let namespaces = snapshot.namespaces;
  if (command.pid !== null) namespaces = namespacesOfPid(snapshot, command.pid);
  if (command.types) namespaces = namespaces.filter((n) => command.types!.includes(n.type));
  if (command.json) {
    json({ namespaces, hidden: snapshot.hidden, capabilities: snapshot.capabilities });
    return;
  }
  out(namespaceTable(namespaces, terminalWidth()));
  notes(snapshot);
}

function namespacesOfPid(snapshot: Snapshot, pid: number): NamespaceRecord[] {
  const proc = snapshot.processes.find((p) => p.pid === pid);
  if (!proc) throw new UsageError(`no process with PID ${pid}`);
  if (proc.hidden) {
    const why = snapshot.scanner.uid === 0 ? 'permission denied even to root' : 'it belongs to another user; run as root';
    throw new CliError(`cannot read the namespaces of PID ${pid} (${proc.name}): ${why}`);
  }
  const mine = new Set(Object.values(proc.ns));
  return snapshot.namespaces.filter((n) => mine.has(n.ns));
}

function tree(command: Extract<Command, { name: 'tree' }>): void {
  const snapshot = scan(command.mode === 'process' ? 'full' : 'namespaces');
  if (command.mode === 'process') {
    let roots = processForest(snapshot.processes);
    if (command.types) {
      const wanted = new Set(snapshot.namespaces.filter((n) => command.types!.includes(n.type)).map((n) => n.ns));
      roots = prune(roots, (p) => Object.values(p.ns).some((ino) => wanted.has(ino)));
    }
    if (command.json) json({ processes: roots.map(nest) });
    else out(processTree(roots, terminalWidth()));
  } else {
    let roots = command.mode === 'parent' ? parentForest(snapshot.namespaces) : ownerForest(snapshot.namespaces);
    if (command.types) roots = prune(roots, (n) => command.types!.includes(n.type));
    if (command.json) json({ namespaces: roots.map(nest) });
    else out(namespaceTree(roots, terminalWidth()));
  }
  notes(snapshot);
}

function notes(snapshot: Snapshot): void {
  for (const note of scanNotes(snapshot)) process.stderr.write(`nsx: ${note}\n`);
}

function terminalWidth(): number | undefined {
  return process.stdout.isTTY ? process.stdout.columns : undefined;
}

/** Indented for a person at a terminal, compact for a program reading a pipe. */
function json(value: unknown): void {
  out(JSON.stringify(value, null, process.stdout.isTTY ? 2 : undefined) + '\n');
}

function out(text: string): void {
  process.stdout.write(text);
}

// A reader that stops early (`nsx list | head`) is not an error.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(0);
  throw err;
});
process.exitCode = main(process.argv.slice(2));
