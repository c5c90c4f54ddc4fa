/**
 * The live engine: discovery kept up to date by ticks that read only what is new or may
 * have changed, and put together by the same code as a full scan (../discovery/assemble).
 *
 * Processes are known by PID and start time. Each tick lists /proc: a PID not seen before
 * is read whole, one that is gone is dropped (and its children read again: they have a new
 * parent). A PID whose directory has another inode than at the last tick may have been
 * left by its process and taken by another: its start time tells, and if so it is read as
 * a new one. A process keeps its PID when it calls setns or unshare, or execs into new
 * namespaces, so known processes are read again too: a young one (started less than
 * `youngMs` ago, when launchers do such things) whole at every tick; the others in turn,
 * each glanced at (its namespaces, threads, fds on namespaces, and command line unless the
 * kernel tells of execs) at least once every `sweepTicks` ticks, read whole if the glance
 * finds a change, and read whole anyway once every WHOLE_TURNS sweeps (a user or a name
 * changed without the kernel telling). Mount tables are read again only when their watch
 * says they changed. A tick that finds nothing new costs a listing of /proc and one slice
 * of the sweep, and hands back the snapshot it had.
 */
import { assemble, BindMountReader } from '../discovery/assemble';
import { listPids } from '../discovery/discover';
import { CgroupPaths } from '../discovery/labels';
import { HierarchyProbe } from '../linux/nsfs';
import { ProcSource } from '../linux/procfs';
import { Snapshot } from '../model/snapshot';
import { BindMountCache, MountTablesWatch } from './bindMounts';
import { glanceChanged, readProcess, ProcessState, sameState } from './processState';
import { RememberedTexts } from './rememberedTexts';
import { RelationMemory } from '../discovery/relationMemory';
import { Sweep } from './sweep';

export interface LiveOptions {
  proc?: ProcSource;
  viewerUid?: number;
  requestedBy?: number;
  /** How to learn parents and owners; default the kernel through koffi, null for none. */
  probe?: HierarchyProbe | null;
  /**
   * Every known process is glanced at least once in this many ticks (default 30; 60 once
   * the kernel tells of processes, when only what it does not tell is left to the sweep).
   */
  sweepTicks?: number;
  /** Processes younger than this are read again at every tick (default 10 s). */
  youngMs?: number;
  /** Tells which mount tables changed; without one, every table is read at every tick. */
  mounts?: MountTablesWatch;
  /** Called when the watch says a table changed between ticks: a tick now would show it. */
  wake?: () => void;
}

export interface TickResult {
  snapshot: Snapshot;
  /** The snapshot differs from the one the last tick handed back. */
  changed: boolean;
}

export const DEFAULT_SWEEP_TICKS = 30;
/**
 * The sweep while the kernel tells of every start, exec, exit, setuid and rename (root):
 * it looks only for a setns or unshare without an exec, and an fd opened on a namespace,
 * by a process older than `youngMs`.
 */
export const HEARING_SWEEP_TICKS = 60;
/** Every known process is read whole at least once in this many sweeps. */
export const WHOLE_TURNS = 10;
export const DEFAULT_YOUNG_MS = 10_000;

export class LiveDiscovery {
  private readonly proc: ProcSource;
  private readonly viewerUid: number;
  private readonly users: Map<number, string>;
  private readonly known = new Map<number, ProcessState>();
  /** What naming reads of processes, kept until the engine reads them again (pass it as naming's ProcSource). */
  readonly texts: RememberedTexts;
  private sweepLength = DEFAULT_SWEEP_TICKS;
  /** Young processes, and each of the others in a slow turn: read whole. */
  private rereads!: Sweep;
  /** Each known process in its turn: glanced at, read whole only if something changed. */
  private glances!: Sweep;
  private readonly bindMounts: BindMountCache;
  private readonly relations = new RelationMemory();
  /** PIDs to read again at the next tick, whatever their turn (their parent exited, or they were touched). */
  private readonly due = new Set<number>();
  /** The inode of each PID's directory at this tick and at the last (none where they cannot be listed). */
  private inodes = new Map<number, number>();
  private previousInodes = new Map<number, number>();
  private last: Snapshot | undefined;
  private hearing = false;
  private mustList = true;
  /** Ticks since /proc was last listed. */
  private unlisted = 0;

  constructor(private readonly options: LiveOptions = {}) {
    this.proc = options.proc ?? new ProcSource();
    this.viewerUid = options.viewerUid ?? process.geteuid?.() ?? 0;
    this.users = this.proc.users();
    this.texts = new RememberedTexts(this.proc);
    this.sweepOver(options.sweepTicks ?? DEFAULT_SWEEP_TICKS);
    this.bindMounts = new BindMountCache(this.proc, options.mounts, options.wake);
  }

  /** Every known process is glanced at within this many ticks. */
  get sweepTicks(): number {
    return this.sweepLength;
  }

  /** The snapshot of the last tick, if there was one. */
  current(): Snapshot | undefined {
    return this.last;
  }

  /** Reads these processes again at the next tick (an exec the kernel told of). */
  touch(pids: Iterable<number>): void {
    for (const pid of pids) this.due.add(pid);
  }

  /** Reads every known process again at the next tick (events about them were lost). */
  touchAll(): void {
    this.touch(this.known.keys());
  }

