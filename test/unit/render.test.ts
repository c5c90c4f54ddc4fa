/** src/cli/render.ts: tables, tree prefixes and the HELD-BY text of `nsx`. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { namespaceTable, namespaceTree, processTree, holdersText, scanNotes, table } from '../../src/cli/render';
import { ownerForest, processForest } from '../../src/core/model/hierarchy';
import { Holder, NamespaceRecord, NsType, ProcessRecord } from '../../src/core/model/snapshot';

interface Row {
  name: string;
  n: number;
  note: string;
}
const rows: Row[] = [
  { name: 'a', n: 1, note: 'first' },
  { name: 'longer-name', n: 12345, note: 'second note' },
  { name: 'mid', n: 42, note: '' },
];
const columns = [
  { header: 'NAME', value: (r: Row) => r.name },
  { header: 'N', value: (r: Row) => String(r.n), right: true },
  { header: 'NOTE', value: (r: Row) => r.note },
];

test('table pads each column to its widest cell, numbers to the right, one space apart', () => {
  assert.equal(
    table(rows, columns),
    [
      'NAME            N NOTE',
      'a               1 first',
      'longer-name 12345 second note',
      'mid            42',
      '',
    ].join('\n'),
  );
});

test('table does not pad the last column and trims trailing spaces', () => {
  for (const line of table(rows, columns).split('\n')) assert.equal(line, line.trimEnd());
});

test('table with no rows prints the header line only', () => {
  assert.equal(table([], columns), 'NAME N NOTE\n');
});

test('table cuts lines longer than the width with an ellipsis, and leaves shorter ones', () => {
  const out = table(rows, columns, 20).split('\n');
  assert.equal(out[0], 'NAME            N N…');
  assert.equal(out[2], 'longer-name 12345 s…');
  assert.equal(out[3], 'mid            42');
  for (const line of out) assert.ok(line.length <= 20, line);
});

test('table does not cut a line exactly as long as the width', () => {
  const exact = table([rows[0]], columns).split('\n')[1];
  assert.equal(table([rows[0]], columns, exact.length).split('\n')[1], exact);
});

function ns(ino: number, type: NsType, ons: number | null, extra: Partial<NamespaceRecord> = {}): NamespaceRecord {
  return {
    ns: ino,
    type,
    nprocs: 1,
    pid: 1,
    ppid: 0,
    command: 'init',
    uid: 0,
    user: 'root',
    pns: null,
    ons,
    nsfs: [],
    holders: [],
    label: null,
    ghost: false,
    ...extra,
  };
}

test('tree rows carry ├─ └─ and │ prefixes by depth and position', () => {
  const forest = ownerForest([
    ns(1, 'user', null),
    ns(2, 'user', 1),
    ns(3, 'net', 2),
    ns(4, 'uts', 2),
    ns(5, 'user', 1),
    ns(6, 'net', 5),
  ]);
  const nsColumn = namespaceTree(forest)
    .split('\n')
    .slice(1, -1)
    .map((line) => /^[│├└─ ]*\d+/.exec(line)?.[0]);
  assert.deepEqual(nsColumn, ['1', '├─2', '│ ├─3', '│ └─4', '└─5', '  └─6']);
});

test('tree roots have no prefix, and each root starts its own tree', () => {
  const lines = namespaceTree(ownerForest([ns(10, 'net', null), ns(20, 'net', null)])).split('\n');
  assert.match(lines[1], /^10 /);
  assert.match(lines[2], /^20 /);
});

test('a namespace table shows (ghost), dashes for unknowns and the HELD-BY text', () => {
  const out = namespaceTable([
    ns(4026532801, 'user', 4026531837, {
      ghost: true,
      nprocs: 0,
      pid: null,
      ppid: null,
      command: null,
      uid: null,
      user: null,
    }),
    ns(4026532502, 'net', 4026531837, {
      nprocs: 0,
      pid: null,
      command: null,
      user: null,
      uid: null,
      label: 'blue',
      holders: [{ kind: 'bindmount', pid: 600, path: '/run/netns/blue', mntns: 4026532500 }],
    }),
  ]).split('\n');
  assert.match(out[0], /^NS +TYPE +NPROCS +PID +USER +LABEL +HELD-BY +COMMAND$/);
  assert.match(out[1], /^4026532801 user +0 +- +- +\(ghost\) +- +-$/);
  assert.match(out[2], /^4026532502 net +0 +- +- +blue +\/run\/netns\/blue +-$/);
});

test('holdersText names bind mounts, fds, threads and for-children links, not members', () => {
  const holders: Holder[] = [
    { kind: 'process', pid: 1 },
    { kind: 'process', pid: 7, path: '/proc/7/ns/pid_for_children' },
    { kind: 'task', pid: 8, tid: 9 },
    { kind: 'fd', pid: 10, fd: 3, path: '/proc/10/fd/3' },
    { kind: 'bindmount', pid: 11, path: '/run/netns/blue', mntns: 4026532500 },
  ];
  assert.equal(holdersText(holders), 'children of 7,thread 9,fd 3 of 10,/run/netns/blue');
});

test('holdersText lists a path seen in two mount namespaces once', () => {
  assert.equal(
    holdersText([
      { kind: 'bindmount', pid: 600, path: '/run/netns/blue', mntns: 1 },
      { kind: 'bindmount', pid: 602, path: '/run/netns/blue', mntns: 2 },
    ]),
    '/run/netns/blue',
  );
});

test('holdersText of members only is empty', () => {
  assert.equal(holdersText([{ kind: 'process', pid: 1 }]), '');
  assert.equal(holdersText([]), '');
});

function proc(
  pid: number,
  ppid: number,
  ns: Partial<Record<NsType, number>>,
  extra: Partial<ProcessRecord> = {},
): ProcessRecord {
  return {
    pid,
    ppid,
    uid: 0,
    user: 'root',
    name: 'p',
    command: `cmd${pid}`,
    nspid: [pid],
    ns: { net: 1, uts: 2, ...ns },
    ...extra,
  };
}

test('the process tree shows NSpid chains and the namespaces a child entered', () => {
  const lines = processTree(
    processForest([
      proc(1, 0, {}),
      proc(10, 1, { net: 5 }, { nspid: [10, 1] }),
      proc(11, 10, { net: 5 }, { nspid: [11, 2] }),
      proc(12, 1, {}, { hidden: 'EACCES', ns: {} }),
    ]),
  ).split('\n');
  assert.match(lines[0], /^PID +NSPID +USER +NAMESPACES +COMMAND$/);
  assert.match(lines[1], /^1 +1 +root +- +cmd1$/);
  assert.match(lines[2], /^├─10 +10→1 +root +net:5 +cmd10$/);
  assert.match(lines[3], /^│ └─11 +11→2 +root +- +cmd11$/);
  assert.match(lines[4], /^└─12 +12 +root +\(hidden: EACCES\) +cmd12$/);
});

test('scan notes explain hidden processes and a missing hierarchy', () => {
  const base = { scanner: { uid: 1000, procRoot: '/proc', durationMs: 1 }, capabilities: { hierarchy: true } };
  assert.deepEqual(scanNotes({ ...base, hidden: { total: 0, byReason: { EACCES: 0, vanished: 0 } } }), []);
  const user = scanNotes({ ...base, hidden: { total: 3, byReason: { EACCES: 3, vanished: 0 } } });
  assert.equal(user.length, 1);
  assert.match(user[0], /3 processes.*root/);
  const root = scanNotes({
    ...base,
    scanner: { ...base.scanner, uid: 0 },
    hidden: { total: 1, byReason: { EACCES: 1, vanished: 0 } },
  });
  assert.match(root[0], /1 process .*even as root/);
  const flat = scanNotes({
    ...base,
    capabilities: { hierarchy: false, hierarchyError: 'koffi could not be loaded' },
    hidden: { total: 0, byReason: { EACCES: 0, vanished: 0 } },
  });
  assert.match(flat[0], /koffi could not be loaded/);
});
