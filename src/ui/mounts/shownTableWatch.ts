/**
 * The kernel's watch on the one mount table the Mounts view shows: while it holds, the
 * view reads that table again only when the kernel says it changed, not on a timer.
 */
import { MountWatch, watchMounts } from '../../core/mounts/mountWatch';
import { MountTable } from '../../core/mounts/propagation';

/**
 * How long after one call of `changed` the next may come. Each makes the view redraw, and
 * VS Code, given two redraws that drop rows in quick succession, can lose track of the rows
 * ("Data tree node not found"; see namespaceTree.ts). Mounts made by a script come ms apart.
 */
const SPACING_MS = 250;

/** How long a change waits, NOW, when the last one was passed on at LAST. */
export function delayBefore(last: number, now: number): number {
  return Math.min(SPACING_MS, Math.max(0, last + SPACING_MS - now));
}

export class ShownTableWatch {
  private readonly watch: MountWatch | undefined;
  private watched: number | undefined;
  private lastCall = 0;
  private timer: NodeJS.Timeout | undefined;

  /** CHANGED is called when the table watched changed (or the process lending it exited). */
  constructor(
    private readonly changed: () => void,
    log: { info(message: string): void; warn(message: string): void },
    start: () => MountWatch = watchMounts,
  ) {
    try {
      this.watch = start();
      const { kind, why } = this.watch.method;
      log.info(`mounts: tables watched through ${kind}${why ? ` (${why})` : ''}`);
      this.watch.onChange((mntns) => {
        if (this.watched !== undefined && mntns.includes(this.watched)) this.changedSoon();
      });
    } catch (err) {
      log.warn(`mounts: tables are read on the refresh timer: ${(err as Error).message}`);
    }
  }

  /** Whether the table shown is watched: then no timer is needed. */
  get watching(): boolean {
    return this.watched !== undefined;
  }

  /** Watches TABLE, read through a process of its namespace; with none, watches nothing (and holds nothing open). */
  follow(table: MountTable | undefined): void {
    if (!this.watch) return;
    const target = table?.ns != null && table.pid !== undefined ? { ns: table.ns, pid: table.pid } : undefined;
    this.watched = target?.ns;
    this.watch.watch(target ? new Map([[target.ns, target.pid]]) : new Map());
  }

  dispose(): void {
    this.watched = undefined;
    clearTimeout(this.timer);
    this.watch?.close();
  }

  /** At once, or SPACING_MS after the last call; changes meanwhile go with that one. */
  private changedSoon(): void {
    if (this.timer) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.lastCall = Date.now();
        if (this.watched !== undefined) this.changed();
      },
      delayBefore(this.lastCall, Date.now()),
    );
  }
}
