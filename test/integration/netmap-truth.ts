/**
 * The network map's ground truth: the wires `ip -j -d link` reports in each namespace of a
 * set (veth peers by name, or by peer ifindex and link-netnsid; bridge ports by `master`;
 * macvlan, ipvlan, vlan and macvtap on their parent; a vxlan on its device), and the same
 * wires as `nsx net --json` and `--dot` tell them, all in one form ("kind a/if b/if", the
 * ends sorted) so that sets of them compare.
 *
 * A namespace is given by a file of it (/run/netns/NAME, /proc/PID/ns/net). `ip` names a
 * link-netnsid only through /run/netns, so it runs in a mount namespace of its own whose
 * /run/netns holds exactly the set, under the names the test gave: nothing of the
 * machine's /run/netns is touched, and the mounts die with that namespace.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { NetGraph } from '../../src/core/network/graph';

export interface IpLink {
  ifindex: number;
  ifname: string;
  operstate: string;
  /** The peer or parent by name, when it is in the same namespace. */
  link?: string;
  /** …by index, and the namespace's id, when it is in another. */
  link_index?: number;
  link_netnsid?: number;
  master?: string;
  address?: string;
  linkinfo?: { info_kind?: string; info_data?: { link?: string } };
}

/** What `ip` says in one namespace: its links, and the ids it gives the others of the set. */
export interface IpView {
  links: IpLink[];
  ids: { nsid: number; name?: string }[];
}

/** Kinds whose IFLA_LINK is the interface they sit on (a veth's is its peer). */
const ON_PARENT = new Set(['macvlan', 'ipvlan', 'vlan', 'macvtap']);

const SCRIPT = `set -e
dir=$1; shift
mount --make-rprivate /
mount -t tmpfs nsxtest "$dir"
names=
while [ $# -gt 0 ]; do touch "$dir/$1"; mount --bind "$2" "$dir/$1"; names="$names $1"; shift 2; done
[ -d /run/netns ] || { mount -t tmpfs nsxtest /run; mkdir /run/netns; }
mount --rbind "$dir" /run/netns
for n in $names; do
  ip -n "$n" -j -d link show; echo '\x1e'
  ip -n "$n" -j netns list-id; echo '\x1e'
done`;

/** `ip -j -d link` and `ip -j netns list-id` in each namespace of SPACES (name → a file of it). */
export function readIp(spaces: ReadonlyMap<string, string>): Map<string, IpView> {
  for (const name of spaces.keys()) if (!/^[\w.-]+$/.test(name)) throw new Error(`not a plain name: ${name}`);
  const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-ipnetns-`));
  try {
    const args = [...spaces].flat();
    const r = spawnSync('unshare', ['--mount', 'sh', '-c', SCRIPT, 'sh', dir, ...args], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (r.error) throw r.error;
    if (r.status !== 0)
      throw new Error(`ip in a mount namespace of its own exited ${r.status ?? r.signal}: ${r.stderr}`);
    const parts = r.stdout.split('\x1e\n');
    const out = new Map<string, IpView>();
    [...spaces.keys()].forEach((name, i) => {
      const json = (text: string | undefined) => (text?.trim() ? (JSON.parse(text) as unknown) : []);
      out.set(name, { links: json(parts[2 * i]) as IpLink[], ids: json(parts[2 * i + 1]) as IpView['ids'] });
    });
    return out;
  } finally {
    rmdirSync(dir);
  }
}

/** One wire in the form every reader here uses. */
export function wireKey(kind: string, a: string, b: string): string {
  return `${kind} ${[a, b].sort().join(' ')}`;
}

/**
 * The wires `ip` reports among the namespaces of VIEWS. An end in a namespace outside the
 * set (a link-netnsid with no name) is left out: the caller decides which namespaces count.
 */
export function ipWires(views: ReadonlyMap<string, IpView>): Set<string> {
  const wires = new Set<string>();
  for (const [netns, { links, ids }] of views) {
    const other = (l: IpLink) =>
      l.link_netnsid === undefined ? netns : ids.find((i) => i.nsid === l.link_netnsid)?.name;
    for (const l of links) {
      const kind = l.linkinfo?.info_kind;
      const here = `${netns}/${l.ifname}`;
      if (l.master) wires.add(wireKey('bridge-port', here, `${netns}/${l.master}`));
      if (kind === 'vxlan' && l.linkinfo?.info_data?.link)
        wires.add(wireKey('vxlan', here, `${netns}/${l.linkinfo.info_data.link}`));
      if (kind !== 'veth' && !ON_PARENT.has(kind ?? '')) continue;
      if (l.link) wires.add(wireKey(kind!, here, `${netns}/${l.link}`));
      else if (l.link_index !== undefined) {
        const there = other(l);
        const peer = there === undefined ? undefined : views.get(there)?.links.find((p) => p.ifindex === l.link_index);
        if (peer) wires.add(wireKey(kind!, here, `${there}/${peer.ifname}`));
      }
    }
  }
  return wires;
}

/** nsx's wires among the namespaces of NAMES (inode → name). */
export function nsxWires(graph: NetGraph, names: ReadonlyMap<number, string>): Set<string> {
  const wires = new Set<string>();
  for (const l of graph.links) {
    const a = names.get(l.a.ns);
    const b = names.get(l.b.ns);
    if (a && b) wires.add(wireKey(l.kind, `${a}/${l.a.ifname}`, `${b}/${l.b.ifname}`));
  }
  return wires;
}

/** The edges of `nsx net --dot` (`"INODE/if" -- "INODE/if" [label="kind"];`) among NAMES. */
export function dotWires(dot: string, names: ReadonlyMap<number, string>): Set<string> {
  const wires = new Set<string>();
  const edge = /^\s*"(\d+)\/([^"]+)" -- "(\d+)\/([^"]+)" \[label="([^"]+)"\];$/;
  for (const line of dot.split('\n')) {
    const m = edge.exec(line);
    if (!m) continue;
    const a = names.get(Number(m[1]));
    const b = names.get(Number(m[3]));
    if (a && b) wires.add(wireKey(m[5]!, `${a}/${m[2]}`, `${b}/${m[4]}`));
  }
  return wires;
}

/** Sorted, for assert.deepEqual. */
export const sorted = (wires: Set<string>): string[] => [...wires].sort();
