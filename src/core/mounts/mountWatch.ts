/**
 * Watching mount tables with the kernel's own notifications, at no cost while nothing
 * changes: the fds that report a change wait in an FdPoller (../linux/fdPoller), whose
 * own thread sleeps in poll(2) on them all.
 *
 * poll: /proc/PID/mountinfo reports POLLPRI|POLLERR when a mount is attached, detached,
 *   moved or remounted in that table's namespace (as `findmnt --poll` uses). The kernel
 *   re-arms it in poll itself (mounts_poll), so the file need not be read again.
 * fanotify (Linux 6.15, root): reports attach, detach and move, not remounts; see
 *   fanotifyMounts.ts. Its mark holds no reference to the namespace.
 * Neither reports a propagation change (`mount --make-shared`), on 6.18: nothing does.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { drainEvents, fanotifyUnsupported, mountEventGroup, watchMountNamespace } from './fanotifyMounts';
import { waitCalls, WaitCalls } from '../linux/waitCalls';
import { FdPoller, POLLHUP, POLLIN, POLLNVAL, POLLPRI } from '../linux/fdPoller';

export interface MountWatch {
  /** Watches the mount tables of these mount namespaces (namespace inode → a PID whose
   *  /proc/PID/mountinfo shows it) and stops watching the others. Closes what it no longer
   *  needs at once: an open mountinfo (or a mark) keeps its mount namespace alive. */
  watch(tables: ReadonlyMap<number, number>): void;
  /** Listener gets, on the caller's event loop, the namespace inodes whose tables changed
   *  (coalesced: several changes within a few ms arrive as one call). */
  onChange(listener: (mntns: number[]) => void): void;
  /** How tables are watched ('fanotify' | 'poll') and, when not fanotify, why not. */
  readonly method: WatchMethod;
  close(): void;
}

export interface WatchMethod {
  kind: 'fanotify' | 'poll';
  why?: string;
}

export interface MountWatchOptions {
  /** 'auto' (the default) takes poll, which reports all that fanotify does and remounts too. */
  method?: 'auto' | 'poll' | 'fanotify';
  /** The poller to wait in, shared with other watchers; by default one of its own, closed with it. */
  poller?: FdPoller;
}

/** Changes closer together than this arrive in one call. */
const COALESCE_MS = 10;
const POLL_MISSES = 'poll() on mountinfo reports what fanotify mount events do (mount, unmount, move) and remounts too';

/**
 * The method ASKED for, as far as the kernel version and who we are allow (whether
 * fanotify_init then succeeds is checked on the kernel itself).
 */
export function chooseMethod(asked: MountWatchOptions['method'], release: string, euid: number): WatchMethod {
  if (asked === 'poll') return { kind: 'poll', why: 'poll was asked for' };
  if (asked !== 'fanotify') return { kind: 'poll', why: POLL_MISSES };
  const unsupported = fanotifyUnsupported(release, euid);
  return unsupported ? { kind: 'poll', why: unsupported } : { kind: 'fanotify' };
}

/** Throws when koffi cannot be loaded: the caller then reads tables on a timer. */
export function watchMounts(procRoot = '/proc', options: MountWatchOptions = {}): MountWatch {
  const calls = waitCalls();
  let method = chooseMethod(options.method, os.release(), process.geteuid?.() ?? -1);
  if (method.kind === 'fanotify') {
    try {
      calls.close(mountEventGroup(calls));
    } catch (err) {
      method = { kind: 'poll', why: (err as Error).message };
    }
  }
  const own = !options.poller;
  return new KernelMountWatch(procRoot, method, calls, options.poller ?? new FdPoller(), own);
}

/** One fd in the poll set: a mountinfo, a fanotify group, or a pidfd that says its process exited. */
interface Source {
  fd: number;
  kind: 'mountinfo' | 'fanotify' | 'exit';
}

/** A watched namespace, through the process PID. No sources: that process is gone (or was never readable). */
interface Watched {
  ns: number;
  pid: number;
  sources: Source[];
}

class KernelMountWatch implements MountWatch {
  private readonly listeners: ((mntns: number[]) => void)[] = [];
  private wanted = new Map<number, number>();
  private readonly watched = new Map<number, Watched>();
  private closed = false;
  private readonly pending = new Set<number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private readonly scratch = Buffer.alloc(4096);

