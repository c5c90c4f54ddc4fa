/**
 * A net namespace's loopback and routes, from the /proc/PID/net files any user can read for
 * any process (no setns, no netlink from inside): the kernel takes lo's addresses out of the
 * local routing table when lo goes down, and lists a route through a device only while it is up.
 */
import type { ProcSource } from '../linux/procfs';
import { parseFibTrie, parseIpv6Route, parseRoute, routes4 } from '../details/net/procNet';
import type { NetFacts } from './facts';

const LOOPBACK_NET = 127;
/** ::1/128 (hex dst, prefix 0x80) through lo in /proc/net/ipv6_route. */
const IPV6_LOOPBACK = /^0{31}1 80 .*\slo\s*$/m;

export function netFactsOf(fibTrie: string, route: string, ipv6Route: string): NetFacts {
  const v4Local = parseFibTrie(fibTrie).rows.some((e) => e.type === 'LOCAL' && e.address >>> 24 === LOOPBACK_NET);
  const routes = [...routes4(parseRoute(route).rows), ...parseIpv6Route(ipv6Route).rows];
  return {
    loUp: v4Local || IPV6_LOOPBACK.test(ipv6Route),
    routeOut: routes.some((r) => r.dev !== null && r.dev !== 'lo' && r.type === undefined),
  };
}

/** The facts of net namespace INO through member PID; undefined when they cannot be read. */
export function readNetFacts(proc: ProcSource, pid: number, ino: number): NetFacts | undefined {
  try {
    if (proc.nsInode(pid, 'net') !== ino) return undefined;
    const fib = proc.pidFile(pid, 'net/fib_trie');
    const route = proc.pidFile(pid, 'net/route');
    return netFactsOf(
      fib,
      route,
      optional(() => proc.pidFile(pid, 'net/ipv6_route')),
    );
  } catch {
    return undefined;
  }
}

/** A file that is absent where a feature is off (IPv6): empty. */
export function optional(read: () => string): string {
  try {
    return read();
  } catch {
    return '';
  }
}
