/** What every rule looks up: namespaces by inode, the host's of each type, who can be seen. */
import type { NamespaceRecord, NsType, Snapshot } from '../model/snapshot';
import type { FindingFacts } from './facts';

export class FindingScope {
  private readonly byIno = new Map<number, NamespaceRecord>();
  private readonly hosts = new Map<NsType, NamespaceRecord>();
  private inits: Map<number, number> | undefined;

  constructor(
    readonly snapshot: Snapshot,
    readonly facts: FindingFacts,
  ) {
    for (const n of snapshot.namespaces) {
      this.byIno.set(n.ns, n);
      if (n.label === 'host') this.hosts.set(n.type, n);
    }
  }

  namespace(ino: number | null | undefined): NamespaceRecord | undefined {
    return ino === null || ino === undefined ? undefined : this.byIno.get(ino);
  }

  /** The initial namespace of a type, as discovery labelled it. */
  host(type: NsType): NamespaceRecord | undefined {
    return this.hosts.get(type);
  }

  isHost(n: NamespaceRecord): boolean {
    return this.hosts.get(n.type) === n;
  }

  /**
   * Whether every process in N would be in the snapshot: root sees all; an ordinary user
   * misses other users' processes, except in namespaces of a user namespace of their own,
   * which others' processes rarely enter.
   */
  seesAllMembers(n: NamespaceRecord): boolean {
    const s = this.snapshot;
    if (s.scanner.uid === 0 || s.hidden.total === 0) return true;
    const owner = n.type === 'user' ? n : this.namespace(n.ons);
    return owner !== undefined && !this.isHost(owner) && owner.ownerUid === s.scanner.uid;
  }

  /** The user namespace N lies in, climbing owners (N itself for a user namespace). */
  ownerChain(n: NamespaceRecord): NamespaceRecord[] {
    const chain: NamespaceRecord[] = [];
    let at = n.type === 'user' ? n : this.namespace(n.ons);
    while (at && !chain.includes(at)) {
      chain.push(at);
      at = this.namespace(at.pns);
    }
    return chain;
  }

  /** How deep a PID namespace is nested: 0 for the initial one; null when its ancestry is not known. */
  pidLevel(n: NamespaceRecord): number | null {
    let level = 0;
    let at: NamespaceRecord | undefined = n;
    while (at && !this.isHost(at)) {
      if (level > 32) return null;
      at = this.namespace(at.pns);
      level++;
    }
    return at ? level : null;
  }

  /** PID namespace → the host PID of its PID 1, for those whose PID 1 is in the snapshot. */
  pidInits(): Map<number, number> {
    if (!this.inits) {
      this.inits = new Map();
      for (const p of this.snapshot.processes)
        if (p.ns.pid !== undefined && p.nspid.at(-1) === 1) this.inits.set(p.ns.pid, p.pid);
    }
    return this.inits;
  }
}
