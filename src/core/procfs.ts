/**
 * ProcSource: the only place that reads /proc (and the passwd file that names its UIDs).
 * Both roots are parameters so that discovery runs unchanged on fixture trees.
 *
 * Methods throw the fs error (with its `code`) when a file cannot be read; callers decide
 * what a vanished process or a denied read means.
 */
import * as fs from 'node:fs';
import { NsType } from './snapshot';

/** Fields of /proc/PID/status that discovery needs. */
export interface ProcStatus {
  name: string;
  ppid: number;
  /** Real UID. */
  uid: number;
  nspid: number[];
  threads: number;
}

/** Reads a small procfs file with one reusable buffer: no fstat, no per-call allocation. */
const scratch = Buffer.allocUnsafe(64 * 1024);
function readSmall(path: string): string {
  const fd = fs.openSync(path, 'r');
  try {
    let length = 0;
    let chunks: Buffer[] | undefined;
    for (;;) {
      const n = fs.readSync(fd, scratch, length, scratch.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === scratch.length) {
        (chunks ??= []).push(Buffer.from(scratch));
        length = 0;
      }
    }
    const tail = scratch.toString('utf8', 0, length);
    return chunks ? Buffer.concat(chunks).toString('utf8') + tail : tail;
  } finally {
    fs.closeSync(fd);
  }
}

const NS_LINK = /^([a-z_]+):\[(\d+)\]$/;

/** Parses an nsfs link target such as `net:[4026531833]`; null for anything else. */
export function parseNsLink(target: string): { type: string; ino: number } | null {
  const m = NS_LINK.exec(target);
  return m ? { type: m[1], ino: Number(m[2]) } : null;
}

export function parseStatus(text: string): ProcStatus {
  const status: ProcStatus = { name: '', ppid: 0, uid: -1, nspid: [], threads: 1 };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const value = line.slice(colon + 1).trim();
    switch (line.slice(0, colon)) {
      case 'Name':
        status.name = value;
        break;
      case 'PPid':
        status.ppid = Number(value);
        break;
      case 'Uid':
        status.uid = Number(value.split(/\s+/)[0]);
        break;
      case 'NSpid':
        status.nspid = value.split(/\s+/).map(Number);
        break;
      case 'Threads':
        status.threads = Number(value);
        break;
    }
  }
  return status;
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

  /** Owner of /proc/PID: the process's effective UID, or root for non-dumpable processes. */
  ownerUid(pid: number): number {
    return fs.statSync(this.pidDir(pid)).uid;
  }

  status(pid: number): ProcStatus {
    return parseStatus(readSmall(`${this.pidDir(pid)}/status`));
  }

  /** The command line with arguments joined by spaces; empty for kernel threads. */
  cmdline(pid: number): string {
    const raw = readSmall(`${this.pidDir(pid)}/cmdline`);
    return raw.replace(/\0+$/, '').replaceAll('\0', ' ');
  }

  cgroup(pid: number): string {
    return readSmall(`${this.pidDir(pid)}/cgroup`);
  }

  mountinfo(pid: number): string {
    return fs.readFileSync(`${this.pidDir(pid)}/mountinfo`, 'utf8');
  }

  /** Inode of a namespace link (`net`, `pid_for_children`, ...) of a process or thread. */
  nsInode(pid: number, link: NsType | 'pid_for_children' | 'time_for_children', tid?: number): number {
    const target = fs.readlinkSync(this.nsPath(pid, link, tid));
    const parsed = parseNsLink(target);
    if (!parsed) throw Object.assign(new Error(`unexpected namespace link ${target}`), { code: 'EINVAL' });
    return parsed.ino;
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

function numericEntries(dir: string): number[] {
  const out: number[] = [];
  for (const name of fs.readdirSync(dir)) {
    const c = name.charCodeAt(0);
    if (c >= 48 && c <= 57) out.push(Number(name));
  }
  return out.sort((a, b) => a - b);
}
