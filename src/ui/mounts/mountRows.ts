/**
 * The words and icons of the Mounts view's rows. No vscode here: the provider turns these
 * into TreeItems, and the unit tests read them directly.
 */
import { coverText, groupText, MountPropagation, MountRecord } from '../../core/mounts/mountTable';
import { printable } from '../../core/text/printable';
import { describePropagation, MountSet, MountTable, namespaceName } from '../../core/mounts/propagation';
import { plural } from '../../core/text/plural';
import { NamespaceRecord } from '../../core/model/snapshot';
import type { Node } from '../namespaces/treeModel';

/** Codicon per propagation: linked peers, a one-way arrow for a slave, a lock for private. */
export const PROPAGATION_ICON: Readonly<Record<MountPropagation, string>> = {
  shared: 'link',
  'shared,slave': 'arrow-swap',
  slave: 'arrow-circle-down',
  private: 'lock',
  unbindable: 'circle-slash',
};

/** `viewItem` of a mount row: `nsx:mount:shared`, `nsx:mount:private:hidden`, … */
export function mountContext(m: MountRecord): string {
  return `nsx:mount:${m.propagation}${m.hidden ? ':hidden' : ''}`;
}

export interface MountRowText {
  label: string;
  description: string;
  ariaLabel: string;
  icon: string;
  /** Greyed out: the mount cannot be reached. */
  dimmed: boolean;
  tooltip: string;
  contextValue: string;
}

/** `shared:5 master:3`, or the propagation's name where there are no groups. */
export function propagationText(m: MountRecord): string {
  return groupText(m) || m.propagation;
}

/** Every text is printable(): a target may hold ESC sequences or newlines. */
export function mountRow(m: MountRecord): MountRowText {
  const target = printable(m.target);
  const what = printable(`${m.fstype} ${m.source}`);
  const cover = printable(coverText(m));
  const description = [m.hidden ? 'hidden' : '', propagationText(m), what].filter(Boolean).join(' · ');
  const lines = [
    m.target,
    `${m.fstype} from ${m.source}${m.root !== '/' ? `, directory ${m.root} of it` : ''}`,
    `Propagation: ${describePropagation(m)}${receivesFrom(m)}`,
    `Mount ${m.id} in mount ${m.parent} · device ${m.majmin}`,
    `Options: ${m.options} · filesystem: ${m.superOptions}`,
  ].map(printable);
  if (m.hidden) lines.push(`Hidden: ${cover}; nothing under ${target} here can be reached.`);
  return {
    label: target,
    description,
    ariaLabel: `${target}, ${what}, ${m.propagation}${m.hidden ? `, hidden: ${cover}` : ''}`,
    icon: PROPAGATION_ICON[m.propagation],
    dimmed: m.hidden,
    tooltip: lines.join('\n'),
    contextValue: mountContext(m),
  };
}

function receivesFrom(m: MountRecord): string {
  return m.propagateFrom === null
    ? ''
    : `; receives from peer group ${m.propagateFrom}, the nearest this namespace can see`;
}

/** The view's description: which namespace, and how many mounts it has. */
export function tableDescription(t: MountTable, yours: boolean, asRoot: boolean): string {
  const hidden = t.mounts.filter((m) => m.hidden).length;
  return [
    printable(namespaceName(t.ns, t.label)) + (yours ? ', yours' : ''),
    plural(t.mounts.length, 'mount', 'mounts') + (hidden ? `, ${hidden} hidden` : ''),
    asRoot ? 'read as root' : '',
  ]
    .filter(Boolean)
    .join(' · ');
}

/** The message above the rows: lines skipped, and a table read as root; undefined when none. */
export function tableNotes(t: MountTable, asRoot: boolean): string | undefined {
  const skipped = t.errors.length;
  const notes = [
    skipped
      ? `${plural(skipped, 'line', 'lines')} of ${t.via} could not be read and ` +
        `${skipped === 1 ? 'was' : 'were'} skipped (see the log).`
      : '',
    asRoot ? 'Read as root; Refresh asks again.' : '',
  ].filter(Boolean);
  return notes.length ? notes.join(' ') : undefined;
}

/** A mount namespace offered by Choose Mount Namespace: what holds it, whether it is yours or shown. */
export function namespaceChoice(
  n: NamespaceRecord,
  own: number,
  shown: number,
): { label: string; description: string; detail: string; ns: number } {
  const holders = n.holders.map((h) => (h.kind === 'bindmount' ? h.path : h.kind)).join(', ');
  return {
    label: `mnt ${n.ns}`,
    description: [n.label, n.ns === own ? 'yours' : '', n.ns === shown ? 'shown' : ''].filter(Boolean).join(' · '),
    detail: n.nprocs ? plural(n.nprocs, 'process', 'processes') : `no process: held by ${holders || 'nothing visible'}`,
    ns: n.ns,
  };
}

/** The mount namespace a row of the Namespaces view stands for, when it is known. */
export function mountNsOf(node: Node | undefined): number | undefined {
  if (!node) return undefined;
  if (node.kind === 'namespace' && node.ns.type === 'mnt') return node.ns.ns;
  if (node.kind === 'process') return node.process.ns.mnt;
  if ((node.kind === 'holder' || node.kind === 'members') && node.ns.type === 'mnt') return node.ns.ns;
  return undefined;
}

/** The table in `nsx mounts --json`'s answer; LABEL when the answer has none. */
export function rootAnswerTable(stdout: string, label: string | null): MountTable {
  const answer = JSON.parse(stdout) as {
    namespace: { ns: number; label: string | null; via: string };
    mounts: MountRecord[];
    errors: MountTable['errors'];
  };
  return {
    ...answer.namespace,
    label: answer.namespace.label ?? label,
    mounts: answer.mounts,
    errors: answer.errors,
  };
}

/** Adds TABLE to SET (no longer unreadable), unless the set has its namespace already. */
export function addTable(set: MountSet, table: MountTable | undefined): void {
  if (!table || set.tables.some((other) => other.ns === table.ns)) return;
  set.tables.push(table);
  set.unreadable = set.unreadable.filter((u) => u.ns !== table.ns);
}

/** A reader's message as a sentence: capitalised, with a full stop. */
export function sentence(message: string): string {
  return message.charAt(0).toUpperCase() + message.slice(1) + '.';
}
