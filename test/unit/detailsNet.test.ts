/**
 * The net details' parsers and the /proc reading of a user, on what was captured from two
 * real net namespaces (test/fixtures/net, made by make.sh): the kernel's netlink replies
 * and /proc/PID/net files, compared with what `ip -j` and `ss` printed at the same time.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { DetailsContext } from '../../src/core/details/context';
import { readNet } from '../../src/core/details/net/net';
import { formatIPv4, formatIPv6, formatMac } from '../../src/core/text/netAddr';
import {
  errorCode,
  linkDumpRequest,
  linkInNetnsRequest,
  NetlinkError,
  NLMSG_DONE,
  NLMSG_ERROR,
  parseAddr,
  parseAttrs,
  parseLink,
  parseRouteMsg,
  RT_TABLE_MAIN,
  RTM_NEWADDR,
  RTM_NEWLINK,
  RTM_NEWROUTE,
  routeDumpRequest,
  splitMessages,
} from '../../src/core/details/net/netlink';
import {
  ipv4Addresses,
  parseFibTrie,
  parseIfInet6,
  parseIpv6Route,
  parseNetDev,
  parseRoute,
  parseSockets,
  routes4,
} from '../../src/core/details/net/procNet';
import { ProcSource } from '../../src/core/linux/procfs';
import { ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { ssListening } from '../fixtures/net/ss';
import { FIXTURES } from './fixture-probe';
import { nsRecord } from './records';

const NET = path.join(FIXTURES, 'net');
const PIDS = Object.fromEntries(
  fs
    .readFileSync(path.join(NET, 'pids.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => [l.split(' ')[0], Number(l.split(' ')[1])]),
) as Record<'a' | 'b', number>;
type Side = 'a' | 'b';

const bin = (side: Side, name: string) => fs.readFileSync(path.join(NET, side, 'netlink', `${name}.bin`));
const procText = (side: Side, name: string) =>
  fs.readFileSync(path.join(NET, side, 'proc', String(PIDS[side]), 'net', name), 'utf8');
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const truth = (side: Side, name: string): any =>
  JSON.parse(fs.readFileSync(path.join(NET, side, 'truth', name), 'utf8'));
const truthText = (side: Side, name: string) => fs.readFileSync(path.join(NET, side, 'truth', name), 'utf8');

const payloads = (buf: Buffer, type: number) =>
  splitMessages(buf)
    .filter((m) => m.type === type)
    .map((m) => m.payload);
const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();

/** (name, address/prefixlen, scope) of every address `ip -j addr` printed, optionally of one family. */
function ipAddrs(side: Side, family?: 'inet' | 'inet6', withScope = true): string[] {
  return sorted(
    truth(side, 'ip-addr.json').flatMap(
      (l: { ifname: string; addr_info: { family: string; local: string; prefixlen: number; scope: string }[] }) =>
        l.addr_info
          .filter((a) => !family || a.family === family)
          .map((a) => [l.ifname, `${a.local}/${a.prefixlen}`, withScope ? a.scope : null]),
    ),
  );
}

function ssSockets(side: Side, file: string): string[] {
  return sorted(ssListening(truthText(side, file)));
}

// ---------------------------------------------------------------------------------
// Addresses

test('formatIPv4 writes a 32-bit number in dotted quads', () => {
  const ip = (a: number, b: number, c: number, d: number) => ((a * 256 + b) * 256 + c) * 256 + d;
  assert.equal(formatIPv4(ip(10, 200, 0, 1)), '10.200.0.1');
  assert.equal(formatIPv4(0), '0.0.0.0');
  assert.equal(formatIPv4(2 ** 32 - 1), '255.255.255.255');
});

