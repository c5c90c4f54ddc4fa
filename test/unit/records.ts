/** Snapshot records for tests that build a snapshot by hand. */
import type { NetDetails, NetInterface } from '../../src/core/details/types';
import { NamespaceRecord, NsType, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { HOST } from './fixture-probe';

/** A namespace whose senior member is the first of `members`, owned by the host user namespace. */
export function nsRecord(
  ino: number,
  type: NsType,
  members: ProcessRecord[],
  extra: Partial<NamespaceRecord> = {},
): NamespaceRecord {
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

/** A snapshot of these records, taken by root with nothing hidden, unless SCANNER says otherwise. */
export function snapshotOf(
  namespaces: NamespaceRecord[],
  processes: ProcessRecord[],
  scanner: Partial<Snapshot['scanner']> = {},
): Snapshot {
  return {
    version: 1,
    takenAt: '2026-01-01T00:00:00.000Z',
    scanner: { uid: 0, procRoot: '/proc', durationMs: 1, ...scanner },
    capabilities: { hierarchy: true },
    hidden: { total: 0, byReason: { EACCES: 0, vanished: 0 } },
    namespaces,
    processes,
  };
}

/** An interface read as root: ifindex 1, UP, MTU 1500, no kind, no addresses, unless OVER says otherwise. */
export function netInterface(name: string, over: Partial<NetInterface> = {}): NetInterface {
  return {
    ifindex: 1,
    name,
    state: 'UP',
    mtu: 1500,
    mac: null,
    kind: null,
    addresses: [],
    master: null,
    rxBytes: null,
    txBytes: null,
    ...over,
  };
}

/** Net namespace INO's details as root read them, with nothing left unread, plus OVER. */
export function netDetails(ino: number, over: Partial<NetDetails> = {}): NetDetails {
  return { ns: ino, type: 'net', label: null, ownerNs: null, readAs: 'root', via: null, unavailable: [], ...over };
}
