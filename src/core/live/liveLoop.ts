/**
 * Runs the live engine: a tick every `intervalMs`, and one soon after a watch says that
 * something changed between ticks. Each tick is handed on, with how long it ran; the next
 * waits until its handling is done. Ticks never take more than a tenth of the time: one
 * that ran 40 ms is followed by at least 400 ms of rest.
 */
import { LiveDiscovery, LiveOptions, TickResult } from './liveDiscovery';

/** A wake-up tick waits this long, so that a burst of changes (a container starting) is read once. */
const SETTLE_MS = 15;
/** Rest after a tick, as a multiple of how long it ran. */
const MAX_SHARE = 10;

export class LiveLoop {
  readonly engine: LiveDiscovery;
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
    options: Omit<LiveOptions, 'wake'>,
    private readonly intervalMs: number,
    private readonly onTick: (result: TickResult, ranMs: number) => void | Promise<void>,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {
    this.engine = new LiveDiscovery({ ...options, wake: () => this.schedule(SETTLE_MS) });
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
    this.engine.close();
  }

  private async run(): Promise<void> {
    this.timer = undefined;
    if (this.stopped) return;
    if (this.running) return void (this.again = true);
    this.running = true;
    this.again = false;
    const started = performance.now();
    try {
      const result = this.engine.tick();
      this.lastRan = performance.now() - started;
      await this.onTick(result, Math.round(this.lastRan));
    } catch (err) {
      this.onError(err);
    } finally {
      this.running = false;
      this.lastEnd = Date.now();
    }
    this.schedule(this.again ? SETTLE_MS : this.intervalMs);
  }

  /** Arms the next tick for DELAY ms from now (or after the rest the last tick needs), unless one is due sooner. */
  private schedule(delay: number): void {
    if (this.stopped) return;
    const at = Math.max(Date.now() + delay, this.lastEnd + this.lastRan * MAX_SHARE);
    if (this.timer && this.dueAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => void this.run(), at - Date.now());
  }
}