test('formatIPv6 writes what inet_ntop writes: longest zero run as ::, the first of equal runs, no :: for one group', () => {
  const b = (text: string) => Buffer.from(text.replaceAll(':', ''), 'hex');
  assert.equal(formatIPv6(b('0000:0000:0000:0000:0000:0000:0000:0000')), '::');
  assert.equal(formatIPv6(b('0000:0000:0000:0000:0000:0000:0000:0001')), '::1');
  assert.equal(formatIPv6(b('fe80:0000:0000:0000:a0c9:83ff:feb4:8976')), 'fe80::a0c9:83ff:feb4:8976');
  assert.equal(formatIPv6(b('2001:0db8:0000:0000:0001:0000:0000:0001')), '2001:db8::1:0:0:1');
  assert.equal(formatIPv6(b('0001:0000:0000:0002:0000:0000:0000:0003')), '1:0:0:2::3');
  assert.equal(formatIPv6(b('0001:0000:0002:0003:0004:0005:0006:0007')), '1:0:2:3:4:5:6:7');
  assert.equal(formatIPv6(b('fd77:0000:0000:0000:0000:0000:0000:0000')), 'fd77::');
  assert.equal(formatIPv6(b('0000:0000:0000:0000:0000:ffff:c000:0201')), '::ffff:192.0.2.1');
  assert.equal(formatIPv6(b('0000:0000:0000:0000:0000:0000:c000:0201')), '::192.0.2.1');
});

test('formatIPv6 agrees with the WHATWG IPv6 serialiser (RFC 5952) for any address without embedded IPv4', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
      const words = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
      const ours = formatIPv6(bytes);
      fc.pre(!ours.includes('.'));
      assert.equal(ours, new URL(`http://[${words.join(':')}]/`).hostname.slice(1, -1));
    }),
    { numRuns: 2000 },
  );
});

test('formatIPv6 and formatMac: wrong lengths are errors, not garbage', () => {
  assert.throws(() => formatIPv6(new Uint8Array(4)), /16 bytes, not 4/);
  assert.equal(formatMac(Buffer.from([0x0a, 0xbc, 0, 1, 2, 0xff])), '0a:bc:00:01:02:ff');
});

// ---------------------------------------------------------------------------------
// rtnetlink

test('requests: a dump is a header with NLM_F_REQUEST|NLM_F_DUMP; asking a link elsewhere adds IFLA_TARGET_NETNSID', () => {
  const req = linkDumpRequest(7);
  assert.equal(req.length, 32);
  assert.deepEqual(
    [req.readUInt32LE(0), req.readUInt16LE(4), req.readUInt16LE(6), req.readUInt32LE(8)],
    [32, 18, 0x301, 7],
  );
  const route = routeDumpRequest(9, 10);
  assert.equal(route.length, 28);
  assert.equal(route[16], 10, 'rtm_family');
  const far = linkInNetnsRequest(3, 5, 42);
  assert.equal(far.readUInt16LE(6), 1, 'a plain request');
  assert.equal(far.readInt32LE(20), 5, 'ifi_index');
  assert.deepEqual(parseAttrs(far, 32).get(46), Buffer.from([42, 0, 0, 0]), 'IFLA_TARGET_NETNSID');
});

