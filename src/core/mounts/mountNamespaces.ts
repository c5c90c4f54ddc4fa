/**
 * Reading the mount table of a mount namespace. A process in it lends its
 * /proc/PID/mountinfo; a namespace only an fd or a bind mount keeps alive has no such
 * file, so root enters it from a worker thread (mountinfo.worker.ts) and reads that
 * thread's own.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { Blame } from '../model/blame';
import type { ReaderReply, ReaderRequest } from './mountinfo.worker';
import { parseMountinfo } from './mountinfo';
import { mountRecords } from './mountTable';
import { MountSet, MountTable, UnreadableTable } from './propagation';
import { ProcSource } from '../linux/procfs';
import { NamespaceRecord, Snapshot } from '../model/snapshot';

export class MountReadError extends Error {
  override name = 'MountReadError';
  /**
   * NEEDS_ROOT: only root can read it (it means entering the namespace). HIDDEN: this
   * user cannot see what root might (permission denied, or not in a scan without root).
   * GONE: the process, or every one that kept the namespace, has exited since the scan.
   */
  constructor(
    message: string,
    readonly why: { needsRoot?: boolean; hidden?: boolean; gone?: boolean } = {},
    readonly blame: Blame = 'attempt',
  ) {
    super(message);
  }

  get needsRoot(): boolean {
    return !!this.why.needsRoot;
  }

  get gone(): boolean {
    return !!this.why.gone;
  }

  /** Whether reading as root may succeed where this user failed. */
  get rootMayRead(): boolean {
    return !!(this.why.needsRoot || this.why.hidden);
  }
}

function errnoOf(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException)?.code;
}

// listmount()+statmount() (6.8) read a 10,000-mount table in 58 ms here, mountinfo read and parsed in 28: text it is.
function tableOf(text: string, ns: number | null, label: string | null, via: string, pid?: number): MountTable {
  const { mounts, errors } = parseMountinfo(text);
  return { ns, label, via, ...(pid === undefined ? {} : { pid }), mounts: mountRecords(mounts), errors };
}

/** The mount namespace PID is in, read through /proc/PID/mountinfo. */
export function tableOfPid(pid: number, proc = new ProcSource(), label: string | null = null): MountTable {
  let text: string;
  try {
    text = proc.mountinfo(pid);
  } catch (err) {
    const code = errnoOf(err);
    if (code === 'ENOENT' || code === 'ESRCH')
      throw new MountReadError(`no process with PID ${pid}`, { gone: true }, 'request');
    if (code === 'EACCES' || code === 'EPERM')
      throw new MountReadError(`cannot read the mounts of PID ${pid}: permission denied`, { hidden: true });
    if (code === 'EINVAL')
      throw new MountReadError(`PID ${pid} has no mount namespace left (it is exiting)`, { gone: true });
    throw err;
  }
  let ns: number | null = null;
  try {
    ns = proc.nsInode(pid, 'mnt');
  } catch {
    // Another user's process: its mountinfo is readable, its ns link is not.
  }
  return tableOf(text, ns, label, `/proc/${pid}/mountinfo`, pid);
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
    if (other)
      throw new MountReadError(`namespace ${ns} is a ${other.type} namespace, not a mount namespace`, {}, 'request');
    const hidden = snapshot.scanner.uid !== 0;
    throw new MountReadError(
      `no mount namespace ${hidden ? 'you can see ' : ''}has inode ${ns}`,
      { hidden },
      'request',
    );
  }
  const members = snapshot.processes.filter((p) => p.ns.mnt === ns && !p.hidden).map((p) => p.pid);
  /** Processes and threads the scan saw in it that have exited since (or whose PID names another now). */
  let exited = 0;
  for (const pid of members) {
    try {
      const table = tableOfPid(pid, proc, record.label);
      // A PID reused since the scan would show some other namespace. Another user's
      // process shows no namespace link (null): the snapshot's word is taken for it.
      if (table.ns === ns || table.ns === null) return { ...table, ns };
      exited++;
    } catch (err) {
      if (!(err instanceof MountReadError)) throw err;
      if (err.gone) exited++;
    }
  }
  const tasks = record.holders.filter((h) => h.kind === 'task');
  for (const h of tasks) {
    try {
      if (proc.nsInode(h.pid, 'mnt', h.tid) === ns)
        return tableOf(proc.mountinfo(h.pid, h.tid), ns, record.label, `/proc/${h.pid}/task/${h.tid}/mountinfo`, h.tid);
      exited++;
    } catch {
      exited++; // the thread is gone; try the next holder
    }
  }
  const entries = record.holders.flatMap((h) => {
    if (h.kind === 'fd') return [{ file: h.path, via: `fd ${h.fd} of PID ${h.pid}` }];
    if (h.kind !== 'bindmount') return [];
    // A bind mount's path is as seen in its own mount namespace.
    return [
      { file: h.mntns === ownMountNs(proc) ? h.path : proc.pathInMountNs(h.pid, h.path), via: `bind mount ${h.path}` },
    ];
  });
  if (!entries.length) {
    // Nothing but processes kept it, and they have all exited: the namespace went with them.
    if (exited > 0 && exited === members.length + tasks.length)
      throw new MountReadError(`mount namespace ${ns} is gone: the processes in it have exited`, { gone: true });
    throw new MountReadError(`mount namespace ${ns} has no process, and nothing visible keeps it open`);
  }
  if ((process.geteuid?.() ?? 0) !== 0)
    throw new MountReadError(
      `mount namespace ${ns} has no process in it: reading its mounts means entering it, which needs root`,
      { needsRoot: true },
    );
  let last: unknown;
  for (const { file, via } of entries) {
    try {
      return tableOf(await mountinfoByEntering(file, ns), ns, record.label, `entered through ${via}`);
    } catch (err) {
      last = err;
    }
  }
  throw last instanceof MountReadError
    ? last
    : new MountReadError(`cannot enter mount namespace ${ns}: ${(last as Error)?.message}`);
}

