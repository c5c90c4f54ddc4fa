/** src/core/commands.ts: nsenter and unshare argv, the gate script, hostnames and shell quoting. */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  GATE_SCRIPT,
  gatedCommand,
  hostnameProblem,
  nsenterCommand,
  NsenterSpec,
  shellQuote,
  unshareCommand,
  UnshareSpec,
} from '../../src/core/terminals/argv';

const NSENTER = '/usr/bin/nsenter';
const UNSHARE = '/usr/bin/unshare';

function enterSpec(extra: Partial<NsenterSpec>): NsenterSpec {
  return {
    target: { kind: 'process', pid: 1234 },
    types: ['net', 'uts'],
    viaOwnUserns: false,
    asRoot: false,
    command: ['/bin/bash'],
    ...extra,
  };
}

function newSpec(extra: Partial<UnshareSpec>): UnshareSpec {
  return { types: ['net'], mountProc: false, propagation: 'private', mapRoot: false, command: ['/bin/bash'], ...extra };
}

test('nsenterCommand: a process target gives --target PID and one option per type, then -- and the command', () => {
  assert.deepEqual(
    nsenterCommand(NSENTER, enterSpec({ types: ['mnt', 'net', 'pid', 'uts'], command: ['ip', 'addr'] })),
    [NSENTER, '--target', '1234', '--mount', '--net', '--pid', '--uts', '--', 'ip', 'addr'],
  );
});

