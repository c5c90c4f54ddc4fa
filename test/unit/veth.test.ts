/** src/core/veth.ts: the veth subnet, the networks the host already uses, and the /30 each terminal takes. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  DEFAULT_SUBNET,
  hostSideBatch,
  namespaceSideBatch,
  parseSubnet,
  planVeth,
  Subnet,
  usedNetworks,
  VethPlan,
} from '../../src/core/terminals/veth';
import { formatIPv4 } from '../../src/core/text/netAddr';

const ip = (a: number, b: number, c: number, d: number) => ((a * 256 + b) * 256 + c) * 256 + d;

function subnet(text: string): Subnet {
  const s = parseSubnet(text);
  if (typeof s === 'string') throw new Error(s);
  return s;
}

/** `ip -4 -o addr show` on a workstation with docker, a WireGuard link and a bridge. */
const IP_ADDR = [
  '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
  '2: enp3s0    inet 192.168.1.23/24 brd 192.168.1.255 scope global dynamic noprefixroute enp3s0\\       ' +
    'valid_lft 85634sec preferred_lft 85634sec',
  '3: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever ' +
    'preferred_lft forever',
  '5: wg0    inet 10.200.0.5/30 scope global wg0\\       valid_lft forever preferred_lft forever',
  '7: br-3f2a91c0d1e4    inet 10.200.1.1/24 brd 10.200.1.255 scope global br-3f2a91c0d1e4\\       valid_lft ' +
    'forever preferred_lft forever',
  '',
].join('\n');

test('parseSubnet: a private subnet gives its network address and prefix', () => {
  assert.deepEqual(parseSubnet('10.200.0.0/24'), { base: ip(10, 200, 0, 0), prefix: 24 });
  assert.deepEqual(parseSubnet('172.16.0.0/12'), { base: ip(172, 16, 0, 0), prefix: 12 });
  assert.deepEqual(parseSubnet('172.31.255.0/24'), { base: ip(172, 31, 255, 0), prefix: 24 });
  assert.deepEqual(parseSubnet('192.168.5.4/30'), { base: ip(192, 168, 5, 4), prefix: 30 });
  assert.deepEqual(parseSubnet('10.0.0.0/8'), { base: ip(10, 0, 0, 0), prefix: 8 });
});

test('parseSubnet: host bits are cleared (10.200.0.77/24 is 10.200.0.0/24)', () => {
  assert.deepEqual(parseSubnet('10.200.0.77/24'), { base: ip(10, 200, 0, 0), prefix: 24 });
  assert.deepEqual(parseSubnet('192.168.255.255/16'), { base: ip(192, 168, 0, 0), prefix: 16 });
});

test('parseSubnet: the default subnet is valid', () => {
  assert.equal(typeof parseSubnet(DEFAULT_SUBNET), 'object');
});

test('parseSubnet: a subnet smaller than a /30 is refused as too small', () => {
  assert.equal(parseSubnet('10.0.0.0/31'), '10.0.0.0/31 is too small: each terminal needs a /30');
  assert.equal(parseSubnet('192.168.1.1/32'), '192.168.1.1/32 is too small: each terminal needs a /30');
});

test('parseSubnet: a non-private range is refused, including ranges just outside the private ones', () => {
  for (const text of [
    '8.8.8.0/24',
    '172.32.0.0/16',
    '172.15.255.0/24',
    '10.0.0.0/7',
    '192.168.0.0/15',
    '192.169.0.0/24',
    '0.0.0.0/0',
    '11.0.0.0/24',
    '100.64.0.0/10',
  ]) {
    assert.equal(parseSubnet(text), `${text} is not a private range (10/8, 172.16/12 or 192.168/16)`, text);
  }
});

test('parseSubnet: malformed text is refused with an example', () => {
  for (const text of [
    '',
    '10.200.0/24',
    '10.200.0.0',
    '256.1.1.0/24',
    '10.0.0.0/33',
    'ten.0.0.0/8',
    '10.0.0.0/024',
    '10.0.0.0/-1',
    '::1/128',
    '10.0.0.0/8/8',
    '1000.0.0.0/8',
  ]) {
    assert.equal(parseSubnet(text), `'${text}' is not an IPv4 subnet such as 10.200.0.0/24`, text);
  }
});

const PRIVATE: [number, number][] = [
  [ip(10, 0, 0, 0), ip(10, 255, 255, 255)],
  [ip(172, 16, 0, 0), ip(172, 31, 255, 255)],
  [ip(192, 168, 0, 0), ip(192, 168, 255, 255)],
];

