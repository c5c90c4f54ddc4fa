/** Mount namespaces whose mounts are peers of the host's: a mount made inside appears outside. */
import { namespaceWords } from './naming';
import type { FindingScope } from './scope';
import type { Finding, FindingAction } from './types';

export function mountFindings(scope: FindingScope): Finding[] {
  const out: Finding[] = [];
  const host = scope.host('mnt');
  for (const n of scope.snapshot.namespaces) {
    if (n.type !== 'mnt' || scope.isHost(n)) continue;
    const shared = scope.facts.mnt.get(n.ns)?.shared;
    if (!shared?.length) continue;
    const targets = shared.map((m) => m.target);
    const named = targets.slice(0, 3).join(', ') + (targets.length > 3 ? ` and ${targets.length - 3} more` : '');
    const groups = [...new Set(shared.map((m) => m.group))].slice(0, 3).map((g) => `shared:${g}`);
    const actions: FindingAction[] = [
      {
        kind: 'command',
        label: 'Make every mount here private (as unshare --mount does by default)',
        command: 'mount --make-rprivate /',
        inNamespace: true,
      },
      { kind: 'command', label: 'Start it again private', command: 'unshare --mount --propagation private bash' },
    ];
    if (host) actions.push({ kind: 'reveal', label: "Show the host's mount namespace", ns: host.ns, type: 'mnt' });
    out.push({
      kind: 'mounts-propagate-with-host',
      severity: 'warning',
      ns: n.ns,
      type: 'mnt',
      text:
        `In ${namespaceWords(n)} the mounts at ${named} share peer groups (${groups.join(', ')}) with the ` +
        `host's mount namespace: a mount made under them inside also appears on the host, and the host's inside.`,
      actions,
      subjects: targets,
    });
  }
  return out;
}
