/**
 * What is inside the namespaces the tree shows, for its rows and the Details panel: root's
 * answer when the tree shows root's scan (it carries the details of every namespace, one
 * password prompt for all), else read with the editor's own rights when first asked for.
 * Requests made together are read together, so root enters them from one thread.
 */
import * as vscode from 'vscode';
import { NamespaceDetails } from '../../core/details/types';
import { Snapshot } from '../../core/model/snapshot';

/** Reads the details of namespaces of the editor's own last scan, off the extension host's thread. */
export type DetailsReader = (inos: number[], topology?: boolean) => Promise<(NamespaceDetails | { error: string })[]>;

const ROOT_LACKS = "root's scan did not bring what is inside this namespace: Refresh scans again";

export class DetailsSource implements vscode.Disposable {
  private snapshot: Snapshot | undefined;
  private readonly cache = new Map<number, Promise<NamespaceDetails>>();
  /**
   * The last reading of each namespace and the snapshot it was read for: one of an earlier
   * snapshot is shown until the new reading comes.
   */
  private readonly readings = new Map<number, { details: NamespaceDetails; snapshot: Snapshot }>();
  private batch: { ino: number; resolve: (d: NamespaceDetails) => void; reject: (e: Error) => void }[] = [];
  private readonly read = new vscode.EventEmitter<number[]>();
  /** Fires with the inodes whose details have just been read. */
  readonly onDidRead = this.read.event;

  constructor(private readonly reader: DetailsReader) {}

  /** A new snapshot: what was read belongs to the old one, and is read again when asked. */
  update(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.cache.clear();
  }

  /** Read again when next asked (the user refreshed). */
  forget(ino?: number): void {
    if (ino === undefined) {
      this.cache.clear();
      this.readings.clear();
    } else {
      this.cache.delete(ino);
      this.readings.delete(ino);
    }
  }

  /** What is known now, without reading; not fresh when it was read for an earlier snapshot. */
  peek(ino: number): { details: NamespaceDetails; fresh: boolean } | undefined {
    const known = this.snapshot?.details?.[ino];
    if (known) return { details: known, fresh: true };
    const reading = this.readings.get(ino);
    return reading && { details: reading.details, fresh: reading.snapshot === this.snapshot };
  }

  get(ino: number): Promise<NamespaceDetails> {
    const known = this.snapshot?.details?.[ino];
    if (known) return Promise.resolve(known);
    let pending = this.cache.get(ino);
    if (!pending) {
      pending = new Promise<NamespaceDetails>((resolve, reject) => {
        if (!this.batch.length) setImmediate(() => void this.flush());
        this.batch.push({ ino, resolve, reject });
      });
      this.cache.set(ino, pending);
      // A failure is not kept: the next ask reads again.
      pending.catch(() => this.cache.delete(ino));
    }
    return pending;
  }

  /**
   * What the network map draws of the net namespaces INOS (NetDetails.topology), read in one
   * request and kept apart from the cache: the tree and the Details panel want all of it.
   * Root's scan carries full details, which are given instead.
   */
  async topology(inos: number[]): Promise<(NamespaceDetails | { error: string })[]> {
    const snapshot = this.snapshot;
    if (!snapshot) return inos.map(() => ({ error: 'the namespaces are still being scanned' }));
    if (snapshot.details || snapshot.scanner.uid !== process.geteuid?.())
      return inos.map((ino) => snapshot.details?.[ino] ?? { error: ROOT_LACKS });
    return this.reader(inos, true);
  }

  dispose(): void {
    this.read.dispose();
  }

  private async flush(): Promise<void> {
    const batch = this.batch;
    this.batch = [];
    const snapshot = this.snapshot;
    if (!snapshot) return batch.forEach((b) => b.reject(new Error('the namespaces are still being scanned')));
    // Root's scan carries its own details; what it lacks cannot be read with the editor's rights.
    if (snapshot.scanner.uid !== process.geteuid?.()) {
      return batch.forEach((b) => b.reject(new Error(ROOT_LACKS)));
    }
    try {
      const details = await this.reader(batch.map((b) => b.ino));
      const stale = this.snapshot !== snapshot;
      const read: number[] = [];
      for (const [i, b] of batch.entries()) {
        const d = details[i]!;
        if ('error' in d) {
          b.reject(new Error(d.error));
          continue;
        }
        if (!stale) this.readings.set(b.ino, { details: d, snapshot });
        read.push(b.ino);
        b.resolve(d);
      }
      if (!stale && read.length) this.read.fire(read);
    } catch (err) {
      for (const b of batch) b.reject(err as Error);
    }
  }
}
