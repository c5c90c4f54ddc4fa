/**
 * The rest of a net namespace's stack as data: its firewall, parsed from what `nft -j list
 * ruleset` and iptables-legacy-save printed in a real namespace (test/fixtures/net/firewall,
 * with `nft list ruleset` beside the JSON for a reader), NAT rules in words, the map's
 * summary, the sections; and its connected sockets from the captured /proc/PID/net files.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseTableNames } from '../../src/core/details/net/firewall';
import { natOfArgs, parseIptablesSave } from '../../src/core/details/net/iptablesSave';
import { natWords } from '../../src/core/details/net/natWords';
import { natOfRule, parseNftRuleset } from '../../src/core/details/net/nftRuleset';
import { netSections } from '../../src/core/details/net/netSections';
import { parseConnections } from '../../src/core/details/net/procNet';
import type { NetDetails } from '../../src/core/details/types';
import { firewallSummary } from '../../src/core/network/graph';
import { FIXTURES } from './fixture-probe';
import { netDetails } from './records';

const FW = path.join(FIXTURES, 'net', 'firewall');
const fixture = (name: string) => fs.readFileSync(path.join(FW, name), 'utf8');

test('nft -j list ruleset: every table and chain with hook, priority, policy and rule count', () => {
  const r = parseNftRuleset(fixture('nft-ruleset.json'));
  assert.deepEqual(
    r.tables.map((t) => [
      `${t.family} ${t.name}`,
      t.chains.map((c) => [c.name, c.type, c.hook, c.priority, c.policy, c.rules]),
    ]),
    [
      [
        'inet filter',
        [
          ['input', 'filter', 'input', 0, 'accept', 1],
          ['extra', null, null, null, null, 1],
        ],
      ],
      [
        'ip nat',
        [
          ['prerouting', 'nat', 'prerouting', -100, 'accept', 1],
          ['postrouting', 'nat', 'postrouting', 100, 'accept', 1],
        ],
      ],
      [
        'inet nat6',
        [
          ['prerouting', 'nat', 'prerouting', -100, 'accept', 3],
          ['postrouting', 'nat', 'postrouting', 100, 'accept', 2],
        ],
      ],
      ['bridge empty', []],
    ],
  );
});

test('nft -j list ruleset: NAT and port forwards in words', () => {
  const r = parseNftRuleset(fixture('nft-ruleset.json'));
  assert.deepEqual(
    r.nat.map((n) => [n.kind, n.chain, n.text]),
    [
      ['dnat', 'ip nat prerouting', 'TCP 8080 → 10.0.0.2:80'],
      ['masquerade', 'ip nat postrouting', 'masquerade out of eth0'],
      ['dnat', 'inet nat6 prerouting', 'UDP 53,5353 in on eth0 → 10.0.0.3'],
      ['redirect', 'inet nat6 prerouting', 'TCP 80 → this namespace port 8080'],
      // ct state new has no words here: it is counted.
      ['dnat', 'inet nat6 prerouting', 'TCP to 192.0.2.1 → 10.0.0.4:8000-8010 (and 1 more condition)'],
      ['snat', 'inet nat6 postrouting', 'source NAT from 10.1.0.0/16 not out of lo → 1.2.3.4'],
      ['snat', 'inet nat6 postrouting', 'source NAT TCP port 22 from fd00::/64 → [fd99::1]:1000'],
    ],
  );
});

test('nft: an empty ruleset, a map-valued dnat, and text that is not nft JSON', () => {
  assert.deepEqual(parseNftRuleset('{"nftables": [{"metainfo": {"version": "1.0.6"}}]}'), { tables: [], nat: [] });
  assert.throws(() => parseNftRuleset('{"tables": []}'), /without an "nftables" list/);
  assert.throws(() => parseNftRuleset('table ip nat {'), SyntaxError);
  const mapped = natOfRule([{ dnat: { addr: { map: { key: {}, data: 'm' } }, port: 80 } }]);
  assert.equal(mapped && natWords(mapped), 'everything → an address from a map:80');
  assert.equal(
    natOfRule([{ match: { op: '==', left: { meta: { key: 'iifname' } }, right: 'x' } }, { accept: null }]),
    null,
  );
});

test('iptables-legacy-save: tables, built-in chains with policy and hook, a chain of its own, NAT in words', () => {
  const v4 = parseIptablesSave(fixture('iptables-legacy-save.txt'), 'ip');
  assert.deepEqual(
    v4.tables.map((t) => [t.name, t.chains.map((c) => [c.name, c.hook, c.policy, c.rules])]),
    [
      [
        'filter',
        [
          ['INPUT', 'input', 'accept', 0],
          ['FORWARD', 'forward', 'accept', 1],
          ['OUTPUT', 'output', 'accept', 0],
        ],
      ],
      [
        'nat',
        [
          ['PREROUTING', 'prerouting', 'accept', 1],
          ['INPUT', 'input', 'accept', 0],
          ['OUTPUT', 'output', 'accept', 1],
          ['POSTROUTING', 'postrouting', 'accept', 1],
          ['MYCHAIN', null, null, 1],
        ],
      ],
    ],
  );
  assert.deepEqual(
    v4.nat.map((n) => [n.chain, n.text]),
    [
      // The comment is no condition; the UDP match module is the protocol already named.
      ['ip nat PREROUTING', 'UDP 5000:5010 not from 10.0.0.0/8 → 10.0.0.9'],
      ['ip nat OUTPUT', 'TCP 80 → this namespace port 3128'],
      ['ip nat POSTROUTING', 'masquerade out of lo'],
      ['ip nat MYCHAIN', 'source NAT from 10.5.0.0/16 → 198.51.100.1'],
    ],
  );
  const v6 = parseIptablesSave(fixture('ip6tables-legacy-save.txt'), 'ip6');
  assert.deepEqual(
    v6.nat.map((n) => [n.chain, n.text]),
    [['ip6 nat PREROUTING', 'TCP 443 → [fd00::2]:8443']],
  );
  assert.deepEqual(parseIptablesSave('', 'ip'), { tables: [], nat: [] });
});

test('iptables rule words: unknown options are counted, not guessed; a target that is no NAT is none', () => {
  const m = natOfArgs(['-i', 'eth0', '-m', 'conntrack', '--ctstate', 'NEW', '-j', 'MASQUERADE']);
  assert.equal(m && natWords(m), 'masquerade in on eth0 (and 1 more condition)');
  assert.equal(natOfArgs(['-p', 'tcp', '-j', 'ACCEPT']), null);
  const d = natOfArgs(['-p', 'tcp', '--dport', '8080', '-j', 'DNAT', '--to-destination', ':80']);
  assert.equal(d && natWords(d), 'TCP 8080 → port 80');
  fc.assert(
    fc.property(fc.array(fc.constantFrom('-p', 'tcp', '!', '-j', 'DNAT', '-m', '--to-destination', 'x', '-z')), (a) => {
      const got = natOfArgs(a);
      if (got) assert.equal(typeof natWords(got), 'string');
    }),
  );
});

test('legacy tables loaded: the names of ip_tables_names, none without the file', () => {
  assert.deepEqual(parseTableNames('nat\nfilter\n'), ['nat', 'filter']);
  assert.deepEqual(parseTableNames(''), []);
  assert.deepEqual(parseTableNames(null), []);
});

test("the map's summary: filters, forwards/NAT and the rule count", () => {
  const nftables = parseNftRuleset(fixture('nft-ruleset.json'));
  const legacy = parseIptablesSave(fixture('iptables-legacy-save.txt'), 'ip');
  assert.deepEqual(firewallSummary({ nftables, legacy }), { filters: true, nat: true, rules: 14 });
  assert.deepEqual(firewallSummary({ nftables: { tables: [], nat: [] } }), { filters: false, nat: false, rules: 0 });
  // A filter chain that accepts everything and has no rule does not filter; one that drops by default does.
  const chain = { name: 'input', type: 'filter', hook: 'input', priority: 0, rules: 0 };
  const one = (policy: string) => ({
    nftables: { tables: [{ family: 'inet', name: 'f', chains: [{ ...chain, policy }] }], nat: [] },
  });
  assert.equal(firewallSummary(one('accept')).filters, false);
  assert.equal(firewallSummary(one('drop')).filters, true);
});

test('connected sockets from /proc/PID/net/tcp and udp: both ends, the state, the inode', () => {
  const pids = fs.readFileSync(path.join(FIXTURES, 'net', 'pids.txt'), 'utf8');
  const pid = /^b (\d+)$/m.exec(pids)![1];
  const text = (f: string) => fs.readFileSync(path.join(FIXTURES, 'net', 'b', 'proc', pid!, 'net', f), 'utf8');
  const tcp = parseConnections(text('tcp'), 'tcp', 'inet');
  assert.equal(tcp.skipped, 0);
  // The client's port is the one the kernel chose at capture; the rows come in its hash order.
  const client = tcp.rows.find((r) => r.remote.port === 8123)?.local.port;
  assert.ok(client && client !== 8123);
  const row = (r: (typeof tcp.rows)[number]) =>
    `${r.local.address}:${r.local.port} ${r.remote.address}:${r.remote.port} ${r.state}`;
  assert.deepEqual(
    tcp.rows.map(row).sort(),
    [`127.0.0.1:${client} 127.0.0.1:8123 ESTABLISHED`, `127.0.0.1:8123 127.0.0.1:${client} ESTABLISHED`].sort(),
  );
  const udp = parseConnections(text('udp'), 'udp', 'inet');
  assert.deepEqual(
    udp.rows.map((r) => [r.local.address, r.local.port > 0, r.remote, r.state, r.inode > 0]),
    [['10.77.0.2', true, { address: '10.77.0.1', port: 9 }, 'ESTABLISHED', true]],
  );
  const timeWait =
    '  sl local rem st\n   0: 0100007F:1FBB 0100007F:A0B1 06 00000000:00000000 03:00000000 00000000 0 0 0 3 0\n';
  assert.deepEqual(
    parseConnections(timeWait, 'tcp', 'inet').rows.map((r) => [r.state, r.inode]),
    [['TIME-WAIT', 0]],
  );
});

test('sections: connected sockets, both firewalls and the NAT rules of both', () => {
  const d: NetDetails = {
    type: 'net',
    ns: 1,
    label: null,
    ownerNs: null,
    readAs: 'root',
    via: null,
    unavailable: [],
    connections: [
      {
        protocol: 'tcp',
        family: 'inet6',
        local: { address: 'fd00::1', port: 22 },
        remote: { address: 'fd00::2', port: 50000 },
        state: 'ESTABLISHED',
        owners: [{ pid: 7, command: 'sshd' }],
      },
      {
        protocol: 'tcp',
        family: 'inet',
        local: { address: '10.0.0.1', port: 80 },
        remote: { address: '10.0.0.2', port: 50001 },
        state: 'TIME-WAIT',
        owners: [],
      },
    ],
    firewall: {
      nftables: parseNftRuleset(fixture('nft-ruleset.json')),
      legacy: parseIptablesSave(fixture('ip6tables-legacy-save.txt'), 'ip6'),
    },
  };
  const byId = new Map(netSections(d).map((s) => [s.id, s]));
  assert.deepEqual([...byId.keys()], ['net-connections', 'net-nftables', 'net-iptables-legacy', 'net-nat']);
  const rows = (id: string) => byId.get(id)!.rows.map((r) => r.map((c) => c.text));
  assert.deepEqual(rows('net-connections'), [
    ['tcp6', '[fd00::1]:22', '[fd00::2]:50000', 'ESTABLISHED', 'sshd (7)'],
    ['tcp', '10.0.0.1:80', '10.0.0.2:50001', 'TIME-WAIT', '-'],
  ]);
  assert.deepEqual(rows('net-nftables')[1], ['inet filter', 'extra', 'regular chain', '-', '-', '1']);
  assert.deepEqual(rows('net-nftables').at(-1), ['bridge empty', 'no chains', '-', '-', '-', '0']);
  assert.deepEqual(rows('net-nat').at(-1), ['ip6 nat PREROUTING (legacy)', 'TCP 443 → [fd00::2]:8443']);
  // Not read (an ordinary user): no firewall sections at all, the reason is in unavailable.
  assert.deepEqual(
    netSections({ ...d, connections: undefined, firewall: {} }).map((s) => s.id),
    [],
  );
});

test('a firewall section shows only what it has; a fresh namespace says in one line that it has none', () => {
  const base = netDetails(1);
  const empty = { tables: [], nat: [] };
  const sections = (firewall: NetDetails['firewall']) =>
    netSections({ ...base, firewall }).map((s) => [s.id, s.title, s.rows.length ? s.rows.length : s.empty]);
  assert.deepEqual(sections({ nftables: empty, legacy: empty }), [
    ['net-firewall', 'Firewall', 'no nftables tables, and no legacy iptables tables are loaded'],
  ]);
  // What was not read (nft missing) is not claimed empty: its reason is among the unavailable.
  assert.deepEqual(sections({ legacy: empty }), [['net-firewall', 'Firewall', 'no legacy iptables tables are loaded']]);
  const nft = parseNftRuleset(fixture('nft-ruleset.json'));
  assert.deepEqual(
    sections({ nftables: { ...nft, nat: [] }, legacy: empty }).map(([id]) => id),
    ['net-nftables'],
    'filters and no NAT: no empty NAT section, no empty legacy section',
  );
  assert.deepEqual(
    sections({ nftables: nft, legacy: empty }).map(([id]) => id),
    ['net-nftables', 'net-nat'],
  );
});
