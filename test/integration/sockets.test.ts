/**
 * A net namespace's TCP and UDP sockets, listening and connected, of both families, read
 * three ways: as root from inside (over NETLINK_SOCK_DIAG, `nsx show`), from the member's
 * /proc/PID/net files (what a user reads), and by `ss -tuanp` run inside. Needs root (to
 * make the namespace); the namespace and its process are removed afterwards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readDetails } from '../../src/core/details';
import type { ConnectedSocket, ListeningSocket, NetDetails } from '../../src/core/details/types';
import { discover } from '../../src/core/discovery/discover';
import { cliJson, needs, run, Scenario, uniqueName } from './helpers';

/** On loopback: listeners of both families, a connection to each, one closed (TIME-WAIT), UDP bound and connected. */
const SOCKETS = `const net = require('net'), dgram = require('dgram');
const listen = (port, host) => new Promise((r) => net.createServer().listen(port, host, r));
const connect = (port, host) => new Promise((r) => { const c = net.connect(port, host, () => r(c)); });
(async () => {
  await listen(7001, '127.0.0.1');
  await listen(7002, '::');
  await connect(7001, '127.0.0.1');
  await connect(7002, '::ffff:127.0.0.1');
  await connect(7002, '::1');
  const closing = await connect(7001, '127.0.0.1');
  closing.end();
  closing.destroy();
  dgram.createSocket('udp4').bind(7003);
  dgram.createSocket('udp6').bind(7004, '::1');
  dgram.createSocket('udp4').connect(7003, '127.0.0.1');
  dgram.createSocket('udp6').connect(7004, '::1', () => setTimeout(() => console.log('ready'), 200));
})();
setInterval(() => {}, 1e6);`;

const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();
const end = (e: { address: string; port: number }) =>
  `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port === 0 ? '*' : e.port}`;
const pids = (owners: { pid: number }[] | null) => (owners ?? []).map((o) => o.pid);

/** (protocol, state, local, remote, pids) of each socket, as ss writes them. */
function asSs(sockets: ListeningSocket[], connections: ConnectedSocket[]): string[] {
  return sorted([
    ...sockets.map((s) => [
      s.protocol,
      s.protocol === 'tcp' ? 'LISTEN' : 'UNCONN',
      end(s),
      end({ address: s.family === 'inet' ? '0.0.0.0' : '::', port: 0 }),
      pids(s.owners),
    ]),
    ...connections.map((c) => [
      c.protocol,
      c.state === 'ESTABLISHED' ? 'ESTAB' : c.state,
      end(c.local),
      end(c.remote),
      pids(c.owners),
    ]),
  ]);
}

/** What `ss -tuanpH` prints inside NS; a dual-stack wildcard, which ss writes "*", as [::]. */
function ssInside(ns: string): string[] {
  return sorted(
    run('ss', ['-N', ns, '-tuanpH'])
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .map(([proto, state, , , local, peer, users]) => [
        proto,
        state,
        local!.replace(/^\*:/, '[::]:'),
        peer!.replace(/^\*:/, '[::]:'),
        [...(users ?? '').matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b),
      ]),
  );
}

test(
  'as root: TCP and UDP sockets of both families, listening and connected, read from inside are those the ' +
    "member's /proc/PID/net gives and those ss -tuanp lists inside",
  { skip: needs({ root: 'makes a net namespace with ip netns', tools: ['ip', 'ss'] }) },
  async (t) => {
    const s = new Scenario(t);
    const ns = uniqueName('socks');
    const ino = s.netns(ns);
    run('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    const holder = await s.start('ip', ['netns', 'exec', ns, process.execPath, '-e', SOCKETS]);
    await s.waitLine(holder, 'ready');

    const root = cliJson<NetDetails>(['show', String(ino), '--json']);
    assert.equal(root.readAs, 'root');
    assert.deepEqual(
      root.unavailable.filter((u) => /socket/.test(u.what)),
      [],
      'every socket and its holder was read',
    );
    const [user] = (await readDetails(discover({ detail: 'namespaces' }), [ino], { asRoot: false })) as NetDetails[];
    assert.match(user!.via ?? '', /^\/proc\/\d+\/net$/, 'read from /proc/PID/net');
    assert.deepEqual(root.sockets, user!.sockets, 'listening sockets: from inside as from /proc');
    assert.deepEqual(root.connections, user!.connections, 'connected sockets: from inside as from /proc');

    const ours = asSs(root.sockets!, root.connections!);
    assert.deepEqual(ours, ssInside(ns), 'as ss -tuanp inside');
    for (const want of [/^\["tcp","LISTEN","127/, /^\["tcp","LISTEN","\[::\]/, /TIME-WAIT/, /"udp","ESTAB","\[::1\]/])
      assert.ok(
        ours.some((o) => want.test(o)),
        `${want} is in the scenario`,
      );
  },
);
