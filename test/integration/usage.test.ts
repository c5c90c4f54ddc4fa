/**
 * The one rule for nsx's exit status (README, The `nsx` command), over a table of bad
 * invocations: 2 when the request is wrong (usage, a PID, inode or type that does not
 * exist, a value or a combination that cannot work), 1 when the attempt fails (the system
 * refuses, a file cannot be written). Each says what is wrong in one line on stderr,
 * `nsx: …`, prints nothing on stdout, and never shows a stack or an "unexpected error".
 * The rows that need no privilege run as whoever runs the tests; the others as root, and
 * as an ordinary user through runuser.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CliOptions, needsRoot, nsInode, readableCli, runCli, Scenario, waitFor } from './helpers';

/** A PID no process has: above this machine's pid_max. */
const NO_PID = '4194304';

type Row = [what: string, args: string[], status: 1 | 2, message: RegExp];

const anyone: Row[] = [
  ['an unknown flag', ['list', '--bogus'], 2, /^unknown option '--bogus' \(see 'nsx --help'\)$/],
  ['a PID that is not a number', ['list', '--pid', 'abc'], 2, /^'abc' is not a process ID/],
  ['a negative PID', ['list', '--pid', '-5'], 2, /^'-5' is not a process ID/],
  ['a negative PID to enter', ['enter', '--pid', '-5', '--', 'true'], 2, /^'-5' is not a process ID/],
  ['a negative inode', ['mounts', '--ns', '-5'], 2, /^'-5' is not a namespace inode/],
  ['a PID of 0', ['list', '--pid', '0'], 2, /^'0' is not a process ID/],
  ['an option without its value', ['list', '--pid'], 2, /^option '(-p, )?--pid' needs a value/],
  ['an unknown namespace type', ['list', '--type', 'foo'], 2, /^unknown namespace type 'foo'/],
  [
    'an unknown type to enter',
    ['enter', '--pid', '1', '--type', 'network', '--', 'true'],
    2,
    /^unknown namespace type 'network'/,
  ],
  ['an unknown command', ['lst'], 2, /^unknown command 'lst'/],
  ['two tree modes at once', ['tree', '--parent', '--process'], 2, /^choose one of --parent and --process/],
  ['an option of another command', ['snapshot', '--pid', '1'], 2, /^'snapshot' takes no --pid option/],
  ['a relative path', ['propagation', '--path', 'mnt/x'], 2, /^'mnt\/x' is not an absolute path/],
  ['a PID no process has, to list', ['list', '--pid', NO_PID], 2, new RegExp(`^no process with PID ${NO_PID}$`)],
  [
    'a PID no process has, to enter',
    ['enter', '--pid', NO_PID, '--', 'true'],
    2,
    new RegExp(`^no process with PID ${NO_PID}$`),
  ],
  [
    'a PID no process has, for its mounts',
    ['mounts', '--pid', NO_PID],
    2,
    new RegExp(`^no process with PID ${NO_PID}$`),
  ],
  [
    'a PID no process has, for propagation',
    ['propagation', '--pid', NO_PID, '--path', '/'],
    2,
    new RegExp(`^no process with PID ${NO_PID}$`),
  ],
  [
    'a hostname without a new uts namespace',
    ['new', '--type', 'net', '--hostname', 'h', '--', 'true'],
    2,
    /^a hostname needs a new uts namespace$/,
  ],
  [
    'a hostname that is not one',
    ['new', '--type', 'uts', '--hostname', 'bad_name!', '--', 'true'],
    2,
    /^'bad_name!' is not a valid hostname/,
  ],
  [
    'a hostname that starts with a dash',
    ['new', '--type', 'uts', '--hostname', '-x', '--', 'true'],
    2,
    /^'-x' is not a valid hostname/,
  ],
  [
    'a subnet that is not private',
    ['new', '--type', 'net', '--veth', '--subnet', '8.8.8.0/24', '--', 'true'],
    2,
    /8\.8\.8\.0\/24 is not a private range/,
  ],
  [
    'a subnet without a veth pair',
    ['new', '--type', 'net', '--subnet', '10.9.0.0/24', '--', 'true'],
    2,
    /^--subnet is for --veth/,
  ],
  [
    'an unknown propagation',
    ['new', '--type', 'mnt', '--propagation', 'sideways', '--', 'true'],
    2,
    /^unknown propagation 'sideways'/,
  ],
  [
    'a file in a directory that does not exist',
    ['snapshot', '--output', '/nonexistent-nsx-dir/x.json'],
    1,
    /^cannot write \/nonexistent-nsx-dir\/x\.json: its directory \/nonexistent-nsx-dir does not exist$/,
  ],
  ['a directory as the file', ['snapshot', '--output', '/'], 1, /^cannot write \/: it is a directory$/],
];

