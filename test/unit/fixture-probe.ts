/**
 * A HierarchyProbe that replays a fixture's hierarchy.json (written by
 * test/fixtures/capture.ts from the real kernel probe, or by hand) instead of asking the
 * kernel, plus the helpers the unit tests share to open fixture trees.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HierarchyProbe, NsRelations } from '../../src/core/linux/nsfs';
import { ProcSource } from '../../src/core/linux/procfs';
import type { NsType } from '../../src/core/model/snapshot';

export const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

/** `{ "<inode>": { type, pns, ons, ownerUid? } }` */
export type HierarchyJson = Record<string, NsRelations>;

export function readHierarchy(fixtureDir: string): HierarchyJson {
  return JSON.parse(fs.readFileSync(path.join(fixtureDir, 'hierarchy.json'), 'utf8')) as HierarchyJson;
}

export interface ProbeCall {
  path: string;
  type: NsType;
  ino: number;
}

export class FixtureProbe implements HierarchyProbe {
  /** Every probe() call, in order, for tests that check what discovery asked. */
  readonly calls: ProbeCall[] = [];

  /**
   * @param hierarchy relations by inode
   * @param fail inodes whose probe throws, as when the holder's nsfs file cannot be opened
   */
  constructor(
    private readonly hierarchy: HierarchyJson,
    private readonly fail: ReadonlySet<number> = new Set(),
  ) {}

  static of(fixtureDir: string, fail?: ReadonlySet<number>): FixtureProbe {
    return new FixtureProbe(readHierarchy(fixtureDir), fail);
  }

  probe(nsPath: string, type: NsType, ino: number, known: Map<number, NsRelations>): void {
    this.calls.push({ path: nsPath, type, ino });
    if (this.fail.has(ino))
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${nsPath}'`), { code: 'ENOENT' });
    if (known.has(ino)) return;
    if (!this.hierarchy[ino]) {
      throw Object.assign(new Error(`${ino} is not in the fixture's hierarchy.json`), { code: 'ENOENT' });
    }
    // Walk up owners and parents as the kernel probe does; an inode already known stops a branch.
    const pending = [ino];
    while (pending.length) {
      const at = pending.pop()!;
      if (known.has(at)) continue;
      const rel = this.hierarchy[at];
      if (!rel) continue; // above what the capture could see
      const copy: NsRelations = { type: rel.type, pns: rel.pns, ons: rel.ons };
      if (rel.ownerUid !== undefined) copy.ownerUid = rel.ownerUid;
      known.set(at, copy);
      if (rel.ons !== null) pending.push(rel.ons);
      if (rel.pns !== null) pending.push(rel.pns);
    }
  }
}

/** A ProcSource on test/fixtures/<name>/{proc,etc/passwd}. */
export function fixtureSource(name: string): ProcSource {
  const dir = path.join(FIXTURES, name);
  return new ProcSource(path.join(dir, 'proc'), path.join(dir, 'etc', 'passwd'));
}

/** The kernel's fixed inodes of the initial namespaces, written out independently of the engine's table. */
export const HOST: Readonly<Record<NsType, number>> = {
  cgroup: 4026531835,
  ipc: 4026531839,
  mnt: 4026531832,
  net: 4026531833,
  pid: 4026531836,
  time: 4026531834,
  user: 4026531837,
  uts: 4026531838,
};
