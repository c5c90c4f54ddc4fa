/** src/core/terminals/capture.ts: what `nsx capture` runs and refuses, on a hand-made snapshot. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  captureArgs,
  CaptureError,
  captureTitle,
  interfaceNameProblem,
  missingInterface,
  planCapture,
  tcpdumpArgsProblem,
  tcpdumpCommand,
} from '../../src/core/terminals/capture';
import { Caller } from '../../src/core/terminals/rootNeeded';
import { ProcessRecord } from '../../src/core/model/snapshot';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

const ALICE = 1000;
const ALICE_USER = 4026532100; // a user namespace alice made
const ALICE_NET = 4026532101; // a net namespace in it
const BLUE = 4026532300; // a net namespace held only by a bind mount (ip netns add blue)

const alice: Caller = { uid: ALICE, userns: HOST.user };
const root: Caller = { uid: 0, userns: HOST.user };

function proc(pid: number, ns: ProcessRecord['ns']): ProcessRecord {
  return { pid, ppid: 1, uid: ALICE, user: 'alice', name: 'sleep', command: 'sleep 100', nspid: [pid], ns };
}

function snapshot() {
  const sleeper = proc(500, { user: ALICE_USER, net: ALICE_NET });
  return snapshotOf(
    [
      nsRecord(ALICE_USER, 'user', [sleeper], { ownerUid: ALICE, pns: HOST.user }),
      nsRecord(ALICE_NET, 'net', [sleeper], { ons: ALICE_USER, label: 'sleep' }),
      nsRecord(BLUE, 'net', [], {
        holders: [{ kind: 'bindmount', pid: process.pid, path: '/run/netns/blue', mntns: HOST.mnt }],
        label: 'blue',
      }),
    ],
    [sleeper],
  );
}

test('capturing in a net namespace the user owns through a user namespace still needs root', () => {
  const plan = planCapture(snapshot(), { ns: ALICE_NET, iface: 'eth0' }, alice);
  assert.equal(plan.enter.privilege, 'root');
  assert.deepEqual(plan.enter.types, ['net']);
  assert.equal(plan.enter.asRoot, true);
  assert.deepEqual(plan.enter.target, { kind: 'process', pid: 500 });
  assert.equal(plan.label, 'sleep');
  assert.equal(plan.ns, ALICE_NET);
});

test('root captures with its own rights; a bind-mounted namespace is entered through its file', () => {
  const plan = planCapture(snapshot(), { ns: BLUE, iface: 'veth0' }, root);
  assert.equal(plan.enter.privilege, 'none');
  assert.equal(plan.enter.target.kind, 'file');
  assert.equal(captureTitle(plan.iface, plan.label), 'capture veth0 in blue');
});

test('--pid captures in the net namespace of that process', () => {
  const plan = planCapture(snapshot(), { pid: 500, iface: 'lo' }, root);
  assert.equal(plan.ns, ALICE_NET);
  assert.deepEqual(plan.enter.types, ['net']);
});

test('a namespace that is gone, or not a net namespace, or a bad interface name is a CaptureError', () => {
  const plan = (req: Parameters<typeof planCapture>[1]) => () => planCapture(snapshot(), req, alice);
  assert.throws(plan({ ns: 4026539999, iface: 'lo' }), (err: Error) => {
    assert.ok(err instanceof CaptureError);
    assert.equal(
      err.message,
      'no namespace has inode 4026539999: it is gone, or never was ' + '(nsx list --type net lists those there are)',
    );
    return true;
  });
  assert.throws(plan({ ns: ALICE_USER, iface: 'lo' }), /is a user namespace/);
  assert.throws(plan({ pid: 999, iface: 'lo' }), /no process with PID 999/);
  assert.throws(plan({ ns: ALICE_NET, iface: 'a/b' }), /'a\/b' is not an interface name/);
});

test('interface names: 1 to 15 bytes, no slash, colon or white space', () => {
  for (const ok of ['lo', 'veth-7f3a', 'br-0123456789ab', 'wlp2s0']) assert.equal(interfaceNameProblem(ok), null, ok);
  for (const bad of ['', '.', '..', 'a'.repeat(16), 'eth0:1', 'a b', 'x/y'])
    assert.match(interfaceNameProblem(bad)!, /is not an interface name/, bad);
});

test('a missing interface is named with those there are', () => {
  assert.equal(missingInterface('veth0', ['lo', 'veth0'], 'blue'), null);
  assert.equal(
    missingInterface('eth0', ['lo', 'veth0'], 'blue'),
    'blue has no interface eth0; its interfaces: lo, veth0',
  );
});

test('tcpdump options that read or write files, run programs or change the interface are refused', () => {
  assert.equal(tcpdumpArgsProblem(['-c', '3', 'icmp']), null);
  assert.equal(tcpdumpArgsProblem(['-nnvvc3', '-s', '96', 'port', '53']), null);
  assert.equal(tcpdumpArgsProblem(['--immediate-mode', '--time-stamp-precision=nano', 'tcp']), null);
  assert.equal(tcpdumpArgsProblem(['-c', '-w']), null, 'the value of -c is not an option');
  assert.match(tcpdumpArgsProblem(['-w', '/etc/passwd'])!, /nsx capture --write FILE/);
  assert.match(tcpdumpArgsProblem(['-nw/tmp/x'])!, /--write FILE/);
  assert.match(tcpdumpArgsProblem(['-z', 'sh'])!, /-z is not taken/);
  assert.match(tcpdumpArgsProblem(['icmp', '-Z', 'root'])!, /-Z is not taken/, 'options after the filter count too');
  assert.match(tcpdumpArgsProblem(['-i', 'eth0'])!, /-i is not taken/);
  assert.match(tcpdumpArgsProblem(['--relinquish-privileges=root'])!, /--relinquish-privileges is not taken/);
  assert.match(tcpdumpArgsProblem(['--rel'])!, /--rel is not taken/, 'an abbreviation getopt would take');
  assert.match(tcpdumpArgsProblem(['-k'])!, /no option -k/);
});

test('tcpdump prints each packet as it comes, or streams a pcap packet by packet', () => {
  assert.deepEqual(tcpdumpCommand('/usr/bin/tcpdump', 'veth0', false, ['-c', '3']), [
    '/usr/bin/tcpdump',
    '-i',
    'veth0',
    '-n',
    '-l',
    '-c',
    '3',
  ]);
  assert.deepEqual(tcpdumpCommand('/usr/bin/tcpdump', 'veth0', true, []), [
    '/usr/bin/tcpdump',
    '-i',
    'veth0',
    '-n',
    '-U',
    '-w',
    '-',
  ]);
});

test('the editor runs nsx capture on a namespace by inode, with --write for a file', () => {
  assert.deepEqual(captureArgs(4026532600, 'veth0'), ['capture', '--ns', '4026532600', '--iface', 'veth0']);
  assert.deepEqual(captureArgs(4026532600, 'lo', '/home/a/lo.pcap'), [
    'capture',
    '--ns',
    '4026532600',
    '--iface',
    'lo',
    '--write',
    '/home/a/lo.pcap',
  ]);
});
