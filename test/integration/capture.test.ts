/**
 * `nsx capture`: the host's tcpdump inside a net namespace. Two test namespaces are joined
 * by a veth pair and one pings the other; the packets are printed, or written to a pcap
 * that `tcpdump -r` reads and that belongs to the user who ran nsx (a test user, elevated
 * through a polkit rule). The outcomes that are not a capture are each said in one line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { CLI, CliResult, needs, readableCli, run, runCli, Scenario, uniqueName } from './helpers';
import { createTestUser, ensurePolkit, grantedTestUser, POLKIT_TOOLS, runAsUser } from './polkit-harness';

const ICMP = /^[\d:.]+ IP (10\.\d+\.\d+\.\d+) > (10\.\d+\.\d+\.\d+): ICMP echo (request|reply)/;

function show(r: CliResult): string {
  return `exit ${r.status ?? r.signal}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
}

interface Pair {
  /** The pinging namespace's name and inode; its end of the veth. */
  name: string;
  ino: number;
  iface: string;
  here: string;
  there: string;
}

/** Two net namespaces joined by a veth pair with a /30, the first pinging the second five times a second. */
async function pingingPair(s: Scenario, tag: string): Promise<Pair> {
  const [a, b] = [`${uniqueName(tag)}-a`, `${uniqueName(tag)}-b`];
  const ino = s.netns(a);
  s.netns(b);
  const net = `10.${200 + (process.pid % 50)}.${process.pid % 250}`;
  const [here, there] = [`${net}.1`, `${net}.2`];
  run('ip', ['link', 'add', 'cap0', 'netns', a, 'type', 'veth', 'peer', 'name', 'cap1', 'netns', b]);
  run('ip', ['-n', a, 'addr', 'add', `${here}/30`, 'dev', 'cap0']);
  run('ip', ['-n', b, 'addr', 'add', `${there}/30`, 'dev', 'cap1']);
  run('ip', ['-n', a, 'link', 'set', 'cap0', 'up']);
  run('ip', ['-n', b, 'link', 'set', 'cap1', 'up']);
  await s.start('ip', ['netns', 'exec', a, 'ping', '-i', '0.2', '-W', '1', there]);
  return { name: a, ino, iface: 'cap0', here, there };
}

