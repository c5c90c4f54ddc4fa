/**
 * Runs the live engine: a tick every `intervalMs`, and one soon after a watch says that
 * something changed between ticks. Each tick that changed the snapshot is handed on.
 * One tick at a time, on the caller's thread.
 */
import { LiveDiscovery, LiveOptions, TickResult } from './liveDiscovery';

/** A wake-up tick waits this long, so that a burst of changes (a container starting) is read once. */
const SETTLE_MS = 15;

export class LiveLoop {
  readonly engine: LiveDiscovery;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    options: Omit<LiveOptions, 'wake'>,
    private readonly intervalMs: number,
    private readonly onTick: (result: TickResult) => void,
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

  private run(): void {
    this.timer = undefined;
    if (this.stopped) return;
    try {
      this.onTick(this.engine.tick());
    } catch (err) {
      this.onError(err);
    }
    this.schedule(this.intervalMs);
  }

  /** Arms the next tick for DELAY ms from now, unless one is due sooner. */
  private schedule(delay: number): void {
    if (this.stopped) return;
    const at = Date.now() + delay;
    if (this.timer && this.dueAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.dueAt = at;
    this.timer = setTimeout(() => this.run(), delay);
  }

  private dueAt = 0;
}
