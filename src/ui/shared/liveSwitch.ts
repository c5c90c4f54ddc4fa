/**
 * When the live engine runs: while its view is visible, automatic refresh is not off
 * (interval 0), and no snapshot of root's is shown in its place (each elevated scan is
 * asked for, never repeated behind the user's back). With automatic refresh off, a view
 * that is shown scans once.
 */
import type * as vscode from 'vscode';

export interface LiveControls {
  start(intervalMs: number): void;
  stop(): void;
  once(): void;
  /** The interval setting, in ms; 0 or less for no automatic refresh. */
  interval(): number;
}

export class LiveSwitch implements vscode.Disposable {
  private visible = false;
  private paused = false;
  /** The interval it runs at; 0 when it does not run. */
  private runningAt = 0;

  constructor(private readonly controls: LiveControls) {}

  setVisible(visible: boolean): void {
    this.visible = visible;
    this.apply();
    if (visible && !this.paused && this.runningAt === 0) this.controls.once();
  }

  /** Root's snapshot is shown (true) or the user's again (false). */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.apply();
  }

  /** The interval setting changed. */
  reschedule(): void {
    this.apply();
  }

  dispose(): void {
    this.visible = false;
    this.apply();
  }

  private apply(): void {
    const ms = this.visible && !this.paused ? Math.max(0, this.controls.interval()) : 0;
    if (ms === this.runningAt) return;
    this.runningAt = ms;
    if (ms > 0) this.controls.start(ms);
    else this.controls.stop();
  }
}
