/** What nsx watch says changed between two snapshots (src/core/live/events.ts, mountEvents.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotEvents } from '../../src/core/live/events';
import { tableEvents } from '../../src/core/live/mountEvents';
import { MountRecord } from '../../src/core/mounts/mountTable';
import { ProcessRecord } from '../../src/core/model/snapshot';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

function proc(pid: number, ppid: number, command: string, ns: Partial<ProcessRecord['ns']> = {}): ProcessRecord {
  return { pid, ppid, uid: 0, user: 'root', name: command, command, nspid: [pid], ns: { ...HOST, ...ns } };
}

const shell = proc(100, 1, 'bash');
const hostNet = nsRecord(HOST.net, 'net', [shell], { label: 'host' });

test('a namespace that appears says what holds it; a child that inherits its namespaces is no news', () => {
  const sleeper = proc(200, 100, 'sleep 100', { net: 4026532300 });
  const child = proc(201, 100, 'ls');
  const before = snapshotOf([hostNet], [shell]);
  const blue = nsRecord(4026532300, 'net', [sleeper], { label: 'sleep' });
  const after = snapshotOf([hostNet, blue], [shell, sleeper, child]);
  assert.deepEqual(snapshotEvents(before, after), [
    { event: 'namespace-appeared', ns: 4026532300, type: 'net', label: 'sleep', heldBy: 'process sleep 100 (200)' },
    { event: 'process-entered', pid: 200, command: 'sleep 100', ns: 4026532300, type: 'net', label: 'sleep' },
  ]);
  assert.deepEqual(
    snapshotEvents(after, before).map((e) => e.event),
    ['process-left', 'namespace-gone'],
  );
});

test('a process that moves under the same PID leaves one namespace and enters the other', () => {
  const before = snapshotOf([hostNet], [shell, proc(300, 100, 'sh -c exec unshare --net sleep 9')]);
  const moved = proc(300, 100, 'sleep 9', { net: 4026532301 });
  const after = snapshotOf([hostNet, nsRecord(4026532301, 'net', [moved])], [shell, moved]);
  const events = snapshotEvents(before, after).filter((e) => e.event !== 'namespace-appeared');
  assert.deepEqual(
    events.map((e) => [e.event, 'ns' in e ? e.ns : null]),
    [
      ['process-left', HOST.net],
      ['process-entered', 4026532301],
    ],
  );
});

test('holders that come and go are told by what they are; --type leaves other types out', () => {
  const netns = (extra = {}) => nsRecord(4026532302, 'net', [], { label: 'blue', ...extra });
  const held = netns({ holders: [{ kind: 'bindmount', pid: 100, path: '/run/netns/blue', mntns: HOST.mnt }] });
  const both = netns({
    holders: [
      { kind: 'bindmount', pid: 100, path: '/run/netns/blue', mntns: HOST.mnt },
      { kind: 'fd', pid: 100, fd: 3, path: '/proc/100/fd/3' },
    ],
  });
  const before = snapshotOf([hostNet, held], [shell]);
  const after = snapshotOf([hostNet, both], [shell]);
  assert.deepEqual(snapshotEvents(before, after), [
    {
      event: 'holder-added',
      ns: 4026532302,
      type: 'net',
      label: 'blue',
      holder: { kind: 'fd', pid: 100, fd: 3, path: '/proc/100/fd/3' },
      what: 'fd 3 of bash (100)',
    },
  ]);
  assert.equal(snapshotEvents(after, before)[0]?.event, 'holder-removed');
  assert.deepEqual(snapshotEvents(before, after, ['uts']), []);
});

test('a process whose parent cannot be read is no news in the initial namespaces', () => {
  const orphan = proc(400, 1, 'esbuild');
  const before = snapshotOf([hostNet], [shell]);
  const after = snapshotOf([hostNet], [shell, orphan]);
  assert.deepEqual(snapshotEvents(before, after), []);
});

function mount(id: number, target: string, propagation: MountRecord['propagation']): MountRecord {
  return {
    id,
    parent: 1,
    majmin: '0:40',
    root: '/',
    target,
    fstype: 'tmpfs',
    source: 'tmpfs',
    options: 'rw',
    superOptions: 'rw',
    propagation,
    peer: null,
    master: null,
    propagateFrom: null,
    hidden: false,
  };
}

test('mounts added, removed and changing propagation, by mount id', () => {
  const where = { mntns: 4026532400, label: 'sleep' };
  const before = new Map([
    [30, mount(30, '/mnt', 'private')],
    [31, mount(31, '/tmp/a', 'private')],
  ]);
  const after = new Map([
    [30, mount(30, '/mnt', 'shared')],
    [32, mount(32, '/tmp/b', 'private')],
  ]);
  assert.deepEqual(
    tableEvents(where, before, after).map((e) => [e.event, e.target]),
    [
      ['propagation-changed', '/mnt'],
      ['mount-added', '/tmp/b'],
      ['mount-removed', '/tmp/a'],
    ],
  );
});