test('property: parseSubnet accepts exactly the blocks of /30 or larger inside 10/8, 172.16/12 or 192.168/16', () => {
  const octet = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(10, 172, 192, 168, 16, 31, 32));
  fc.assert(
    fc.property(octet, octet, octet, octet, fc.integer({ min: 0, max: 32 }), (a, b, c, d, prefix) => {
      const text = `${a}.${b}.${c}.${d}/${prefix}`;
      const result = parseSubnet(text);
      const size = 2 ** (32 - prefix);
      const start = Math.floor(ip(a, b, c, d) / size) * size;
      const end = start + size - 1;
      const expected = prefix <= 30 && PRIVATE.some(([lo, hi]) => start >= lo && end <= hi);
      if (expected) assert.deepEqual(result, { base: start, prefix }, text);
      else assert.equal(typeof result, 'string', text);
    }),
    { numRuns: 1000 },
  );
});

test('usedNetworks reads every IPv4 network of real `ip -4 -o addr show` output', () => {
  assert.deepEqual(usedNetworks(IP_ADDR), [
    { base: ip(127, 0, 0, 0), prefix: 8 },
    { base: ip(192, 168, 1, 0), prefix: 24 },
    { base: ip(172, 17, 0, 0), prefix: 16 },
    { base: ip(10, 200, 0, 4), prefix: 30 },
    { base: ip(10, 200, 1, 0), prefix: 24 },
  ]);
});

test('usedNetworks: nothing from empty output, from inet6 lines or from brd addresses', () => {
  assert.deepEqual(usedNetworks(''), []);
  assert.deepEqual(
    usedNetworks('2: eth0    inet6 fe80::1/64 scope link \\       valid_lft forever preferred_lft forever\n'),
    [],
  );
  const brdOnly = usedNetworks('2: eth0    inet 192.168.1.23/24 brd 192.168.1.255 scope global eth0\n');
  assert.deepEqual(brdOnly, [{ base: ip(192, 168, 1, 0), prefix: 24 }]);
});

test('usedNetworks counts a point-to-point address `inet LOCAL peer PEER/32` as used', () => {
  // Exactly what `ip -4 -o addr show` printed after `ip addr add 10.200.0.1 peer 10.200.0.2/32 dev lo`.
  const text =
    '1: lo    inet 10.200.0.1 peer 10.200.0.2/32 scope global lo\\       valid_lft forever preferred_lft forever\n';
  const used = usedNetworks(text);
  assert.deepEqual(used, [
    { base: ip(10, 200, 0, 1), prefix: 32 },
    { base: ip(10, 200, 0, 2), prefix: 32 },
  ]);
  const plan = planVeth(subnet('10.200.0.0/24'), used, 1);
  assert.notEqual(plan?.hostAddress, '10.200.0.1');
});

test('planVeth: the first /30 of the subnet, host end .1 and namespace end .2', () => {
  assert.deepEqual(planVeth(subnet('10.200.0.0/24'), [], 4242), {
    host: 'nsx4242h',
    peer: 'nsx4242n',
    hostAddress: '10.200.0.1',
    peerAddress: '10.200.0.2',
    prefix: 30,
  });
});

test('planVeth: skips the /30s overlapping networks the host uses', () => {
  const used = usedNetworks(IP_ADDR); // 10.200.0.4/30 is taken by wg0
  assert.equal(planVeth(subnet('10.200.0.0/24'), used, 1)!.hostAddress, '10.200.0.1');
  const firstTaken = [...used, { base: ip(10, 200, 0, 0), prefix: 30 }];
  const plan = planVeth(subnet('10.200.0.0/24'), firstTaken, 1)!;
  assert.deepEqual([plan.hostAddress, plan.peerAddress], ['10.200.0.9', '10.200.0.10']);
});

test('planVeth: a single used address inside a /30 makes that /30 unusable', () => {
  const used = [{ base: ip(10, 200, 0, 3), prefix: 32 }];
  assert.equal(planVeth(subnet('10.200.0.0/24'), used, 1)!.hostAddress, '10.200.0.5');
});

test('planVeth: null when a used network covers the whole subnet (a /16 around a /24)', () => {
  assert.equal(planVeth(subnet('10.200.0.0/24'), [subnet('10.200.0.0/16')], 1), null);
  assert.equal(planVeth(subnet('10.200.1.0/24'), usedNetworks(IP_ADDR), 1), null, 'br-3f2a… holds 10.200.1.0/24');
});

