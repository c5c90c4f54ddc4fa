/**
 * `nsx show` of net namespaces made here, compared with what `ip` and `ss` say inside them:
 * two namespaces joined by a veth pair, a bridge with one end as member, a veth pair
 * within one namespace, routes, and a process listening on TCP and UDP. Needs root (to
 * make namespaces, and to run the CLI as a test user); skipped otherwise.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { NetDetails, NetInterface } from '../../src/core/details/types';
import { ssListening } from '../fixtures/net/ss';
import { CliOptions, cliJson, descendants, needs, readableCli, run, Scenario, uniqueName, waitFor } from './helpers';
import { createTestUser, TEST_USER_TOOLS } from './polkit-harness';

/**
 * A listener in the namespace: TCP on 0.0.0.0 and ::, UDP on 0.0.0.0 and one IPv6
 * address, plus a connection and a connected UDP socket that do not listen.
 */
const LISTENER = `
const net = require('net'), dgram = require('dgram');
net.createServer().listen(18123, '0.0.0.0', () => net.createServer().listen(18124, '::', () => {
  const c = net.connect(18123, '127.0.0.1', () => {
    dgram.createSocket('udp4').bind(15353, () => dgram.createSocket('udp6').bind(15354, 'fd77::2', () => {
      const u = dgram.createSocket('udp4');
      u.connect(9, '10.77.0.1', () => console.log('ready'));
    }));
  });
}));
setInterval(() => {}, 1e6);`;

interface Net {
  a: string;
  b: string;
  inoA: number;
  inoB: number;
  listener: number;
}

/**
 * Namespaces a (bridge br0 with member va; vs0/vs1 both in a) and b (vb, the other end of va; routes; the listener).
 */
