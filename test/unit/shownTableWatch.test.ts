/** The Mounts view's watch on the table it shows: what it watches, and what happens without koffi. */
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { test } from 'node:test';
import { MountTable } from '../../src/core/mounts/propagation';
import { delayBefore, ShownTableWatch } from '../../src/ui/mounts/shownTableWatch';

const ownNs = Number(/\[(\d+)\]/.exec(readlinkSync('/proc/self/ns/mnt'))![1]);
const table = (pid?: number): MountTable => ({
  ns: ownNs,
  label: null,
  via: 'test',
  ...(pid === undefined ? {} : { pid }),
  mounts: [],
  errors: [],
});

function logs(): { info: string[]; warn: string[]; log: { info(m: string): void; warn(m: string): void } } {
  const info: string[] = [];
  const warn: string[] = [];
  return { info, warn, log: { info: (m) => info.push(m), warn: (m) => warn.push(m) } };
}

test('a table read through a process is watched; one read otherwise, or none, is not', () => {
  const { info, log } = logs();
  const watch = new ShownTableWatch(() => {}, log);
  try {
    assert.match(info[0]!, /^mounts: tables watched through poll/);
    watch.follow(table(process.pid));
    assert.equal(watch.watching, true);
    watch.follow(table());
    assert.equal(watch.watching, false, 'a table entered as root has no process to lend its mountinfo');
    watch.follow(table(process.pid));
    watch.follow(undefined);
    assert.equal(watch.watching, false);
  } finally {
    watch.dispose();
  }
});

test('when the watch cannot start, the view says why and watches nothing (its timer reads the table)', () => {
  const { warn, log } = logs();
  const watch = new ShownTableWatch(
    () => {},
    log,
    () => {
      throw new Error('koffi could not be loaded');
    },
  );
  watch.follow(table(process.pid));
  assert.equal(watch.watching, false);
  assert.deepEqual(warn, ['mounts: tables are read on the refresh timer: koffi could not be loaded']);
  watch.dispose();
});

test('a change is passed on at once, or a quarter of a second after the last one passed on', () => {
  assert.equal(delayBefore(0, 10_000), 0, 'none for long');
  assert.equal(delayBefore(10_000, 10_100), 150);
  assert.equal(delayBefore(10_000, 10_250), 0);
  assert.equal(delayBefore(10_000, 9_000), 250, 'a clock set back waits no longer than the spacing');
});
