/**
 * ProcSource: the only place that reads /proc (and the passwd file that names its UIDs).
 * Both roots are parameters so that discovery runs unchanged on fixture trees.
 *
 * Methods throw the fs error (with its `code`) when a file cannot be read; callers decide
 * what a vanished process or a denied read means.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { isNsType, NsType } from '../model/snapshot';
import { nsLinkInode, parseNsLink } from './nsLink';
import { errnoName } from './syscalls';
import {
  ENOENT,
  fastReads,
  listPidInodes,
  NsLink,
  openPidDir,
  PidDir,
  readProcFile,
  readWhole,
  TaskDirStat,
} from './pidDir';

export { parseNsLink } from './nsLink';
export type { PidDir } from './pidDir';

const PROC_SUPER_MAGIC = 0x9fa0;

/** Fields of /proc/PID/status that discovery needs. */
export interface ProcStatus {
  name: string;
  ppid: number;
  /** Real UID. */
  uid: number;
  nspid: number[];
  threads: number;
}

/**
 * A small procfs file read whole: through koffi where it loads (no exception inside, one
 * open/read/close), else through fs. Throws the error fs would, with its `code`.
 */
function readSmall(path: string): string {
  if (fastReads()) {
    const text = readProcFile(path);
    if (typeof text === 'number') throw errnoError(-text, path);
    return text;
  }
  const fd = fs.openSync(path, 'r');
  try {
    return readWhole((buf, at, want) => fs.readSync(fd, buf, at, want, null)) as string;
  } finally {
    fs.closeSync(fd);
  }
}

/** An error like the one fs throws for ERRNO on PATH. */
function errnoError(errno: number, path: string): NodeJS.ErrnoException {
  const code = errnoName(errno) ?? 'EIO';
  return Object.assign(new Error(`${code}: cannot read ${path}`), { code, errno: -errno, path });
}

export function parseStatus(text: string): ProcStatus {
  // Looked up by key rather than split into lines: this runs once per process.
  const field = (key: string): string | undefined => {
    const at = text.startsWith(key) ? 0 : text.indexOf('\n' + key);
    if (at < 0) return undefined;
    const start = text.indexOf(':', at + 1) + 1;
    const end = text.indexOf('\n', start);
    return text.slice(start, end < 0 ? undefined : end).trim();
  };
  const nspid = field('NSpid:');
  return {
    name: field('Name:') ?? '',
    ppid: Number(field('PPid:') ?? 0),
    uid: Number(field('Uid:')?.split(/\s/, 1)[0] ?? -1),
    nspid: nspid ? nspid.split(/\s+/).map(Number) : [],
    threads: Number(field('Threads:') ?? 1),
  };
}

/** Field 22 of /proc/PID/stat, counted after the command name, which may hold spaces and ')'. */
export function parseStartTime(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  if (!Number.isSafeInteger(ticks)) throw Object.assign(new Error('unexpected /proc/PID/stat'), { code: 'EINVAL' });
  return ticks;
}

export function parsePasswd(text: string): Map<number, string> {
  const users = new Map<number, string>();
  for (const line of text.split('\n')) {
    const [name, , uid] = line.split(':');
    if (name && uid !== undefined && /^\d+$/.test(uid) && !users.has(Number(uid))) users.set(Number(uid), name);
  }
  return users;
}

export class ProcSource {
  constructor(
    readonly procRoot = '/proc',
    readonly passwdPath = '/etc/passwd',
  ) {}

  pidDir(pid: number): string {
    return `${this.procRoot}/${pid}`;
  }

  nsPath(pid: number, link: string, tid?: number): string {
    return tid === undefined ? `${this.procRoot}/${pid}/ns/${link}` : `${this.procRoot}/${pid}/task/${tid}/ns/${link}`;
  }

  fdPath(pid: number, fd: number): string {
    return `${this.procRoot}/${pid}/fd/${fd}`;
  }

  /** A path as seen from inside the mount namespace of `pid`. */
  pathInMountNs(pid: number, path: string): string {
    return `${this.procRoot}/${pid}/root${path}`;
  }

  listPids(): number[] {
    return numericEntries(this.procRoot);
  }

  /** PID → inode of its directory (see pidDir.ts listPidInodes); null where they cannot be listed. */
  pidInodes(): Map<number, number> | null {
    return listPidInodes(this.procRoot);
  }

