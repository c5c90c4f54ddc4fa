/** The Network Map reads every net namespace only while its panel is visible. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReadWhenVisible } from '../../src/ui/network/readWhenVisible';

test('a visible map reads each snapshot as it comes', () => {
  let reads = 0;
  const gate = new ReadWhenVisible(() => reads++, true);
  gate.changed();
  gate.changed();
  assert.equal(reads, 2);
});

test('a hidden map reads nothing; shown again, it reads once if snapshots came meanwhile, else not at all', () => {
  let reads = 0;
  const gate = new ReadWhenVisible(() => reads++, true);
  gate.changed();
  gate.setVisible(false);
  gate.changed();
  gate.changed();
  assert.equal(reads, 1, 'nothing is read while hidden');
  gate.setVisible(true);
  assert.equal(reads, 2, 'shown again: the latest snapshot is read, once');
  gate.setVisible(false);
  gate.setVisible(true);
  assert.equal(reads, 2, 'nothing came while hidden: nothing to read');
});

test('a map restored hidden after a reload reads when it is first shown', () => {
  let reads = 0;
  const gate = new ReadWhenVisible(() => reads++, false);
  gate.changed();
  assert.equal(reads, 0);
  gate.setVisible(true);
  assert.equal(reads, 1);
});
