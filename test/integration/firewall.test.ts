/**
 * The rest of a net namespace's stack in `nsx show` and `nsx net`, compared with the tools
 * run inside it: a firewall made with nft (a filter chain with a drop rule, a DNAT port
 * forward, a masquerade) against `nft -j list ruleset`, legacy iptables rules against
 * iptables-legacy-save, and an established TCP connection between two namespaces over a
 * veth against `ss -tanp`. Needs root (to make namespaces and rules); the namespaces it
 * makes, and with them their rules, are removed afterwards.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetGraph } from '../../src/core/network/graph';
import type { NetDetails } from '../../src/core/details/types';
import { cliJson, needs, run, Scenario, uniqueName } from './helpers';

function show(ino: number): NetDetails {
  const d = cliJson<NetDetails>(['show', String(ino), '--json']);
  assert.equal(d.type, 'net');
  assert.equal(d.readAs, 'root');
  return d;
}

const inside = (ns: string, cmd: string, ...args: string[]) => run('ip', ['netns', 'exec', ns, cmd, ...args]);
const sorted = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort();

interface NftItem {
  table?: { family: string; name: string };
  chain?: { family: string; table: string; name: string; hook?: string; policy?: string; prio?: number };
  rule?: { family: string; table: string; chain: string };
}

/** (table, chain, hook, priority, policy, rules) of every chain, counted from `nft -j list ruleset` run inside. */
function truthChains(ns: string): string[] {
  const items = (JSON.parse(inside(ns, 'nft', '-j', 'list', 'ruleset')) as { nftables: NftItem[] }).nftables;
  const rules = (c: NonNullable<NftItem['chain']>) =>
    items.filter((i) => i.rule && i.rule.family === c.family && i.rule.table === c.table && i.rule.chain === c.name)
      .length;
  return sorted(
    items.flatMap((i) =>
      i.chain
        ? [
            [
              `${i.chain.family} ${i.chain.table}`,
              i.chain.name,
              i.chain.hook ?? null,
              i.chain.prio ?? null,
              i.chain.policy ?? null,
              rules(i.chain),
            ],
          ]
        : [],
    ),
  );
}

test(
  'as root: the nftables ruleset of a namespace as nft lists it inside, its NAT rules in words, and nsx net says ' +
    'that it filters and forwards',
  { skip: needs({ root: 'makes a net namespace and nftables rules in it', tools: ['ip', 'nft'] }) },
  (t) => {
    const s = new Scenario(t);
    const ns = uniqueName('fw');
    const ino = s.netns(ns);
    run('ip', ['-n', ns, 'link', 'add', 'vt0', 'type', 'veth', 'peer', 'name', 'vt1']);
    const nft = (...args: string[]) => inside(ns, 'nft', ...args);
    nft('add', 'table', 'inet', 'guard');
    nft('add', 'chain', 'inet', 'guard', 'input', '{ type filter hook input priority 0; policy accept; }');
    nft('add', 'rule', 'inet', 'guard', 'input', 'ip', 'saddr', '192.0.2.0/24', 'drop');
    nft('add', 'table', 'ip', 'nat');
    nft('add', 'chain', 'ip', 'nat', 'prerouting', '{ type nat hook prerouting priority -100; }');
    nft('add', 'rule', 'ip', 'nat', 'prerouting', 'tcp', 'dport', '8080', 'dnat', 'to', '10.0.0.2:80');
    nft('add', 'chain', 'ip', 'nat', 'postrouting', '{ type nat hook postrouting priority 100; }');
    nft('add', 'rule', 'ip', 'nat', 'postrouting', 'oifname', 'vt0', 'masquerade');

    const d = show(ino);
    assert.deepEqual(
      d.unavailable.filter((u) => /firewall|nftables|iptables/.test(u.what)),
      [],
      'the firewall was read',
    );
    const ours = d.firewall!.nftables!.tables.flatMap((tb) =>
      tb.chains.map((c) => [`${tb.family} ${tb.name}`, c.name, c.hook, c.priority, c.policy, c.rules]),
    );
    assert.deepEqual(sorted(ours), truthChains(ns), 'chains and rule counts as nft -j list ruleset inside');
    assert.deepEqual(
      d.firewall!.nftables!.nat.map((n) => [n.kind, n.chain, n.text]),
      [
        ['dnat', 'ip nat prerouting', 'TCP 8080 → 10.0.0.2:80'],
        ['masquerade', 'ip nat postrouting', 'masquerade out of vt0'],
      ],
    );
    assert.deepEqual(d.firewall!.legacy, { tables: [], nat: [] }, 'no legacy table was loaded here');

    const graph = cliJson<NetGraph>(['net', '--json']);
    const card = graph.namespaces.find((n) => n.ns === ino);
    assert.deepEqual(card?.firewall, { filters: true, nat: true, rules: 3 });
  },
);