for (const side of ['a', 'b'] as const) {
  test(`links of namespace ${side} (RTM_NEWLINK) are what \`ip -d -j link\` printed: index, name, MTU, MAC, state, kind, master, veth peer index and netnsid`, () => {
    const links = payloads(bin(side, 'link'), RTM_NEWLINK).map(parseLink);
    const nameOf = new Map(links.map((l) => [l.ifindex, l.name]));
    const ours = links.map((l) => ({
      ifindex: l.ifindex,
      name: l.name,
      mtu: l.mtu,
      mac: l.address,
      state: l.operstate,
      kind: l.kind === 'loopback' ? null : l.kind,
      master: l.master === null ? null : nameOf.get(l.master),
      // ip names a peer in the same namespace, and gives the index of one elsewhere.
      link: l.link === null ? null : l.linkNetnsid === null ? nameOf.get(l.link) : l.link,
      netnsid: l.linkNetnsid,
    }));
    const ip = truth(side, 'ip-link.json').map(
      (l: Record<string, unknown> & { linkinfo?: { info_kind?: string } }) => ({
        ifindex: l.ifindex,
        name: l.ifname,
        mtu: l.mtu,
        mac: l.address,
        state: l.operstate,
        kind: l.linkinfo?.info_kind ?? null,
        master: l.master ?? null,
        link: l.link ?? l.link_index ?? null,
        netnsid: l.link_netnsid ?? null,
      }),
    );
    assert.deepEqual(ours, ip);
    assert.equal(links.find((l) => l.name === 'lo')?.kind, 'loopback');
    assert.ok(
      links.every((l) => typeof l.rxBytes === 'number' && typeof l.txBytes === 'number'),
      'IFLA_STATS64 read',
    );
  });

  test(`addresses of namespace ${side} (RTM_NEWADDR) are what \`ip -j addr\` printed, with scopes`, () => {
    const links = new Map(
      payloads(bin(side, 'link'), RTM_NEWLINK)
        .map(parseLink)
        .map((l) => [l.ifindex, l.name]),
    );
    const ours = payloads(bin(side, 'addr'), RTM_NEWADDR).flatMap((p) => {
      const a = parseAddr(p);
      return a ? [[links.get(a.ifindex), `${a.address.address}/${a.address.prefixlen}`, a.address.scope]] : [];
    });
    assert.deepEqual(sorted(ours), ipAddrs(side));
  });

  test(`routes of namespace ${side} (RTM_NEWROUTE, main table) are what \`ip -j route\` and \`ip -j -6 route\` printed`, () => {
    const links = new Map(
      payloads(bin(side, 'link'), RTM_NEWLINK)
        .map(parseLink)
        .map((l) => [l.ifindex, l.name]),
    );
    const dev = (oif: number | null) => (oif === null ? undefined : links.get(oif));
    const ours = ['route4', 'route6'].flatMap((f) =>
      payloads(bin(side, f), RTM_NEWROUTE)
        .flatMap((p) => parseRouteMsg(p) ?? [])
        .filter((r) => r.table === RT_TABLE_MAIN && !r.cloned)
        .map((r) =>
          JSON.stringify({
            type: r.type ?? undefined,
            dst: r.dst,
            gateway: r.gateway ?? undefined,
            dev: dev(r.oif),
            // ip leaves out "proto boot", what `ip route add` sets.
            protocol: r.protocol === 'boot' ? undefined : r.protocol,
            scope: r.scope ?? undefined,
            prefsrc: r.prefsrc ?? undefined,
            metric: r.metric ?? undefined,
            nexthops: r.nexthops?.map((h) => ({ gateway: h.gateway, dev: dev(h.oif) })),
          }),
        ),
    );
    const ip = [...truth(side, 'ip-route.json'), ...truth(side, 'ip6-route.json')].map(
      (r: Record<string, unknown> & { nexthops?: { gateway: string; dev: string }[] }) =>
        JSON.stringify({
          type: r.type,
          dst: r.dst,
          gateway: r.gateway,
          dev: r.dev,
          protocol: r.protocol,
          scope: r.scope,
          prefsrc: r.prefsrc,
          metric: r.metric,
          nexthops: r.nexthops?.map((h) => ({ gateway: h.gateway, dev: h.dev })),
        }),
    );
    assert.deepEqual(ours.sort(), ip.sort());
  });
}

test('the other end of a veth asked through its netnsid (IFLA_TARGET_NETNSID) is the link the other namespace lists', () => {
  for (const [side, name, other] of [
    ['b', 'vb', 'a'],
    ['a', 'va', 'b'],
  ] as const) {
    const [far] = payloads(bin(side, `far-${name}`), RTM_NEWLINK).map(parseLink);
    const there = payloads(bin(other, 'link'), RTM_NEWLINK)
      .map(parseLink)
      .find((l) => l.ifindex === far?.ifindex);
    assert.ok(far && there, `${name}: the far end was answered`);
    assert.deepEqual([far.name, far.address, far.kind], [there.name, there.address, 'veth']);
  }
});

