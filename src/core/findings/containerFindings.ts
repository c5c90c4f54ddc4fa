/** Containers and pods that have the host's net, pid or user namespace. */
import { containerTitle } from '../containers/find';
import type { ContainerRecord } from '../containers/types';
import type { NsType } from '../model/snapshot';
import { capital } from './naming';
import type { FindingScope } from './scope';
import type { Finding } from './types';

const WHAT_IT_MEANS: Partial<Record<NsType, string>> = {
  net: "it uses the host's interfaces and ports, and can listen on or reach whatever the host can",
  pid: "it sees every process of the host, and its processes may signal or trace the host's",
  user: 'no user namespace maps its users, so root in it is root on the host',
};

/** The host's user namespace is the engines' default; net and pid are asked for. */
const SEVERITY = { net: 'warning', pid: 'warning', user: 'info' } as const;

export function containerFindings(scope: FindingScope): Finding[] {
  const out: Finding[] = [];
  for (const c of scope.snapshot.containers ?? []) {
    if (c.kind === 'sandbox') continue;
    for (const type of ['net', 'pid', 'user'] as const) {
      const shared = c.namespaces.find((n) => n.type === type && n.sharing === 'host');
      if (!shared) continue;
      const own = ownNamespace(c);
      const who = c.kind === 'pod' ? capital(containerTitle(c)) : `Container ${containerTitle(c)}`;
      out.push({
        kind: 'container-shares-host-ns',
        severity: SEVERITY[type],
        ns: own?.ns ?? shared.ns,
        type: own?.type ?? type,
        text: `${who} shares the host's ${type} namespace: ${WHAT_IT_MEANS[type]}.`,
        actions: [{ kind: 'reveal', label: `Show the host's ${type} namespace`, ns: shared.ns, type }],
        subjects: [c.name],
      });
    }
  }
  return out;
}

/** The row that stands for the container: a namespace of its own, the mount namespace first. */
function ownNamespace(c: ContainerRecord): { ns: number; type: NsType } | undefined {
  const own = c.namespaces.filter((n) => n.sharing === 'own');
  return own.find((n) => n.type === 'mnt') ?? own[0];
}
