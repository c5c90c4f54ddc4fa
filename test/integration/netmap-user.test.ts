/**
 * `nsx net` run by an ordinary user on the course topology (netmap-course.ts), with a
 * process of that user in `left` and in `hub` and none in the others: the namespaces it
 * has a process in show what /proc/PID/net shows (interface names, the addresses routes
 * make, the default route); what needs root (kinds, states, peers, bridge members, the
 * namespaces it cannot enter) is marked unknown, in `--json` and in words; no wire, port
 * to the outside or bridge member is invented. The host, where nsx runs, adds what its
 * sysfs says: the same states and ports to the outside as root's map.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import type { GraphNamespace, NetGraph } from '../../src/core/network/graph';
import { createUser, USER_TOOLS } from '../engines/users';
import {
  cliJson,
  type CliOptions,
  descendants,
  needs,
  nsInode,
  readableCli,
  runCli,
  Scenario,
  waitFor,
} from './helpers';
import { buildCourse, ipIn } from './netmap-course';
import { ipWires, nsxWires, readIp } from './netmap-truth';

interface IpAddr {
  ifname: string;
  operstate: string;
  addr_info: { local: string; prefixlen: number }[];
}

const ipAddrs = (netns: string): IpAddr[] => JSON.parse(ipIn(netns, ['-j', 'addr', 'show'])) as IpAddr[];

const rootUser = needs({
  root: 'makes net namespaces and a test user, and runs nsx as that user',
  tools: [...USER_TOOLS, 'ip', 'ping', 'unshare', 'mount'],
});

test(
  'nsx net as an ordinary user: what /proc/PID/net shows of the namespaces it has a process in; kinds, states, ' +
    'peers and the namespaces it cannot enter marked unknown, in JSON and in words; nothing invented',
  { skip: rootUser, timeout: 90_000 },
  async (t) => {
    const s = new Scenario(t);
    const course = buildCourse(s, 'umap');
    const { left, right, hub, inodes } = course;
    ipIn(left, ['route', 'add', 'default', 'via', '10.77.0.2', 'dev', 'l0']);
    const user = createUser(s, 'net');
    const cli = readableCli(s);
    const asUser: CliOptions = {
      cli,
      wrapper: ['runuser', '-u', user.name, '--'],
      cwd: path.dirname(path.dirname(cli)),
    };
    for (const netns of [left, hub]) {
      const started = await s.start('ip', ['netns', 'exec', netns, 'runuser', '-u', user.name, '--', 'sleep', '1000']);
      await waitFor(`${user.name}'s sleep in ${netns}`, () => descendants(started.pid).find((d) => d.comm === 'sleep'));
    }
    const seen = new Set([left, hub]);

    const graph = cliJson<NetGraph>(['net', '--json'], asUser);
    const rootGraph = cliJson<NetGraph>(['net', '--json']);
    const card = (g: NetGraph, name: string): GraphNamespace => {
      const c = g.namespaces.find((n) => inodes.get(n.ns) === name);
      assert.ok(c, `a card for ${name}`);
      return c;
    };

    for (const name of inodes.values()) {
      const c = card(graph, name);
      const unknown = (c.unknown ?? []).join('\n');
      if (!seen.has(name)) {
        assert.deepEqual(c.interfaces, [], `${name}: no process of the user's in it, nothing read`);
        assert.match(unknown, /^interfaces, addresses, routes and sockets: .*needs root/m, name);
        continue;
      }
      const truth = ipAddrs(name);
      assert.deepEqual(c.interfaces.map((i) => i.name).sort(), truth.map((l) => l.ifname).sort(), name);
      for (const i of c.interfaces) {
        assert.deepEqual([i.kind, i.state, i.master], [null, null, undefined], `${name}/${i.name}: needs root`);
        const has = truth.find((l) => l.ifname === i.name)!.addr_info.map((a) => `${a.local}/${a.prefixlen}`);
        for (const a of i.addresses) assert.ok(has.includes(a), `${name}/${i.name}: ${a} is one of ${has.join(' ')}`);
      }
      assert.match(unknown, /^the state, MTU, MAC address and kind of each interface: /m, name);
      assert.match(unknown, /^veth peers and bridge members: /m, name);
    }
    const l0 = card(graph, left).interfaces.find((i) => i.name === 'l0');
    assert.deepEqual(
      l0?.addresses.filter((a) => !a.includes(':')),
      ['10.77.0.1/24'],
      'an UP interface has its IPv4 address from the routes',
    );
    assert.deepEqual(card(graph, left).defaultRoute, { dev: 'l0', gateway: '10.77.0.2' });

    // No wire the user's map draws is one ip does not report; here it can read none.
    const truth = ipWires(readIp(course.files));
    const drawn = [...nsxWires(graph, inodes)];
    assert.deepEqual(
      drawn.filter((w) => !truth.has(w)),
      [],
      'no wire invented',
    );
    assert.equal(
      graph.links.filter((l) => inodes.has(l.a.ns) || inodes.has(l.b.ns)).length,
      drawn.length,
      'no wire from a test namespace to one nsx cannot name',
    );
    // The host, the namespace nsx ran in: sysfs gives states, and tells hardware (a port to the
    // outside, as root's map shows it) from a virtual device whose kind it does not name.
    const host = nsInode('self', 'net');
    const hostCard = (g: NetGraph) => g.namespaces.find((n) => n.ns === host);
    assert.deepEqual(
      hostCard(graph)?.outside,
      hostCard(rootGraph)?.outside,
      `the user's ports to the outside are root's (${hostCard(rootGraph)?.outside?.join(', ')})`,
    );
    for (const i of hostCard(graph)?.interfaces ?? []) {
      const r = hostCard(rootGraph)?.interfaces.find((o) => o.name === i.name);
      if (!r) continue; // came or went between the two runs
      assert.equal(i.state, r.state, `host/${i.name}: state`);
      if (!i.kindUnknown) assert.equal(i.kind, r.kind, `host/${i.name}: a kind told is root's`);
    }

    const text = runCli(['net'], asUser);
    assert.equal(text.status, 0, text.stderr);
    const block = (name: string) => {
      const lines = text.stdout.split('\n');
      const at = lines.findIndex((l) => l.startsWith('net ') && l.includes(` ${name} `));
      assert.ok(at >= 0, `nsx net has a block for ${name}`);
      const end = lines.findIndex((l, i) => i > at && !l.startsWith('  '));
      return lines.slice(at, end < 0 ? undefined : end).join('\n');
    };
    assert.match(block(left), /^ {2}l0: kind unknown, state unknown; 10\.77\.0\.1\/24/m);
    assert.match(block(left), /^ {2}unknown: the state, MTU, MAC address and kind of each interface: /m);
    assert.match(block(left), /^ {2}unknown: veth peers and bridge members: /m);
    assert.match(block(right), /^ {2}unknown: interfaces, addresses, routes and sockets: .*needs root/m);
    assert.equal(card(rootGraph, right).unknown, undefined, 'root reads right in full');
  },
);
