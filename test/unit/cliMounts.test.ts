/** src/cli/mounts.ts: the text of `nsx mounts` and `nsx propagation`, hidden mounts and hostile paths. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mountTreeText, propagationText, tableHeading } from '../../src/cli/mounts';
import { parseMountinfo } from '../../src/core/mounts/mountinfo';
import { mountRecords } from '../../src/core/mounts/mountTable';
import { MountTable, PropagationIndex } from '../../src/core/mounts/propagation';

function table(lines: string[], label: string | null = 'sleep'): MountTable {
  return {
    ns: 4026531841,
    label,
    via: '/proc/1/mountinfo',
    mounts: mountRecords(parseMountinfo(lines.join('\n')).mounts),
    errors: [],
  };
}

/** Any C0 or C1 control character or DEL, the newline aside (it ends the lines we print). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

// mountinfo escapes the newline (\012) but not ESC, BEL or the C1 CSI (U+009B).
const HOSTILE_TARGET = '/a\\012FAKE-LINE \u001b[31mred';
const HOSTILE_SOURCE = 'src\u0007\u001b]0;title\u0007\u009b2J';

const hostile = () =>
  table(
    [
      '22 1 254:1 / / rw shared:1 - ext4 /dev/vda1 rw',
      `40 22 0:50 / ${HOSTILE_TARGET.replace(' ', '\\040')} rw shared:7 - tmpfs ${HOSTILE_SOURCE} rw`,
      `41 40 0:51 / ${HOSTILE_TARGET.replace(' ', '\\040')} rw - tmpfs top\u001b[0m rw`,
    ],
    'evil\u001b[2J',
  );

test('mounts text: control characters in targets, sources and the namespace label are written as \\NNN, not sent to the terminal', () => {
  const t = hostile();
  const text = tableHeading(t) + '\n' + mountTreeText(t);
  assert.doesNotMatch(text, CONTROL, JSON.stringify(text));
  const lines = text.split('\n').filter(Boolean);
  assert.equal(lines.length, 5, 'heading, header and one line per mount: no forged row');
  assert.ok(!lines.some((l) => l.startsWith('FAKE-LINE')), 'the newline did not start a row');
  assert.match(lines[0], /^mnt 4026531841 \(evil\\033\[2J\), read from/);
  assert.match(lines[3], /^└─\/a\\012FAKE-LINE \\033\[31mred +src\\007\\033\]0;title\\007\\2332J +tmpfs /);
  assert.match(lines[3], /covered by \/a\\012FAKE-LINE \\033\[31mred \(41\)/);
  assert.match(lines[4], /top\\033\[0m/);
});

test('propagation text: the explanation shows control characters of the target and source as \\NNN', () => {
  const t = hostile();
  const answer = new PropagationIndex({ tables: [t], unreadable: [] }).answerFor(t, t.mounts[1]);
  const text = propagationText(answer);
  assert.doesNotMatch(text, CONTROL, JSON.stringify(text));
  assert.equal(text.split('\n').length, answer.explanation.length + 1, 'one printed line per explanation line');
  assert.match(
    text,
    /lies in mount 40 at \/a\\012FAKE-LINE \\033\[31mred \(tmpfs src\\007\\033\]0;title\\007\\2332J\)/,
  );
  assert.ok(answer.explanation[0].includes('\u001b'), 'the answer itself (and so the JSON) keeps the raw text');
});

test('mounts text: why a mount is hidden has its own column before OPTIONS, so cutting to the width keeps it', () => {
  const t = table([
    '22 1 254:1 / / rw shared:1 - ext4 /dev/vda1 rw,relatime,errors=remount-ro,commit=600',
    '30 22 0:40 / /dev/shm rw,nosuid,nodev,noexec,relatime,size=65536k,mode=1777 - tmpfs low rw',
    '31 22 0:41 / /dev/shm rw,nosuid,nodev,noexec,relatime,size=65536k,mode=1777 - tmpfs high rw',
    '47 22 0:42 / /a rw - tmpfs a-low rw',
    '48 47 0:43 / /a/b rw - tmpfs ab rw',
    '49 22 0:44 / /a rw - tmpfs a-high rw',
    '50 48 0:45 / /a/b/c rw - tmpfs abc rw',
    '60 22 0:46 / /x/y rw - tmpfs xy rw',
    '61 22 0:47 / /x rw - tmpfs x rw',
  ]);
  const text = mountTreeText(t, 80);
  const lines = text.split('\n');
  assert.match(mountTreeText(t).split('\n')[0], /^TARGET +SOURCE +FSTYPE +PROPAGATION +GROUPS +HIDDEN +OPTIONS$/);
  for (const line of lines) assert.ok(line.length <= 80, `${line.length}: ${line}`);
  const row = (source: string) => lines.find((l) => new RegExp(`/\\S* +${source} `).test(l))!;
  assert.match(row('low'), / covered by \/dev\/shm \(31\) /);
  assert.match(row('a-low'), / covered by \/a \(49\) /);
  assert.match(row('ab'), / in hidden \/a \(47\) /);
  assert.match(row('xy'), / covered above by \/x \(61\) /);
  assert.match(row('high'), / private +- +- +rw,/);
});

test('propagation text: a path that does not exist there is said not to, first; one that does, or cannot be checked, is not', () => {
  const t = table(['22 1 254:1 / / rw shared:1 - ext4 /dev/vda1 rw']);
  const answer = new PropagationIndex({ tables: [t], unreadable: [] }).answer(t, '/nonexistent/dir');
  const [first, second] = propagationText(answer, false).split('\n');
  assert.equal(
    first,
    '/nonexistent/dir does not exist in mnt 4026531841 (sleep): nothing can be mounted there until it is ' +
      'made. For a directory made there:',
  );
  assert.match(second!, /^\/nonexistent\/dir in mnt 4026531841 \(sleep\) lies in mount 22 at \//);
  assert.doesNotMatch(propagationText(answer, true), /does not exist/);
  assert.doesNotMatch(propagationText(answer, null), /does not exist/);
});
