/**
 * Text output of `nsx mounts` (a findmnt-like tree) and `nsx propagation`. Every text
 * from mount data goes through printable() (table() does it for cells): a path may hold
 * ESC sequences or newlines.
 */
import { groupText, mountForest, MountRecord } from '../core/mounts/mountTable';
import { printable } from '../core/text/printable';
import { MountTable, namespaceName, PropagationAnswer } from '../core/mounts/propagation';
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
      // Before OPTIONS: the last column is the one cut to the terminal's width.
      { header: 'HIDDEN', value: (r) => hiddenCell(r.item) },
      { header: 'OPTIONS', value: (r) => r.item.options },
    ],
    width,
  );
}

/** Why a mount is hidden, short: `covered by /dev/shm (30)`, `covered above by /a (47)`, `in hidden /x (12)`. */
function hiddenCell(m: MountRecord): string {
  if (!m.hidden) return '-';
  if (!m.hiddenBy) return 'hidden';
  const by = `${m.hiddenBy.target} (${m.hiddenBy.id})`;
  switch (m.hiddenBy.how) {
    case 'on top':
      return `covered by ${by}`;
    case 'above':
      return `covered above by ${by}`;
    case 'in a hidden mount':
      return `in hidden ${by}`;
  }
}

export function tableHeading(t: MountTable): string {
  // `via` is a file read (`/proc/1234/mountinfo`) or how the namespace was entered.
  const how = t.via.startsWith('/') ? `read from ${t.via}` : t.via;
  return printable(
    `${namespaceName(t.ns, t.label)}, ${how}: ${t.mounts.length} ` +
      `mounts, ${t.mounts.filter((m) => m.hidden).length} hidden`,
  );
}

/** The answer in sentences; first, when the path is known not to exist there, that it does not. */
export function propagationText(a: PropagationAnswer, exists: boolean | null = null): string {
  const missing =
    `${a.path} does not exist in ${namespaceName(a.ns, a.label)}: nothing can be mounted ` +
    `there until it is made. For a directory made there:`;
  return [...(exists === false ? [missing] : []), ...a.explanation].map(printable).join('\n') + '\n';
}