test('nsenterCommand: every type has its nsenter option', () => {
  const argv = nsenterCommand(
    NSENTER,
    enterSpec({ types: ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'] }),
  );
  assert.deepEqual(argv.slice(3, 11), ['--cgroup', '--ipc', '--mount', '--net', '--pid', '--time', '--user', '--uts']);
});

test('nsenterCommand: a file target gives --TYPE=PATH and no --target', () => {
  const argv = nsenterCommand(
    NSENTER,
    enterSpec({ target: { kind: 'file', path: '/proc/77/root/run/netns/blue', type: 'net' }, types: ['net'] }),
  );
  assert.deepEqual(argv, [NSENTER, '--net=/proc/77/root/run/netns/blue', '--', '/bin/bash']);
  const mnt = nsenterCommand(
    NSENTER,
    enterSpec({ target: { kind: 'file', path: '/proc/9/fd/5', type: 'mnt' }, types: ['mnt'] }),
  );
  assert.equal(mnt[1], '--mount=/proc/9/fd/5');
});

test("nsenterCommand: namespaces nsx opened give --TYPE=FILE for each, its user namespace's too when entered through it, and no --target", () => {
  const files = { net: '/proc/42/fd/20', uts: '/proc/42/fd/21', user: '/proc/42/fd/22' };
  assert.deepEqual(nsenterCommand(NSENTER, enterSpec({ target: { kind: 'opened', files } })), [
    NSENTER,
    '--net=/proc/42/fd/20',
    '--uts=/proc/42/fd/21',
    '--',
    '/bin/bash',
  ]);
  assert.deepEqual(nsenterCommand(NSENTER, enterSpec({ target: { kind: 'opened', files }, viaOwnUserns: true })), [
    NSENTER,
    '--net=/proc/42/fd/20',
    '--uts=/proc/42/fd/21',
    '--user=/proc/42/fd/22',
    '--preserve-credentials',
    '--',
    '/bin/bash',
  ]);
});

test('nsenterCommand: a type nsx did not open is an error, never a bare option nsenter would take from elsewhere', () => {
  assert.throws(
    () => nsenterCommand(NSENTER, enterSpec({ target: { kind: 'opened', files: { net: '/proc/42/fd/20' } } })),
    /no opened uts namespace/,
  );
});

test("nsenterCommand: through the caller's own user namespace adds --user and --preserve-credentials", () => {
  assert.deepEqual(nsenterCommand(NSENTER, enterSpec({ viaOwnUserns: true })), [
    NSENTER,
    '--target',
    '1234',
    '--net',
    '--uts',
    '--user',
    '--preserve-credentials',
    '--',
    '/bin/bash',
  ]);
});

test('nsenterCommand: through its own user namespace with the user type chosen, --user appears once, --preserve-credentials still', () => {
  const argv = nsenterCommand(NSENTER, enterSpec({ viaOwnUserns: true, types: ['net', 'user'] }));
  assert.equal(argv.filter((a) => a === '--user').length, 1);
  assert.ok(argv.includes('--preserve-credentials'));
  assert.deepEqual(argv, [NSENTER, '--target', '1234', '--net', '--user', '--preserve-credentials', '--', '/bin/bash']);
});

test('nsenterCommand: through its own user namespace it never changes identity, even given a user', () => {
  const argv = nsenterCommand(NSENTER, enterSpec({ viaOwnUserns: true, user: { uid: 1000, gid: 1000 } }));
  assert.ok(!argv.includes('--setuid') && !argv.includes('--setgid'), argv.join(' '));
});

test("nsenterCommand: root on a user's behalf becomes that user with --setuid and --setgid", () => {
  assert.deepEqual(nsenterCommand(NSENTER, enterSpec({ user: { uid: 1000, gid: 1001 } })), [
    NSENTER,
    '--target',
    '1234',
    '--net',
    '--uts',
    '--setuid',
    '1000',
    '--setgid',
    '1001',
    '--',
    '/bin/bash',
  ]);
});

test('nsenterCommand: asRoot keeps root, no --setuid; no user given keeps the caller as it is', () => {
  const asRoot = nsenterCommand(NSENTER, enterSpec({ asRoot: true, user: { uid: 1000, gid: 1000 } }));
  assert.deepEqual(asRoot, [NSENTER, '--target', '1234', '--net', '--uts', '--', '/bin/bash']);
  assert.deepEqual(nsenterCommand(NSENTER, enterSpec({})), [
    NSENTER,
    '--target',
    '1234',
    '--net',
    '--uts',
    '--',
    '/bin/bash',
  ]);
});

test('nsenterCommand: the command follows -- verbatim, even when it looks like nsenter options', () => {
  const command = ['--user', '--target', '1', '-S', '0', '$(rm -rf /)', ''];
  const argv = nsenterCommand(NSENTER, enterSpec({ command }));
  const dash = argv.indexOf('--');
  assert.deepEqual(argv.slice(dash + 1), command);
  assert.deepEqual(argv.slice(0, dash), [NSENTER, '--target', '1234', '--net', '--uts']);
});

test('unshareCommand: one option per type, then -- and the command', () => {
  assert.deepEqual(unshareCommand(UNSHARE, newSpec({ types: ['net', 'uts'], command: ['sh', '-c', 'x'] })), [
    UNSHARE,
    '--net',
    '--uts',
    '--',
    'sh',
    '-c',
    'x',
  ]);
});

test('unshareCommand: --fork --kill-child only with a pid or time namespace', () => {
  for (const types of [['pid'], ['time'], ['net', 'pid'], ['time', 'uts']] as UnshareSpec['types'][]) {
    const argv = unshareCommand(UNSHARE, newSpec({ types }));
    assert.ok(argv.includes('--fork') && argv.includes('--kill-child'), types.join(','));
  }
  for (const types of [['net'], ['user', 'uts', 'ipc', 'cgroup']] as UnshareSpec['types'][]) {
    const argv = unshareCommand(UNSHARE, newSpec({ types }));
    assert.ok(!argv.includes('--fork') && !argv.includes('--kill-child'), types.join(','));
  }
});

test('unshareCommand: --mount-proc when asked', () => {
  assert.deepEqual(unshareCommand(UNSHARE, newSpec({ types: ['mnt', 'pid'], mountProc: true })), [
    UNSHARE,
    '--mount',
    '--pid',
    '--fork',
    '--kill-child',
    '--mount-proc',
    '--propagation=private',
    '--',
    '/bin/bash',
  ]);
  assert.ok(!unshareCommand(UNSHARE, newSpec({ types: ['mnt', 'pid'] })).includes('--mount-proc'));
});

test('unshareCommand: --propagation only with a mount namespace, with the value asked for', () => {
  assert.ok(unshareCommand(UNSHARE, newSpec({ types: ['mnt'], propagation: 'slave' })).includes('--propagation=slave'));
  assert.ok(
    unshareCommand(UNSHARE, newSpec({ types: ['mnt'], propagation: 'unchanged' })).includes('--propagation=unchanged'),
  );
  assert.ok(
    !unshareCommand(UNSHARE, newSpec({ types: ['net'], propagation: 'shared' })).some((a) =>
      a.startsWith('--propagation'),
    ),
  );
});

test('unshareCommand: --map-root-user when asked, and not otherwise', () => {
  assert.deepEqual(unshareCommand(UNSHARE, newSpec({ types: ['user', 'net'], mapRoot: true })), [
    UNSHARE,
    '--user',
    '--net',
    '--map-root-user',
    '--',
    '/bin/bash',
  ]);
  assert.ok(!unshareCommand(UNSHARE, newSpec({ types: ['user', 'net'] })).includes('--map-root-user'));
});

test('unshareCommand: the command after -- is verbatim', () => {
  const command = ['--pid', '--map-root-user', 'a b', "it's", ''];
  const argv = unshareCommand(UNSHARE, newSpec({ types: ['net'], command }));
  assert.deepEqual(argv.slice(argv.indexOf('--') + 1), command);
});

test('gatedCommand: sh -c with the fixed script, $0 nsx-gate, then the command as separate arguments', () => {
  assert.deepEqual(gatedCommand('/bin/sh', ['bash', '-l']), ['/bin/sh', '-c', GATE_SCRIPT, 'nsx-gate', 'bash', '-l']);
});

test('property: gatedCommand never splices the command into the script', () => {
  fc.assert(
    fc.property(fc.array(fc.string(), { maxLength: 6 }), (command) => {
      const argv = gatedCommand('/bin/sh', command);
      assert.equal(argv[2], GATE_SCRIPT);
      assert.deepEqual(argv.slice(0, 4), ['/bin/sh', '-c', GATE_SCRIPT, 'nsx-gate']);
      assert.deepEqual(argv.slice(4), command);
    }),
  );
});

function readUntil(stream: Readable, wanted: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(wanted)) {
        stream.off('data', onData);
        resolve(seen);
      }
    };
    stream.on('data', onData);
    stream.on('error', reject);
  });
}