test('a dump ends with NLMSG_DONE whose error is 0; an NLMSG_ERROR carries a negative errno', () => {
  const done = splitMessages(bin('a', 'link')).at(-1)!;
  assert.equal(done.type, NLMSG_DONE);
  assert.equal(errorCode(done), 0);
  const err = Buffer.alloc(36);
  err.writeUInt32LE(36, 0);
  err.writeUInt16LE(NLMSG_ERROR, 4);
  err.writeInt32LE(-22, 16);
  const [msg] = splitMessages(err);
  assert.equal(errorCode(msg!), 22);
});

test('malformed netlink bytes: a length past the end, a zero length, stray bytes and short headers are NetlinkErrors', () => {
  const link = bin('a', 'link');
  assert.throws(() => splitMessages(link.subarray(0, link.length - 5)), /malformed netlink message|stray bytes/);
  const zero = Buffer.alloc(16);
  assert.throws(() => splitMessages(zero), /length 0 at offset 0/);
  assert.throws(() => parseLink(Buffer.alloc(8)), /malformed link message: 8 bytes/);
  const badAttr = Buffer.alloc(24);
  badAttr.writeUInt16LE(200, 16);
  assert.throws(() => parseLink(badAttr), /malformed netlink attribute: length 200/);
  const noName = Buffer.alloc(16);
  assert.throws(() => parseLink(noName), /has no name/);
});

test('random bytes never crash the netlink parsers with anything but a NetlinkError', () => {
  const parsers = [parseLink, parseAddr, parseRouteMsg];
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...parsers), (bytes, parse) => {
      try {
        for (const m of splitMessages(Buffer.from(bytes))) parse(m.payload);
        parse(Buffer.from(bytes));
      } catch (err) {
        if (!(err instanceof NetlinkError)) throw err;
      }
    }),
    { numRuns: 3000 },
  );
  // Real replies with one byte changed: still either parsed or a NetlinkError.
  const real = [bin('a', 'link'), bin('b', 'addr'), bin('b', 'route4'), bin('b', 'route6')];
  fc.assert(
    fc.property(fc.nat(), fc.nat(), fc.integer({ min: 0, max: 255 }), (which, at, value) => {
      const buf = Buffer.from(real[which % real.length]!);
      buf[at % buf.length] = value;
      try {
        for (const m of splitMessages(buf)) for (const parse of parsers) parse(m.payload);
      } catch (err) {
        if (!(err instanceof NetlinkError)) throw err;
      }
    }),
    { numRuns: 3000 },
  );
});

// ---------------------------------------------------------------------------------
// /proc/PID/net

for (const side of ['a', 'b'] as const) {
  test(`/proc/net/dev of namespace ${side} names every interface \`ip link\` lists`, () => {
    const dev = parseNetDev(procText(side, 'dev'));
    assert.equal(dev.skipped, 0);
    assert.deepEqual(
      dev.rows.map((d) => d.name).sort(),
      truth(side, 'ip-link.json')
        .map((l: { ifname: string }) => l.ifname)
        .sort(),
    );
  });

  test(`/proc/net/if_inet6 of namespace ${side} gives the IPv6 addresses \`ip -j addr\` printed, with index and scope`, () => {
    const rows = parseIfInet6(procText(side, 'if_inet6'));
    assert.equal(rows.skipped, 0);
    assert.deepEqual(
      sorted(rows.rows.map((r) => [r.name, `${r.address.address}/${r.address.prefixlen}`, r.address.scope])),
      ipAddrs(side, 'inet6'),
    );
    const index = new Map(
      truth(side, 'ip-link.json').map((l: { ifname: string; ifindex: number }) => [l.ifname, l.ifindex]),
    );
    for (const r of rows.rows) assert.equal(r.ifindex, index.get(r.name), r.name);
  });

  test(`fib_trie and route of namespace ${side} give each IPv4 address to its interface with its prefix length`, () => {
    const fib = parseFibTrie(procText(side, 'fib_trie'));
    const route = parseRoute(procText(side, 'route'));
    assert.equal(fib.skipped + route.skipped, 0);
    const v4 = ipv4Addresses(fib.rows, route.rows);
    assert.deepEqual(v4.unattributed, []);
    assert.deepEqual(
      sorted(v4.attributed.map((a) => [a.dev, `${a.address.address}/${a.address.prefixlen}`, null])),
      ipAddrs(side, 'inet', false),
    );
  });

  test(`/proc/net/{tcp,tcp6,udp,udp6} of namespace ${side}: the listening sockets \`ss -ltn\` and \`ss -lun\` list, not the connected ones`, () => {
    for (const [protocol, files, ss] of [
      ['tcp', ['tcp', 'tcp6'], 'ss-tcp.txt'],
      ['udp', ['udp', 'udp6'], 'ss-udp.txt'],
    ] as const) {
      const rows = files.flatMap(
        (f) => parseSockets(procText(side, f), protocol, f.endsWith('6') ? 'inet6' : 'inet').rows,
      );
      assert.deepEqual(sorted(rows.map((r) => [r.address, r.port])), ssSockets(side, ss), protocol);
    }
  });
}

