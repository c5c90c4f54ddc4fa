/**
 * The section builders of the namespace types that detailSections' own tests do not reach
 * row by row: UTS, IPC, PID, cgroup, time and mount namespaces, and the parts they share.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupSections } from '../../src/core/details/cgroupSections';
import { ipcSections } from '../../src/core/details/ipcSections';
import { mntSections } from '../../src/core/details/mntSections';
import { pidSections } from '../../src/core/details/pidSections';
import { fields, refName, Section, textCell } from '../../src/core/details/sectionParts';
import { timeSections } from '../../src/core/details/timeSections';
import { utsSections } from '../../src/core/details/utsSections';

const BASE = { ns: 4026532300, label: null, ownerNs: null, readAs: 'root' as const, via: null, unavailable: [] };

/** Each section as its id and its rows' texts. */
const texts = (sections: Section[]) => sections.map((s) => [s.id, s.rows.map((r) => r.map((c) => c.text))]);

test('textCell: a missing or empty value is a dash, a number its digits', () => {
  assert.deepEqual([null, undefined, '', 0, 'x'].map(textCell), [
    { text: '-' },
    { text: '-' },
    { text: '-' },
    { text: '0' },
    { text: 'x' },
  ]);
});

test('fields: a value not read (undefined) leaves its row out; null is a dash; a cell is kept with its link', () => {
  const section = fields('f', 'F', [
    ['a', undefined],
    ['b', null],
    ['c', { text: 'user 1', ns: 1 }],
  ]);
  assert.equal(section.kind, 'fields');
  assert.deepEqual(section.rows, [
    [{ text: 'b' }, { text: '-' }],
    [{ text: 'c' }, { text: 'user 1', ns: 1 }],
  ]);
});

test('refName: a namespace by type and inode, with its label when it has one', () => {
  assert.equal(refName('net', 5, null), 'net 5');
  assert.equal(refName('user', 4026531837, 'host'), 'user 4026531837 (host)');
});

test('utsSections: hostname and domain name; an empty domain name is a dash; names not read are left out', () => {
  assert.deepEqual(texts(utsSections({ ...BASE, type: 'uts', hostname: 'box', domainname: '' })), [
    [
      'uts',
      [
        ['Hostname', 'box'],
        ['Domain name', '-'],
      ],
    ],
  ]);
  assert.deepEqual(texts(utsSections({ ...BASE, type: 'uts' })), [['uts', []]]);
});

test('ipcSections: a table per kind of object that was read, the owner by name or else by UID', () => {
  const object = { key: '0x0000002a', id: 3, ownerUid: 1000, owner: 'alice', perms: '644' };
  const sections = ipcSections({
    ...BASE,
    type: 'ipc',
    messageQueues: [{ ...object, messages: 2, bytes: 40 }],
    semaphores: [{ ...object, owner: null, nsems: 4 }],
    sharedMemory: [{ ...object, bytes: 4096, attached: 1 }],
    posixQueues: [{ name: '/jobs', ownerUid: 0, owner: 'root', perms: '600', bytes: null }],
  });
  assert.deepEqual(texts(sections), [
    ['ipc-msg', [['0x0000002a', '3', 'alice', '644', '2', '40']]],
    ['ipc-sem', [['0x0000002a', '3', '1000', '644', '4']]],
    ['ipc-shm', [['0x0000002a', '3', 'alice', '644', '4096', '1']]],
    ['ipc-mq', [['/jobs', 'root', '600', '-']]],
  ]);
  assert.deepEqual(
    sections.map((s) => s.empty),
    ['none', 'none', 'none', 'none'],
  );
  assert.deepEqual(
    ipcSections({ ...BASE, type: 'ipc', semaphores: [] }).map((s) => s.id),
    ['ipc-sem'],
  );
});

test('pidSections: PID 1 and depth, then the processes with their PIDs from the outermost namespace in', () => {
  const init = { pid: 4100, chain: [4100, 1], command: 'sleep' };
  assert.deepEqual(texts(pidSections({ ...BASE, type: 'pid', init, depth: 1, members: [init] })), [
    [
      'pid',
      [
        ['PID 1', 'sleep (PID 4100 outside)'],
        ['Depth', '1'],
      ],
    ],
    ['pid-members', [['4100', '4100 → 1', 'sleep']]],
  ]);
  assert.deepEqual(texts(pidSections({ ...BASE, type: 'pid', init: null, depth: 0 })), [
    [
      'pid',
      [
        ['PID 1', 'none (it has exited, or none was started)'],
        ['Depth', '0 (the initial PID namespace)'],
      ],
    ],
  ]);
});

test('cgroupSections: the root, then each process inside and on the host; a path not known is a dash', () => {
  const members = [
    { pid: 7, command: 'sh', insidePath: '/', hostPath: '/box' },
    { pid: 8, command: 'cat' },
  ];
  assert.deepEqual(texts(cgroupSections({ ...BASE, type: 'cgroup', root: '/box', members })), [
    ['cgroup', [['Root (host path)', '/box']]],
    [
      'cgroup-members',
      [
        ['7', '/', '/box', 'sh'],
        ['8', '-', '-', 'cat'],
      ],
    ],
  ]);
});

test('timeSections: offsets in seconds, with nanoseconds only when there are some', () => {
  const monotonic = { seconds: 86400, nanoseconds: 0 };
  const boottime = { seconds: -5, nanoseconds: 7 };
  assert.deepEqual(texts(timeSections({ ...BASE, type: 'time', monotonic, boottime })), [
    [
      'time',
      [
        ['Monotonic', '86400 s'],
        ['Boot time', '-5 s 7 ns'],
      ],
    ],
  ]);
});

test('mntSections: the number of mounts, left out when not read', () => {
  assert.deepEqual(texts(mntSections({ ...BASE, type: 'mnt', mounts: 31 })), [['mnt', [['Mounts', '31']]]]);
  assert.deepEqual(texts(mntSections({ ...BASE, type: 'mnt' })), [['mnt', []]]);
});
