/**
 * The link kinds a kernel may or may not have: vlan and ipvlan on a veth parent (one in the
 * parent's namespace, one moved to another), dummy and wireguard as badges with no wire;
 * macvlan through the same steps, as the kind every kernel here has. Each is built in test
 * namespaces where `ip link add` accepts it, and checked against `ip -j -d link` in each
 * (`--json` and `--dot`); where ip refuses the kind, the test is skipped with ip's words.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { NetGraph } from '../../src/core/network/graph';
import { cliJson, needs, run, runCli, Scenario, uniqueName } from './helpers';
import { dotWires, ipWires, nsxWires, readIp, sorted } from './netmap-truth';

interface Kind {
  kind: string;
  /** `ip link add` arguments after the name (and `link e0`, for a kind on a parent). */
  args: string[];
  /** Sits on a parent interface: the wire goes to it. */
  onParent: boolean;
}

const KINDS: Kind[] = [
  { kind: 'macvlan', args: ['type', 'macvlan', 'mode', 'bridge'], onParent: true },
  { kind: 'vlan', args: ['type', 'vlan', 'id', '5'], onParent: true },
  { kind: 'ipvlan', args: ['type', 'ipvlan', 'mode', 'l2'], onParent: true },
  { kind: 'dummy', args: ['type', 'dummy'], onParent: false },
  { kind: 'wireguard', args: ['type', 'wireguard'], onParent: false },
];

const ip = (netns: string, args: string[]) => run('ip', ['-n', netns, ...args]);

/** `ip -n NETNS link add NAME [link PARENT] ARGS`: null when ip made it, else what ip said. */
function tryAdd(netns: string, name: string, k: Kind, parent?: string): string | null {
  const args = ['-n', netns, 'link', 'add', ...(parent ? ['link', parent] : []), 'name', name, ...k.args];
  const r = spawnSync('ip', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  if (r.error) throw r.error;
  return r.status === 0 ? null : `\`ip ${args.join(' ')}\` said: ${r.stderr.trim() || `exit ${r.status}`}`;
}

const rootIp = needs({ root: 'makes net namespaces and links of each kind', tools: ['ip', 'unshare', 'mount'] });

for (const k of KINDS) {
  const what = k.onParent
    ? `${k.kind} on a veth parent, one beside it and one moved to another namespace: wired to it`
    : `${k.kind}: a badge of its kind, with no wire`;
  test(`nsx net: ${what}, as ip reports it`, { skip: rootIp, timeout: 60_000 }, (t) => {
    const s = new Scenario(t);
    const [here, there] = ['here', 'there'].map((n) => uniqueName(`${k.kind}-${n}`)) as [string, string];
    const inodes = new Map([
      [s.netns(here), here],
      [s.netns(there), there],
    ]);
    // Interfaces die with their namespace: deleting the namespaces removes every one made here.
    if (k.onParent) ip(here, ['link', 'add', 'e0', 'type', 'veth', 'peer', 'name', 'e1']);
    const refused = tryAdd(here, 'c0', k, k.onParent ? 'e0' : undefined);
    if (refused !== null) {
      t.skip(`this kernel makes no ${k.kind} links here: ${refused}`);
      return;
    }
    if (k.onParent) {
      const moved = tryAdd(here, 'c1', k, 'e0');
      assert.equal(moved, null, 'a second one on the same parent');
      ip(here, ['link', 'set', 'c1', 'netns', there]);
    }

    const graph = cliJson<NetGraph>(['net', '--json']);
    const dot = runCli(['net', '--dot']);
    assert.equal(dot.status, 0, dot.stderr);
    const want = ipWires(readIp(new Map([...inodes.values()].map((n) => [n, `/run/netns/${n}`]))));
    assert.deepEqual(sorted(nsxWires(graph, inodes)), sorted(want));
    assert.deepEqual(sorted(dotWires(dot.stdout, inodes)), sorted(want), '--dot: the same wires');
    const expected = k.onParent
      ? [`veth ${here}/e0 ${here}/e1`, `${k.kind} ${here}/c0 ${here}/e0`, `${k.kind} ${here}/e0 ${there}/c1`]
      : [];
    assert.deepEqual(sorted(want), expected.sort(), 'ip reports the wires the test made');

    const card = graph.namespaces.find((n) => inodes.get(n.ns) === here);
    assert.equal(card?.interfaces.find((i) => i.name === 'c0')?.kind, k.kind, `c0's badge says ${k.kind}`);
    const text = runCli(['net']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^  c0: ${k.kind} `, 'm'), 'nsx net names the kind');
  });
}