test('/proc/net/route and ipv6_route of namespace b: the main-table routes `ip route` printed, without what the file cannot say', () => {
  const ours = [
    ...routes4(parseRoute(procText('b', 'route')).rows),
    ...parseIpv6Route(procText('b', 'ipv6_route')).rows,
  ];
  const ip = [...truth('b', 'ip-route.json'), ...truth('b', 'ip6-route.json')];
  const key = (r: {
    dst: string;
    gateway?: string | null;
    dev?: string | null;
    metric?: number | null;
    type?: string;
  }) => JSON.stringify([r.type ?? null, r.dst, r.gateway ?? null, r.dev ?? null, r.metric ?? null]);
  // The file shows a multipath route by its first next hop.
  const first = (r: (typeof ip)[number]) =>
    r.nexthops ? { ...r, gateway: r.nexthops[0].gateway, dev: r.nexthops[0].dev } : r;
  assert.deepEqual(ours.map(key).sort(), ip.map(first).map(key).sort());
  assert.ok(ours.every((r) => r.protocol === null && r.scope === null && r.prefsrc === null));
});

test("ipv6_route: local, multicast and the kernel's null entries of the local table are left out (namespace a)", () => {
  const rows = parseIpv6Route(procText('a', 'ipv6_route'));
  assert.equal(rows.skipped, 0);
  assert.deepEqual(
    sorted(rows.rows.map((r) => [r.dst, r.dev])),
    sorted(truth('a', 'ip6-route.json').map((r: { dst: string; dev: string }) => [r.dst, r.dev])),
  );
});

test('fib_trie: a table of policy routing ("Id 100:") and a route with a TOS are the kernel\'s lines, not skipped ones', () => {
  // As the kernel wrote it for `ip route add 10.8.0.0/16 dev lo table 100` and
  // `ip route add 10.7.0.0/16 dev lo tos 0x10`.
  const text = [
    'Id 100:',
    '  |-- 10.8.0.0',
    '     /16 link UNICAST',
    'Main:',
    '  +-- 0.0.0.0/1 2 0 2',
    '     +-- 10.0.0.0/12 2 0 2',
    '        |-- 10.7.0.0',
    '           /16 link UNICAST tos=16',
    '        |-- 10.9.0.1',
    '           /32 host LOCAL',
    '',
  ].join('\n');
  const fib = parseFibTrie(text);
  assert.equal(fib.skipped, 0);
  assert.deepEqual(
    fib.rows.map((e) => [e.address, e.prefixlen, e.scope, e.type]),
    [
      [0x0a080000, 16, 'link', 'UNICAST'],
      [0x0a070000, 16, 'link', 'UNICAST'],
      [0x0a090001, 32, 'host', 'LOCAL'],
    ],
  );
});

