/**
 * User namespaces whose root is an ordinary user outside (info), and users whose count of a
 * namespace type nears /proc/sys/user/max_TYPE_namespaces.
 */
import { NS_TYPES, type NamespaceRecord, type NsType } from '../model/snapshot';
import { namespaceWords } from './naming';
import type { FindingScope } from './scope';
import type { Finding } from './types';

/** "Near" the limit: this share of it or more. */
export const NEAR_LIMIT = 0.9;

export function rootMappingFindings(scope: FindingScope): Finding[] {
  const out: Finding[] = [];
  for (const n of scope.snapshot.namespaces) {
    if (n.type !== 'user' || scope.isHost(n)) continue;
    const outside = scope.facts.user.get(n.ns)?.rootOutside;
    if (outside === undefined || outside === null || outside === 0) continue;
    const user = scope.snapshot.processes.find((p) => p.uid === outside)?.user;
    const parent = scope.namespace(n.pns);
    out.push({
      kind: 'root-is-unprivileged-outside',
      severity: 'info',
      ns: n.ns,
      type: 'user',
      text:
        `Root in ${namespaceWords(n)} is UID ${outside}${user ? ` (${user})` : ''} outside it: its capabilities ` +
        `reach only what this user namespace owns, not the host's files, devices or network.`,
      actions: [
        ...(n.pid !== null
          ? [{ kind: 'command' as const, label: 'See its UID map', command: `cat /proc/${n.pid}/uid_map` }]
          : []),
        ...(parent
          ? [{ kind: 'reveal' as const, label: `Show ${namespaceWords(parent)}`, ns: parent.ns, type: 'user' as const }]
          : []),
      ],
      subjects: [`0 → ${outside}`],
    });
  }
  return out;
}

export function limitFindings(scope: FindingScope): Finding[] {
  const out: Finding[] = [];
  const counts = namespaceCounts(scope);
  for (const type of NS_TYPES) {
    const max = scope.facts.limits[type];
    const host = scope.host(type);
    if (max === undefined || !host) continue;
    for (const [uid, count] of counts.get(type) ?? []) {
      if (count < Math.ceil(max * NEAR_LIMIT)) continue;
      const user = scope.snapshot.processes.find((p) => p.uid === uid)?.user;
      const who = `UID ${uid}${user ? ` (${user})` : ''}`;
      out.push({
        kind: 'namespace-limit-near',
        severity: 'warning',
        ns: host.ns,
        type,
        text:
          `${who} has about ${count} ${type} namespaces, ${Math.floor((count / max) * 100)}% of ` +
          `/proc/sys/user/max_${type}_namespaces (${max}): making more fails with "No space left on device".`,
        actions: [
          {
            kind: 'command',
            label: 'Raise the limit (root)',
            command: `sysctl -w user.max_${type}_namespaces=${max * 2}`,
          },
        ],
        subjects: [who],
      });
    }
  }
  return out;
}

/**
 * Namespaces per type and user, as the kernel charges them in the initial user namespace:
 * to the creator of the top user namespace they lie in under the host's, and for those the
 * host's user namespace owns, to the user of their senior process (the creator is not
 * recorded; a namespace no process is in is charged to the process that holds it).
 */
export function namespaceCounts(scope: FindingScope): Map<NsType, Map<number, number>> {
  const counts = new Map<NsType, Map<number, number>>();
  for (const n of scope.snapshot.namespaces) {
    if (scope.isHost(n)) continue;
    const uid = chargedUid(n, scope);
    if (uid === undefined) continue;
    const byUid = counts.get(n.type) ?? new Map<number, number>();
    byUid.set(uid, (byUid.get(uid) ?? 0) + 1);
    counts.set(n.type, byUid);
  }
  return counts;
}

function chargedUid(n: NamespaceRecord, scope: FindingScope): number | undefined {
  const chain = scope.ownerChain(n);
  const top = chain.filter((u) => !scope.isHost(u)).at(-1);
  if (top) return top.ownerUid;
  if (n.uid !== null) return n.uid;
  const holder = n.holders[0];
  return holder ? scope.snapshot.processes.find((p) => p.pid === holder.pid)?.uid : undefined;
}
