/**
 * The nsfs bind mounts of each mount namespace (`ip netns add`, `unshare --net=FILE`),
 * read once and again only when the namespace's table changed. A watch tells which
 * tables changed; without one, every table is read at every tick and compared.
 */
import { BindMountReader, readBindMounts } from '../discovery/assemble';
import { ProcSource } from '../linux/procfs';
import { Mount } from '../mounts/mountinfo';
import { Snapshot } from '../model/snapshot';

/** What the engine needs of a mount table watch (../mounts/mountWatch). */
export interface MountTablesWatch {
  /** Watches these mount namespaces (inode → a PID in it), and no others. */
  watch(tables: ReadonlyMap<number, number>): void;
  onChange(listener: (mntns: number[]) => void): void;
  close(): void;
}

interface Seen {
  reader: number;
  mounts: readonly Mount[];
}

export class BindMountCache {
  private readonly seen = new Map<number, Seen>();
  private readonly changed = new Set<number>();
  private readonly read0: BindMountReader;
  /** Each watched namespace's first member, as the last snapshot had them. */
  private readers = new Map<number, number>();

  constructor(
    proc: ProcSource,
    private readonly watch: MountTablesWatch | undefined,
    wake: () => void = () => undefined,
  ) {
    this.read0 = readBindMounts(proc);
    watch?.onChange((mntns) => {
      for (const ns of mntns) this.changed.add(ns);
      wake();
    });
  }

  /** Reads again the tables that changed (every table, without a watch); true when one now shows other bind mounts. */
  takeChanged(): boolean {
    const stale = this.watch ? [...this.changed].filter((ns) => this.readers.has(ns)) : [...this.readers.keys()];
    this.changed.clear();
    let differs = false;
    for (const ns of stale) {
      const before = this.seen.get(ns);
      const after = this.read0(ns, [this.readers.get(ns)!]);
      if (after) this.seen.set(ns, after);
      else this.seen.delete(ns); // its member exited: the tick finds that out
      if (JSON.stringify(before) !== JSON.stringify(after)) differs = true;
    }
    return differs;
  }

  read(mntns: number, members: readonly number[]): Seen | undefined {
    const known = this.seen.get(mntns);
    if (known && known.reader === members[0]) return known;
    const fresh = this.read0(mntns, members);
    if (fresh) this.seen.set(mntns, fresh);
    else this.seen.delete(mntns);
    return fresh;
  }

  /** Forgets the namespaces SNAPSHOT no longer has members in, and watches those it has. */
  keepOnly(snapshot: Snapshot): void {
    this.readers = new Map();
    for (const n of snapshot.namespaces) if (n.type === 'mnt' && n.pid !== null) this.readers.set(n.ns, n.pid);
    for (const ns of this.seen.keys()) if (!this.readers.has(ns)) this.seen.delete(ns);
    this.watch?.watch(this.readers);
  }

  close(): void {
    this.watch?.close();
  }
}
