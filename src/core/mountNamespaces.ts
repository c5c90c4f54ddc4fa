/**
 * Reading the mount table of a mount namespace. A process in it lends its
 * /proc/PID/mountinfo; a namespace only an fd or a bind mount keeps alive has no such
 * file, so root enters it with nsenter and reads the mountinfo of the program it started.
 */
import { spawn } from 'node:child_process';
import { parseMountinfo } from './mountinfo';
import { mountRecords } from './mountTable';
import { MountSet, MountTable, UnreadableTable } from './propagation';
import { ProcSource } from './procfs';
import { NamespaceRecord, Snapshot } from './snapshot';
import { requireTool } from './tools';

export class MountReadError extends Error {
  override name = 'MountReadError';
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

function tableOf(text: string, ns: number | null, label: string | null, via: string): MountTable {
  const { mounts, errors } = parseMountinfo(text);
  return { ns, label, via, mounts: mountRecords(mounts), errors };
}

/** The mount namespace PID is in, read through /proc/PID/mountinfo. */
export function tableOfPid(pid: number, proc = new ProcSource(), label: string | null = null): MountTable {
  let text: string;
  try {
    text = proc.mountinfo(pid);
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT' || code === 'ESRCH') throw new MountReadError(`no process with PID ${pid}`);
    if (code === 'EACCES' || code === 'EPERM') throw new MountReadError(`cannot read the mounts of PID ${pid}: permission denied`);
    if (code === 'EINVAL') throw new MountReadError(`PID ${pid} has no mount namespace left (it is exiting)`);
    throw err;
  }
  let ns: number | null = null;
  try {
    ns = proc.nsInode(pid, 'mnt');
  } catch {
    // Another user's process: its mountinfo is readable, its ns link is not.
  }
  return tableOf(text, ns, label, `/proc/${pid}/mountinfo`);
}

export function mountNamespaces(snapshot: Snapshot): NamespaceRecord[] {
  return snapshot.namespaces.filter((n) => n.type === 'mnt');
}

/**
 * The table of mount namespace NS of the snapshot: through a member process (or thread)
 * when there is one, else, as root, by entering it through the file that holds it.
 */
export async function tableOfNamespace(snapshot: Snapshot, ns: number, proc = new ProcSource()): Promise<MountTable> {
  const record = mountNamespaces(snapshot).find((n) => n.ns === ns);
  if (!record) {
    const other = snapshot.namespaces.find((n) => n.ns === ns);
    if (other) throw new MountReadError(`namespace ${ns} is a ${other.type} namespace, not a mount namespace`);
    const hint = snapshot.scanner.uid === 0 ? '' : ', or not visible to you';
    throw new MountReadError(`no mount namespace ${ns}: it is gone${hint}`);
  }
  const members = snapshot.processes.filter((p) => p.ns.mnt === ns && !p.hidden).map((p) => p.pid);
  for (const pid of members) {
    try {
      const table = tableOfPid(pid, proc, record.label);
      // A PID reused since the scan would show some other namespace. Another user's
      // process shows no namespace link (null): the snapshot's word is taken for it.
      if (table.ns === ns || table.ns === null) return { ...table, ns };
    } catch (err) {
      if (!(err instanceof MountReadError)) throw err;
    }
  }
  for (const h of record.holders) {
    if (h.kind !== 'task') continue;
    try {
      if (proc.nsInode(h.pid, 'mnt', h.tid) === ns) return tableOf(proc.mountinfo(h.pid, h.tid), ns, record.label, `/proc/${h.pid}/task/${h.tid}/mountinfo`);
    } catch {
      // The thread is gone; try the next holder.
    }
  }
  const entries = record.holders.flatMap((h) => {
    if (h.kind === 'fd') return [{ file: h.path, via: `fd ${h.fd} of PID ${h.pid}` }];
    if (h.kind !== 'bindmount') return [];
    // A bind mount's path is as seen in its own mount namespace.
    return [{ file: h.mntns === ownMountNs(proc) ? h.path : proc.pathInMountNs(h.pid, h.path), via: `bind mount ${h.path}` }];
  });
  if (!entries.length) throw new MountReadError(`mount namespace ${ns} has no process, and nothing visible keeps it open`);
  if ((process.geteuid?.() ?? 0) !== 0) throw new MountReadError(`mount namespace ${ns} has no process in it: reading its mounts means entering it, which needs root`);
  let last: unknown;
  for (const { file, via } of entries) {
    try {
      return tableOf(await mountinfoByEntering(file, ns, proc), ns, record.label, `entered through ${via}`);
    } catch (err) {
      last = err;
    }
  }
  throw last instanceof MountReadError ? last : new MountReadError(`cannot enter mount namespace ${ns}: ${(last as Error)?.message}`);
}

let own: number | undefined;
function ownMountNs(proc: ProcSource): number {
  return (own ??= proc.nsInode(process.pid, 'mnt'));
}

/**
 * Starts `cat` inside the namespace and reads its mountinfo from here. The program is run
 * from this namespace's root (`--wd=/` is opened before nsenter enters, and the path is
 * relative), so the entered namespace needs no cat of its own; cat ends when its stdin
 * closes, also if nsx dies.
 */
function mountinfoByEntering(file: string, ns: number, proc: ProcSource): Promise<string> {
  const cat = requireTool('cat');
  const child = spawn(requireTool('nsenter'), [`--mount=${file}`, '--wd=/', '--', `.${cat}`], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise<string>((resolve, reject) => {
    let done = false;
    const finish = (err: Error | null, text?: string) => {
      if (done) return;
      done = true;
      clearInterval(poll);
      child.stdin!.end();
      child.kill('SIGKILL');
      if (err) reject(err);
      else resolve(text!);
    };
    const deadline = Date.now() + 5000;
    const poll = setInterval(() => {
      try {
        if (child.pid !== undefined && proc.nsInode(child.pid, 'mnt') === ns) return finish(null, proc.mountinfo(child.pid));
      } catch {
        // Not started yet, or already gone: the exit handler says why.
      }
      if (Date.now() > deadline) finish(new MountReadError(`entering mount namespace ${ns} through ${file} took too long`));
    }, 2);
    child.on('error', (err) => finish(new MountReadError(`cannot run nsenter: ${err.message}`)));
    child.on('exit', () => finish(new MountReadError(`cannot enter mount namespace ${ns} through ${file}: ${stderr.trim().replace(/^nsenter: /, '') || 'nsenter failed'}`)));
  });
}

/** Every mount namespace of the snapshot: the tables read, and why the others were not. */
export async function allTables(snapshot: Snapshot, proc = new ProcSource()): Promise<MountSet> {
  const tables: MountTable[] = [];
  const unreadable: UnreadableTable[] = [];
  for (const n of mountNamespaces(snapshot)) {
    try {
      tables.push(await tableOfNamespace(snapshot, n.ns, proc));
    } catch (err) {
      if (!(err instanceof MountReadError)) throw err;
      unreadable.push({ ns: n.ns, label: n.label, reason: err.message });
    }
  }
  return { tables, unreadable };
}
