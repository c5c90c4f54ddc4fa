/** src/core/procfs.ts parseStartTime: field 22 of /proc/PID/stat, whatever the command name holds. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseStartTime, ProcSource } from '../../src/core/linux/procfs';

/** A /proc/PID/stat line: fields 3 to 21, then the start time (22), then the rest, as the kernel writes them. */
function stat(pid: number, comm: string, start: number | string): string {
  const fields3to21 = [
    'S',
    '1',
    String(pid),
    String(pid),
    '0',
    '-1',
    '4194560',
    '1024',
    '0',
    '0',
    '0',
    '3',
    '2',
    '0',
    '0',
    '20',
    '0',
    '1',
    '0',
  ];
  const rest = [
    '12345678',
    '456',
    '18446744073709551615',
    '1',
    '1',
    '0',
    '0',
    '0',
    '0',
    '0',
    '0',
    '0',
    '0',
    '0',
    '0',
    '0',
    '17',
    '3',
    '0',
    '0',
    '0',
    '0',
    '0',
  ];
  return `${pid} (${comm}) ${[...fields3to21, String(start), ...rest].join(' ')}\n`;
}

test('parseStartTime reads field 22 of an ordinary stat line', () => {
  assert.equal(parseStartTime(stat(1234, 'bash', 987654)), 987654);
});

test('parseStartTime: a command name with spaces and ) still gives field 22', () => {
  assert.equal(parseStartTime(stat(1234, 'a) b', 555)), 555);
  assert.equal(
    parseStartTime('1234 (a) b) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 200\n'),
    987654,
  );
  assert.equal(parseStartTime(stat(7, ') ) 1 2 3 (', 42)), 42);
  assert.equal(parseStartTime(stat(7, '', 43)), 43);
});

test("parseStartTime reads this very process's stat as a number no later than now", () => {
  const ticks = parseStartTime(fs.readFileSync('/proc/self/stat', 'utf8'));
  assert.ok(Number.isSafeInteger(ticks) && ticks > 0, String(ticks));
  const uptime = Number(fs.readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
  assert.ok(ticks <= (uptime + 1) * 100 * 10, `${ticks} ticks is not after ${uptime} s of uptime`);
});

test('parseStartTime: a truncated or garbled line throws with code EINVAL', () => {
  for (const text of ['', '1234 (bash) S 1 2 3', '1234 (bash)', stat(1, 'x', 'abc'), stat(1, 'x', '1.5')]) {
    assert.throws(
      () => parseStartTime(text),
      (err: NodeJS.ErrnoException) => err.code === 'EINVAL' && /unexpected \/proc\/PID\/stat/.test(err.message),
      JSON.stringify(text),
    );
  }
});

test('property: any command name of up to 15 characters without NUL gives back field 22', () => {
  const comm = fc.string({ unit: fc.constantFrom('a', ' ', ')', '(', '1', ':', '\n', 'é', '\\'), maxLength: 15 });
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 4194304 }),
      comm,
      fc.nat({ max: Number.MAX_SAFE_INTEGER }),
      (pid, name, start) => {
        assert.equal(parseStartTime(stat(pid, name, start)), start);
      },
    ),
  );
});

test('ProcSource.startTime reads PID/stat under its procfs root', (t) => {
  const root = fs.mkdtempSync('/tmp/nsx-stat-');
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, '4321'));
  fs.writeFileSync(path.join(root, '4321', 'stat'), stat(4321, 'sleep) (x', 31337));
  assert.equal(new ProcSource(root).startTime(4321), 31337);
  assert.throws(
    () => new ProcSource(root).startTime(4322),
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
  );
});
