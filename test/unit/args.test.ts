/** src/cli/args.ts: every command and option of `nsx`, and every mistake as one UsageError line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCommand, UsageError } from '../../src/cli/args';

/** Asserts that argv is refused with a one-line UsageError matching `message`. */
function refused(argv: string[], message: RegExp): void {
  assert.throws(
    () => parseCommand(argv),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, `UsageError for ${JSON.stringify(argv)}, got ${String(err)}`);
      assert.match(err.message, message);
      assert.ok(!err.message.includes('\n'), `one line: ${JSON.stringify(err.message)}`);
      return true;
    },
  );
}

test('no arguments, `help`, -h and --help ask for help', () => {
  for (const argv of [[], ['help'], ['-h'], ['--help'], ['list', '--help']]) assert.deepEqual(parseCommand(argv), { name: 'help' }, argv.join(' '));
});

test('-V and --version ask for the version', () => {
  assert.deepEqual(parseCommand(['--version']), { name: 'version' });
  assert.deepEqual(parseCommand(['-V']), { name: 'version' });
});

test('list without options', () => {
  assert.deepEqual(parseCommand(['list']), { name: 'list', json: false, types: null, pid: null });
});

test('list --json', () => {
  assert.deepEqual(parseCommand(['list', '--json']), { name: 'list', json: true, types: null, pid: null });
});

test('list --type with one type, several types, = form and -t', () => {
  assert.deepEqual(parseCommand(['list', '--type', 'net']), { name: 'list', json: false, types: ['net'], pid: null });
  assert.deepEqual((parseCommand(['list', '--type=net,user']) as { types: unknown }).types, ['net', 'user']);
  assert.deepEqual((parseCommand(['list', '-t', 'pid, mnt']) as { types: unknown }).types, ['pid', 'mnt']);
});

test('list --pid and -p', () => {
  assert.deepEqual(parseCommand(['list', '--pid', '1']), { name: 'list', json: false, types: null, pid: 1 });
  assert.deepEqual((parseCommand(['list', '-p', '4242']) as { pid: unknown }).pid, 4242);
  assert.deepEqual((parseCommand(['list', '--pid=4194304']) as { pid: unknown }).pid, 4194304);
});

test('tree defaults to the owner view', () => {
  assert.deepEqual(parseCommand(['tree']), { name: 'tree', json: false, types: null, mode: 'owner' });
});

test('tree --parent and tree --process', () => {
  assert.equal((parseCommand(['tree', '--parent']) as { mode: unknown }).mode, 'parent');
  assert.equal((parseCommand(['tree', '--process']) as { mode: unknown }).mode, 'process');
});

test('tree --json --type', () => {
  assert.deepEqual(parseCommand(['tree', '--json', '--type', 'user']), { name: 'tree', json: true, types: ['user'], mode: 'owner' });
});

test('snapshot, with or without --json', () => {
  assert.deepEqual(parseCommand(['snapshot']), { name: 'snapshot' });
  assert.deepEqual(parseCommand(['snapshot', '--json']), { name: 'snapshot' });
});

test('an unknown option is a UsageError naming it', () => {
  refused(['list', '--foo'], /unknown option '--foo'/);
  refused(['list', '-x'], /unknown option '-x'/);
});

test('a PID that is not a positive integer is a UsageError', () => {
  refused(['list', '--pid', 'abc'], /'abc' is not a process ID/);
  refused(['list', '--pid', '0'], /'0' is not a process ID/);
  refused(['list', '--pid=-1'], /'-1' is not a process ID/);
  refused(['list', '--pid', '-1'], /--pid/);
  refused(['list', '--pid', '1.5'], /'1.5' is not a process ID/);
  refused(['list', '--pid', '0x10'], /not a process ID/);
  refused(['list', '--pid', '99999999999'], /not a process ID/);
});

test('--pid without a value is a UsageError', () => {
  refused(['list', '--pid'], /--pid.*needs a value/);
});

test('an unknown namespace type is a UsageError listing the types', () => {
  refused(['list', '--type', 'network'], /unknown namespace type 'network'.*net/);
  refused(['tree', '-t', 'net,bogus'], /unknown namespace type 'bogus'/);
});

test('an unknown command is a UsageError listing the commands', () => {
  refused(['lsit'], /unknown command 'lsit'.*list/);
});

test('names of Object.prototype members are unknown commands too', () => {
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    refused([name], new RegExp(`unknown command '${name}'`));
    refused([name, '--json'], new RegExp(`unknown command '${name}'`));
  }
});

test('--parent with --process is a UsageError', () => {
  refused(['tree', '--parent', '--process'], /--parent.*--process/);
});

test('an option another command takes is a UsageError naming the command', () => {
  refused(['tree', '--pid', '1'], /'tree' takes no --pid option/);
  refused(['list', '--parent'], /'list' takes no --parent option/);
  refused(['snapshot', '--type', 'net'], /'snapshot' takes no --type option/);
});

test('an extra argument is a UsageError', () => {
  refused(['list', 'extra'], /unexpected argument 'extra'/);
});

test('a value given to a boolean option is refused as such, not as a missing value', () => {
  refused(['list', '--json=yes'], /--json/);
  assert.throws(
    () => parseCommand(['list', '--json=yes']),
    (err: Error) => !/needs a value/.test(err.message),
    'the message must not say that --json needs a value',
  );
});
