/** Net namespaces whose loopback is down, or with no route out. */
import type { NamespaceRecord } from '../model/snapshot';
import { namespaceWords } from './naming';
import type { FindingScope } from './scope';
import type { Finding } from './types';

export function netFindings(scope: FindingScope): Finding[] {
  const out: Finding[] = [];
  for (const n of scope.snapshot.namespaces) {
    if (n.type !== 'net') continue;
    const facts = scope.facts.net.get(n.ns);
    if (!facts) continue;
    if (!facts.loUp) out.push(loopbackDown(n));
    else if (!facts.routeOut && !scope.isHost(n)) out.push(noRouteOut(n, scope));
  }
  return out;
}

function loopbackDown(n: NamespaceRecord): Finding {
  return {
    kind: 'loopback-down',
    severity: 'warning',
    ns: n.ns,
    type: 'net',
    text:
      `In ${namespaceWords(n)} the loopback interface lo is down: even ping 127.0.0.1 fails, ` +
      `and nothing there reaches a server on localhost.`,
    actions: [{ kind: 'command', label: 'Bring lo up', command: 'ip link set lo up', inNamespace: true }],
    subjects: ['lo'],
  };
}

function noRouteOut(n: NamespaceRecord, scope: FindingScope): Finding {
  const host = scope.host('net');
  return {
    kind: 'no-route-out',
    severity: 'warning',
    ns: n.ns,
    type: 'net',
    text:
      `In ${namespaceWords(n)} only lo is up or routed: nothing there can reach another namespace ` +
      `or the network (no route out).`,
    actions: [
      {
        kind: 'command',
        label: 'Make it again wired to the host (a veth pair with a default route)',
        command: 'nsx new --type net --veth',
      },
      ...(host
        ? [{ kind: 'reveal' as const, label: "Show the host's net namespace", ns: host.ns, type: host.type }]
        : []),
    ],
  };
}