test(
  'as root: legacy iptables rules of a namespace as iptables-legacy-save lists them inside',
  {
    skip: needs({
      root: 'makes a net namespace and legacy iptables rules in it',
      tools: ['ip', 'iptables-legacy', 'iptables-legacy-save'],
    }),
  },
  (t) => {
    const s = new Scenario(t);
    const ns = uniqueName('fwl');
    const ino = s.netns(ns);
    const ipt = (...args: string[]) => inside(ns, 'iptables-legacy', ...args);
    ipt(
      '-t',
      'nat',
      '-A',
      'PREROUTING',
      '-i',
      'lo',
      '-p',
      'tcp',
      '--dport',
      '9090',
      '-j',
      'DNAT',
      '--to-destination',
      '10.0.0.3:90',
    );
    ipt('-A', 'INPUT', '-s', '198.51.100.0/24', '-j', 'DROP');
    ipt('-P', 'FORWARD', 'DROP');

    const d = show(ino);
    const legacy = d.firewall!.legacy!;
    const saved = inside(ns, 'iptables-legacy-save');
    const truth = [...saved.matchAll(/^\*(\w+)$([\s\S]*?)^COMMIT$/gm)].flatMap(([, table, body]) =>
      [...body!.matchAll(/^:(\S+) (\S+)/gm)].map(([, chain, policy]) => [
        table,
        chain,
        policy === '-' ? null : policy!.toLowerCase(),
        body!.split('\n').filter((l) => l.startsWith(`-A ${chain} `)).length,
      ]),
    );
    assert.deepEqual(
      sorted(
        legacy.tables
          .filter((tb) => tb.family === 'ip')
          .flatMap((tb) => tb.chains.map((c) => [tb.name, c.name, c.policy, c.rules])),
      ),
      sorted(truth),
      'tables, chains, policies and rule counts as iptables-legacy-save inside',
    );
    assert.deepEqual(
      legacy.nat.map((n) => [n.chain, n.text]),
      [['ip nat PREROUTING', 'TCP 9090 in on lo → 10.0.0.3:90']],
    );
    const card = cliJson<NetGraph>(['net', '--json']).namespaces.find((n) => n.ns === ino);
    assert.deepEqual(card?.firewall, { filters: true, nat: true, rules: 2 });
  },
);

/** Server in one namespace, client in the other: both print "ready" once connected, then hold on. */
const SERVER = `require('net')
  .createServer(() => console.log('ready'))
  .listen(18300, '10.231.0.1', () => console.log('listening'));
setInterval(() => {}, 1e6);`;
const CLIENT = `const c = require('net').connect(18300, '10.231.0.1', () => console.log('ready'));
setInterval(() => {}, 1e6);`;

/** (state, local, remote, pids) of the TCP sockets not listening, as `ss -tanpH` prints them inside. */
function truthConnections(ns: string): string[] {
  return sorted(
    run('ss', ['-N', ns, '-tanpH'])
      .trim()
      .split('\n')
      .filter((l) => l && !l.startsWith('LISTEN'))
      .map((l) => {
        const f = l.trim().split(/\s+/);
        const pids = [...(f[5] ?? '').matchAll(/pid=(\d+)/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
        return [f[0] === 'ESTAB' ? 'ESTABLISHED' : f[0], f[3], f[4], pids];
      }),
  );
}

test(
  'as root: an established TCP connection between two namespaces over a veth, both ends with their process, ' +
    'as ss -tanp says inside each',
  { skip: needs({ root: 'makes net namespaces with ip netns', tools: ['ip', 'ss'] }) },
  async (t) => {
    const s = new Scenario(t);
    const a = uniqueName('conna');
    const b = uniqueName('connb');
    const inoA = s.netns(a);
    const inoB = s.netns(b);
    run('ip', ['-n', a, 'link', 'add', 'ca', 'type', 'veth', 'peer', 'name', 'cb', 'netns', b]);
    run('ip', ['-n', a, 'addr', 'add', '10.231.0.1/24', 'dev', 'ca']);
    run('ip', ['-n', b, 'addr', 'add', '10.231.0.2/24', 'dev', 'cb']);
    for (const [ns, dev] of [
      [a, 'ca'],
      [b, 'cb'],
    ] as const)
      for (const l of ['lo', dev]) run('ip', ['-n', ns, 'link', 'set', l, 'up']);
    const server = await s.start('ip', ['netns', 'exec', a, process.execPath, '-e', SERVER]);
    await s.waitLine(server, 'listening');
    const client = await s.start('ip', ['netns', 'exec', b, process.execPath, '-e', CLIENT]);
    await s.waitLine(client, 'ready');
    await s.waitLine(server, 'ready');

    for (const [ns, ino] of [
      [a, inoA],
      [b, inoB],
    ] as const) {
      const d = show(ino);
      const ours = d
        .connections!.filter((c) => c.protocol === 'tcp')
        .map((c) => {
          const end = (e: { address: string; port: number }) => `${e.address}:${e.port}`;
          return [c.state, end(c.local), end(c.remote), (c.owners ?? []).map((o) => o.pid)];
        });
      assert.deepEqual(sorted(ours), truthConnections(ns), `${ns}: connections as ss -tanp`);
      assert.equal(ours.length, 1, `${ns}: the one connection`);
    }
    const [fromB] = show(inoB).connections!;
    assert.equal(fromB!.state, 'ESTABLISHED');
    assert.deepEqual(fromB!.remote, { address: '10.231.0.1', port: 18300 });
    assert.match(fromB!.owners![0]!.command, /node -e /);
  },
);