let own: number | undefined;
function ownMountNs(proc: ProcSource): number {
  return (own ??= proc.nsInode(process.pid, 'mnt'));
}

/** Built beside this bundle by esbuild.mjs; the installed helper copies it too (privilege/policy.ts). */
export const READER_BUNDLE = 'mountinfo.worker.js';
const READER_SCRIPT = path.join(__dirname, READER_BUNDLE);

/** Reads the mountinfo of the namespace FILE holds in a worker thread that enters it. */
function mountinfoByEntering(file: string, ns: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const worker = new Worker(READER_SCRIPT, { workerData: { file, ino: ns } satisfies ReaderRequest });
    worker.once('message', (reply: ReaderReply) => {
      if ('text' in reply) resolve(reply.text);
      else reject(new MountReadError(`cannot enter mount namespace ${ns} through ${file}: ${reply.error}`));
    });
    worker.once('error', (err) =>
      reject(new MountReadError(`cannot enter mount namespace ${ns} through ${file}: ${err.message}`)),
    );
    worker.once('exit', () =>
      reject(new MountReadError(`cannot enter mount namespace ${ns} through ${file}: the reader stopped`)),
    );
  });
}

/**
 * Every mount namespace of the snapshot: the tables read, and why the others were not.
 * A table already read (READ, with its inode) is taken as it is, not read again. One that
 * is gone since the scan is left out: it holds no mounts any more, so nothing is missed.
 */
export async function allTables(snapshot: Snapshot, proc = new ProcSource(), read?: MountTable): Promise<MountSet> {
  const tables: MountTable[] = [];
  const unreadable: UnreadableTable[] = [];
  for (const n of mountNamespaces(snapshot)) {
    if (read && read.ns === n.ns) {
      tables.push(read);
      continue;
    }
    try {
      tables.push(await tableOfNamespace(snapshot, n.ns, proc));
    } catch (err) {
      if (!(err instanceof MountReadError)) throw err;
      if (!err.gone) unreadable.push({ ns: n.ns, label: n.label, reason: err.message });
    }
  }
  tables.push(...tablesOfOthers(snapshot, tables, proc));
  return { tables, unreadable };
}

/**
 * The mount namespaces of other users' processes, which the snapshot does not know: their
 * namespace links cannot be read, their mountinfo can. The first mount a process sees
 * tells whether its namespace was read already.
 */
function tablesOfOthers(snapshot: Snapshot, known: readonly MountTable[], proc: ProcSource): MountTable[] {
  const others = snapshot.processes.filter((p) => p.hidden === 'EACCES');
  if (!others.length) return [];
  const seen = new Set(known.flatMap((t) => t.mounts.map((m) => m.id)));
  const found: MountTable[] = [];
  for (const p of others) {
    try {
      if (seen.has(proc.firstMountId(p.pid))) continue;
      const table = tableOfPid(p.pid, proc, `PID ${p.pid} (${p.user ?? `uid ${p.uid}`})`);
      for (const m of table.mounts) seen.add(m.id);
      found.push(table);
    } catch {
      // It exited meanwhile.
    }
  }
  return found;
}
