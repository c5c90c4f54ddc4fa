/**
 * The topologies of a namespaces course, built with `ip` in namespaces the test makes: a
 * new namespace (only `lo`, DOWN); `left` and `right` joined by a veth pair (l0, r0) whose
 * ends ping each other; a bridge br0 in `hub` with veths (p1, p2) from `m1` and `m2`; a
 * macvlan mv0 and a vxlan vx0 (remote 10.77.0.9) on l0. Interfaces die with their
 * namespace, so the Scenario's deletion of the namespaces removes everything made here.
 */
import { existsSync } from 'node:fs';
import { run, Scenario, uniqueName } from './helpers';

export interface Course {
  lone: string;
  left: string;
  right: string;
  hub: string;
  m1: string;
  m2: string;
  /** inode → name, of all six. */
  inodes: Map<number, string>;
  /** name → its file under /run/netns (for readIp). */
  files: Map<string, string>;
}

export const ipIn = (netns: string, args: string[]): string => run('ip', ['-n', netns, ...args]);

/** Builds the course in namespaces named `nsxtest-PID-TAG-…`. */
export function buildCourse(s: Scenario, tag: string): Course {
  const prefix = uniqueName(tag);
  const [lone, left, right, hub, m1, m2] = ['lone', 'left', 'right', 'hub', 'm1', 'm2'].map(
    (n) => `${prefix}-${n}`,
  ) as [string, string, string, string, string, string];
  const inodes = new Map<number, string>();
  for (const name of [lone, left, right, hub, m1, m2]) inodes.set(s.netns(name), name);
  const veth = (a: string, an: string, b: string, bn: string) =>
    ipIn(a, ['link', 'add', an, 'type', 'veth', 'peer', 'name', bn, 'netns', b]);
  veth(left, 'l0', right, 'r0');
  ipIn(left, ['addr', 'add', '10.77.0.1/24', 'dev', 'l0']);
  ipIn(right, ['addr', 'add', '10.77.0.2/24', 'dev', 'r0']);
  ipIn(left, ['link', 'set', 'l0', 'up']);
  ipIn(right, ['link', 'set', 'r0', 'up']);
  run('ip', ['netns', 'exec', left, 'ping', '-c', '1', '-W', '2', '10.77.0.2']);
  settled(left, 'l0');
  settled(right, 'r0');
  ipIn(hub, ['link', 'add', 'br0', 'type', 'bridge']);
  veth(hub, 'p1', m1, 'e0');
  veth(hub, 'p2', m2, 'e0');
  for (const p of ['p1', 'p2']) ipIn(hub, ['link', 'set', p, 'master', 'br0']);
  ipIn(left, ['link', 'add', 'mv0', 'link', 'l0', 'type', 'macvlan', 'mode', 'bridge']);
  ipIn(left, 'link add vx0 type vxlan id 42 dev l0 remote 10.77.0.9 dstport 4789'.split(' '));
  const files = new Map([...inodes.values()].map((n) => [n, `/run/netns/${n}`]));
  return { lone, left, right, hub, m1, m2, inodes, files };
}

/**
 * Waits until IFNAME in NETNS says UP and its IPv6 link-local address (where IPv6 is on) is
 * no longer tentative: the kernel sets a link's state up to a second after `ip link set up`
 * and adds that address after duplicate detection, so two reads made before then differ.
 */
function settled(netns: string, ifname: string): void {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const [link] = JSON.parse(ipIn(netns, ['-j', 'addr', 'show', 'dev', ifname])) as {
      operstate: string;
      addr_info: { family: string; scope: string; tentative?: boolean }[];
    }[];
    const v6 = existsSync(`/proc/sys/net/ipv6`);
    const local = link?.addr_info.find((a) => a.family === 'inet6' && a.scope === 'link');
    if (link?.operstate === 'UP' && (!v6 || (local && !local.tentative))) return;
    if (Date.now() > deadline) throw new Error(`${ifname} in ${netns} did not settle: ${JSON.stringify(link)}`);
    run('sleep', ['0.05']);
  }
}
