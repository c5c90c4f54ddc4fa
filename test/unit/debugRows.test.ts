/** src/ui/terminals/terminalChoices.ts: what Debug Shell on a row goes into, and the nsx arguments it runs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerRecord } from '../../src/core/containers/types';
import { ProcessRecord } from '../../src/core/model/snapshot';
import { debugArgs, debugTargetOfRow } from '../../src/ui/terminals/terminalChoices';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

const NET = 4026532501;
const sleep: ProcessRecord = {
  pid: 1569,
  ppid: 1549,
  uid: 0,
  user: 'root',
  name: 'sleep',
  command: 'sleep',
  nspid: [1569, 1],
  ns: { ...HOST, net: NET },
};
const nginx: ProcessRecord = { ...sleep, pid: 2000, name: 'nginx', nspid: [2000], ns: { ...HOST } };
const DWEB: ContainerRecord = {
  engine: 'docker',
  id: '898e30928e07' + 'a'.repeat(52),
  name: 'dweb',
  key: 'docker/898e',
  kind: 'container',
  state: 'running',
  pid: 1569,
  pids: [1569],
  namespaces: [],
};
const netns = nsRecord(NET, 'net', [sleep], { container: { engine: 'docker', id: DWEB.id, name: 'dweb' } });
const snapshot = { ...snapshotOf([netns], [sleep, nginx]), containers: [DWEB] };

test("a container row, a namespace row of a container and a process in one all debug the container's first process", () => {
  const expected = { pid: 1569, container: DWEB };
  assert.deepEqual(debugTargetOfRow(snapshot, { kind: 'container', container: DWEB }), expected);
  assert.deepEqual(debugTargetOfRow(snapshot, { kind: 'namespace', ns: netns }), expected);
  assert.deepEqual(debugTargetOfRow(snapshot, { kind: 'process', process: sleep }), expected);
});

test('a process in no container is debugged as itself; a stopped container or an empty namespace says why not', () => {
  assert.deepEqual(debugTargetOfRow(snapshot, { kind: 'process', process: nginx }), { pid: 2000, container: null });
  const stopped = { ...DWEB, pid: null, state: 'exited' };
  assert.equal(
    debugTargetOfRow(snapshot, { kind: 'container', container: stopped }),
    'dweb (docker) is not running (exited)',
  );
  const empty = nsRecord(4026532999, 'net', [], { holders: [] });
  assert.match(
    debugTargetOfRow(snapshot, { kind: 'namespace', ns: empty }) as string,
    /no process is in this namespace/,
  );
});

test('the terminal runs nsx debug on the PID, pinned by its start time', () => {
  assert.deepEqual(debugArgs({ pid: 1569, container: DWEB }, 4242), ['debug', '1569', '--start-time', '4242']);
});
