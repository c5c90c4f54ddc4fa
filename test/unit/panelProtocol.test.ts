/** What a restored panel starts from: what its page saved, checked as data from a page. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { savedDetailsTarget } from '../../src/ui/details/protocol';
import { savedPropagationState } from '../../src/ui/propagation/protocol';
import { isNetworkFromWebview, savedNetworkState } from '../../src/ui/network/protocol';

test('a Details panel is restored on the namespace its page saved, and on nothing malformed', () => {
  const target = { type: 'uts', ns: 4026531838, label: 'host' };
  assert.deepEqual(savedDetailsTarget({ target, filters: {}, sorts: {} }), target);
  assert.deepEqual(savedDetailsTarget({ target: { ...target, label: null } }), { ...target, label: null });
  for (const bad of [
    undefined,
    null,
    'uts',
    {},
    { target: null },
    { target: { ...target, ns: -1 } },
    { target: { ...target, ns: '4026531838' } },
    { target: { ...target, type: 7 } },
    { target: { ...target, label: 3 } },
  ]) {
    assert.equal(savedDetailsTarget(bad), null, JSON.stringify(bad));
  }
});

test('a Propagation panel keeps what its page saved and leaves out what is malformed', () => {
  const state = { ns: 4026531841, mountId: 22, compareNs: 4026532200, filter: 'tmp' };
  assert.deepEqual(savedPropagationState(state), state);
  assert.deepEqual(savedPropagationState({ ns: 'x', mountId: 1.5, compareNs: -2, filter: 3 }), {
    ns: null,
    mountId: null,
    compareNs: null,
    filter: '',
  });
  assert.deepEqual(savedPropagationState(undefined), { ns: null, mountId: null, compareNs: null, filter: '' });
});

test('a Network Map page keeps its filter, selection and view, and the host takes only the messages it sends', () => {
  const state = { filter: 'c1', selected: [4026532200, 4026532201], viewBox: [0, 10, 800, 600] };
  assert.deepEqual(savedNetworkState(state), state);
  assert.deepEqual(savedNetworkState({ filter: 1, selected: [-1, 'x', 3, 4, 5], viewBox: [0, 0, 0, 5] }), {
    filter: '',
    selected: [3, 4],
    viewBox: null,
  });
  assert.ok(isNetworkFromWebview({ type: 'network/interface', ns: 5, ifname: 'eth0' }));
  assert.ok(isNetworkFromWebview({ type: 'network/png', id: 1, data: null, error: 'no canvas' }));
  for (const bad of [
    null,
    { type: 'network/select', ns: -5 },
    { type: 'network/interface', ns: 5, ifname: 3 },
    { type: 'network/export', format: 'pdf' },
    { type: 'network/path', from: 1 },
    { type: 'network/other' },
  ]) {
    assert.equal(isNetworkFromWebview(bad), false, JSON.stringify(bad));
  }
});
