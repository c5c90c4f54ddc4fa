/**
 * When to scan again: on demand, and every `interval` ms while the view is visible —
 * never while hidden, never two scans at once (a request during a scan runs once after it).
 */
import * as vscode from 'vscode';

export class RefreshManager implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private visible = false;

  constructor(
    private readonly refresh: () => Promise<void>,
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
          await this.refresh();
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

  private arm(): void {
    this.cancelTimer();
    const ms = this.interval();
    if (this.visible && ms > 0) this.timer = setTimeout(() => void this.trigger(), ms);
  }

  private cancelTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
