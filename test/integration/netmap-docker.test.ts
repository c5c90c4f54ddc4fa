/**
 * `nsx net` on a Docker bridge network with two containers, made on a private dockerd
 * (test/engines/docker.ts): each container's eth0 is a veth whose peer is in the host's
 * namespace and a port of the network's bridge. Every wire touching the containers'
 * namespaces (and the bridge ports of their peers) is checked against `ip -j -d link` read
 * in each namespace, in `--json` and in `--dot`: none missing, none invented. The cards
 * carry the containers' names.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import type { NetGraph } from '../../src/core/network/graph';
import { DOCKER_TOOLS, startDocker, type PrivateDocker } from '../engines/docker';
import { cliJson, needs, nsInode, runCli, Scenario } from './helpers';
import { dotWires, ipWires, nsxWires, readIp, sorted } from './netmap-truth';

const SLEEP = ['/bin/sleep', '100000'];

interface NetworkInspect {
  Id: string;
  Containers: Record<string, { Name: string; IPv4Address: string }>;
}

/** The wires with an end in SPACES, and those with an end at the far end of one (a peer's bridge port). */
function around(wires: Set<string>, spaces: readonly string[]): Set<string> {
  const ends = (w: string) => w.split(' ').slice(1);
  const near = new Set([...wires].filter((w) => ends(w).some((e) => spaces.includes(e.split('/')[0]!))).flatMap(ends));
  return new Set([...wires].filter((w) => ends(w).some((e) => near.has(e))));
}

/** Removes the network NAME; its bridge is gone afterwards, or deleted by its exact name. */
function removeNetwork(docker: PrivateDocker, name: string, bridge: string | null): void {
  docker.docker(['network', 'rm', name]);
  if (bridge && spawnSync('ip', ['link', 'show', 'dev', bridge], { stdio: 'ignore' }).status === 0)
    throw new Error(`docker network rm ${name} left its bridge ${bridge}`);
}

const rootDocker = needs({
  root: 'starts a private dockerd that makes a bridge network',
  tools: [...DOCKER_TOOLS, 'ip', 'unshare', 'mount'],
});

test(
  "nsx net on a docker bridge network: both containers' veths to the bridge, as ip reports them, in --json and " +
    '--dot; the cards carry the container names',
  { skip: rootDocker, timeout: 180_000 },
  async (t) => {
    const s = new Scenario(t);
    let docker: PrivateDocker;
    try {
      docker = await startDocker(s);
    } catch (err) {
      t.skip(`the private dockerd cannot run here: ${String(err).split('\n')[0]}`);
      return;
    }
    docker.importBusybox('nsxtest/busybox:1');
    const n = (tag: string): string => `nsx-${process.pid}-${tag}`;
    const network = n('map');
    let bridge: string | null = null;
    s.defer(`docker network rm ${network}`, () => removeNetwork(docker, network, bridge));
    const netId = docker.docker(['network', 'create', '--driver', 'bridge', '--internal', network]);
    bridge = `br-${netId.slice(0, 12)}`;
    const names = [n('mapa'), n('mapb')];
    s.defer(`docker rm -f ${names.join(' ')}`, () => void docker.docker(['rm', '-f', ...names]));
    for (const name of names) docker.run(name, 'nsxtest/busybox:1', SLEEP, ['--network', network]);
    const pids = names.map((name) => docker.inspect(name).State.Pid);

    const spaces = new Map([['host', `/proc/${process.pid}/ns/net`]]);
    names.forEach((name, i) => spaces.set(name, `/proc/${pids[i]}/ns/net`));
    const inodes = new Map<number, string>([[nsInode('self', 'net'), 'host']]);
    names.forEach((name, i) => inodes.set(nsInode(pids[i]!, 'net'), name));

    const graph = cliJson<NetGraph>(['net', '--json']);
    const dot = runCli(['net', '--dot']);
    assert.equal(dot.status, 0, dot.stderr);
    const want = around(ipWires(readIp(spaces)), names);
    assert.deepEqual(sorted(around(nsxWires(graph, inodes), names)), sorted(want));
    assert.deepEqual(sorted(around(dotWires(dot.stdout, inodes), names)), sorted(want), '--dot: the same wires');

    // What the wires must be, from docker's own answer: eth0 of each on a veth, its peer a port of the bridge.
    const veths = [...want].filter((w) => w.startsWith('veth '));
    const ports = [...want].filter((w) => w.startsWith('bridge-port '));
    assert.equal(want.size, 4, [...want].join('; '));
    for (const name of names)
      assert.ok(
        veths.some((w) => w.includes(` ${name}/eth0`)),
        `${name}/eth0 on a veth`,
      );
    assert.equal(ports.filter((w) => w.split(' ').includes(`host/${bridge}`)).length, 2, `both on ${bridge}`);

    const inspect = (JSON.parse(docker.docker(['network', 'inspect', network])) as NetworkInspect[])[0]!;
    for (const name of names) {
      const ino = [...inodes].find(([, v]) => v === name)![0];
      const card = graph.namespaces.find((c) => c.ns === ino);
      assert.equal(card?.container, `${name} (docker)`, `the card of ${name} carries its name`);
      const address = Object.values(inspect.Containers).find((c) => c.Name === name)?.IPv4Address;
      const eth0 = card?.interfaces.find((i) => i.name === 'eth0');
      assert.deepEqual(
        eth0?.addresses.filter((a) => !a.includes(':')),
        [address],
        `${name}/eth0 has docker's address`,
      );
      assert.equal(eth0?.kind, 'veth');
    }
  },
);