test("procfs parsers skip and count lines that are not the kernel's, and never throw on any text", () => {
  const garbage = 'Inter-|\n face |\n  eth0: 1 2 3\nnot a line\n  lo: a b c d e f g h i j k l m n o p\n';
  assert.deepEqual(parseNetDev(garbage), { rows: [], skipped: 3 });
  assert.deepEqual(parseIfInet6('zz 01 40 20 80 eth0\nfe800000000000000000000000000001 02 ff 20 80 eth0\n'), {
    rows: [],
    skipped: 2,
  });
  assert.equal(
    parseRoute('Iface\tDestination\nvb\t00000000\t01004D0A\t0003\t0\t0\t0\t00FF00FF\t0\t0\t0\n').skipped,
    1,
    'a mask that is not a prefix',
  );
  assert.equal(
    parseFibTrie('Main:\n  +-- 0.0.0.0/0 3 0 5\n        /0 universe UNICAST\n     |-- 300.1.1.1\n').skipped,
    2,
    'an entry before any leaf, a leaf that is no address',
  );
  const tcp = parseSockets(
    '  sl local\n   0: 00000000:1FBB 00000000:0000 0A 0:0 00:0 0 0 0 notanumber\n   1: 0000:1FBB\n',
    'tcp',
    'inet',
  );
  assert.deepEqual(tcp, { rows: [], skipped: 2 });
  const texts = fc.oneof(
    fc.string(),
    fc
      .array(
        fc.constantFrom(
          'Main:',
          '|-- 10.0.0.1',
          '/32 host LOCAL',
          '   0: 00000000:1FBB 00000000:0000 0A',
          'lo: 1 2',
          '\t',
          ' ',
          'ffffffff',
        ),
        { maxLength: 20 },
      )
      .map((ls) => ls.join('\n')),
  );
  fc.assert(
    fc.property(texts, (text) => {
      parseNetDev(text);
      parseIfInet6(text);
      parseIpv6Route(text);
      ipv4Addresses(parseFibTrie(text).rows, parseRoute(text).rows);
      routes4(parseRoute(text).rows);
      parseSockets(text, 'udp', 'inet6');
    }),
    { numRuns: 2000 },
  );
});

// ---------------------------------------------------------------------------------
// readNet as a user, on the captured /proc tree

const INO = { a: 4026532901, b: 4026532902 };

function member(side: Side, command: string): ProcessRecord {
  return {
    pid: PIDS[side],
    ppid: 1,
    uid: 0,
    user: 'root',
    name: command.split(' ')[0]!,
    command,
    nspid: [PIDS[side]],
    ns: { net: INO[side] },
  };
}

function userContext(side: Side, processes: ProcessRecord[], hiddenEACCES = 0): DetailsContext {
  const snapshot: Snapshot = {
    version: 1,
    takenAt: new Date(0).toISOString(),
    scanner: { uid: 1000, procRoot: '/proc', durationMs: 0 },
    capabilities: { hierarchy: false },
    hidden: { total: hiddenEACCES, byReason: { EACCES: hiddenEACCES, vanished: 0 } },
    namespaces: [nsRecord(INO[side], 'net', processes)],
    processes,
  };
  return {
    snapshot,
    proc: new ProcSource(path.join(NET, side, 'proc'), '/nonexistent'),
    users: new Map(),
    threads: null,
  };
}