  /**
   * From now on the kernel tells of every process that starts or ends (its process events,
   * as root): a tick lists /proc only after it told of one, and once in `sweepTicks` ticks.
   */
  hearProcesses(): void {
    this.hearing = true;
    if (this.options.sweepTicks === undefined) this.sweepOver(HEARING_SWEEP_TICKS);
  }

  /** A process started or ended: the next tick lists /proc. */
  processesChanged(): void {
    this.mustList = true;
  }

  /** Brings the snapshot up to date with /proc. The first tick is a full scan. */
  tick(): TickResult {
    const started = performance.now();
    let changed = this.last === undefined || this.bindMounts.takeChanged();
    if (!this.hearing || this.mustList || ++this.unlisted >= this.sweepTicks) {
      [this.mustList, this.unlisted] = [false, 0];
      const pids = this.listPids();
      changed = this.dropGone(pids, this.retaken()) || changed;
      for (const pid of pids) {
        if (this.known.has(pid)) continue;
        this.read(pid);
        changed = true;
      }
    }
    for (const pid of this.rereads.next(this.known, this.proc)) this.due.add(pid);
    for (const pid of this.glances.next(this.known, this.proc))
      if (!this.due.has(pid) && this.glance(pid)) this.due.add(pid);
    for (const pid of this.due) changed = this.reread(pid) || changed;
    this.due.clear();
    if (!changed && this.last) return { snapshot: this.last, changed: false };
    this.last = this.assemble(started);
    return { snapshot: this.last, changed: true };
  }

  /** Stops watching mount tables. */
  close(): void {
    this.bindMounts.close();
  }

  /** The PIDs under /proc, with their directories' inodes kept for the next tick where they can be listed. */
  private listPids(): number[] {
    let inodes: Map<number, number> | null = null;
    try {
      inodes = this.proc.pidInodes();
    } catch {
      // listPids says why /proc cannot be read
    }
    [this.previousInodes, this.inodes] = [this.inodes, inodes ?? new Map()];
    return inodes ? [...inodes.keys()].sort((a, b) => a - b) : listPids(this.proc);
  }

  /** Known PIDs that another process has taken since the last tick: a new directory inode, and another start time. */
  private retaken(): number[] {
    const out: number[] = [];
    for (const [pid, ino] of this.inodes) {
      const was = this.previousInodes.get(pid);
      const state = this.known.get(pid);
      if (was === undefined || was === ino || !state) continue;
      let start = NaN;
      try {
        start = this.proc.startTime(pid);
      } catch {
        // gone already: read again as a new PID, it is found vanished
      }
      if (start !== state.start) out.push(pid);
    }
    return out;
  }

  /** Forgets processes no longer listed, or whose PID another took (RETAKEN): their children have another parent. */
  private dropGone(pids: number[], retaken: number[]): boolean {
    const gone = new Set(retaken);
    if (pids.length !== this.known.size || !pids.every((pid) => this.known.has(pid))) {
      const listed = new Set(pids);
      for (const pid of this.known.keys()) if (!listed.has(pid)) gone.add(pid);
    }
    if (!gone.size) return false;
    for (const pid of gone) {
      this.known.delete(pid);
      this.texts.forget(pid);
    }
    for (const [pid, state] of this.known) if (gone.has(state.ppid)) this.due.add(pid);
    return gone.size > 0;
  }

  private read(pid: number): void {
    this.texts.forget(pid);
    this.known.set(pid, readProcess(this.proc, pid, this.viewerUid, this.users));
  }

  private sweepOver(ticks: number): void {
    this.sweepLength = ticks;
    this.rereads = new Sweep(ticks * WHOLE_TURNS, this.options.youngMs ?? DEFAULT_YOUNG_MS);
    this.glances = new Sweep(ticks, 0);
  }

  /** Whether a glance at a known process finds it may have changed. */
  private glance(pid: number): boolean {
    const state = this.known.get(pid);
    return !!state && glanceChanged(this.proc, state, this.viewerUid, this.users, !this.hearing);
  }

  /** Reads a known process again; true when what a snapshot shows of it changed. */
  private reread(pid: number): boolean {
    const before = this.known.get(pid);
    if (!before) return false;
    const after = readProcess(this.proc, pid, this.viewerUid, this.users);
    this.texts.forget(pid);
    if (sameState(before, after)) return false;
    this.known.set(pid, after);
    return true;
  }

  private assemble(started: number): Snapshot {
    const states = [...this.known.values()].sort((a, b) => a.pid - b.pid);
    const processes = states.flatMap((s) => (typeof s.read === 'string' ? [] : [s.read]));
    const failed = { EACCES: 0, vanished: 0 };
    for (const s of states) if (typeof s.read === 'string') failed[s.read]++;
    const reader: BindMountReader = (mntns, members) => this.bindMounts.read(mntns, members);
    const snapshot = assemble(
      { processes, failed, fds: states.flatMap((s) => s.fds) },
      {
        // Labels read the senior processes' command lines and cgroups: read once, until the process is read again.
        proc: this.texts,
        users: this.users,
        viewerUid: this.viewerUid,
        detail: 'full',
        cgroups: new CgroupPaths(this.texts),
        relations: this.relations,
        bindMounts: reader,
        started,
        ...(this.options.probe !== undefined ? { probe: this.options.probe } : {}),
        ...(this.options.requestedBy !== undefined ? { requestedBy: this.options.requestedBy } : {}),
      },
    );
    this.bindMounts.keepOnly(snapshot);
    return snapshot;
  }
}
