/**
 * The namespaces `nsx enter` goes into, opened by nsx itself right before nsenter runs and
 * checked there: each is the namespace the plan names (its inode), and a process is still
 * the one chosen (a pidfd where the kernel has them, else its start time before and after).
 * nsenter then opens them through nsx's own fds (/proc/<nsx>/fd/N), so a path swapped or a
 * PID reused after the check cannot change what is entered: no name is looked up twice.
 */
import * as fs from 'node:fs';
import { ProcSource } from '../linux/procfs';
import { NsType } from '../model/snapshot';

/** The open namespaces, by type. */
export interface Pinned {
  /** For nsenter: each type's file, as this process's open fd. */
  files: Partial<Record<NsType, string>>;
  /** Lets go of them; nsenter has opened its own by the time it runs the command. */
  close(): void;
}

/** What is to be entered, as the plan saw it. */
export interface Expected {
  /** Inodes of the namespaces, where the scan saw them. */
  inodes: Partial<Record<NsType, number>>;
  /** The process's start time, when it was pinned earlier (`--start-time`). */
  start: number | null;
  /** How a person knows the process, for the messages. */
  name: string | null;
}

/** Opens FILE, an nsfs file of namespace TYPE:[INO]; why not, as a sentence, when it is not that one. */
export function pinFile(file: string, type: NsType, ino: number | undefined): Pinned | string {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return `${file} is gone: the namespace it held may no longer exist`;
  }
  const pinned = holding(new Map([[type, fd]]));
  const problem = notNamespace(fd, type, ino, file);
  if (problem) {
    pinned.close();
    return `${problem}: nothing was entered`;
  }
  return pinned;
}

/**
 * Opens the TYPES namespaces of process PID; why not, as a sentence, when the process has
 * exited, is another one now, or is no longer in a namespace the plan names.
 */
export function pinProcess(
  proc: ProcSource,
  pid: number,
  types: readonly NsType[],
  expected: Expected,
): Pinned | string {
  const who = `PID ${pid}${expected.name ? ` (${expected.name})` : ''}`;
  const gone = `${who} is gone: the process exited`;
  const calls = pidfds();
  const pidfd = calls?.open(pid);
  if (pidfd === null) return gone;
  const fds = new Map<NsType, number>();
  try {
    const start = startTime(proc, pid);
    if (start === null) throw new Refusal(gone);
    if (expected.start !== null && start !== expected.start)
      throw new Refusal(
        `PID ${pid} is now another process: ${expected.name ?? 'the one chosen'} exited and its PID was reused`,
      );
    for (const type of types) {
      try {
        fds.set(type, fs.openSync(proc.nsPath(pid, type), 'r'));
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        throw new Refusal(
          code === 'ENOENT' || code === 'ESRCH'
            ? gone
            : `cannot open ${who}'s ${type} namespace: ${(err as Error).message}`,
        );
      }
      const problem = notNamespace(fds.get(type)!, type, expected.inodes[type], `${who}'s ${type} namespace`);
      if (problem) throw new Refusal(`${problem}: nothing was entered`);
    }
    // The process opened is still there, so its PID is not another's: the files are its namespaces.
    const same = pidfd === undefined ? startTime(proc, pid) === start : calls!.holdsPid(pidfd);
    if (!same) throw new Refusal(gone);
    return holding(fds);
  } catch (err) {
    for (const fd of fds.values()) fs.closeSync(fd);
    if (err instanceof Refusal) return err.message;
    throw err;
  } finally {
    if (pidfd !== undefined) calls!.close(pidfd);
  }
}

/** A reason not to enter, for the person at the terminal. */
class Refusal extends Error {}

function holding(fds: Map<NsType, number>): Pinned {
  return {
    files: Object.fromEntries([...fds].map(([type, fd]) => [type, `/proc/${process.pid}/fd/${fd}`])),
    close: () => {
      for (const fd of fds.values()) fs.closeSync(fd);
      fds.clear();
    },
  };
}

/** Why the nsfs file open on FD is not namespace TYPE:[INO] (any, when INO is not known), or null. */
function notNamespace(fd: number, type: NsType, ino: number | undefined, what: string): string | null {
  const st = fs.fstatSync(fd);
  if (st.dev !== nsfsDevice(type)) return `${what} is not a namespace file`;
  if (ino !== undefined && st.ino !== ino) return `${what} is now ${type}:[${st.ino}], not the ${type}:[${ino}] chosen`;
  return null;
}

/** Every namespace file lives on the one nsfs; this process's own says which device that is. */
function nsfsDevice(type: NsType): number {
  return fs.statSync(`/proc/self/ns/${type}`).dev;
}

/** The start time of PID, or null when it is gone. */
export function startTime(proc: ProcSource, pid: number): number | null {
  try {
    return proc.startTime(pid);
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------
// pidfds (Linux 5.3+) through koffi: a handle on one process that a reused PID cannot fool.

interface Pidfds {
  /** A pidfd of PID; null when there is no such process, undefined when none could be had (start times then). */
  open(pid: number): number | null | undefined;
  /** Whether the process still holds its PID (it may have exited, not yet been reaped): no other can have it. */
  holdsPid(pidfd: number): boolean;
  close(fd: number): void;
}

/** The same numbers on every architecture (added after the tables were unified). */
const SYS_PIDFD_SEND_SIGNAL = 424;
const SYS_PIDFD_OPEN = 434;
const ESRCH = 3;

let loaded: Pidfds | null | undefined;

/** The pidfd calls, or null where koffi cannot load or the kernel has none (then start times are compared). */
function pidfds(): Pidfds | null {
  if (loaded !== undefined) return loaded;
  loaded = null;
  try {
    // Required here, not imported: without the native module, entering still works.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    const lib = koffi.load('libc.so.6');
    const syscall = lib.func('long syscall(long number, ...)');
    const close = lib.func('int close(int fd)');
    const pidfdOpen = (pid: number) => Number(syscall(SYS_PIDFD_OPEN, 'int', pid, 'uint', 0));
    const own = pidfdOpen(process.pid);
    if (own < 0) return loaded; // ENOSYS: a kernel before 5.3
    close(own);
    loaded = {
      open: (pid) => {
        const fd = pidfdOpen(pid);
        if (fd >= 0) return fd;
        return koffi.errno() === ESRCH ? null : undefined;
      },
      // Signal 0 checks without sending anything.
      holdsPid: (pidfd) =>
        Number(syscall(SYS_PIDFD_SEND_SIGNAL, 'int', pidfd, 'int', 0, 'void *', null, 'uint', 0)) === 0,
      close: (fd) => void close(fd),
    };
  } catch {
    // koffi could not load: start times it is.
  }
  return loaded;
}