function refused(r: ReturnType<typeof runCli>, [what, args, status, message]: Row, who: string): void {
  const line = r.stderr.replace(/\n$/, '');
  const where = `${who}: nsx ${args.join(' ')} (${what}): ${JSON.stringify(r.stderr)}`;
  assert.equal(r.status, status, `exit status, ${where}`);
  assert.equal(r.stdout, '', `nothing on stdout, ${where}`);
  assert.equal(line.split('\n').length, 1, `one line, ${where}`);
  assert.doesNotMatch(line, /unexpected error|\n\s+at /, where);
  assert.ok(line.startsWith('nsx: '), where);
  assert.match(line.slice(5), message, where);
}

for (const row of anyone) {
  test(`exit status ${row[2]}: \`nsx ${row[1].join(' ')}\` (${row[0]}), one line on stderr`, () =>
    refused(runCli(row[1]), row, 'as whoever runs the tests'));
}

test(
  'exit status: unknown and wrong-typed inodes are wrong requests (2), as root and as a user; what a user ' +
    'may not read is a failure (1)',
  { skip: needsRoot('compares root with an ordinary user (runuser)') },
  async (t) => {
    const s = new Scenario(t);
    const cli = readableCli(s);
    const asNobody: CliOptions = {
      cli,
      wrapper: ['runuser', '-u', 'nobody', '--'],
      cwd: path.dirname(path.dirname(cli)),
    };
    const net = String(nsInode('self', 'net'));
    const rootOnly = await s.start('unshare', ['--mount', 'sleep', '600']);
    const mnt = String(
      await waitFor(
        'root\u2019s new mount namespace',
        () => nsInode(rootOnly.pid, 'mnt') !== nsInode('self', 'mnt') && nsInode(rootOnly.pid, 'mnt'),
      ),
    );
    const asRoot: Row[] = [
      ['an inode no namespace has', ['show', '123'], 2, /^no namespace has inode 123$/],
      [
        'an inode no namespace has, to enter',
        ['enter', '--ns', '123', '--', 'true'],
        2,
        /^no namespace has inode 123$/,
      ],
      ['an inode no namespace has, for mounts', ['mounts', '--ns', '123'], 2, /^no mount namespace has inode 123$/],
      [
        'a net namespace for mounts',
        ['mounts', '--ns', net],
        2,
        new RegExp(`^namespace ${net} is a net namespace, not a mount namespace$`),
      ],
      [
        'a uts type of a net namespace',
        ['enter', '--ns', net, '--type', 'uts', '--', 'true'],
        2,
        new RegExp(`^namespace ${net} is a net namespace$`),
      ],
      ...anyone.slice(0, 3),
    ];
    for (const row of asRoot) refused(runCli(row[1]), row, 'as root');

    const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-`));
    s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    const asUser: Row[] = [
      ['an inode no namespace has', ['show', '123'], 2, /^no namespace you can see has inode 123 \(add --as-root\)$/],
      [
        'root\u2019s mount namespace',
        ['mounts', '--ns', mnt],
        2,
        new RegExp(`^no mount namespace you can see has inode ${mnt} \\(add --as-root\\)$`),
      ],
      [
        'another user\u2019s process',
        ['list', '--pid', '1'],
        1,
        /^cannot read the namespaces of PID 1 \(.*\): it belongs to another user; add --as-root$/,
      ],
      [
        'a file in root\u2019s directory',
        ['snapshot', '--output', `${dir}/x.json`],
        1,
        new RegExp(`^cannot write ${dir}/x\\.json: permission denied$`),
      ],
      ...anyone.slice(13, 17),
    ];
    for (const row of asUser) refused(runCli(row[1], asNobody), row, 'as nobody');
  },
);

test('nsx propagation about a path that does not exist answers for the mount it would be in, and says first that it does not exist', () => {
  const r = runCli(['propagation', '--path', '/nonexistent-nsx-dir/sub']);
  assert.equal(r.status, 0, r.stderr);
  const [first, second] = r.stdout.split('\n');
  assert.match(
    first!,
    /^\/nonexistent-nsx-dir\/sub does not exist in mnt \d+.*: nothing can be mounted there until it is made\. For a directory made there:$/,
  );
  assert.match(second!, /^\/nonexistent-nsx-dir\/sub in mnt \d+.* lies in mount \d+ at \/ /);
  const json = JSON.parse(runCli(['propagation', '--path', '/nonexistent-nsx-dir/sub', '--json']).stdout) as {
    pathExists: boolean | null;
    mount: { target: string };
  };
  assert.deepEqual([json.pathExists, json.mount.target], [false, '/']);
  const there = JSON.parse(runCli(['propagation', '--path', '/tmp', '--json']).stdout) as {
    pathExists: boolean | null;
  };
  assert.equal(there.pathExists, true);
  assert.doesNotMatch(runCli(['propagation', '--path', '/tmp']).stdout, /does not exist/);
});
