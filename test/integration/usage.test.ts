/**
 * Usage errors of the CLI: exit status 2, one line on stderr, nothing on stdout.
 * They need no privilege and run as any user.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from './helpers';

const cases: [string, string[]][] = [
  ['an unknown flag', ['list', '--bogus']],
  ['a PID that is not a number', ['list', '--pid', 'abc']],
  ['an unknown namespace type', ['list', '--type', 'foo']],
  ['a PID of 0', ['list', '--pid', '0']],
  ['a PID no process has', ['list', '--pid', '4194304']],
  ['an option without its value', ['list', '--pid']],
  ['an unknown command', ['lst']],
  ['two tree modes at once', ['tree', '--parent', '--process']],
  ['an option of another command', ['snapshot', '--pid', '1']],
];

for (const [what, args] of cases) {
  test(
    `usage error: \`nsx ${args.join(' ')}\` (${what}) exits 2 with one line on stderr and nothing on stdout`,
    () => {
      const r = runCli(args);
      assert.equal(r.status, 2, `exit status (stderr: ${JSON.stringify(r.stderr)})`);
      assert.equal(r.stdout, '', 'nothing on stdout');
      const lines = r.stderr.replace(/\n$/, '').split('\n');
      assert.equal(lines.length, 1, `exactly one line on stderr: ${JSON.stringify(r.stderr)}`);
      assert.ok(lines[0]!.trim().length > 0, 'the line says something');
    },
  );
}
