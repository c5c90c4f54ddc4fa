import assert from 'node:assert/strict';
import { test } from 'node:test';
import { inTurns } from '../../src/core/details/inTurns';

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('inTurns keeps the order of the list and never has more than LIMIT calls under way', async () => {
  let running = 0;
  let most = 0;
  const got = await inTurns([30, 5, 20, 1, 10, 2, 7], 3, async (ms) => {
    most = Math.max(most, ++running);
    await tick(ms);
    running--;
    return ms * 2;
  });
  assert.deepEqual(got, [60, 10, 40, 2, 20, 4, 14]);
  assert.equal(most, 3);
});

test('inTurns of an empty list is empty; a failing call rejects the whole', async () => {
  assert.deepEqual(await inTurns([], 4, async () => 1), []);
  await assert.rejects(
    inTurns([1, 2, 3], 2, async (n) => {
      if (n === 2) throw new Error('two');
      return n;
    }),
    /two/,
  );
});
