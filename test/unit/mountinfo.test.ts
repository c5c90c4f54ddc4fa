/** mountinfo.ts: the /proc/PID/mountinfo parser, on real and hostile lines. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  Mount,
  nsfsMounts,
  parseMountinfo,
  parseMountinfoLine,
  unescapeMountField,
} from '../../src/core/mounts/mountinfo';

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
  const m = mount(
    '51 22 0:4 ipc:[4026532506] /srv/pin rw shared:5 master:3 propagate_from:2 unbindable - nsfs nsfs rw',
  );
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
  const { mounts, errors } = parseMountinfo(
    'x22 1 254:1 / / rw - ext4 /dev/vda1 rw\n22 abc 254:1 / / rw - ext4 /dev/vda1 rw\n',
  );
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
    fc.property(
      fc.oneof(
        fc.string({ unit: 'binary' }),
        fc.array(lineish, { maxLength: 6 }).map((l) => l.join('\n')),
      ),
      (text) => {
        const { mounts, errors } = parseMountinfo(text);
        assert.ok(Array.isArray(mounts) && Array.isArray(errors));
        nsfsMounts(text);
      },
    ),
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
    fc.property(
      fc.nat(),
      fc.nat(),
      path,
      path,
      fc.array(opt, { maxLength: 4 }),
      path,
      (id, parent, root, target, optional, source) => {
        const line = [
          id,
          parent,
          '0:4',
          escapeMountField(root),
          escapeMountField(target),
          'rw',
          ...optional,
          '-',
          'nsfs',
          escapeMountField(source),
          'rw',
        ].join(' ');
        const m = mount(line);
        assert.deepEqual(
          [m.id, m.parent, m.root, m.target, m.optionalFields, m.source],
          [id, parent, root, target, optional, source],
        );
      },
    ),
    { numRuns: 500 },
  );
});

test('unicode paths are written by the kernel as raw UTF-8 and come back unchanged', () => {
  // As read from the file: the bytes decoded as UTF-8, only space escaped.
  const bytes = Buffer.from(
    '70 22 8:1 /données/日本語 /mnt/café\\040☕/🐧 rw - ext4 /dev/disk/by-label/Ünï rw',
    'utf8',
  );
  const m = mount(bytes.toString('utf8'));
  assert.equal(m.root, '/données/日本語');
  assert.equal(m.target, '/mnt/café ☕/🐧');
  assert.equal(m.source, '/dev/disk/by-label/Ünï');
});

test('a carriage return is not escaped by the kernel and stays part of the path', () => {
  assert.equal(mount('71 22 8:1 / /mnt/cr\rhere rw - ext4 /dev/sda1 rw').target, '/mnt/cr\rhere');
});

test('an escaped " - " inside a target does not end the optional fields', () => {
  const m = mount('72 22 8:1 / /mnt/a\\040-\\040b rw shared:7 - ext4 /dev/sda1 rw');
  assert.equal(m.target, '/mnt/a - b');
  assert.deepEqual(m.optionalFields, ['shared:7']);
  assert.equal(m.fstype, 'ext4');
});

test('an empty source (mangled from "") leaves the fields after it in place', () => {
  const m = mount('73 22 0:50 / /mnt/none rw - tmpfs  rw,size=4k');
  assert.equal(m.source, '');
  assert.equal(m.superOptions, 'rw,size=4k');
});

test('a 64 KiB target with escapes parses whole', () => {
  const target = '/' + 'a b\\'.repeat(16 * 1024);
  const m = mount(`74 22 8:1 / ${escapeMountField(target)} rw shared:1 - ext4 /dev/sda1 rw`);
  assert.equal(m.target.length, target.length);
  assert.equal(m.target, target);
  assert.deepEqual(m.optionalFields, ['shared:1']);
});

test('100,000 lines all parse, and malformed ones among them keep their own line numbers', () => {
  const lines: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    // Every 10,000th line is cut short, so line numbers are checked far down the file.
    lines.push(
      i % 10_000 === 9_999
        ? `${i + 100} 22 0:4`
        : `${i + 100} 22 0:${i % 256} / /mnt/m${i} rw,relatime shared:${i} - tmpfs tmpfs rw`,
    );
  }
  const { mounts, errors } = parseMountinfo(lines.join('\n') + '\n');
  assert.equal(mounts.length, 99_990);
  assert.deepEqual(
    errors.map((e) => e.line),
    [10_000, 20_000, 30_000, 40_000, 50_000, 60_000, 70_000, 80_000, 90_000, 100_000],
  );
  assert.equal(mounts[0].target, '/mnt/m0');
  assert.deepEqual(mounts.at(-1)!.optionalFields, ['shared:99998']);
  assert.equal(mounts.at(-1)!.id, 99_998 + 100);
});

test('every truncation of a valid line is either parsed to the same fields or reported with its line number', () => {
  const full =
    '36 35 98:0 /mnt\\0401/ü /mnt/par\\011ent rw,noatime shared:4 master:1 propagate_from:2 - fuse.ss\\040h ' +
    '/dev/r\\134oot rw,errors=continue';
  const whole = mount(full);
  const bytes = Buffer.from(full, 'utf8');
  let parsedCount = 0;
  for (let cut = 0; cut <= bytes.length; cut++) {
    // Cut by bytes, as a short read would, so a multi-byte character can be split too.
    const truncated = bytes.subarray(0, cut).toString('utf8');
    const text = ['22 1 254:1 / / rw - ext4 /dev/vda1 rw', truncated, '23 22 0:21 / /proc rw - proc proc rw'].join(
      '\n',
    );
    const { mounts, errors } = parseMountinfo(text);
    assert.deepEqual([mounts[0].id, mounts.at(-1)!.id], [22, 23], `neighbours survive a cut at ${cut}`);
    if (mounts.length === 3) {
      const m = mounts[1];
      assert.deepEqual({ ...m, superOptions: '' }, { ...whole, superOptions: '' }, `cut at ${cut}`);
      assert.ok(whole.superOptions.startsWith(m.superOptions), `cut at ${cut}: ${m.superOptions}`);
      assert.deepEqual(errors, []);
      parsedCount++;
    } else if (truncated === '') {
      assert.deepEqual(errors, []);
    } else {
      assert.equal(mounts.length, 2, `cut at ${cut}`);
      assert.deepEqual(
        errors.map((e) => e.line),
        [2],
        `cut at ${cut}`,
      );
    }
  }
  // Only cuts inside the super options (after the space that starts them) still parse.
  assert.equal(parsedCount, 'rw,errors=continue'.length + 1);
});

test('property: any number of optional fields is kept, in order, whatever they say', () => {
  const field = fc
    .string({ unit: fc.constantFrom('a', 'z', ':', '_', '1', '9', '[', ']', '-'), minLength: 1 })
    .filter((f) => f !== '-');
  fc.assert(
    fc.property(fc.array(field, { maxLength: 60 }), (optional) => {
      const m = mount(['80', '22', '0:4', '/', '/mnt', 'rw', ...optional, '-', 'tmpfs', 'tmpfs', 'rw'].join(' '));
      assert.deepEqual(m.optionalFields, optional);
      assert.deepEqual([m.fstype, m.source, m.superOptions], ['tmpfs', 'tmpfs', 'rw']);
    }),
    { numRuns: 300 },
  );
});

test('property: parseMountinfoLine never throws on arbitrary lines, and what it accepts has integer ids', () => {
  const piece = fc.oneof(
    fc.constantFrom('-', '', '0', '12', '\\', '\\0', '\\400', '\t', '\r', 'shared:', 'é'),
    fc.string({ unit: 'grapheme' }),
  );
  const line = fc.oneof(
    fc.string({ unit: 'grapheme' }),
    fc.array(piece, { maxLength: 16 }).map((p) => p.join(' ')),
  );
  fc.assert(
    fc.property(line, (l) => {
      const parsed = parseMountinfoLine(l);
      if (typeof parsed === 'string') assert.notEqual(parsed, '');
      else
        assert.ok(
          Number.isSafeInteger(parsed.id) &&
            Number.isSafeInteger(parsed.parent) &&
            parsed.id >= 0 &&
            parsed.parent >= 0,
        );
    }),
    { numRuns: 1000 },
  );
});

test('property: every non-empty line becomes exactly one mount or one error, at its own line number', () => {
  const good = fc.nat().map((id) => `${id} 1 0:4 / /m rw - tmpfs tmpfs rw`);
  const bad = fc
    .string({ unit: fc.constantFrom('x', ' ', '-', '1') })
    .filter((s) => s !== '' && typeof parseMountinfoLine(s) === 'string');
  fc.assert(
    fc.property(fc.array(fc.oneof(good, bad, fc.constant('')), { maxLength: 20 }), (lines) => {
      const { mounts, errors } = parseMountinfo(lines.join('\n'));
      const expectedErrors = lines.flatMap((l, i) =>
        l !== '' && typeof parseMountinfoLine(l) === 'string' ? [i + 1] : [],
      );
      assert.deepEqual(
        errors.map((e) => e.line),
        expectedErrors,
      );
      assert.equal(mounts.length + errors.length, lines.filter((l) => l !== '').length);
    }),
    { numRuns: 300 },
  );
});

test('mount ids must be plain decimal numbers', () => {
  for (const [id, parent] of [
    ['0x1f', '1'],
    ['1e3', '1'],
    ['+5', '1'],
    ['5', '-1'],
    ['5', '1.5'],
    ['99999999999999999999', '1'],
  ]) {
    assert.equal(
      typeof parseMountinfoLine(`${id} ${parent} 0:4 / /m rw - tmpfs tmpfs rw`),
      'string',
      `${id} ${parent}`,
    );
  }
});

test('property: a path escaped the way the kernel does (any Unicode, any control character) parses back', () => {
  const path = fc.string({
    unit: fc.oneof(
      fc.constantFrom(' ', '\t', '\n', '\\', '\r', '-', '\\040'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
    ),
    minLength: 1,
  });
  fc.assert(
    fc.property(path, path, path, (root, target, source) => {
      const line =
        `90 22 8:1 ${escapeMountField(root)} ${escapeMountField(target)} rw master:3 - ` +
        `ext4 ${escapeMountField(source)} rw`;
      assert.ok(!line.includes('\n'), 'the escaped line is a single line');
      const { mounts, errors } = parseMountinfo(line + '\n');
      assert.deepEqual(errors, []);
      assert.deepEqual([mounts[0].root, mounts[0].target, mounts[0].source], [root, target, source]);
    }),
    { numRuns: 500 },
  );
});
