/**
 * What is inside the namespaces the tree shows, for its rows and the Details panel: root's
 * answer when the tree shows root's scan (it carries the details of every namespace, one
 * password prompt for all), else read with the editor's own rights when first asked for.
 * Requests made together are read together, so root enters them from one thread.
 */
import * as vscode from 'vscode';
import { NamespaceDetails } from '../../core/details/types';
import { NamespaceRecord, Snapshot } from '../../core/model/snapshot';

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
  private readonly readings = new Map<number, Reading>();
  /** The namespaces of the current snapshot, by inode. */
  private records = new Map<number, NamespaceRecord>();
  /** Brief readings under way for the rows (see glance), apart from the full ones. */
  private readonly briefCache = new Map<number, Promise<NamespaceDetails>>();
  private batch: Asked[] = [];
  private readonly read = new vscode.EventEmitter<number[]>();
  /** Fires with the inodes whose details have just been read. */
  readonly onDidRead = this.read.event;

  constructor(private readonly reader: DetailsReader) {}

  /** A new snapshot: what was read belongs to the old one, and is read again when asked. */
  update(snapshot: Snapshot): void {
    this.snapshot = snapshot;
    this.records = new Map(snapshot.namespaces.map((n) => [n.ns, n]));
    this.cache.clear();
    this.briefCache.clear();
  }

  /** Read again when next asked (the user refreshed). */
  forget(ino?: number): void {
    if (ino === undefined) {
      this.cache.clear();
      this.briefCache.clear();
      this.readings.clear();
    } else {
      this.cache.delete(ino);
      this.briefCache.delete(ino);
      this.readings.delete(ino);
    }
  }

  /**
   * What a row shows of namespace INO: the latest reading, full or brief, and a new brief
   * one asked for (not waited for) when the namespace's record changed since (who is in it,
   * what holds it). A snapshot comes whenever a process starts anywhere: the rows of
   * namespaces it did not touch are not read again (Refresh reads them all). A brief
   * reading of a net namespace leaves out sockets and firewall, which root reads by running
   * nft inside it: a row's reading must not start processes, each a snapshot of its own.
   */
  glance(ino: number): NamespaceDetails | undefined {
    const known = this.snapshot?.details?.[ino];
    if (known) return known;
    const reading = this.readings.get(ino);
    const current =
      reading && (reading.snapshot === this.snapshot || reading.record === recordKey(this.records.get(ino)));
    if (!current && !this.cache.has(ino)) void this.ask(ino, true).catch(() => undefined);
    return reading?.details;
  }

  get(ino: number): Promise<NamespaceDetails> {
    const known = this.snapshot?.details?.[ino];
    if (known) return Promise.resolve(known);
    return this.ask(ino, false);
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

  private ask(ino: number, brief: boolean): Promise<NamespaceDetails> {
    const cache = brief ? this.briefCache : this.cache;
    let pending = cache.get(ino);
    if (!pending) {
      pending = new Promise<NamespaceDetails>((resolve, reject) => {
        if (!this.batch.length) setImmediate(() => void this.flush());
        this.batch.push({ ino, brief, resolve, reject });
      });
      cache.set(ino, pending);
      // A failure is not kept: the next ask reads again.
      pending.catch(() => cache.delete(ino));
    }
    return pending;
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
    const full = batch.filter((b) => !b.brief);
    const brief = batch.filter((b) => b.brief);
    await Promise.all([this.readBatch(full, false, snapshot), this.readBatch(brief, true, snapshot)]);
  }

  private async readBatch(batch: Asked[], brief: boolean, snapshot: Snapshot): Promise<void> {
    if (!batch.length) return;
    try {
      const details = await this.reader(
        batch.map((b) => b.ino),
        brief,
      );
      const stale = this.snapshot !== snapshot;
      const read: number[] = [];
      for (const [i, b] of batch.entries()) {
        const d = details[i]!;
        if ('error' in d) {
          b.reject(new Error(d.error));
          continue;
        }
        // A brief reading does not replace a full one of the same snapshot.
        const kept = this.readings.get(b.ino);
        if (!stale && !(brief && kept?.snapshot === snapshot))
          this.readings.set(b.ino, { details: d, snapshot, record: recordKey(this.records.get(b.ino)) });
        read.push(b.ino);
        b.resolve(d);
      }
      if (!stale && read.length) this.read.fire(read);
    } catch (err) {
      for (const b of batch) b.reject(err as Error);
    }
  }
}

interface Reading {
  details: NamespaceDetails;
  /** The snapshot it was read for, and the namespace's record in it. */
  snapshot: Snapshot;
  record: string;
}

function recordKey(record: NamespaceRecord | undefined): string {
  return JSON.stringify(record ?? null);
}

interface Asked {
  ino: number;
  /** For a row: net namespaces without sockets and firewall (DetailsReader's topology). */
  brief: boolean;
  resolve: (d: NamespaceDetails) => void;
  reject: (e: Error) => void;
}
