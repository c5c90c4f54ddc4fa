/**
 * Runs the live engine: a tick every `intervalMs`, and one soon after a watch says that
 * something changed between ticks. Each tick is handed on, with how long it ran; the next
 * waits until its handling is done. Ticks never take more than a tenth of the time: one
 * that ran (and was handled in) 40 ms is followed by at least 400 ms of rest.
 */
import { FdPoller } from '../linux/fdPoller';
import { MountWatch, watchMounts } from '../mounts/mountWatch';
import { LiveDiscovery, LiveOptions, TickResult } from './liveDiscovery';
import { Listening, listenToProcesses } from './processEvents';

export interface LoopOptions extends Omit<LiveOptions, 'wake' | 'mounts'> {
  /**
   * Wait for the kernel's events (default true): changed mount tables, and as root
   * processes starting, exec'ing and ending. Without them, ticks find the same changes.
   */
  kernelEvents?: boolean;
}

/** A wake-up tick waits this long, so that a burst of changes (a container starting) is read once. */
const SETTLE_MS = 15;
/**
 * Nor does it come sooner than this after the last tick: on a busy machine (a build
 * starting processes all the time) the events would otherwise have the engine tick
 * without rest. A change is still drawn well within a second.
 */
const WAKE_GAP_MS = 250;
/** Rest after a tick, as a multiple of how long it ran. */
const MAX_SHARE = 10;

export class LiveLoop {
  readonly engine: LiveDiscovery;
  /** The watch on mount tables, when there is one (`nsx watch --mounts` listens to it too). */
  readonly mounts: MountWatch | undefined;
  private readonly poller: FdPoller | undefined;
  private readonly listening: Listening | undefined;
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  private stopped = false;
  private running = false;
  /** A tick came due while one ran: run another as soon as it ends. */
  private again = false;
  /** When the last tick ended, and how long it ran. */
  private lastEnd = 0;
  private lastRan = 0;

  constructor(
    { kernelEvents = true, ...options }: LoopOptions,
    private readonly intervalMs: number,
    private readonly onTick: (result: TickResult, ranMs: number) => void | Promise<void>,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    const wake = () => this.schedule(SETTLE_MS, WAKE_GAP_MS);
    if (kernelEvents) {
      this.poller = new FdPoller();
      this.mounts = startMountWatch(options.proc?.procRoot, this.poller);
    }
    this.engine = new LiveDiscovery({ ...options, wake, ...(this.mounts ? { mounts: this.mounts } : {}) });
    // Only root may hear the kernel's process events; without them, ticks find the same changes.
    const root = (options.viewerUid ?? process.geteuid?.()) === 0;
    const listening = this.poller && root ? listenToProcesses(this.poller, this.engine, wake) : undefined;
    if (listening && !('error' in listening)) this.listening = listening;
  }

  /** Ticks now, then on every interval until stopped. */
  start(): void {
    this.stopped = false;
    this.run();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listening?.close();
    this.engine.close();
    this.poller?.close();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    if (this.running) return void (this.again = true);
    this.running = true;
    this.again = false;
    const started = performance.now();
    const first = this.engine.current() === undefined;
    try {
      const result = this.engine.tick();
      await this.onTick(result, Math.round(performance.now() - started));
    } catch (err) {
      this.onError(err);
    } finally {
      this.running = false;
      this.lastEnd = Date.now();
      // What handling a tick costs counts too; the first tick is a full scan, once.
      this.lastRan = first ? 0 : performance.now() - started;
    }
    if (this.again) this.schedule(SETTLE_MS, WAKE_GAP_MS);
    else this.schedule(this.intervalMs);
  }

  /**
   * Arms the next tick for DELAY ms from now, or GAP ms after the last one ended, or after
   * the rest the last tick needs, whichever is latest; unless one is due sooner.
   */
  private schedule(delay: number, gap = 0): void {
    if (this.stopped) return;
    const at = Math.max(Date.now() + delay, this.lastEnd + gap, this.lastEnd + this.lastRan * MAX_SHARE);
    if (this.timer && this.dueAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => void this.run(), at - Date.now());
  }
}

/** The kernel's watch on mount tables, or none where it cannot start (every table is then read at each tick). */
function startMountWatch(procRoot: string | undefined, poller: FdPoller): MountWatch | undefined {
  try {
    return watchMounts(procRoot, { poller });
  } catch {
    return undefined;
  }
}
