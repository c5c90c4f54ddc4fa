/** mountinfo.ts: the /proc/PID/mountinfo parser, on real and hostile lines. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Mount, nsfsMounts, parseMountinfo, parseMountinfoLine, unescapeMountField } from '../../src/core/mountinfo';

/** The kernel's escaping of mountinfo path fields (show_mountinfo → seq_path/mangle). */
function escapeMountField(field: string): string {
  return field.replace(/[ \t\n\\]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'));
}

function mount(line: string): Mount {
  const parsed = parseMountinfoLine(line);
  assert.notEqual(typeof parsed, 'string', `parses: ${String(parsed)}`);
  return parsed as Mount;
}

test('parses a real nsfs line from `ip netns add`', () => {
  assert.deepEqual(mount('1819 1816 0:4 net:[4026539828] /run/netns/nsxcap rw shared:6 - nsfs nsfs rw'), {
    id: 1819,
    parent: 1816,
    majmin: '0:4',
    root: 'net:[4026539828]',
    target: '/run/netns/nsxcap',
    options: 'rw',
    optionalFields: ['shared:6'],
    fstype: 'nsfs',
    source: 'nsfs',
    superOptions: 'rw',
  });
});

test('parses the example line of proc(5)', () => {
  const m = mount('36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue');
  assert.equal(m.root, '/mnt1');
  assert.equal(m.target, '/mnt/parent');
  assert.equal(m.options, 'rw,noatime');
  assert.deepEqual(m.optionalFields, ['master:1']);
  assert.equal(m.fstype, 'ext3');
  assert.equal(m.source, '/dev/root');
  assert.equal(m.superOptions, 'rw,errors=continue');
});

test('a line with no optional fields', () => {
  const m = mount('22 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw,errors=remount-ro');
  assert.deepEqual(m.optionalFields, []);
  assert.equal(m.fstype, 'ext4');
});

test('a line with several optional fields keeps them in order', () => {
  const m = mount('51 22 0:4 ipc:[4026532506] /srv/pin rw shared:5 master:3 propagate_from:2 unbindable - nsfs nsfs rw');
  assert.deepEqual(m.optionalFields, ['shared:5', 'master:3', 'propagate_from:2', 'unbindable']);
  assert.equal(m.fstype, 'nsfs');
});

test('octal escapes in root, target and source are undone', () => {
  const m = mount('60 22 8:1 /srv/with\\040space /mnt/tab\\011here rw - ext4 /dev/disk\\134by-label rw');
  assert.equal(m.root, '/srv/with space');
  assert.equal(m.target, '/mnt/tab\there');
  assert.equal(m.source, '/dev/disk\\by-label');
});

test('an escaped newline in a target stays inside the field', () => {
  const m = mount('61 22 8:1 / /mnt/new\\012line rw - ext4 /dev/sda1 rw');
  assert.equal(m.target, '/mnt/new\nline');
});

test('a truncated line is reported with its 1-based line number and skipped', () => {
  const text = [
    '22 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw',
    '50 45 0:4 net:[4026532505] /run/netns/cut rw shared:23 - nsfs',
    '23 22 0:21 / /proc rw,nosuid - proc proc rw',
    '',
  ].join('\n');
  const { mounts, errors } = parseMountinfo(text);
  assert.deepEqual(
    mounts.map((m) => m.id),
    [22, 23],
  );
  assert.equal(errors.length, 1);
  assert.equal(errors[0].line, 2);
  assert.match(errors[0].message, /\S/);
});

test('a line without the separator is an error', () => {
  const { mounts, errors } = parseMountinfo('22 1 254:1 / / rw,relatime shared:1 ext4 /dev/vda1 rw\n');
  assert.deepEqual(mounts, []);
  assert.deepEqual(
    errors.map((e) => e.line),
    [1],
  );
});

test('a line with a non-numeric mount id is an error', () => {
  const { mounts, errors } = parseMountinfo('x22 1 254:1 / / rw - ext4 /dev/vda1 rw\n22 abc 254:1 / / rw - ext4 /dev/vda1 rw\n');
  assert.deepEqual(mounts, []);
  assert.deepEqual(
    errors.map((e) => e.line),
    [1, 2],
  );
  assert.equal(typeof parseMountinfoLine('x22 1 254:1 / / rw - ext4 /dev/vda1 rw'), 'string');
});

test('empty lines are neither mounts nor errors', () => {
  assert.deepEqual(parseMountinfo('\n\n'), { mounts: [], errors: [] });
  assert.deepEqual(parseMountinfo(''), { mounts: [], errors: [] });
});

test('nsfsMounts keeps only nsfs mounts', () => {
  const text = [
    '22 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw',
    '45 26 0:24 /netns /run/netns rw shared:20 - tmpfs tmpfs rw',
    '46 45 0:4 net:[4026532501] /run/netns/blue rw shared:21 - nsfs nsfs rw',
    '48 22 0:4 uts:[4026532503] /srv/pins/uts rw - nsfs nsfs rw',
  ].join('\n');
  assert.deepEqual(
    nsfsMounts(text).map((m) => [m.root, m.target]),
    [
      ['net:[4026532501]', '/run/netns/blue'],
      ['uts:[4026532503]', '/srv/pins/uts'],
    ],
  );
});

test('property: parseMountinfo never throws on arbitrary text', () => {
  const token = fc.oneof(
    fc.constantFrom('-', '', ' ', '\\', '\\040', '\\1', 'nsfs', 'shared:1', 'net:[1]', '\n'),
    fc.nat().map(String),
    fc.string(),
  );
  const lineish = fc.array(token, { maxLength: 14 }).map((t) => t.join(' '));
  fc.assert(
    fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.array(lineish, { maxLength: 6 }).map((l) => l.join('\n'))), (text) => {
      const { mounts, errors } = parseMountinfo(text);
      assert.ok(Array.isArray(mounts) && Array.isArray(errors));
      nsfsMounts(text);
    }),
    { numRuns: 500 },
  );
});

test('property: unescapeMountField inverts the kernel\u2019s escaping of space, tab, newline and backslash', () => {
  const text = fc.string({ unit: fc.constantFrom('a', '/', ' ', '\t', '\n', '\\', '0', '4', '1', '7', 'é') });
  fc.assert(
    fc.property(fc.oneof(text, fc.string({ unit: 'binary' })), (s) => {
      assert.equal(unescapeMountField(escapeMountField(s)), s);
    }),
    { numRuns: 1000 },
  );
});

test('property: a line built from escaped fields parses back to them', () => {
  const path = fc.string({ unit: fc.constantFrom('a', 'b', '/', ' ', '\t', '\n', '\\', '-', ':'), minLength: 1 });
  const opt = fc.constantFrom('shared:1', 'master:2', 'propagate_from:3', 'unbindable');
  fc.assert(
    fc.property(fc.nat(), fc.nat(), path, path, fc.array(opt, { maxLength: 4 }), path, (id, parent, root, target, optional, source) => {
      const line = [id, parent, '0:4', escapeMountField(root), escapeMountField(target), 'rw', ...optional, '-', 'nsfs', escapeMountField(source), 'rw'].join(' ');
      const m = mount(line);
      assert.deepEqual([m.id, m.parent, m.root, m.target, m.optionalFields, m.source], [id, parent, root, target, optional, source]);
    }),
    { numRuns: 500 },
  );
});
