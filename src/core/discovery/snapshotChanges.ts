/**
 * A snapshot crossing from the discovery worker to its caller as a change to the last one
 * sent. Most of a snapshot is its lists of processes, namespaces (each with every holder)
 * and containers, and a tick changes few of their records: sending them all made every
 * snapshot cost the caller's thread a copy of megabytes, and the garbage of the last.
 * Each list goes as the keys of its records in order, and the records new or changed.
 */
import type { ContainerRecord } from '../containers/types';
import type { NamespaceRecord, ProcessRecord, Snapshot } from '../model/snapshot';

/** A list as sent: every record's key, in order, and the records the other side lacks. */
export interface ListChanges<T> {
  keys: (number | string)[];
  changed: T[];
}

type Lists = 'processes' | 'namespaces' | 'containers';

/** A snapshot as sent: whole (the first, and after a restart), or with its lists as changes. */
export type SentSnapshot =
  | Snapshot
  | (Omit<Snapshot, Lists> & {
      changes: {
        processes: ListChanges<ProcessRecord>;
        namespaces: ListChanges<NamespaceRecord>;
        containers?: ListChanges<ContainerRecord>;
      };
    });

/**
 * One list's records as last sent. The live engine keeps a process's record as the same
 * object while nothing in it changes, so processes are compared by identity; namespaces
 * and containers are put together again at each tick, and are compared as JSON.
 */
class SentList<T> {
  private sent = new Map<number | string, unknown>();

  constructor(
    private readonly keyOf: (record: T) => number | string,
    private readonly sameness: (record: T) => unknown,
  ) {}

  changes(records: T[]): ListChanges<T> {
    const now = new Map<number | string, unknown>();
    const changed: T[] = [];
    for (const record of records) {
      const key = this.keyOf(record);
      const same = this.sameness(record);
      if (this.sent.get(key) !== same) changed.push(record);
      now.set(key, same);
    }
    this.sent = now;
    return { keys: [...now.keys()], changed };
  }
}

/** The worker's side: each snapshot against the last it sent. */
export class SnapshotSender {
  private started = false;
  private readonly processes = new SentList<ProcessRecord>(
    (p) => p.pid,
    (p) => p,
  );
  private readonly namespaces = new SentList<NamespaceRecord>(
    (n) => n.ns,
    (n) => JSON.stringify(n),
  );
  private readonly containers = new SentList<ContainerRecord>(
    (c) => c.key,
    (c) => JSON.stringify(c),
  );

  encode(snapshot: Snapshot): SentSnapshot {
    const { processes, namespaces, containers, ...rest } = snapshot;
    const changes = {
      processes: this.processes.changes(processes),
      namespaces: this.namespaces.changes(namespaces),
      ...(containers ? { containers: this.containers.changes(containers) } : {}),
    };
    if (this.started) return { ...rest, changes };
    this.started = true;
    return snapshot;
  }
}

/** The caller's side: the whole snapshot again, from the last one received and the changes. */
export class SnapshotReceiver {
  private readonly processes = new ReceivedList<ProcessRecord>((p) => p.pid);
  private readonly namespaces = new ReceivedList<NamespaceRecord>((n) => n.ns);
  private readonly containers = new ReceivedList<ContainerRecord>((c) => c.key);

  decode(sent: SentSnapshot): Snapshot {
    if (!('changes' in sent)) {
      this.processes.reset(sent.processes);
      this.namespaces.reset(sent.namespaces);
      this.containers.reset(sent.containers ?? []);
      return sent;
    }
    const { changes, ...rest } = sent;
    return {
      ...rest,
      processes: this.processes.apply(changes.processes),
      namespaces: this.namespaces.apply(changes.namespaces),
      ...(changes.containers ? { containers: this.containers.apply(changes.containers) } : {}),
    };
  }
}

class ReceivedList<T> {
  private records = new Map<number | string, T>();

  constructor(private readonly keyOf: (record: T) => number | string) {}

  reset(records: T[]): void {
    this.records = new Map(records.map((r) => [this.keyOf(r), r]));
  }

  apply({ keys, changed }: ListChanges<T>): T[] {
    for (const record of changed) this.records.set(this.keyOf(record), record);
    const list = keys.map((key) => this.records.get(key)!);
    this.reset(list);
    return list;
  }
}
