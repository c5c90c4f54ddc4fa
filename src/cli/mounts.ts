/** Text output of `nsx mounts` (a findmnt-like tree) and `nsx propagation`. */
import { coverText, groupText, mountForest, MountRecord } from '../core/mountTable';
import { MountTable, namespaceName, PropagationAnswer } from '../core/propagation';
import { flatten, table } from './render';

export function mountTreeText(t: MountTable, width?: number): string {
  const rows = flatten(mountForest(t.mounts));
  return table(
    rows,
    [
      { header: 'TARGET', value: (r) => r.prefix + r.item.target },
      { header: 'SOURCE', value: (r) => r.item.source },
      { header: 'FSTYPE', value: (r) => r.item.fstype },
      { header: 'PROPAGATION', value: (r) => r.item.propagation },
      { header: 'GROUPS', value: (r) => groupText(r.item) || '-' },
      { header: 'OPTIONS', value: (r) => [r.item.options, coverNote(r.item)].filter(Boolean).join(' ') },
    ],
    width,
  );
}

function coverNote(m: MountRecord): string {
  return m.hidden ? `[hidden: ${coverText(m)}]` : '';
}

export function tableHeading(t: MountTable): string {
  return `${namespaceName(t.ns, t.label)}, read from ${t.via}: ${t.mounts.length} mounts, ${t.mounts.filter((m) => m.hidden).length} hidden`;
}

export function propagationText(a: PropagationAnswer): string {
  return a.explanation.join('\n') + '\n';
}
