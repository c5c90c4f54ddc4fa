/**
 * What the kernel said of each namespace's parent and owner, kept from one snapshot of the
 * live engine to the next: they are fixed when a namespace is made, so only namespaces new
 * since the last snapshot are asked about. A namespace counts as the same one while it kept
 * a holder: its inode alone could be a new namespace's, since the kernel hands freed inodes
 * out again.
 */
import type { NsRelations } from '../linux/nsfs';
import { Holder, holderFile, NsType } from '../model/snapshot';

/** A namespace of the snapshot being put together: its type and what holds it. */
export interface HeldNamespace {
  type: NsType;
  holders: readonly Holder[];
}

export class RelationMemory {
  private relations = new Map<number, NsRelations>();
  private holders = new Map<number, Set<string>>();

  /**
   * The relations known of NAMESPACES: of each one that kept a holder and its type since the
   * last snapshot, and of the namespaces above it (its parents and owners do not change).
   */
  known(namespaces: ReadonlyMap<number, HeldNamespace>): Map<number, NsRelations> {
    const known = new Map<number, NsRelations>();
    const add = (ino: number | null) => {
      const rel = ino === null || known.has(ino) ? undefined : this.relations.get(ino);
      if (!rel) return;
      known.set(ino!, rel);
      add(rel.ons);
      add(rel.pns);
    };
    for (const [ino, ns] of namespaces) {
      const before = this.holders.get(ino);
      if (before && this.relations.get(ino)?.type === ns.type && ns.holders.some((h) => before.has(key(h, ns.type))))
        add(ino);
    }
    return known;
  }

  /**
   * Remembers what the kernel said of the namespaces of this snapshot, for the next; of
   * each one's holders, the first few (its senior members): a namespace that loses them
   * all is only asked about again.
   */
  keep(namespaces: ReadonlyMap<number, HeldNamespace>, relations: ReadonlyMap<number, NsRelations>): void {
    this.relations = new Map(relations);
    this.holders = new Map(
      [...namespaces].map(([ino, ns]) => [ino, new Set(ns.holders.slice(0, HOLDERS_KEPT).map((h) => key(h, ns.type)))]),
    );
  }
}

/** Holders kept per namespace: the host's have thousands, and one in common is enough. */
const HOLDERS_KEPT = 3;

function key(h: Holder, type: NsType): string {
  return h.kind === 'bindmount' ? `${h.mntns}:${h.path}` : holderFile(h, type);
}