async function twoNamespaces(s: Scenario): Promise<Net> {
  const a = uniqueName('neta');
  const b = uniqueName('netb');
  const inoA = s.netns(a);
  const inoB = s.netns(b);
  const ip = (ns: string, ...args: string[]) => run('ip', ['-n', ns, ...args]);
  ip(a, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', b);
  ip(a, 'link', 'add', 'br0', 'type', 'bridge');
  ip(a, 'link', 'set', 'va', 'master', 'br0');
  ip(a, 'link', 'add', 'vs0', 'type', 'veth', 'peer', 'name', 'vs1');
  ip(a, 'addr', 'add', '10.77.0.1/24', 'dev', 'br0');
  ip(a, 'addr', 'add', 'fd77::1/64', 'dev', 'br0', 'nodad');
  ip(b, 'addr', 'add', '10.77.0.2/24', 'dev', 'vb');
  ip(b, 'addr', 'add', 'fd77::2/64', 'dev', 'vb', 'nodad');
  for (const l of ['lo', 'va', 'br0', 'vs0']) ip(a, 'link', 'set', l, 'up'); // vs1 stays down
  for (const l of ['lo', 'vb']) ip(b, 'link', 'set', l, 'up');
  ip(b, 'route', 'add', 'default', 'via', '10.77.0.1');
  ip(b, 'route', 'add', '10.88.0.0/16', 'via', '10.77.0.1', 'metric', '5');
  ip(b, 'route', 'add', 'unreachable', '10.99.0.0/16');
  ip(b, '-6', 'route', 'add', 'default', 'via', 'fd77::1');
  // IPv6 link-local addresses and their routes come once a link has a carrier and DAD is
  // done (never on vs0, whose other end is down).
  for (const [ns, links] of [
    [a, ['va', 'br0']],
    [b, ['vb']],
  ] as const) {
    await waitFor(`settled IPv6 link-local addresses in ${ns}`, () => {
      const addrs = ipJson(ns, '-6', 'addr');
      return links.every((l) =>
        addrs.some(
          (i: { ifname: string; addr_info: { scope: string; tentative?: boolean }[] }) =>
            i.ifname === l && i.addr_info.some((x) => x.scope === 'link' && !x.tentative),
        ),
      );
    });
  }
  const started = await s.start('ip', ['netns', 'exec', b, process.execPath, '-e', LISTENER]);
  await s.waitLine(started, 'ready');
  return { a, b, inoA, inoB, listener: started.pid };
}

function show(ino: number, opts?: CliOptions, asRoot = false): NetDetails {
  const d = cliJson<NetDetails>(['show', String(ino), '--json', ...(asRoot ? ['--as-root'] : [])], opts);
  assert.equal(d.type, 'net');
  return d;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const ipJson = (ns: string, ...args: string[]): any[] => JSON.parse(run('ip', ['-n', ns, '-j', ...args]));
const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

/** (name, address/prefixlen, scope) of every address, as `ip -j addr` prints them. */
function truthAddresses(ns: string, withScope: boolean): string[] {
  return sorted(
    ipJson(ns, 'addr').flatMap(
      (l: { ifname: string; addr_info: { local: string; prefixlen: number; scope: string }[] }) =>
        l.addr_info.map((a) => [l.ifname, `${a.local}/${a.prefixlen}`, withScope ? a.scope : null]),
    ),
  );
}
function ourAddresses(interfaces: NetInterface[], withScope: boolean): string[] {
  return sorted(
    interfaces.flatMap((i) =>
      i.addresses.map((a) => [i.name, `${a.address}/${a.prefixlen}`, withScope ? a.scope : null]),
    ),
  );
}

/** (type, dst, gateway, dev, metric) of the main table, both families. */
function truthRoutes(ns: string): string[] {
  return sorted(
    [...ipJson(ns, 'route'), ...ipJson(ns, '-6', 'route')].map((r: Record<string, unknown>) => [
      r.type ?? null,
      r.dst,
      r.gateway ?? null,
      r.dev ?? null,
      r.metric ?? null,
    ]),
  );
}
function ourRoutes(d: NetDetails): string[] {
  return sorted(d.routes!.map((r) => [r.type ?? null, r.dst, r.gateway, r.dev, r.metric]));
}

/** (protocol, address, port) of what `ss -l` lists. */
function truthSockets(ns: string): string[] {
  return sorted(
    (['tcp', 'udp'] as const).flatMap((protocol) =>
      ssListening(run('ss', ['-N', ns, protocol === 'tcp' ? '-ltnH' : '-lunH'])).map((s) => [protocol, ...s]),
    ),
  );
}
function ourSockets(d: NetDetails): string[] {
  return sorted(d.sockets!.map((s) => [s.protocol, s.address, s.port]));
}

test(
  'as root: interfaces, addresses, routes, listening sockets with their process, veth peers across ' +
    'namespaces and the bridge, as ip and ss say inside',
  { skip: needs({ root: 'makes net namespaces with ip netns', tools: ['ip', 'ss'] }) },
  async (t) => {
    const s = new Scenario(t);
    const net = await twoNamespaces(s);

    for (const [name, ino] of [
      [net.a, net.inoA],
      [net.b, net.inoB],
    ] as const) {
      const d = show(ino, undefined, true);
      assert.equal(d.readAs, 'root');
      assert.deepEqual(d.unavailable, [], `${name}: nothing left out`);
      assert.deepEqual(
        sorted(
          d.interfaces!.map((i) => [
            i.ifindex,
            i.name,
            i.mtu,
            i.mac,
            i.state,
            i.kind === 'loopback' ? null : i.kind,
            i.master,
          ]),
        ),
        sorted(
          ipJson(name, '-d', 'link').map((l: Record<string, unknown> & { linkinfo?: { info_kind?: string } }) => [
            l.ifindex,
            l.ifname,
            l.mtu,
            l.address,
            l.operstate,
            l.linkinfo?.info_kind ?? null,
            l.master ?? null,
          ]),
        ),
        `${name}: links as ip -d -j link`,
      );
      assert.deepEqual(
        ourAddresses(d.interfaces!, true),
        truthAddresses(name, true),
        `${name}: addresses as ip -j addr`,
      );
      assert.deepEqual(ourRoutes(d), truthRoutes(name), `${name}: routes as ip -j route`);
      assert.deepEqual(ourSockets(d), truthSockets(name), `${name}: sockets as ss -l`);
    }

    const a = show(net.inoA, undefined, true);
    const b = show(net.inoB, undefined, true);
    const iface = (d: NetDetails, name: string) => d.interfaces!.find((i) => i.name === name)!;
    // Namespace a has no process: it was entered through its bind mount.
    assert.match(a.via!, /bind mount \/run\/netns\//);
    assert.deepEqual(iface(b, 'vb').peer, { ifindex: iface(a, 'va').ifindex, name: 'va', ns: net.inoA, label: net.a });
    assert.deepEqual(iface(a, 'va').peer, { ifindex: iface(b, 'vb').ifindex, name: 'vb', ns: net.inoB, label: net.b });
    assert.deepEqual(iface(a, 'vs0').peer, {
      ifindex: iface(a, 'vs1').ifindex,
      name: 'vs1',
      ns: net.inoA,
      label: net.a,
    });
    assert.deepEqual(iface(a, 'br0').members, ['va']);
    assert.equal(iface(a, 'va').master, 'br0');
    assert.equal(iface(a, 'vs1').state, 'DOWN');
    assert.ok(iface(b, 'vb').rxBytes! >= 0 && iface(b, 'lo').txBytes! > 0, 'counters from IFLA_STATS64');

    assert.equal(b.sockets!.length, 4);
    for (const sock of b.sockets!)
      assert.deepEqual(
        sock.owners?.map((o) => o.pid),
        [net.listener],
        `${sock.protocol} ${sock.port} is held by the listener`,
      );
    assert.match(b.sockets![0]!.owners![0]!.command, /^\S*node -e /);
  },
);

test(
  'as an unprivileged user: interfaces, addresses, routes and sockets from /proc/PID/net of its own ' +
    'process; MAC, MTU, state and peers need root',
  { skip: needs({ root: 'makes net namespaces and a test user', tools: [...TEST_USER_TOOLS, 'ip', 'ss'] }) },
  async (t) => {
    const s = new Scenario(t);
    const net = await twoNamespaces(s);
    const user = createTestUser(s);
    const cli = readableCli(s);
    const asUser: CliOptions = {
      cli,
      wrapper: ['runuser', '-u', user.name, '--'],
      cwd: path.dirname(path.dirname(cli)),
    };
    const started = await s.start('ip', ['netns', 'exec', net.b, 'runuser', '-u', user.name, '--', 'sleep', '1000']);
    const sleep = await waitFor(
      "the test user's sleep in b",
      () => descendants(started.pid).find((d) => d.comm === 'sleep')?.pid,
    );

    const b = show(net.inoB, asUser);
    assert.equal(b.readAs, 'user');
    assert.equal(b.via, `/proc/${sleep}/net`);
    assert.deepEqual(
      b.interfaces!.map((i) => i.name).sort(),
      ipJson(net.b, 'link')
        .map((l: { ifname: string }) => l.ifname)
        .sort(),
    );
    assert.deepEqual(ourAddresses(b.interfaces!, false), truthAddresses(net.b, false), 'addresses as ip -j addr');
    for (const i of b.interfaces!)
      assert.deepEqual([i.mtu, i.mac, i.state, i.kind, i.peer], [null, null, null, null, undefined], i.name);
    assert.deepEqual(ourRoutes(b), truthRoutes(net.b), 'routes as ip -j route');
    assert.deepEqual(ourSockets(b), truthSockets(net.b), 'sockets as ss -l');
    // The listener is root's: hidden from the user, so who holds the sockets is not known.
    assert.ok(b.sockets!.every((x) => x.owners === null));
    const needsRootOf = (d: NetDetails) => d.unavailable.filter((u) => u.needsRoot).map((u) => u.what);
    assert.ok(
      needsRootOf(b).some((w) => /state, MTU, MAC address and kind/.test(w)),
      needsRootOf(b).join('; '),
    );
    assert.ok(needsRootOf(b).some((w) => /veth peers and bridge members/.test(w)));
    assert.ok(needsRootOf(b).some((w) => /processes holding 4 listening sockets/.test(w)));

    // Namespace a is kept only by its bind mount: nothing of it is visible without entering it.
    const a = show(net.inoA, asUser);
    assert.equal(a.interfaces, undefined);
    assert.deepEqual(
      a.unavailable.map((u) => [u.what, u.needsRoot]),
      [
        ['interfaces, addresses, routes and sockets', true],
        ['the firewall (nftables and legacy iptables rules)', true],
      ],
    );
  },
);