test('the gate script says ready on fd 3, runs the command only after the answer, with fd 3 closed and arguments intact', async () => {
  const probe = 'printf "%s|" "$@"; if [ -e /proc/self/fd/3 ]; then echo fd3-open; else echo fd3-closed; fi';
  const argv = gatedCommand('/bin/sh', ['/bin/sh', '-c', probe, 'probe', 'a b', '$(echo no)', "it's", '*']);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const gate = child.stdio[3] as unknown as Readable & Writable;
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  assert.equal(await readUntil(gate, 'ready\n'), 'ready\n');
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(out, '', 'nothing runs before nsx answers');
  gate.end('go\n');
  assert.equal(await exited, 0);
  assert.equal(out, "a b|$(echo no)|it's|*|fd3-closed\n");
});

/**
 * Starts `echo RAN` behind the gate and waits for its ready; ANSWER then
 * ends fd 3 (undefined: nothing is said before it ends).
 */
async function gateAnswered(answer: string | undefined): Promise<{ status: number | null; out: string; err: string }> {
  const argv = gatedCommand('/bin/sh', ['/bin/sh', '-c', 'echo RAN']);
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const gate = child.stdio[3] as unknown as Readable & Writable;
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await readUntil(gate, 'ready\n');
  gate.end(answer);
  return { status: await exited, out, err };
}

test('the gate runs nothing when fd 3 ends without the go-ahead (nsx was killed during set-up), and says so', async () => {
  const r = await gateAnswered(undefined);
  assert.equal(r.out, '', 'the command did not run');
  assert.equal(r.status, 125);
  assert.equal(r.err, 'nsx: setting up the new namespaces did not complete; the command was not run\n');
});

test('the gate runs nothing on any answer but a whole line saying go', async () => {
  for (const answer of ['stop\n', 'gone\n', '\n', 'go']) {
    const r = await gateAnswered(answer);
    assert.equal(r.out, '', `${JSON.stringify(answer)}: the command did not run`);
    assert.equal(r.status, 125, JSON.stringify(answer));
  }
  assert.equal((await gateAnswered('go\n')).out, 'RAN\n');
});

test('hostnameProblem: ordinary names, digits, inner hyphens and dotted names are valid', () => {
  for (const name of [
    'box',
    'a',
    'my-box',
    'web01',
    '0',
    '123',
    'a.b.c',
    'Host-1.Example.org',
    'x'.repeat(63),
    'a--b',
  ]) {
    assert.equal(hostnameProblem(name), null, name);
  }
  assert.equal(hostnameProblem(`${'a'.repeat(31)}.${'b'.repeat(32)}`), null, 'exactly 64 characters');
});

test('hostnameProblem: empty is refused', () => {
  assert.equal(hostnameProblem(''), 'a hostname cannot be empty');
});

