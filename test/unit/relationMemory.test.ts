/** RelationMemory: which namespaces' parents and owners a snapshot of the live engine takes from the last. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NsRelations } from '../../src/core/linux/nsfs';
import { HeldNamespace, RelationMemory } from '../../src/core/discovery/relationMemory';

const HOST_USER = 4026531837;
const HOST_PID = 4026531836;
const INNER_USER = 4026532300;
const INNER_PID = 4026532301;
const NET = 4026532302;

const member = (pid: number) => ({ kind: 'process' as const, pid });

/** The last snapshot: a net namespace of sleep 200, owned by a user namespace; a nested PID namespace. */
function remembered(): RelationMemory {
  const memory = new RelationMemory();
  const namespaces = new Map<number, HeldNamespace>([
    [NET, { type: 'net', holders: [member(200)] }],
    [INNER_PID, { type: 'pid', holders: [member(200), member(201)] }],
    [INNER_USER, { type: 'user', holders: [member(200)] }],
  ]);
  const relations = new Map<number, NsRelations>([
    [NET, { type: 'net', pns: null, ons: INNER_USER }],
    [INNER_PID, { type: 'pid', pns: HOST_PID, ons: INNER_USER }],
    [INNER_USER, { type: 'user', pns: HOST_USER, ons: HOST_USER, ownerUid: 1000 }],
    [HOST_PID, { type: 'pid', pns: null, ons: HOST_USER }],
    [HOST_USER, { type: 'user', pns: null, ons: null, ownerUid: 0 }],
  ]);
  memory.keep(namespaces, relations);
  return memory;
}

test('a namespace that kept a holder keeps its relations, with those of the namespaces above it', () => {
  const known = remembered().known(new Map([[INNER_PID, { type: 'pid', holders: [member(201)] }]]));
  assert.deepEqual([...known.keys()].sort(), [HOST_USER, HOST_PID, INNER_USER, INNER_PID].sort());
  assert.deepEqual(known.get(INNER_PID), { type: 'pid', pns: HOST_PID, ons: INNER_USER });
});

test('an inode the kernel handed out again, with other holders or another type, is asked about anew', () => {
  const memory = remembered();
  assert.equal(memory.known(new Map([[NET, { type: 'net', holders: [member(300)] }]])).size, 0, 'other holders');
  assert.equal(memory.known(new Map([[NET, { type: 'uts', holders: [member(200)] }]])).size, 0, 'another type');
});

test('what a snapshot no longer has is forgotten at the next', () => {
  const memory = remembered();
  memory.keep(new Map([[NET, { type: 'net', holders: [member(200)] }]]), new Map());
  assert.equal(memory.known(new Map([[NET, { type: 'net', holders: [member(200)] }]])).size, 0);
});
