/**
 * The words and icons of the Mounts view's rows. No vscode here: the provider turns these
 * into TreeItems, and the unit tests read them directly.
 */
import { coverText, groupText, MountPropagation, MountRecord } from '../../core/mounts/mountTable';
import { printable } from '../../core/text/printable';
import { describePropagation, MountTable, namespaceName } from '../../core/mounts/propagation';
import { plural } from '../../core/text/plural';

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
    `Propagation: ${describePropagation(m)}${m.propagateFrom !== null ? `; receives from peer group ${m.propagateFrom}, the nearest this namespace can see` : ''}`,
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