test('planVeth: null when every /30 is used; a /30 subnet has exactly one', () => {
  assert.deepEqual(planVeth(subnet('192.168.7.8/30'), [], 9)?.hostAddress, '192.168.7.9');
  assert.equal(planVeth(subnet('192.168.7.8/30'), [{ base: ip(192, 168, 7, 10), prefix: 32 }], 9), null);
  const all = Array.from({ length: 4 }, (_, i) => ({ base: ip(10, 1, 1, i * 4), prefix: 30 }));
  assert.equal(planVeth(subnet('10.1.1.0/28'), all, 9), null);
});

test('planVeth: a used network outside the subnet changes nothing', () => {
  assert.equal(
    planVeth(subnet('10.200.0.0/24'), [subnet('10.201.0.0/16'), subnet('192.168.0.0/16')], 1)!.hostAddress,
    '10.200.0.1',
  );
});

test('property: interface names fit in 15 bytes and differ, for every PID up to 4194304', () => {
  fc.assert(
    fc.property(fc.oneof(fc.integer({ min: 1, max: 4194304 }), fc.constantFrom(1, 4194304, 999999)), (pid) => {
      const plan = planVeth(subnet('10.200.0.0/24'), [], pid)!;
      assert.ok(Buffer.byteLength(plan.host) <= 15 && Buffer.byteLength(plan.peer) <= 15, `${plan.host} ${plan.peer}`);
      assert.match(plan.host, /^nsx\d+h$/);
      assert.match(plan.peer, /^nsx\d+n$/);
      assert.notEqual(plan.host, plan.peer);
      assert.ok(plan.host.includes(String(pid)));
    }),
  );
});

test('property: planVeth takes the first /30 of the subnet that no used network touches, else null', () => {
  const used = fc.array(
    fc
      .record({
        a: fc.integer({ min: 0, max: 3 }),
        b: fc.integer({ min: 0, max: 255 }),
        prefix: fc.integer({ min: 20, max: 32 }),
      })
      .map(({ a, b, prefix }) => {
        const addr = ip(10, 200, a, b);
        const size = 2 ** (32 - prefix);
        return { base: addr - (addr % size), prefix };
      }),
    { maxLength: 40 },
  );
  fc.assert(
    fc.property(fc.integer({ min: 22, max: 30 }), used, (prefix, usedList) => {
      const net = subnet(`10.200.0.0/${prefix}`);
      const plan = planVeth(net, usedList, 7);
      const touches = (start: number) =>
        usedList.some((u) => u.base <= start + 3 && start <= u.base + 2 ** (32 - u.prefix) - 1);
      let expected: number | null = null;
      for (let start = net.base; start < net.base + 2 ** (32 - prefix); start += 4) {
        if (!touches(start)) {
          expected = start;
          break;
        }
      }
      if (expected === null) assert.equal(plan, null);
      else {
        assert.equal(plan?.hostAddress, formatIPv4(expected + 1));
        assert.equal(plan?.peerAddress, formatIPv4(expected + 2));
      }
    }),
    { numRuns: 500 },
  );
});

const PLAN: VethPlan = {
  host: 'nsx4242h',
  peer: 'nsx4242n',
  hostAddress: '10.200.0.1',
  peerAddress: '10.200.0.2',
  prefix: 30,
};

test('hostSideBatch: makes the pair with its peer in the namespace of the PID, addresses and raises the host end', () => {
  assert.equal(
    hostSideBatch(PLAN, 31337),
    [
      'link add nsx4242h type veth peer name nsx4242n netns 31337',
      'addr add 10.200.0.1/30 dev nsx4242h',
      'link set nsx4242h up',
      '',
    ].join('\n'),
  );
});

test('namespaceSideBatch: loopback only without a veth', () => {
  assert.equal(namespaceSideBatch(null), 'link set lo up\n');
});

test('namespaceSideBatch: with a veth, loopback, the peer address, the peer up and the default route via the host end', () => {
  assert.equal(
    namespaceSideBatch(PLAN),
    [
      'link set lo up',
      'addr add 10.200.0.2/30 dev nsx4242n',
      'link set nsx4242n up',
      'route add default via 10.200.0.1',
      '',
    ].join('\n'),
  );
});
