/**
 * The kernel's watch on the one mount table the Mounts view shows: while it holds, the
 * view reads that table again only when the kernel says it changed, not on a timer.
 */
import { MountWatch, watchMounts } from '../../core/mounts/mountWatch';
import { MountTable } from '../../core/mounts/propagation';

export class ShownTableWatch {
  private readonly watch: MountWatch | undefined;
  private watched: number | undefined;

  /** CHANGED is called when the table watched changed (or the process lending it exited). */
  constructor(
    changed: () => void,
    log: { info(message: string): void; warn(message: string): void },
    start: () => MountWatch = watchMounts,
  ) {
    try {
      this.watch = start();
      const { kind, why } = this.watch.method;
      log.info(`mounts: tables watched through ${kind}${why ? ` (${why})` : ''}`);
      this.watch.onChange((mntns) => {
        if (this.watched !== undefined && mntns.includes(this.watched)) changed();
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
    this.watch?.close();
  }
}