test('readNet as a user: interfaces with counters and addresses, routes and listening sockets with their owner, from /proc/PID/net of a member', async () => {
  const ctx = userContext('b', [member('b', 'node -e listen')]);
  const d = await readNet(ctx.snapshot.namespaces[0]!, ctx);
  assert.equal(d.readAs, 'user');
  assert.equal(d.via, `${path.join(NET, 'b', 'proc')}/${PIDS.b}/net`);
  assert.deepEqual(
    d.interfaces?.map((i) => i.name),
    ['lo', 'vb'],
  );
  const vb = d.interfaces!.find((i) => i.name === 'vb')!;
  assert.equal(vb.ifindex, 2);
  assert.deepEqual([vb.state, vb.mtu, vb.mac, vb.kind, vb.peer], [null, null, null, null, undefined]);
  assert.ok(vb.rxBytes! > 0 && vb.txBytes! > 0);
  assert.deepEqual(
    sorted(d.interfaces!.flatMap((i) => i.addresses.map((a) => [i.name, `${a.address}/${a.prefixlen}`, null]))),
    sorted([...ipAddrs('b', 'inet', false), ...ipAddrs('b', 'inet6', false)].map((s) => JSON.parse(s))),
  );
  assert.ok(d.routes?.some((r) => r.dst === 'default' && r.gateway === '10.77.0.1' && r.dev === 'vb'));
  assert.deepEqual(
    d.sockets?.map((s) => [s.protocol, s.address, s.port, s.owners?.map((o) => o.pid)]),
    [
      ['tcp', '0.0.0.0', 8123, [PIDS.b]],
      ['tcp', '::', 8124, [PIDS.b]],
      ['udp', '0.0.0.0', 5353, [PIDS.b]],
      ['udp', 'fd77::2', 5354, [PIDS.b]],
    ],
  );
  assert.equal(d.sockets![0]!.owners![0]!.command, 'node -e listen');
  const needRoot = d.unavailable.filter((u) => u.needsRoot).map((u) => u.what);
  assert.ok(
    needRoot.some((w) => /state, MTU, MAC/.test(w)),
    needRoot.join('; '),
  );
  assert.ok(needRoot.some((w) => /veth peers and bridge members/.test(w)));
  assert.ok(
    d.unavailable.every((u) => u.needsRoot),
    JSON.stringify(d.unavailable),
  );
});

test('readNet as a user: a socket no readable member holds has owners null while processes are hidden, [] when none is', async () => {
  const stranger = { ...member('a', 'sleep 1000'), ns: { net: INO.b } }; // a member without these sockets
  for (const [hidden, owners] of [
    [2, null],
    [0, []],
  ] as const) {
    const ctx = userContext('b', [stranger], hidden);
    // The member's files are those of namespace b's node: point the source at b's tree under a's PID.
    const proc = new (class extends ProcSource {
      override pidFile(_pid: number, name: string): string {
        return super.pidFile(PIDS.b, name);
      }
      override fds(): number[] {
        return [];
      }
    })(path.join(NET, 'b', 'proc'));
    const d = await readNet(ctx.snapshot.namespaces[0]!, { ...ctx, proc });
    assert.deepEqual(
      d.sockets?.map((s) => s.owners),
      [owners, owners, owners, owners],
    );
    const why = d.unavailable.find((u) => /processes holding 4 listening sockets/.test(u.what));
    assert.equal(Boolean(why), owners === null);
    if (why) assert.match(why.reason, /2 processes are hidden/);
  }
});

test('readNet as a user: a namespace with no visible member (kept by a bind mount) is all unavailable and needs root', async () => {
  const ctx = userContext('a', []);
  const d = await readNet(ctx.snapshot.namespaces[0]!, ctx);
  assert.equal(d.interfaces, undefined);
  assert.equal(d.routes, undefined);
  assert.equal(d.sockets, undefined);
  assert.deepEqual(
    d.unavailable.map((u) => [u.what, u.needsRoot]),
    [
      ['interfaces, addresses, routes and sockets', true],
      ['the firewall (nftables and legacy iptables rules)', true],
    ],
  );
  assert.match(d.unavailable[0]!.reason, /no process of it is visible.*needs root/);
});

test('readNet as a user: interfaces of a bridge namespace (a) from /proc, IPv4 address on the bridge', async () => {
  const ctx = userContext('a', [member('a', 'sleep 1000')]);
  const d = await readNet(ctx.snapshot.namespaces[0]!, ctx);
  assert.deepEqual(
    d.interfaces?.map((i) => i.name),
    ['lo', 'va', 'br0', 'vs1', 'vs0'],
  );
  assert.deepEqual(
    d.interfaces?.find((i) => i.name === 'br0')?.addresses.filter((a) => a.family === 'inet'),
    [{ family: 'inet', address: '10.77.0.1', prefixlen: 24, scope: null }],
  );
  assert.deepEqual(d.sockets, []);
});
