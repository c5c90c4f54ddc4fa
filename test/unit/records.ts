/** Snapshot records for tests that build a snapshot by hand. */
import { NamespaceRecord, NsType, ProcessRecord } from '../../src/core/snapshot';
import { HOST } from './fixture-probe';

/** A namespace whose senior member is the first of `members`, owned by the host user namespace. */
export function nsRecord(ino: number, type: NsType, members: ProcessRecord[], extra: Partial<NamespaceRecord> = {}): NamespaceRecord {
  const senior = members[0];
  return {
    ns: ino,
    type,
    nprocs: members.length,
    pid: senior?.pid ?? null,
    ppid: senior?.ppid ?? null,
    command: senior?.command ?? null,
    uid: senior?.uid ?? null,
    user: senior?.user ?? null,
    pns: null,
    ons: type === 'user' ? null : HOST.user,
    nsfs: [],
    holders: members.map((p) => ({ kind: 'process' as const, pid: p.pid })),
    label: null,
    ghost: false,
    ...extra,
  };
}
