/**
 * An IPC namespace: its System V message queues, semaphore sets and shared memory
 * segments (/proc/sysvipc/*, which shows the reading thread's IPC namespace) and its
 * POSIX message queues (the files of an mqueue file system mounted from inside it).
 *
 * Root lists the POSIX queues from the reading thread: once, it moves into a mount
 * namespace of its own with every mount private, so that nothing it mounts reaches the
 * host; then, after entering each IPC namespace, it mounts a fresh mqueue there (mqueue
 * shows the IPC namespace of the thread that mounts it), reads it and unmounts it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NamespaceRecord } from '../model/snapshot';
import { baseOf, DetailsContext, seenFromInside } from './context';
import { callFailed, libc } from '../linux/syscalls';
import type { Attempt, IpcSeen, QueueFile } from './threadProtocol';
import { IpcDetails, IpcObject } from './types';

function attempt<T>(read: () => T): Attempt<T> {
  try {
    return { value: read() };
  } catch (err) {
    return { error: (err as Error).message };
  }
}

// ---------------------------------------------------------------------------------
// Parsers

type Row = Record<string, string>;

/** The rows of a /proc/sysvipc file by the names of its header's columns. */
export function parseSysvipcTable(text: string, source: string): Row[] {
  const lines = text.split('\n').filter((l) => l.trim());
  const header = lines.shift()?.trim().split(/\s+/);
  if (!header || !header.includes('key') || !header.includes('perms') || !header.includes('uid'))
    throw new Error(`${source} has no header line naming key, perms and uid`);
  return lines.map((line, i) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== header.length)
      throw new Error(`${source}: line ${i + 2} has ${fields.length} fields, the header ${header.length}`);
    return Object.fromEntries(header.map((name, j) => [name, fields[j]!]));
  });
}

function integer(row: Row, column: string, source: string): number {
  const text = row[column];
  if (text === undefined) throw new Error(`${source} has no column ${column}`);
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n))
    throw new Error(`${source}: ${column} '${text}' is not an integer`);
  return n;
}

/** The key as ipcs prints it: the kernel's signed int as 8 hex digits. */
export function formatKey(key: number): string {
  if (!Number.isInteger(key) || key < -(2 ** 31) || key >= 2 ** 32) throw new Error(`IPC key ${key} is out of range`);
  return `0x${(key >>> 0).toString(16).padStart(8, '0')}`;
}

/** Permission bits in octal as ipcs prints them (without the kernel's state bits above 0777). */
function perms(mode: string, source: string): string {
  if (!/^[0-7]{1,7}$/.test(mode)) throw new Error(`${source}: perms '${mode}' is not octal`);
  return (parseInt(mode, 8) & 0o777).toString(8);
}

function ipcObject(row: Row, idColumn: string, source: string, users: Map<number, string>): IpcObject {
  const uid = integer(row, 'uid', source);
  return {
    key: formatKey(integer(row, 'key', source)),
    id: integer(row, idColumn, source),
    ownerUid: uid,
    owner: users.get(uid) ?? null,
    perms: perms(row.perms!, source),
  };
}

export function parseMessageQueues(text: string, users: Map<number, string>): NonNullable<IpcDetails['messageQueues']> {
  const source = '/proc/sysvipc/msg';
  return parseSysvipcTable(text, source).map((r) => ({
    ...ipcObject(r, 'msqid', source, users),
    messages: integer(r, 'qnum', source),
    bytes: integer(r, 'cbytes', source),
  }));
}

export function parseSemaphores(text: string, users: Map<number, string>): NonNullable<IpcDetails['semaphores']> {
  const source = '/proc/sysvipc/sem';
  return parseSysvipcTable(text, source).map((r) => ({
    ...ipcObject(r, 'semid', source, users),
    nsems: integer(r, 'nsems', source),
  }));
}

export function parseSharedMemory(text: string, users: Map<number, string>): NonNullable<IpcDetails['sharedMemory']> {
  const source = '/proc/sysvipc/shm';
  return parseSysvipcTable(text, source).map((r) => ({
    ...ipcObject(r, 'shmid', source, users),
    bytes: integer(r, 'size', source),
    attached: integer(r, 'nattch', source),
  }));
}

/** The bytes queued, from a queue file's "QSIZE:129 NOTIFY:0 SIGNO:0 NOTIFY_PID:0". */
export function parseQueueSize(text: string): number {
  const m = /^QSIZE:(\d+)\s/.exec(text);
  if (!m || !Number.isSafeInteger(Number(m[1])))
    throw new Error(`unexpected POSIX queue status '${text.trim().slice(0, 80)}'`);
  return Number(m[1]);
}