test('hostnameProblem: longer than 64 characters is refused, quoting only the start', () => {
  const long = `${'a'.repeat(32)}.${'b'.repeat(32)}`;
  assert.equal(long.length, 65);
  assert.equal(hostnameProblem(long), `'${'a'.repeat(20)}…' is longer than 64 characters`);
});

test('hostnameProblem: bad labels are refused: leading or trailing hyphen, empty label, over 63, other characters', () => {
  for (const name of [
    '-box',
    'box-',
    'a..b',
    '.box',
    'box.',
    'a.-b',
    'a_b',
    'my box',
    'box!',
    'bøx',
    'a/b',
    'x'.repeat(64),
    'a\nb',
    '*',
  ]) {
    assert.match(hostnameProblem(name) ?? 'accepted', /is not a valid hostname|longer than 64/, JSON.stringify(name));
  }
});

/**
 * RFC 1123 by hand: dot-separated labels of 1-63 letters, digits and
 * hyphens, no hyphen at either end; at most 64 in all.
 */
function rfc1123(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  return name.split('.').every((label) => {
    if (label.length < 1 || label.length > 63 || label.startsWith('-') || label.endsWith('-')) return false;
    return [...label].every(
      (c) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '-',
    );
  });
}

test('property: hostnameProblem accepts exactly the RFC 1123 names of at most 64 characters', () => {
  const char = fc.constantFrom('a', 'Z', '0', '9', '-', '.', '_', ' ', 'é', '\n');
  const label = fc.string({ unit: fc.constantFrom('a', 'b', '7', '-'), minLength: 0, maxLength: 66 });
  const names = fc.oneof(
    fc.string({ unit: char, maxLength: 70 }),
    fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join('.')),
    fc.string(),
  );
  fc.assert(
    fc.property(names, (name) => {
      const problem = hostnameProblem(name);
      assert.equal(problem === null, rfc1123(name), `${JSON.stringify(name)}: ${problem}`);
      if (problem !== null)
        assert.ok(!problem.includes('\n') || name.includes('\n'), 'one line unless the name has one');
    }),
    { numRuns: 500 },
  );
});

test('shellQuote leaves safe words bare and single-quotes the rest', () => {
  assert.equal(
    shellQuote(['nsenter', '--target', '1234', '--net=/run/netns/blue', '--']),
    'nsenter --target 1234 --net=/run/netns/blue --',
  );
  assert.equal(shellQuote(['echo', 'a b', '', "it's", '$HOME', '*']), `echo 'a b' '' 'it'\\''s' '$HOME' '*'`);
});

/** What /bin/sh makes of `printf '%s\0' <quoted words>`. */
function shellWords(quoted: string): string[] {
  const r = spawnSync('/bin/sh', ['-c', `printf '%s\\0' ${quoted}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\0').slice(0, -1);
}

test('shellQuote: /bin/sh reads back exactly the words quoted, for shell metacharacters', () => {
  const words = [
    'a b',
    '',
    "'",
    "''",
    '"',
    '\\',
    '$HOME',
    '`id`',
    '$(id)',
    '*',
    '?',
    '[a]',
    '~',
    '#x',
    ';',
    '&',
    '|',
    '<',
    '>',
    '(',
    ')',
    '{',
    '}',
    '!',
    '\n',
    '\t',
    'a=b',
    '-n',
    'é✓',
  ];
  assert.deepEqual(shellWords(shellQuote(words)), words);
});

test('property: shellQuote round-trips through /bin/sh for any strings without NUL', () => {
  const meta = fc.constantFrom(
    "'",
    '"',
    '\\',
    '$',
    '`',
    ' ',
    '\n',
    '\t',
    '*',
    '?',
    '[',
    ']',
    '~',
    '#',
    ';',
    '&',
    '|',
    '<',
    '>',
    '(',
    ')',
    '{',
    '}',
    '!',
    '=',
    '%',
    '-',
    'a',
    'é',
  );
  const word = fc
    .oneof(
      fc.string({ unit: meta, maxLength: 12 }),
      fc.string({ unit: 'grapheme', maxLength: 8 }),
      fc.string({ maxLength: 8 }),
    )
    .map((s) => s.replaceAll('\0', ''));
  fc.assert(
    fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (argv) => {
      assert.deepEqual(shellWords(shellQuote(argv)), argv);
    }),
    { numRuns: 150 },
  );
});
