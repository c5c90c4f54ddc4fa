/** terminalChoices.ts: what the terminal commands offer, the request built from the answers, and `nsx`'s arguments. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessRecord } from '../../src/core/model/snapshot';
import { EnterPlan } from '../../src/core/terminals/enter';
import {
  chosenTypes,
  enterArgs,
  enterTypeItems,
  newArgs,
  newOptionItems,
  newRequest,
  newTypeItems,
  staleProcessNote,
  withoutUserNamespace,
} from '../../src/ui/terminals/terminalChoices';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

test('New Isolated Terminal picks a user namespace only for a user who is not root', () => {
  const picked = (root: boolean) =>
    newTypeItems(root)
      .filter((i) => i.picked)
      .map((i) => i.label);
  assert.deepEqual(picked(false), ['ipc', 'mnt', 'net', 'pid', 'user', 'uts']);
  assert.deepEqual(picked(true), ['ipc', 'mnt', 'net', 'pid', 'uts']);
  assert.equal(newTypeItems(true).find((i) => i.label === 'net')?.description, 'its own network stack');
});

test('the options offered are those the types chosen allow', () => {
  const options = (types: Parameters<typeof newOptionItems>[0]) =>
    newOptionItems(types, '10.1.0.0/24', false).map((i) => i.option);
  assert.deepEqual(options(['ipc', 'mnt', 'net', 'pid', 'user', 'uts']), [
    'mountProc',
    'mapRoot',
    'veth',
    'propagation',
  ]);
  assert.deepEqual(options(['pid']), []);
  assert.deepEqual(options(['mnt']), ['propagation']);
  const veth = newOptionItems(['net'], '10.1.0.0/24', false)[0]!;
  assert.equal(veth.description, 'a veth pair with addresses from 10.1.0.0/24; needs root (otherwise only lo)');
  assert.equal(veth.picked, false);
  assert.equal(
    newOptionItems(['net'], '10.1.0.0/24', true)[0]!.description,
    'a veth pair with addresses from 10.1.0.0/24 (otherwise only lo)',
  );
});

test('the request and the arguments of nsx new follow the answers', () => {
  const request = newRequest(['mnt', 'net', 'pid'], new Set(['mountProc', 'veth']), '10.1.0.0/24');
  assert.deepEqual(request, {
    types: ['mnt', 'net', 'pid'],
    mountProc: true,
    mapRoot: false,
    veth: true,
    subnet: '10.1.0.0/24',
  });
  assert.deepEqual(newArgs({ ...request, hostname: 'box', propagation: 'slave' }), [
    'new',
    '--type',
    'mnt,net,pid',
    '--hostname',
    'box',
    '--mount-proc',
    '--propagation',
    'slave',
    '--veth',
    '--subnet',
    '10.1.0.0/24',
  ]);
  assert.equal(newRequest(['net'], new Set(), '10.1.0.0/24').subnet, undefined);
});

function plan(extra: Partial<EnterPlan> = {}): EnterPlan {
  return {
    target: { kind: 'process', pid: 42 },
    namespaces: [nsRecord(HOST.net, 'net', []), nsRecord(HOST.user, 'user', [])],
    types: ['net', 'user'],
    privilege: 'root',
    asRoot: false,
    name: 'bash',
    inodes: {},
    ...extra,
  };
}

test('nsx enter pins a process by its start time, or names a namespace by inode', () => {
  assert.deepEqual(enterArgs(plan(), HOST.net, 1234), [
    'enter',
    '--pid',
    '42',
    '--start-time',
    '1234',
    '--type',
    'net,user',
  ]);
  const file = plan({ target: { kind: 'file', path: '/run/netns/box', type: 'net' }, asRoot: true });
  assert.deepEqual(enterArgs(file, 4026532900, null), ['enter', '--ns', '4026532900', '--as-root']);
});

test('entering as yourself leaves out the user namespace, and nothing is left when it was the only one', () => {
  const others = withoutUserNamespace(plan())!;
  assert.deepEqual(others.types, ['net']);
  assert.deepEqual(
    others.namespaces.map((n) => n.type),
    ['net'],
  );
  assert.equal(withoutUserNamespace(plan({ types: ['user'] })), undefined);
});

test('a process that exited, or whose PID was reused, is named as such', () => {
  assert.equal(
    staleProcessNote(42, null),
    'PID 42 is no longer the process shown (it exited); refresh and try again. Nothing was opened.',
  );
  assert.match(staleProcessNote(42, 99), /\(it exited and its PID was reused\)/);
});

test('the namespaces offered to enter: all first, the one clicked picked, not the editor’s user namespace', () => {
  const editor: ProcessRecord = {
    pid: process.pid,
    ppid: 1,
    uid: 1000,
    user: 'me',
    name: 'node',
    command: 'node',
    nspid: [process.pid],
    ns: { ...HOST },
  };
  const box: ProcessRecord = {
    ...editor,
    pid: 42,
    name: 'bash',
    ns: { net: 4026532900, user: HOST.user, uts: HOST.uts },
  };
  const clicked = nsRecord(4026532900, 'net', [box], { label: 'box' });
  const snapshot = snapshotOf([clicked], [editor, box]);
  const offered = enterTypeItems(snapshot, 42, clicked)!;
  assert.equal(offered.name, 'bash');
  assert.deepEqual(
    offered.items.map((i) => [i.label, i.description, !!i.picked]),
    [
      ['$(check-all) All of them', 'net, uts', false],
      ['net', 'net:[4026532900] · box', true],
      ['uts', `uts:[${HOST.uts}] · same as yours`, false],
    ],
  );
  assert.deepEqual(chosenTypes([offered.items[2]!, offered.items[1]!], offered.all), ['net', 'uts']);
  assert.deepEqual(chosenTypes([offered.all, offered.items[2]!], offered.all), ['net', 'uts']);
  assert.equal(enterTypeItems(snapshot, 5, clicked), undefined);
});
