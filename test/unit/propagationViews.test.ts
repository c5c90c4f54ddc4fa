/** propagationViews.ts: what the Mount Propagation panel is sent, from hand-made mount tables. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMountinfo } from '../../src/core/mounts/mountinfo';
import { mountRecords } from '../../src/core/mounts/mountTable';
import { MountSet, MountTable, PropagationIndex } from '../../src/core/mounts/propagation';
import { compareView, defaultMount, mountTableView, selectionView } from '../../src/ui/propagation/propagationViews';

function table(ns: number, label: string, lines: string[]): MountTable {
  return {
    ns,
    label,
    via: `/proc/${ns}/mountinfo`,
    mounts: mountRecords(parseMountinfo(lines.join('\n')).mounts),
    errors: [],
  };
}

// The host: / and a shared /srv (group 5) with a hidden mount under a cover.
const host = table(100, 'host', [
  '40 1 254:1 / / rw shared:1 - ext4 /dev/vda rw',
  '41 40 0:50 / /srv rw shared:5 - tmpfs srv rw',
  '42 40 0:51 / /data/x rw - tmpfs covered rw',
  '43 40 0:52 / /data rw - tmpfs cover rw',
]);
// A slave of group 5, and a private copy.
const slave = table(200, 'sleep', [
  '60 1 254:1 / / rw master:1 - ext4 /dev/vda rw',
  '61 60 0:50 / /srv rw master:5 - tmpfs srv rw',
]);
const lonely = table(300, 'private', ['70 1 254:1 / / rw - ext4 /dev/vda rw', '71 70 0:50 / /srv rw - tmpfs srv rw']);
const set: MountSet = {
  tables: [host, slave, lonely],
  unreadable: [{ ns: 400, label: 'other', reason: 'needs root' }],
};

test('the namespace view lists mounts in tree order, counts the others and the unread', () => {
  const view = mountTableView(100, set, host, null, '12:00:00');
  assert.equal(view.status, 'ok');
  assert.deepEqual(
    view.mounts.map((m) => [m.id, m.depth]),
    [
      [40, 0],
      [41, 1],
      [42, 1],
      [43, 1],
    ],
  );
  assert.equal(view.others, 2);
  assert.deepEqual(
    view.unread.map((u) => u.reason),
    ['needs root'],
  );
  assert.match(
    view.mounts.find((m) => m.id === 42)!.hidden!,
    /^hidden: \/data \(mount 43\) is mounted over a directory above it$/,
  );
});

test('a namespace that is gone, or a reading that failed, says so instead of a table', () => {
  assert.equal(mountTableView(999, set, undefined, null, '').status, 'missing');
  const failed = mountTableView(100, undefined, undefined, 'EACCES', '');
  assert.equal(failed.status, 'failed');
  assert.match(failed.problem!, /EACCES/);
});

test('the selection of a shared mount: no peers elsewhere, its slave in the other namespace, the words and a drawing', () => {
  const view = selectionView(new PropagationIndex(set), host, 41);
  assert.equal(view.gone, null);
  assert.equal(view.description, 'shared (peer group 5)');
  assert.equal(view.peers.rows.length, 0);
  assert.match(view.peers.note!, /No other mount is in peer group 5.*1 mount namespace could not be read/);
  assert.deepEqual(
    view.slaves.rows.map((r) => [r.ns, r.mountId, r.target, r.groups]),
    [[200, 61, '/srv', 'master:5']],
  );
  assert.match(view.master.note!, /not a slave/);
  assert.ok(
    view.explanation.some((p) => p.items.some((i) => i.includes('mnt 200 (sleep) at /srv'))),
    JSON.stringify(view.explanation),
  );
  assert.match(view.graph!.svg, /^<svg[\s\S]*mnt 200[\s\S]*<\/svg>$/);
});

test('a mount that was unmounted since it was chosen is said to be gone', () => {
  const view = selectionView(new PropagationIndex(set), host, 4242);
  assert.equal(view.mount, null);
  assert.match(view.gone!, /Mount 4242 is no longer in mnt 100 \(host\)/);
});

test('comparing with the private copy: / and /srv differ in propagation, /data only here', () => {
  const view = compareView(set, host, 300)!;
  assert.deepEqual(
    view.propagationDiffers.map((p) => [p.target, p.here.propagation, p.there.propagation]),
    [
      ['/', 'shared', 'private'],
      ['/srv', 'shared', 'private'],
    ],
  );
  assert.deepEqual(
    view.onlyHere.map((m) => m.target),
    ['/data', '/data/x'],
  );
  assert.equal(view.onlyThere.length, 0);
  assert.equal(view.mountDiffers.length, 0, 'the same filesystems at the same paths');
  assert.equal(compareView(set, host, 999)!.problem !== null, true, 'a namespace not read is said to be missing');
  assert.equal(compareView(set, host, null), null);
});

test('the mount selected by default is the one at /', () => {
  assert.equal(defaultMount(host), 40);
});