  constructor(
    private readonly procRoot: string,
    readonly method: WatchMethod,
    private readonly calls: WaitCalls,
    private readonly poller: FdPoller,
    private readonly ownPoller: boolean,
  ) {}

  watch(tables: ReadonlyMap<number, number>): void {
    if (this.closed) return;
    this.wanted = new Map(tables);
    this.reconcile();
  }

  onChange(listener: (mntns: number[]) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.flushTimer);
    for (const w of this.watched.values()) this.closeSources(w);
    this.watched.clear();
    if (this.ownPoller) this.poller.close();
  }

  /** Opens what the wanted set needs and closes what it no longer does. */
  private reconcile(): void {
    for (const [ns, w] of this.watched) {
      if (this.wanted.get(ns) === w.pid) continue;
      this.closeSources(w);
      this.watched.delete(ns);
    }
    for (const [ns, pid] of this.wanted) {
      if (this.watched.has(ns)) continue;
      const w: Watched = { ns, pid, sources: [] };
      this.watched.set(ns, w);
      try {
        this.open(w);
      } catch {
        // Gone, or not this namespace any more: the caller reads it again and learns which.
        this.closeSources(w);
        this.report(ns);
      }
    }
  }

  private open(w: Watched): void {
    // A pidfd says when the process lending its mountinfo exits: the open file would keep
    // the namespace alive, and unchanged, for ever. Only for the PIDs of this kernel's /proc.
    if (this.procRoot === '/proc') {
      const pidfd = this.calls.pidfdOpen(w.pid);
      if (pidfd >= 0) this.add(w, { fd: pidfd, kind: 'exit' });
    }
    const dir = `${this.procRoot}/${w.pid}`;
    if (this.method.kind === 'fanotify')
      this.add(w, { fd: watchMountNamespace(this.calls, `${dir}/ns/mnt`, w.ns), kind: 'fanotify' });
    else {
      this.add(w, { fd: fs.openSync(`${dir}/mountinfo`, 'r'), kind: 'mountinfo' });
      // Checked after the open: the file now open is that of the process the link names.
      const ns = mntnsOf(dir);
      if (ns !== null && ns !== w.ns) throw new Error(`PID ${w.pid} is not in mount namespace ${w.ns}`);
    }
  }

  private add(w: Watched, source: Source): void {
    w.sources.push(source);
    const events = source.kind === 'mountinfo' ? POLLPRI : POLLIN;
    this.poller.watch(source.fd, events, (revents) => this.ready(w, source, revents));
  }

  /**
   * SOURCE of W reported REVENTS. The kernel re-arms a mountinfo in poll itself
   * (mounts_poll), so it is not read; a fanotify group is drained.
   */
  private ready(w: Watched, source: Source, revents: number): void {
    // Closed already: another fd of its namespace said its process exited.
    if (this.closed || !w.sources.includes(source)) return;
    if (source.kind === 'fanotify') drainEvents(this.calls, source.fd, this.scratch);
    // Its process exited (or the file broke): the namespace is let go, and the caller
    // reads it through another process, or learns it is gone. POLLERR is how mountinfo says "changed".
    if (source.kind === 'exit' || revents & (POLLHUP | POLLNVAL)) this.closeSources(w);
    else this.poller.rearm(source.fd);
    this.report(w.ns);
  }

  private closeSources(w: Watched): void {
    for (const s of w.sources) {
      this.poller.forget(s.fd);
      // Node opened the mountinfo, libc the others.
      if (s.kind === 'mountinfo') fs.closeSync(s.fd);
      else this.calls.close(s.fd);
    }
    w.sources = [];
  }

  private report(ns: number): void {
    this.pending.add(ns);
    this.flushTimer ??= setTimeout(() => this.flush(), COALESCE_MS);
  }

  private flush(): void {
    this.flushTimer = undefined;
    const changed = [...this.pending];
    this.pending.clear();
    if (this.closed) return;
    for (const listener of this.listeners) listener(changed);
  }
}

/** The mount namespace inode of the process at DIR (`/proc/PID`); null when its link cannot be read. */
function mntnsOf(dir: string): number | null {
  try {
    const m = /^mnt:\[(\d+)\]$/.exec(fs.readlinkSync(`${dir}/ns/mnt`));
    return m ? Number(m[1]) : null;
  } catch {
    // Another user's process: its mountinfo is readable, its namespace link is not.
    return null;
  }
}
