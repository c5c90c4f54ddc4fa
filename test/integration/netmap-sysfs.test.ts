/**
 * `nsx net` and `nsx show` run by an ordinary user inside a net namespace the test made,
 * through `ip netns exec`, which also mounts a sysfs of that namespace: /sys/class/net
 * lists its bridge, veths and vxlan, so their states, MACs, MTUs, bridge ports and the kinds
 * sysfs names are drawn, each as `ip -j -d link` says; the kinds it cannot tell (veth) are
 * marked unknown and said so, no veth wire is drawn, and the other namespace (no process of
 * the user's in it) is not read.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { NetDetails } from '../../src/core/details/types';
import type { NetGraph } from '../../src/core/network/graph';
import { createUser, USER_TOOLS } from '../engines/users';
import { cliJson, type CliOptions, needs, readableCli, Scenario, uniqueName } from './helpers';
import { ipIn } from './netmap-course';
import { type IpLink, ipWires, nsxWires, readIp, wireKey } from './netmap-truth';

const rootUser = needs({
  root: 'makes net namespaces and a test user, and runs nsx as that user inside one',
  tools: [...USER_TOOLS, 'ip', 'unshare', 'mount'],
});

test(
  'nsx net as an ordinary user in its own namespace with its sysfs: states, MACs, bridge ports and the kinds ' +
    "sysfs names are ip's; veth kinds and wires unknown; nothing invented",
  { skip: rootUser, timeout: 90_000 },
  async (t) => {
    const s = new Scenario(t);
    const prefix = uniqueName('usys');
    const [here, away] = [`${prefix}-here`, `${prefix}-away`];
    const hereIno = s.netns(here);
    const inodes = new Map([
      [hereIno, here],
      [s.netns(away), away],
    ]);
    ipIn(here, ['link', 'add', 'br0', 'type', 'bridge']);
    ipIn(here, ['link', 'add', 'p1', 'type', 'veth', 'peer', 'name', 'e0', 'netns', away]);
    ipIn(here, ['link', 'set', 'p1', 'master', 'br0']);
    ipIn(here, ['link', 'add', 'v0', 'type', 'veth', 'peer', 'name', 'v1']);
    ipIn(here, 'link add vx0 type vxlan id 42 dev v0 remote 10.77.0.9 dstport 4789'.split(' '));
    for (const l of ['lo', 'br0', 'p1', 'v0']) ipIn(here, ['link', 'set', l, 'up']);
    ipIn(away, ['link', 'set', 'e0', 'up']);
    ipIn(here, ['addr', 'add', '10.78.0.1/24', 'dev', 'br0']);

    const user = createUser(s, 'sys');
    const cli = readableCli(s);
    const inHere: CliOptions = {
      cli,
      wrapper: ['ip', 'netns', 'exec', here, 'runuser', '-u', user.name, '--'],
      cwd: path.dirname(path.dirname(cli)),
    };
    const graph = cliJson<NetGraph>(['net', '--json'], inHere);
    const shown = cliJson<NetDetails>(['show', String(hereIno), '--json'], inHere);
    const truth = readIp(new Map([...inodes.values()].map((n) => [n, `/run/netns/${n}`])));
    const links = truth.get(here)!.links as (IpLink & { mtu: number; link_type: string })[];
    const ip = (name: string) => links.find((l) => l.ifname === name)!;

    const card = graph.namespaces.find((n) => n.ns === hereIno);
    assert.ok(card, 'a card for the namespace nsx ran in');
    assert.equal(shown.readAs, 'user');
    assert.deepEqual(card.interfaces.map((i) => i.name).sort(), links.map((l) => l.ifname).sort());
    for (const i of card.interfaces) {
      const l = ip(i.name);
      assert.deepEqual([i.ifindex, i.state, i.master], [l.ifindex, l.operstate, l.master], i.name);
      const kind = l.link_type === 'loopback' ? 'loopback' : (l.linkinfo?.info_kind ?? null);
      assert.equal(i.kind, i.kindUnknown ? null : kind, `${i.name}: ip's kind, or none`);
    }
    assert.deepEqual(card.interfaces.map((i) => [i.name, i.kindUnknown ? '?' : i.kind]).sort(), [
      ['br0', 'bridge'],
      ['lo', 'loopback'],
      ['p1', '?'],
      ['v0', '?'],
      ['v1', '?'],
      ['vx0', 'vxlan'],
    ]);
    assert.equal(shown.interfaces?.length, links.length, 'nsx show lists them too');
    for (const i of shown.interfaces ?? []) {
      assert.deepEqual([i.mac, i.mtu], [ip(i.name).address ?? null, ip(i.name).mtu], `${i.name}: MAC and MTU`);
    }
    assert.deepEqual(
      card.interfaces.find((i) => i.name === 'br0')?.addresses.filter((a) => !a.includes(':')),
      ['10.78.0.1/24'],
    );

    const drawn = nsxWires(graph, inodes);
    const real = ipWires(truth);
    assert.deepEqual(
      [...drawn].filter((w) => !real.has(w)),
      [],
      'no wire invented',
    );
    assert.deepEqual([...drawn], [wireKey('bridge-port', `${here}/p1`, `${here}/br0`)], 'the bridge port, from sysfs');

    const unknown = (card.unknown ?? []).join('\n');
    const kinds = /^the kind of (.*): sysfs names none/m.exec(unknown)?.[1] ?? '';
    assert.deepEqual(kinds.split(/, | and /).sort(), ['p1', 'v0', 'v1'], unknown);
    assert.match(unknown, /^what .* wired to .*: sysfs gives only an index/m);
    assert.doesNotMatch(unknown, /state, MTU, MAC|bridge members/);

    const far = graph.namespaces.find((n) => inodes.get(n.ns) === away);
    assert.deepEqual(far?.interfaces, [], 'no process of the user in the other namespace: nothing read');
  },
);