  /**
   * /proc/PID held open for the reads of a scan, each answering an errno instead of
   * throwing; a negative errno when the process is gone. Close it when done.
   */
  openPid(pid: number): PidDir | number {
    return fastReads() ? openPidDir(this.pidDir(pid), this.onProcfs()) : new PathPidDir(this, pid);
  }

  private procfs: boolean | undefined;

  /** Whether procRoot is a procfs (not a fixture tree): asked once. */
  private onProcfs(): boolean {
    return (this.procfs ??= fs.statfsSync(this.procRoot).type === PROC_SUPER_MAGIC);
  }

  /**
   * One stat of /proc/PID/task: its owner is the process's effective UID (root for
   * non-dumpable processes), and on procfs its link count is the number of threads + 2.
   * `threads` is undefined where the count says nothing (a fixture tree on btrfs).
   */
  taskDirStat(pid: number): TaskDirStat {
    const st = fs.statSync(`${this.pidDir(pid)}/task`);
    return { uid: st.uid, threads: st.nlink >= 2 ? st.nlink - 2 : undefined };
  }

  /** Whether /proc/PID/ns is still there: tells a missing namespace type from a vanished process. */
  hasNsDir(pid: number): boolean {
    return fs.existsSync(`${this.pidDir(pid)}/ns`);
  }

  status(pid: number): ProcStatus {
    return parseStatus(this.smallFile(pid, 'status'));
  }

  /** The command line with arguments joined by spaces; empty for kernel threads. */
  cmdline(pid: number): string {
    const raw = this.smallFile(pid, 'cmdline');
    return raw.replace(/\0+$/, '').replaceAll('\0', ' ');
  }

  /** The command line as its arguments (which may hold spaces); empty for kernel threads. */
  argv(pid: number): string[] {
    const raw = this.smallFile(pid, 'cmdline');
    return raw ? raw.replace(/\0$/, '').split('\0') : [];
  }

  /** A file of /proc/PID read whole (uid_map, net/tcp, timens_offsets…); PID may be 'thread-self'. */
  pidFile(pid: number | 'self' | 'thread-self', name: string): string {
    return fs.readFileSync(`${this.procRoot}/${pid}/${name}`, 'utf8');
  }

  /** The working directory of a process (a containerd shim's is its container's bundle). */
  cwd(pid: number): string {
    return fs.readlinkSync(`${this.pidDir(pid)}/cwd`);
  }

  cgroup(pid: number): string {
    return this.smallFile(pid, 'cgroup');
  }

  /** status, cmdline or cgroup of a process, read whole. */
  protected smallFile(pid: number, name: 'status' | 'cmdline' | 'cgroup'): string {
    return readSmall(`${this.pidDir(pid)}/${name}`);
  }

  /** A thread can be in a mount namespace of its own, so TID may be given. */
  mountinfo(pid: number, tid?: number): string {
    return fs.readFileSync(
      tid === undefined ? `${this.pidDir(pid)}/mountinfo` : `${this.pidDir(pid)}/task/${tid}/mountinfo`,
      'utf8',
    );
  }

