/** mountRows.ts: what a row of the Mounts view says, for each propagation and for hidden mounts. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMountinfo } from '../../src/core/mounts/mountinfo';
import { mountRecords, MountRecord } from '../../src/core/mounts/mountTable';
import { mountContext, mountRow, PROPAGATION_ICON, tableDescription } from '../../src/ui/mounts/mountRows';

const TEXT = [
  '22 1 254:1 / / rw,relatime shared:1 - ext4 /dev/vda1 rw',
  '30 22 0:40 / /srv/shared rw shared:5 master:3 - tmpfs peers rw',
  '31 22 0:41 / /srv/slave rw master:5 - tmpfs follower rw',
  '32 22 0:42 /sub /srv/private rw - tmpfs alone rw',
  '33 22 0:43 / /srv/unbindable rw unbindable - tmpfs nobind rw',
  '34 22 0:44 / /dev/shm rw - tmpfs low rw',
  '35 34 0:45 / /dev/shm rw - tmpfs high rw',
].join('\n');

function records(): Map<string, MountRecord> {
  return new Map(mountRecords(parseMountinfo(TEXT).mounts).map((m) => [m.source, m]));
}

test('each propagation has its own icon, and the row says its groups or its kind', () => {
  const r = records();
  const cases: [string, string, string][] = [
    ['peers', 'shared,slave', 'shared:5 master:3'],
    ['follower', 'slave', 'master:5'],
    ['alone', 'private', 'private'],
    ['nobind', 'unbindable', 'unbindable'],
    ['/dev/vda1', 'shared', 'shared:1'],
  ];
  for (const [source, propagation, words] of cases) {
    const row = mountRow(r.get(source)!);
    assert.equal(row.icon, PROPAGATION_ICON[propagation as MountRecord['propagation']], source);
    assert.ok(row.description.startsWith(words + ' · '), `${source}: ${row.description}`);
    assert.equal(row.dimmed, false);
  }
  assert.equal(new Set(Object.values(PROPAGATION_ICON)).size, 5, 'five different icons');
});

test('a covered mount is dimmed, says hidden first, and the tooltip says what covers it', () => {
  const r = records();
  const low = mountRow(r.get('low')!);
  assert.equal(low.dimmed, true);
  assert.match(low.description, /^hidden · private · tmpfs low$/);
  assert.match(low.tooltip, /Hidden: \/dev\/shm \(mount 35\) is mounted on top/);
  assert.match(low.ariaLabel, /hidden/);
  assert.equal(low.contextValue, 'nsx:mount:private:hidden');
  const high = mountRow(r.get('high')!);
  assert.equal(high.dimmed, false);
  assert.equal(high.contextValue, 'nsx:mount:private');
});

test('the tooltip names the directory a bind mount shows and the peer group it receives from', () => {
  const row = mountRow(records().get('alone')!);
  assert.match(row.tooltip, /tmpfs from alone, directory \/sub of it/);
  const slave = mountRow(records().get('follower')!);
  assert.match(slave.tooltip, /Propagation: a slave of peer group 5/);
  assert.equal(mountContext(records().get('peers')!), 'nsx:mount:shared,slave');
});

test('the view description names the namespace, counts mounts and hidden ones, and says when read as root', () => {
  const mounts = [...records().values()];
  const table = { ns: 4026531841, label: 'sleep', via: '/proc/1/mountinfo', mounts, errors: [] };
  assert.equal(tableDescription(table, true, false), 'mnt 4026531841 (sleep), yours · 7 mounts, 1 hidden');
  assert.equal(
    tableDescription({ ...table, label: null }, false, true),
    'mnt 4026531841 · 7 mounts, 1 hidden · read as root',
  );
});

/** Any C0 or C1 control character or DEL: none may reach a row, the view would act on or hide it. */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

test('control characters in a target, source and cover are shown as \\NNN in every text of the row, never raw', () => {
  // mountinfo escapes the newline (\012), not ESC, BEL or C1 controls.
  const hostile = [
    '22 1 254:1 / / rw shared:1 - ext4 /dev/vda1 rw',
    '40 22 0:50 / /a\\012FAKE-LINE\u001b[31mred rw - tmpfs src\u0007\u009b2J rw',
    '41 40 0:51 / /a\\012FAKE-LINE\u001b[31mred rw - tmpfs top rw',
  ].join('\n');
  const byId = new Map(mountRecords(parseMountinfo(hostile).mounts).map((m) => [m.id, m]));
  const covered = mountRow(byId.get(40)!);
  const top = mountRow(byId.get(41)!);
  for (const row of [covered, top]) {
    for (const [key, text] of Object.entries({
      label: row.label,
      description: row.description,
      ariaLabel: row.ariaLabel,
    })) {
      assert.doesNotMatch(text, CONTROL, `${key}: ${JSON.stringify(text)}`);
    }
    // The tooltip's own lines are split by newlines; no line may hold a control character.
    for (const line of row.tooltip.split('\n')) assert.doesNotMatch(line, CONTROL, JSON.stringify(line));
    assert.equal(row.label, '/a\\012FAKE-LINE\\033[31mred');
  }
  assert.match(covered.description, /tmpfs src\\007\\2332J$/);
  assert.equal(covered.tooltip.split('\n').length, 6, 'five lines and the Hidden one, none forged');
  assert.match(covered.tooltip, /Hidden: \/a\\012FAKE-LINE\\033\[31mred \(mount 41\) is mounted on top/);
  assert.match(covered.ariaLabel, /hidden: \/a\\012FAKE-LINE\\033\[31mred \(mount 41\)/);
  const table = {
    ns: 4026531841,
    label: 'evil\u001b]0;x\u0007',
    via: '/proc/1/mountinfo',
    mounts: [...byId.values()],
    errors: [],
  };
  assert.doesNotMatch(tableDescription(table, false, false), CONTROL);
});

test('a backslash in a target is shown doubled, once, in every text of the row: a newline and a name spelt \\012 differ', () => {
  // mountinfo writes a backslash as \134.
  const [root, named] = mountRecords(
    parseMountinfo(
      ['22 1 254:1 / / rw - ext4 /dev/vda1 rw', '40 22 0:50 / /a\\134012b rw - tmpfs s\\134x rw'].join('\n'),
    ).mounts,
  );
  const row = mountRow(named!);
  assert.equal(row.label, '/a\\\\012b');
  assert.equal(row.tooltip.split('\n')[0], '/a\\\\012b');
  assert.match(row.tooltip, /^tmpfs from s\\\\x$/m);
  assert.match(row.description, /tmpfs s\\\\x$/);
  assert.notEqual(mountRow({ ...named!, target: '/a\n012b' }).label, row.label);
  assert.equal(mountRow(root!).label, '/');
});
