/**
 * What the Namespace Details panel is sent, built here without vscode so that it can be
 * tested on its own. The sections are the core's (the same that `nsx show` prints), made
 * printable and with their links named.
 */
import { detailSections, Section } from '../../core/details/sections';
import { NamespaceDetails } from '../../core/details/types';
import { printable } from '../../core/text/printable';
import { NamespaceRecord } from '../../core/model/snapshot';
import { DetailsFinding, DetailsFindingAction, DetailsSectionView, DetailsView } from './protocol';
import type { Finding } from '../../core/findings/types';
import { byImportance, FINDING_MEANING, findingKey } from '../findings/findingText';
import { namespaceName, TYPE_ICON } from '../namespaces/presentation';
import { containerSummary } from '../namespaces/containerPresentation';

/** What names a namespace: all a panel restored after a window reload knows until the next scan. */
export type NamespaceIdentity = Pick<NamespaceRecord, 'type' | 'ns' | 'label' | 'container' | 'unnamed'>;

export interface DetailsInput {
  /** The namespace as last seen in a snapshot. */
  record: NamespaceIdentity;
  /** Whether the snapshot shown now still has it. */
  present: boolean;
  /** The last reading of it, maybe from an earlier snapshot. */
  details: NamespaceDetails | undefined;
  /** Why the last reading failed, null when it did not. */
  failure: string | null;
  /** When `details` were read (ISO 8601). */
  readAt: string | null;
  /** The tree shows root's scan. */
  elevated: boolean;
  /** The editor itself runs as root. */
  root: boolean;
  /** Another namespace's name as the tree knows it, undefined when it does not. */
  nameOf: (ino: number) => string | undefined;
  /** The findings shown about it (not dismissed, not switched off). */
  findings?: readonly Finding[];
}

/** A label worth showing: printable, and not only the inode again. */
function labelOf(record: Pick<NamespaceRecord, 'ns' | 'label'>): string | null {
  return record.label && record.label !== String(record.ns) ? printable(record.label) : null;
}

/** `net 4026532181 (label)`. */
export function detailsName(record: Pick<NamespaceRecord, 'type' | 'ns' | 'label'>): string {
  const label = labelOf(record);
  return label ? `${namespaceName(record)} (${label})` : namespaceName(record);
}

export function detailsView(input: DetailsInput): DetailsView {
  const { record, details } = input;
  const heading = {
    type: record.type,
    icon: TYPE_ICON[record.type],
    ns: record.ns,
    label: labelOf(record),
    name: detailsName(record),
    container: record.container ? containerSummary(record.container) : null,
    unnamed: record.unnamed ? printable(record.unnamed) : null,
    readAs: details?.readAs ?? null,
    via: details?.via ? printable(details.via) : null,
  };
  const sections = details ? detailSections(details).map((s) => sectionView(s, input.nameOf)) : [];
  const unavailable = (details?.unavailable ?? []).map((u) => ({
    what: printable(u.what),
    reason: printable(u.reason),
    needsRoot: u.needsRoot,
  }));
  const findings = input.present ? [...(input.findings ?? [])].sort(byImportance).map(findingView) : [];
  const base = { heading, findings, sections, unavailable, readAt: details ? input.readAt : null, offerShowAll: false };
  if (!input.present) {
    const hidden = input.elevated || input.root ? '' : ', or it cannot be seen without root';
    return {
      ...base,
      status: 'gone',
      problem:
        `The last scan did not find ${heading.name}: it is gone${hidden}.` +
        (details ? ' What it held when last read is shown greyed.' : ''),
    };
  }
  if (input.failure !== null) {
    const why = printable(input.failure);
    if (!details) return { ...base, status: 'failed', problem: `Reading ${heading.name} failed: ${why}` };
    return { ...base, status: 'ok', problem: `Reading it again failed, so this is the earlier reading: ${why}` };
  }
  if (!details) return { ...base, status: 'loading', problem: null };
  return {
    ...base,
    status: 'ok',
    problem: null,
    offerShowAll: !input.elevated && !input.root && unavailable.some((u) => u.needsRoot),
  };
}

/** A finding with its buttons: Copy (and Run, inside the namespace) per command, Reveal per namespace, Dismiss. */
export function findingView(f: Finding): DetailsFinding {
  const actions: DetailsFindingAction[] = f.actions.flatMap((a, index): DetailsFindingAction[] => {
    if (a.kind === 'reveal') return [{ index, do: 'reveal', label: printable(a.label) }];
    const copy = { index, do: 'copy' as const, label: `Copy: ${printable(a.label)}` };
    return a.inNamespace ? [copy, { index, do: 'run', label: 'Run in Terminal' }] : [copy];
  });
  return {
    key: findingKey(f),
    severity: f.severity,
    text: printable(f.text),
    meaning: FINDING_MEANING[f.kind],
    commands: f.actions.flatMap((a) => (a.kind === 'command' ? [printable(a.command)] : [])),
    actions: [...actions, { index: -1, do: 'dismiss', label: 'Dismiss' }],
  };
}

function sectionView(s: Section, nameOf: (ino: number) => string | undefined): DetailsSectionView {
  return {
    id: s.id,
    title: s.title,
    kind: s.kind,
    columns: s.columns,
    rows: s.rows.map((row) =>
      row.map((cell) => {
        const text = printable(cell.text);
        if (cell.ns === undefined) return { text };
        return { text, ns: cell.ns, nsName: nameOf(cell.ns) ?? `namespace ${cell.ns}` };
      }),
    ),
    empty: s.empty,
  };
}
