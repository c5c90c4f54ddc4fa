/** src/ui/terminalMarks.ts: the namespaces a terminal made, found below its process. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NsType, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { namespacesBelow } from '../../src/ui/terminals/terminalMarks';
import { HOST } from './fixture-probe';

function proc(
  pid: number,
  ppid: number,
  ns: Partial<Record<NsType, number>>,
  extra: Partial<ProcessRecord> = {},
): ProcessRecord {
  return {
    pid,
    ppid,
    uid: 1000,
    user: 'alice',
    name: `p${pid}`,
    command: `p${pid}`,
    nspid: [pid],
    ns: { ...HOST, ...ns },
    ...extra,
  };
}

function snap(processes: ProcessRecord[]): Snapshot {
  return {
    version: 1,
    takenAt: '2026-01-01T00:00:00.000Z',
    scanner: { uid: 1000, procRoot: '/proc', durationMs: 1 },
    capabilities: { hierarchy: true },
    hidden: { total: 0, byReason: { EACCES: 0, vanished: 0 } },
    namespaces: [],
    processes,
  };
}

const NET1 = 4026532001;
const UTS1 = 4026532002;
const PID1 = 4026532003;
const MNT1 = 4026532004;
const NET_ELSEWHERE = 4026532100;
const NET_SIBLING = 4026532101;

/** Terminal 100 runs unshare 101, whose shell 102 runs 103 in yet another mount namespace. */
const PROCESSES = [
  proc(1, 0, {}),
  proc(100, 1, {}), // the terminal's own process (nsx)
  proc(101, 100, { net: NET1, uts: UTS1 }),
  proc(102, 101, { net: NET1, uts: UTS1, pid: PID1 }),
  proc(103, 102, { net: NET1, uts: UTS1, pid: PID1, mnt: MNT1 }),
  proc(104, 100, {}), // a child in the host's namespaces only
  proc(105, 100, {}, { ns: {}, hidden: 'EACCES' }),
  proc(200, 1, { net: NET_ELSEWHERE }), // not below the terminal
  proc(300, 1, { net: NET_SIBLING }),
  proc(301, 300, { uts: UTS1 }), // shares UTS1, but outside the subtree
];

test("namespacesBelow: the namespaces of descendants at any depth that differ from the terminal's own", () => {
  assert.deepEqual([...namespacesBelow(snap(PROCESSES), 100).namespaces].sort(), [NET1, UTS1, PID1, MNT1].sort());
});

test('namespacesBelow: processes outside the subtree are ignored', () => {
  const marks = namespacesBelow(snap(PROCESSES), 100).namespaces;
  assert.ok(!marks.has(NET_ELSEWHERE) && !marks.has(NET_SIBLING));
});

test("namespacesBelow: namespaces the terminal's own process is in are not marked", () => {
  // The terminal itself already in NET1 (say, entered): only what its children made beyond that.
  const processes = PROCESSES.filter((p) => p.pid !== 104).map((p) =>
    p.pid === 100 ? proc(100, 1, { net: NET1 }) : p,
  );
  assert.deepEqual([...namespacesBelow(snap(processes), 100).namespaces].sort(), [UTS1, PID1, MNT1].sort());
  for (const t of Object.keys(HOST) as NsType[])
    assert.ok(!namespacesBelow(snap(PROCESSES), 100).namespaces.has(HOST[t]), t);
});

test('namespacesBelow: says when a process below could not be read (a terminal running as root)', () => {
  assert.equal(namespacesBelow(snap(PROCESSES), 100).hidden, true, 'PID 105 below 100 is hidden');
  assert.equal(namespacesBelow(snap(PROCESSES), 102).hidden, false);
  assert.equal(namespacesBelow(snap(PROCESSES), 300).hidden, false);
});

test('namespacesBelow: a subtree root deeper down marks only what is below it', () => {
  assert.deepEqual([...namespacesBelow(snap(PROCESSES), 102).namespaces], [MNT1]);
});

test('namespacesBelow: a process without children, or a PID not in the snapshot, marks nothing', () => {
  assert.equal(namespacesBelow(snap(PROCESSES), 103).namespaces.size, 0);
  assert.equal(namespacesBelow(snap(PROCESSES), 104).namespaces.size, 0);
  assert.equal(namespacesBelow(snap(PROCESSES), 99999).namespaces.size, 0);
});

test("property: namespacesBelow is exactly the differing namespaces of the root's descendants", () => {
  const forest = fc.integer({ min: 2, max: 25 }).chain((n) =>
    fc.tuple(
      fc.tuple(...Array.from({ length: n }, (_, i) => (i === 0 ? fc.constant(0) : fc.integer({ min: 1, max: i })))),
      fc.array(fc.record({ net: fc.integer({ min: 0, max: 3 }), uts: fc.integer({ min: 0, max: 3 }) }), {
        minLength: n,
        maxLength: n,
      }),
      fc.integer({ min: 1, max: n }),
    ),
  );
  fc.assert(
    fc.property(forest, ([parents, nss, rootPid]) => {
      // PID i+1 has parent parents[i] (0 for the first): a tree of PIDs 1..n.
      const processes = parents.map((ppid, i) =>
        proc(i + 1, ppid, { net: 7000 + nss[i]!.net, uts: 8000 + nss[i]!.uts }),
      );
      const isBelow = (pid: number): boolean => {
        for (let p = processes[pid - 1]!.ppid; p !== 0; p = processes[p - 1]!.ppid) if (p === rootPid) return true;
        return false;
      };
      const own = processes[rootPid - 1]!.ns;
      const expected = new Set<number>();
      for (const p of processes) {
        if (!isBelow(p.pid)) continue;
        for (const t of Object.keys(p.ns) as NsType[]) if (p.ns[t] !== own[t]) expected.add(p.ns[t]!);
      }
      assert.deepEqual([...namespacesBelow(snap(processes), rootPid).namespaces].sort(), [...expected].sort());
    }),
  );
});
