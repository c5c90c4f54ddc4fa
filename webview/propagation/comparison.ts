/**
 * The comparison with another mount namespace, in place of the mounts: paths mounted in
 * only one of the two, propagating differently, or with a different mount.
 */
import type { CompareView, DiffPair, MountRow } from '../../src/ui/propagation/protocol';
import { byId, fill, focusedElement, h, type Attrs } from '../shared/dom';
import { updateVisibility } from './layout';
import { mountLink } from './links';
import { markSelectedRow } from './mountRows';
import { withPaths } from './paths';
import { state, vscode } from './state';
import { heading, note, plural, PROPAGATION, table, type Column } from './table';

export function renderCompare(): void {
  const view = state.compare;
  const box = byId('compare');
  const hadFocus = box.contains(focusedElement());
  const wasShown = !box.hidden;
  updateVisibility();
  if (!view) {
    box.replaceChildren();
    // Back from the comparison: focus where it was asked for, the table where it was left.
    if (hadFocus) byId('compare-button').focus();
    if (wasShown) markSelectedRow('center');
    return;
  }
  fill(
    box,
    compareHead(view),
    note(view.problem, 'banner error'),
    note(view.problem ? null : summary(view), 'summary'),
    view.problem ? null : diffGroups(view),
  );
  byId('back-button').addEventListener('click', () => vscode.postMessage({ type: 'propagation/closeCompare' }));
  byId('compare-again-button').addEventListener('click', () => vscode.postMessage({ type: 'propagation/compare' }));
  // Newly shown: say so by moving there; a refresh leaves the focus where it is.
  if (!wasShown || hadFocus) byId('compare-heading').focus();
}

function compareHead(view: CompareView): HTMLElement {
  return h(
    'header',
    { class: 'compare-head' },
    h('h2', { id: 'compare-heading', tabindex: -1 }, `Compared with ${view.there.name}`),
    h(
      'div',
      { class: 'actions' },
      h(
        'vscode-button',
        { id: 'back-button', icon: 'arrow-left', 'aria-label': `Back to the mounts of ${view.here.name}` },
        'Back to mounts',
      ),
      h(
        'vscode-button',
        {
          id: 'compare-again-button',
          icon: 'git-compare',
          secondary: true,
          'aria-label': 'Compare with another namespace…',
        },
        'Compare with another…',
      ),
    ),
  );
}

function summary(view: CompareView): string {
  return (
    `${plural(view.same, 'path is', 'paths are')} the same in both; ` +
    `${view.onlyHere.length} only in ${view.here.name}, ${view.onlyThere.length} only in ${view.there.name}, ` +
    `${view.propagationDiffers.length} propagating differently, ` +
    `${view.mountDiffers.length} with a different mount.`
  );
}

function diffGroups(view: CompareView): HTMLElement {
  const mountAttrs = (m: MountRow) => ({ 'data-mount-id': m.id });
  const pairAttrs = (p: DiffPair) => ({ 'data-mount-id': p.here.id, 'data-there-mount-id': p.there.id });
  return h(
    'div',
    { class: 'diff-groups' },
    group(
      'only-here',
      `Only in ${view.here.name}`,
      view.onlyHere,
      onlyColumns(view.here.ns, true),
      mountAttrs,
      `Every path mounted here is mounted there too.`,
    ),
    group(
      'only-there',
      `Only in ${view.there.name}`,
      view.onlyThere,
      onlyColumns(view.there.ns, false),
      mountAttrs,
      `Every path mounted there is mounted here too.`,
    ),
    group(
      'propagation-differs',
      'Same path, different propagation',
      view.propagationDiffers,
      pairColumns(view, propagationOf),
      pairAttrs,
      'Where both have the same filesystem, it propagates the same way.',
    ),
    group(
      'mount-differs',
      'Different mount at the same path',
      view.mountDiffers,
      pairColumns(view, mountOf),
      pairAttrs,
      'No path has a different filesystem mounted in the two.',
    ),
  );
}

function group<R>(
  id: string,
  title: string,
  rows: readonly R[],
  columns: Column<R>[],
  attrs: (r: R) => Attrs,
  empty: string,
): HTMLElement {
  return h(
    'section',
    { id, class: 'diff-group', 'aria-labelledby': `${id}-heading` },
    heading('h3', `${id}-heading`, title, rows.length),
    rows.length ? table(title, columns, rows, attrs) : note(empty),
  );
}

/** The mounts of one side (namespace NS; HERE: this panel's): their links select or open them. */
function onlyColumns(ns: number | null, here: boolean): Column<MountRow>[] {
  return [
    {
      label: 'Path',
      width: 42,
      cell: (m) => mountLink(ns, m.id, m.target, here),
      title: (m) => m.target,
      className: 'path',
    },
    { label: 'Mount', width: 11, cell: (m) => String(m.id), className: 'num' },
    {
      label: PROPAGATION,
      width: 18,
      cell: (m) => m.groups || m.propagation,
      title: (m) => `${m.propagation} ${m.groups}`.trim(),
    },
    { label: 'Type', width: 13, cell: (m) => m.fstype, title: (m) => m.fstype },
    { label: 'Source', width: 16, cell: (m) => m.source, title: (m) => m.source },
  ];
}

/** A path's two mounts side by side, each told by WHAT. */
function pairColumns(view: CompareView, what: (m: MountRow) => string): Column<DiffPair>[] {
  return [
    {
      label: 'Path',
      width: 34,
      cell: (p) => mountLink(view.here.ns, p.here.id, p.target, true),
      title: (p) => p.target,
      className: 'path',
    },
    {
      label: `In ${view.here.name}`,
      width: 33,
      cell: (p) => h('span', {}, ...withPaths(what(p.here))),
      title: (p) => what(p.here),
    },
    {
      label: `In ${view.there.name}`,
      width: 33,
      cell: (p) => h('span', {}, ...withPaths(what(p.there))),
      title: (p) => what(p.there),
    },
  ];
}

function propagationOf(m: MountRow): string {
  return [m.propagation, m.groups && `(${m.groups})`, `mount ${m.id}`].filter(Boolean).join(' ');
}

function mountOf(m: MountRow): string {
  return `${m.fstype} ${m.source} (${m.majmin}${m.root !== '/' ? ` ${m.root}` : ''}) · mount ${m.id}`;
}