/** The ICMP lines of tcpdump's output, as "FROM > TO request|reply". */
function icmpLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => ICMP.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]} > ${m[2]} ${m[3]}`);
}

function assertPingPackets(lines: string[], pair: Pair, what: string): void {
  assert.equal(lines.length, 3, `${what}: three ICMP packets\n${lines.join('\n')}`);
  for (const l of lines)
    assert.ok(
      l === `${pair.here} > ${pair.there} request` || l === `${pair.there} > ${pair.here} reply`,
      `${what}: a packet of the ping: ${l}`,
    );
}

const ROOT = needs({
  root: 'makes net namespaces and a veth pair, and captures on it',
  tools: ['ip', 'ping', 'tcpdump'],
});

test(
  'nsx capture -- -c 3 icmp prints the packets of a ping between two namespaces joined by a veth',
  { skip: ROOT, timeout: 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const pair = await pingingPair(s, 'cap');
    const r = runCli(['capture', '--ns', String(pair.ino), '--iface', pair.iface, '--', '-c', '3', 'icmp'], {
      timeoutMs: 30_000,
    });
    assert.equal(r.status, 0, show(r));
    assertPingPackets(icmpLines(r.stdout), pair, 'stdout');
    assert.match(r.stderr, new RegExp(`^nsx: capturing on cap0 in ${pair.name}; Ctrl-C ends it$`, 'm'), show(r));
    assert.match(r.stderr, /^3 packets captured$/m, show(r));
  },
);

test(
  'nsx capture says why it cannot: no such interface (and those there are), a namespace that is gone, tcpdump not installed, a tcpdump option that would write as root',
  {
    skip: needs({
      root: 'makes net namespaces and hides tcpdump in a mount namespace',
      tools: ['ip', 'unshare', 'mount'],
    }),
  },
  (t) => {
    const s = new Scenario(t);
    const name = uniqueName('capx');
    const ino = s.netns(name);
    const wrong = runCli(['capture', '--ns', String(ino), '--iface', 'eth9']);
    assert.equal(wrong.status, 2, show(wrong));
    assert.equal(wrong.stderr, `nsx: ${name} has no interface eth9; its interfaces: lo\n`, show(wrong));

    const goneName = uniqueName('capgone');
    const gone = s.netns(goneName);
    run('ip', ['netns', 'del', goneName]);
    const r = runCli(['capture', '--ns', String(gone), '--iface', 'lo']);
    assert.equal(r.status, 2, show(r));
    assert.match(r.stderr, new RegExp(`^nsx: no namespace has inode ${gone}: it is gone, or never was`), show(r));

    const refused = runCli(['capture', '--ns', String(ino), '--iface', 'lo', '--', '-w', '/tmp/x']);
    assert.equal(refused.status, 2, show(refused));
    assert.match(refused.stderr, /tcpdump -w is not taken: write a file with nsx capture --write FILE/);

    // tcpdump hidden under /dev/null (not a file, so not a program) in a mount namespace of the test's own.
    const hidden = spawnSync(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        'mount --bind /dev/null /usr/bin/tcpdump && exec "$@"',
        'sh',
      ].concat([process.execPath, CLI, 'capture', '--ns', String(ino), '--iface', 'lo']),
      { encoding: 'utf8', timeout: 30_000 },
    );
    const missing = { status: hidden.status, signal: hidden.signal, stdout: hidden.stdout, stderr: hidden.stderr };
    assert.equal(missing.status, 1, show(missing));
    assert.equal(missing.stderr, 'nsx: tcpdump is not installed (install the tcpdump package)\n', show(missing));
  },
);

const AS_USER = needs({
  root: 'makes net namespaces, a test user and a polkit rule',
  tools: ['ip', 'ping', 'tcpdump', ...POLKIT_TOOLS],
});

/** `nsx ARGS` as USER through CLI (a copy every user can read). */
function nsxAs(user: string, cli: string, args: string[]): CliResult {
  return runAsUser(user, [process.execPath, cli, ...args], { timeoutMs: 60_000 });
}

test(
  'nsx capture --write FILE, run by a user through polkit, writes a pcap of the ping that tcpdump -r reads, owned by that user, mode 0600',
  { skip: AS_USER, timeout: 120_000 },
  async (t: TestContext) => {
    const s = new Scenario(t);
    const pair = await pingingPair(s, 'capw');
    const { user } = await grantedTestUser(s);
    const cli = readableCli(s);
    const file = `${user.home}/ping.pcap`;
    const r = nsxAs(user.name, cli, [
      'capture',
      '--ns',
      String(pair.ino),
      '--iface',
      pair.iface,
      '--write',
      file,
      '--',
      '-c',
      '3',
      'icmp',
    ]);
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, '', 'the packets went to the file');
    const st = statSync(file);
    assert.equal(st.uid, user.uid, 'the file is the user’s');
    assert.equal(st.mode & 0o777, 0o600);
    assertPingPackets(icmpLines(run('tcpdump', ['-r', file, '-n'])), pair, 'tcpdump -r');
  },
);

test(
  'as a user: a wrong interface is named before polkit is asked; refused by polkit, nsx says so and leaves no file',
  { skip: AS_USER, timeout: 120_000 },
  async (t: TestContext) => {
    const s = new Scenario(t);
    await ensurePolkit(s);
    const user = createTestUser(s);
    const cli = readableCli(s);
    // A net namespace of the user's own (through a user namespace), whose interfaces the user can read.
    const own = runAsUser(user.name, [
      'sh',
      '-c',
      'unshare --user --map-root-user --net sleep 60 </dev/null >/dev/null 2>&1 & p=$!; sleep 0.5; ' +
        'echo "$p $(readlink /proc/$p/ns/net)"',
    ]);
    const [, pid, ino] = /^(\d+) net:\[(\d+)\]$/m.exec(own.stdout) ?? [];
    assert.ok(pid && ino, show(own));
    s.defer(`kill ${pid} (the test user's sleep)`, () => void process.kill(Number(pid), 'SIGKILL'));
    const wrong = nsxAs(user.name, cli, ['capture', '--ns', ino, '--iface', 'eth0']);
    assert.equal(wrong.status, 2, show(wrong));
    assert.match(wrong.stderr, /^nsx: .* has no interface eth0; its interfaces: lo\n$/, show(wrong));

    const file = `${user.home}/refused.pcap`;
    const refused = nsxAs(user.name, cli, ['capture', '--ns', ino, '--iface', 'lo', '--write', file]);
    assert.equal(refused.status, 127, show(refused));
    assert.match(refused.stderr, /^nsx: no polkit authentication agent is running/m, show(refused));
    assert.equal(existsSync(file), false, 'a file that got nothing is removed');
  },
);
