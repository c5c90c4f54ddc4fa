/** What a restored panel starts from: what its page saved, checked as data from a page. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { savedDetailsTarget } from '../../src/ui/details/protocol';
import { savedPropagationState } from '../../src/ui/propagation/protocol';

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