export function posixQueues(files: QueueFile[], users: Map<number, string>): NonNullable<IpcDetails['posixQueues']> {
  return files
    .map((f) => ({
      name: `/${f.name}`,
      ownerUid: f.uid,
      owner: users.get(f.uid) ?? null,
      perms: (f.mode & 0o777).toString(8),
      bytes: f.status === null ? null : parseQueueSize(f.status),
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ---------------------------------------------------------------------------------
// Reading

/**
 * The queues of an mqueue mount, with sync calls only: in the reading thread, async ones
 * would run on libuv's threads, which are in the host's mount namespace.
 */
function queueFiles(dir: string): QueueFile[] {
  return fs.readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    try {
      const st = fs.statSync(file);
      let status: string | null = null;
      try {
        status = fs.readFileSync(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EACCES') throw err;
      }
      return [{ name, uid: st.uid, mode: st.mode, status }];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return []; // unlinked meanwhile
      throw err;
    }
  });
}

const CLONE_NEWNS = 0x00020000;
const MS_NOSUID = 0x2;
const MS_NODEV = 0x4;
const MS_NOEXEC = 0x8;
const MS_REC = 0x4000;
const MS_PRIVATE = 0x40000;
const MNT_DETACH = 0x2;

let privateMounts = false;

/** Moves the calling thread into a mount namespace of its own whose mounts propagate nowhere. */
function usePrivateMountNamespace(): void {
  if (privateMounts) return;
  const sys = libc();
  // CLONE_NEWNS implies CLONE_FS: the thread stops sharing root and cwd with the others.
  if (sys.unshare(CLONE_NEWNS) !== 0) throw callFailed('unshare(CLONE_NEWNS)');
  if (sys.mount(null, '/', null, MS_REC | MS_PRIVATE, null) !== 0)
    throw callFailed("making the thread's mounts private: mount");
  privateMounts = true;
}

/** Mounts an mqueue of the calling thread's IPC namespace, reads it, unmounts it. */
function readOwnMqueue(): QueueFile[] {
  usePrivateMountNamespace();
  const sys = libc();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-mqueue-'));
  try {
    if (sys.mount('mqueue', dir, 'mqueue', MS_NOSUID | MS_NODEV | MS_NOEXEC, null) !== 0)
      throw callFailed('mounting mqueue');
    try {
      return queueFiles(dir);
    } finally {
      sys.umount2(dir, MNT_DETACH);
    }
  } finally {
    fs.rmdirSync(dir);
  }
}

/** The System V tables of the calling thread's IPC namespace. */
function sysvTexts(procRoot: string): Pick<IpcSeen, 'msg' | 'sem' | 'shm'> {
  const read = (name: string) => attempt(() => fs.readFileSync(`${procRoot}/sysvipc/${name}`, 'utf8'));
  return { msg: read('msg'), sem: read('sem'), shm: read('shm') };
}

/** Run in the reading thread after setns(ipc). */
export function ipcInside(): IpcSeen {
  return { ...sysvTexts('/proc'), queues: attempt(readOwnMqueue) };
}

/** The magic number of an mqueue file system (statfs f_type). */
const MQUEUE_MAGIC = 0x19800202;

/** nsx's own IPC namespace, without root: the POSIX queues only where /dev/mqueue is an mqueue mount. */
function ipcHere(procRoot: string): IpcSeen {
  const queues = attempt(() => {
    let type: number | undefined;
    try {
      type = fs.statfsSync('/dev/mqueue').type;
    } catch {
      // not there
    }
    if (type !== MQUEUE_MAGIC) throw new Error('no mqueue file system is mounted at /dev/mqueue');
    return queueFiles('/dev/mqueue');
  });
  return { ...sysvTexts(procRoot), queues };
}

export async function readIpc(ns: NamespaceRecord, ctx: DetailsContext): Promise<IpcDetails> {
  const details: IpcDetails = { ...baseOf(ns, ctx), type: 'ipc' };
  const asRoot = ctx.threads !== null;
  const got = await seenFromInside(ns, ctx, 'ipc', {
    read: () => ipcHere(ctx.proc.procRoot),
    via: '/proc/sysvipc and /dev/mqueue',
  });
  if ('error' in got) {
    details.unavailable.push({
      what: 'System V IPC objects and POSIX message queues',
      reason: got.error,
      needsRoot: got.needsRoot,
    });
    return details;
  }
  const seen = got.value;
  details.via = asRoot ? `${got.via}; POSIX queues from an mqueue mounted inside` : got.via;

  const part = <T>(
    what: string,
    read: Attempt<string>,
    parse: (text: string, users: Map<number, string>) => T,
  ): T | undefined => {
    try {
      if ('error' in read) throw new Error(read.error);
      return parse(read.value, ctx.users);
    } catch (err) {
      details.unavailable.push({ what, reason: (err as Error).message, needsRoot: false });
      return undefined;
    }
  };
  const messageQueues = part('System V message queues', seen.msg, parseMessageQueues);
  const semaphores = part('System V semaphore sets', seen.sem, parseSemaphores);
  const sharedMemory = part('System V shared memory segments', seen.shm, parseSharedMemory);
  if (messageQueues) details.messageQueues = messageQueues;
  if (semaphores) details.semaphores = semaphores;
  if (sharedMemory) details.sharedMemory = sharedMemory;
  if ('error' in seen.queues) {
    details.unavailable.push({ what: 'POSIX message queues', reason: seen.queues.error, needsRoot: !asRoot });
  } else {
    try {
      details.posixQueues = posixQueues(seen.queues.value, ctx.users);
      const unread = details.posixQueues.filter((q) => q.bytes === null).map((q) => q.name);
      if (unread.length)
        details.unavailable.push({
          what: `the bytes queued in ${unread.join(', ')}`,
          reason: unread.length === 1 ? 'its file is not readable by you' : 'their files are not readable by you',
          needsRoot: true,
        });
    } catch (err) {
      details.unavailable.push({ what: 'POSIX message queues', reason: (err as Error).message, needsRoot: false });
    }
  }
  return details;
}
