/**
 * When to scan again: on demand, and every `interval` ms while the view is visible —
 * never while hidden, never two scans at once (a request during a scan runs once after it),
 * and never more often than ten times the last scan took, so that a machine where a scan
 * is slow spends at most a tenth of a core on it.
 */
import type * as vscode from 'vscode';

const MAX_SHARE = 10;

export class RefreshManager implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private visible = false;
  private lastDuration = 0;

  constructor(
    /** Resolves with how long the scan took, where it also waited for its turn; else with nothing. */
    private readonly refresh: () => Promise<number | void>,
    private readonly interval: () => number,
  ) {}

  setVisible(visible: boolean): void {
    this.visible = visible;
    if (visible) void this.trigger();
    else this.cancelTimer();
  }

  /** Scans now (or right after the scan under way), then re-arms the timer. */
  trigger(): Promise<void> {
    this.cancelTimer();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const started = Date.now();
          const took = await this.refresh();
          this.lastDuration = typeof took === 'number' ? took : Date.now() - started;
        } while (this.again);
      } finally {
        this.running = undefined;
        this.arm();
      }
    })();
    return this.running;
  }

  /** The interval setting changed. */
  reschedule(): void {
    if (!this.running) this.arm();
  }

  dispose(): void {
    this.cancelTimer();
    this.visible = false;
  }

  /** The delay before the next automatic scan; 0 when there is none. */
  nextDelay(): number {
    const ms = this.interval();
    return this.visible && ms > 0 ? Math.max(ms, this.lastDuration * MAX_SHARE) : 0;
  }

  private arm(): void {
    this.cancelTimer();
    const ms = this.nextDelay();
    if (ms > 0) this.timer = setTimeout(() => void this.trigger(), ms);
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