  /** The id of the first mount PID sees: a mount is in one namespace only, so it names the namespace. */
  firstMountId(pid: number): number {
    const fd = fs.openSync(`${this.pidDir(pid)}/mountinfo`, 'r');
    try {
      const head = Buffer.alloc(32);
      const text = head.toString('latin1', 0, fs.readSync(fd, head, 0, head.length, null));
      return Number(text.slice(0, text.indexOf(' ')));
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Inode of a namespace link (`net`, `pid_for_children`, ...) of a process or thread. */
  nsInode(pid: number, link: NsLink, tid?: number): number {
    const target = fs.readlinkSync(this.nsPath(pid, link, tid));
    const ino = nsLinkInode(target);
    if (!Number.isSafeInteger(ino))
      throw Object.assign(new Error(`unexpected namespace link ${target}`), { code: 'EINVAL' });
    return ino;
  }

  /** Start time in clock ticks since boot: with the PID, it names one process for good. */
  startTime(pid: number): number {
    return parseStartTime(readSmall(`${this.pidDir(pid)}/stat`));
  }

  /** The children of a process's main thread; empty without CONFIG_PROC_CHILDREN. */
  children(pid: number): number[] {
    try {
      return readSmall(`${this.pidDir(pid)}/task/${pid}/children`)
        .trim()
        .split(' ')
        .filter(Boolean)
        .map(Number);
    } catch {
      return [];
    }
  }

  /** The state letter of a process (/proc/PID/stat's third field): R, S, D, Z… */
  state(pid: number): string {
    const stat = readSmall(`${this.pidDir(pid)}/stat`);
    return stat.charAt(stat.lastIndexOf(')') + 2);
  }

  /** A kernel setting under /proc/sys, read whole (`user/max_net_namespaces`). */
  sysctl(name: string): string {
    return readSmall(`${this.procRoot}/sys/${name}`);
  }

  /** Time since boot in ms (/proc/uptime): start times count from it. */
  uptimeMs(): number {
    return Number(readSmall(`${this.procRoot}/uptime`).split(' ', 1)[0]) * 1000;
  }

  /** When the machine booted, in seconds since the epoch: start times count from it. */
  bootTime(): number {
    return Number(/^btime (\d+)$/m.exec(readSmall(`${this.procRoot}/stat`))?.[1]);
  }

  tids(pid: number): number[] {
    return numericEntries(`${this.pidDir(pid)}/task`);
  }

  fds(pid: number): number[] {
    return numericEntries(`${this.pidDir(pid)}/fd`);
  }

  fdTarget(pid: number, fd: number): string {
    return fs.readlinkSync(this.fdPath(pid, fd));
  }

  users(): Map<number, string> {
    try {
      return parsePasswd(fs.readFileSync(this.passwdPath, 'utf8'));
    } catch {
      return new Map();
    }
  }
}

/**
 * The reads of a PidDir through ProcSource's path-based methods: where koffi cannot be
 * loaded, and for test sources that simulate failures by overriding those methods.
 */
export class PathPidDir implements PidDir {
  constructor(
    private readonly proc: ProcSource,
    private readonly pid: number,
  ) {}

  taskDirStat(): TaskDirStat | number {
    return this.attempt(() => this.proc.taskDirStat(this.pid));
  }

  nsInode(link: NsLink, tid?: number): number {
    return this.attempt(() => this.proc.nsInode(this.pid, link, tid));
  }

  hasNsDir(): boolean {
    return this.proc.hasNsDir(this.pid);
  }

  tids(): number[] | number {
    return this.attempt(() => this.proc.tids(this.pid));
  }

  nsFds(visit: (fd: number, type: NsType, ino: number) => void): number {
    const fds = this.attempt(() => this.proc.fds(this.pid));
    if (typeof fds === 'number') return fds;
    for (const fd of fds) {
      const target = this.attempt(() => this.proc.fdTarget(this.pid, fd));
      const parsed = typeof target === 'string' ? parseNsLink(target) : null;
      if (parsed && isNsType(parsed.type) && Number.isSafeInteger(parsed.ino)) visit(fd, parsed.type, parsed.ino);
    }
    return 0;
  }

  close(): void {}

  private attempt<T>(read: () => T): T | number {
    try {
      return read();
    } catch (err) {
      return -errnoOf(err);
    }
  }
}

/** The errno of a thrown fs error, by its code (ENOENT when it names none). */
function errnoOf(err: unknown): number {
  const code = (err as NodeJS.ErrnoException)?.code;
  return (code && os.constants.errno[code as keyof typeof os.constants.errno]) || ENOENT;
}

function numericEntries(dir: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync(dir)) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(name));
  }
  return out.sort((a, b) => a - b);
}

/**
 * A ProcSource that reads each mountinfo, status, command line and cgroup file once, for
 * one command or one scan: discovery, its labels and the naming of containers ask for the
 * same processes' files (a namespace's senior process, its parent, its ancestors), and
 * the mount tables are built from the mountinfo discovery read. Long-lived readers must
 * not use it: the texts never change.
 */
export class ReadOnce extends ProcSource {
  private readonly texts = new Map<string, string>();
  private readonly small = new Map<string, string>();

  protected override smallFile(pid: number, name: 'status' | 'cmdline' | 'cgroup'): string {
    const key = `${pid}/${name}`;
    let text = this.small.get(key);
    if (text === undefined) {
      text = super.smallFile(pid, name);
      this.small.set(key, text);
    }
    return text;
  }

  override mountinfo(pid: number, tid?: number): string {
    const key = tid === undefined ? String(pid) : `${pid}/${tid}`;
    let text = this.texts.get(key);
    if (text === undefined) {
      text = super.mountinfo(pid, tid);
      this.texts.set(key, text);
    }
    return text;
  }
}
