/**
 * tun and tap devices with the process that holds them: a tap made by a process of a test
 * namespace (python3 opening /dev/net/tun and attaching with TUNSETIFF, as openvpn or qemu
 * do) is shown held by it; a persistent one made by `ip tuntap` is held by no process. As
 * an ordinary user, a holder of its own (the tap handed over to it) is found from its fds.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { NetGraph } from '../../src/core/network/graph';
import { cliJson, CliOptions, commOf, needs, readableCli, run, runCli, Scenario, uniqueName } from './helpers';
import { createTestUser, TEST_USER_TOOLS } from './polkit-harness';

/** Attaches tap ARGV[1] (IFF_TAP | IFF_NO_PI), then becomes uid:gid ARGV[2] when given, and waits on stdin. */
const HOLDER = `
import ctypes, fcntl, os, struct, sys
fd = os.open('/dev/net/tun', os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack('16sH', sys.argv[1].encode(), 0x0002 | 0x1000))
if len(sys.argv) > 2:
    uid, gid = map(int, sys.argv[2].split(':'))
    os.setgroups([]); os.setgid(gid); os.setuid(uid)
    ctypes.CDLL(None).prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE: its /proc files become its user's
print(os.getpid(), flush=True)
print('ready', flush=True)
sys.stdin.read()
`;

const skip = needs({ root: 'makes a net namespace with tap devices', tools: ['ip', 'python3', ...TEST_USER_TOOLS] });

/** Starts a holder of tap NAME in net namespace NETNS; its PID. */
async function holder(s: Scenario, netns: string, name: string, as?: string): Promise<number> {
  const args = ['netns', 'exec', netns, 'python3', '-c', HOLDER, name, ...(as ? [as] : [])];
  const started = await s.start('ip', args, { input: true });
  await s.waitLine(started, 'ready');
  return Number(started.stdout().split('\n')[0]);
}

const tapOf = (graph: NetGraph, ino: number, name: string) =>
  graph.namespaces.find((n) => n.ns === ino)?.interfaces.find((i) => i.name === name);

test('as root: a tap is held by the process that attached it; a persistent one by none', { skip }, async (t) => {
  const s = new Scenario(t);
  const netns = uniqueName('tun');
  const ino = s.netns(netns);
  const pid = await holder(s, netns, 'htap0');
  run('ip', ['-n', netns, 'tuntap', 'add', 'dev', 'ptap0', 'mode', 'tap']);
  const comm = commOf(pid)!;

  const graph = cliJson<NetGraph>(['net', '--json']);
  const held = tapOf(graph, ino, 'htap0');
  assert.equal(held?.kind, 'tun', 'the kind ip -d link names');
  assert.deepEqual(held?.tun, { mode: 'tap', persistent: false, holders: [{ pid, comm }] });
  assert.deepEqual(tapOf(graph, ino, 'ptap0')?.tun, { mode: 'tap', persistent: true, holders: [] });

  const text = runCli(['net']).stdout;
  assert.match(text, new RegExp(`^ {2}htap0: tap DOWN \\(held by ${comm} \\(${pid}\\)\\)$`, 'm'));
  assert.match(text, /^ {2}ptap0: tap DOWN \(persistent, held by no process\)$/m);
  const show = runCli(['show', String(ino)]).stdout;
  assert.match(show, new RegExp(`htap0 .*tap · held by ${comm} \\(${pid}\\)`));
});

test(
  'as an ordinary user: a tap held by its own process is found from that process; the rest is unknown',
  { skip },
  async (t) => {
    const s = new Scenario(t);
    const user = createTestUser(s);
    const netns = uniqueName('tun');
    const ino = s.netns(netns);
    const pid = await holder(s, netns, 'utap0', `${user.uid}:${user.gid}`);
    const cli = readableCli(s);
    const asUser: CliOptions = {
      cli,
      wrapper: ['runuser', '-u', user.name, '--'],
      cwd: path.dirname(path.dirname(cli)),
    };

    const tap = tapOf(cliJson<NetGraph>(['net', '--json'], asUser), ino, 'utap0');
    assert.equal(tap?.kind, null, '/proc/PID/net does not say');
    assert.deepEqual(tap?.tun, { mode: null, persistent: null, holders: [{ pid, comm: commOf(pid)! }] });
    const text = runCli(['net'], asUser).stdout;
    assert.match(text, /^ {2}utap0: tun, state unknown; \(held by \S+ \(\d+\)\)$/m);
    assert.match(text, /^ {2}lo: kind unknown, state unknown/m);
  },
);
