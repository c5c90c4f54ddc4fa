/** The namespace's mounts: the header's words, what could not be read, and the mounts table. */
import type { VscodeTable } from '@vscode-elements/elements/dist/vscode-table/vscode-table.js';
import type { MountTableView, MountTreeRow } from '../../src/ui/propagation/protocol';
import { byId, fill, h, timeOfDay } from '../shared/dom';
import { applyFilter } from './filter';
import { updateCompareButton, updateVisibility } from './layout';
import { markSelectedRow } from './mountRows';
import { pathText } from './paths';
import { state } from './state';
import { heading, plural, PROPAGATION, table } from './table';

export function renderNamespace(): void {
  const view = state.namespace!;
  document.title = `Mount Propagation: ${view.namespace.name}`;
  byId('title').textContent = view.namespace.name;
  const parts =
    view.status === 'ok'
      ? [
          plural(view.mounts.length, 'mount', 'mounts'),
          `read from ${view.via}`,
          view.readAt && `at ${timeOfDay(view.readAt)}`,
        ]
      : [view.readAt && `read at ${timeOfDay(view.readAt)}`];
  byId('subtitle').textContent = parts.filter(Boolean).join(' · ');
  updateCompareButton();
  renderProblems(view);

  updateVisibility();
  const count = byId('mounts-heading');
  count.replaceWith(heading('h2', 'mounts-heading', 'Mounts', view.mounts.length));

  const mountsTable = mountTable(view);
  const slot = byId('mount-table-slot');
  fill(
    slot,
    mountsTable,
    h('p', { id: 'no-match', class: 'note', hidden: true }, 'No mount matches the filter.'),
    view.mounts.length ? null : h('p', { class: 'note' }, 'This namespace has no mounts that could be parsed.'),
  );
  applyFilter();
  markSelectedRow('center');
}

/** The mounts as a grid: one tab stop, arrow keys between rows (keyboard.ts). */
function mountTable(view: MountTableView): VscodeTable {
  const mountsTable = table<MountTreeRow>(
    `Mounts of ${view.namespace.name}`,
    [
      { label: 'ID', width: 8, cell: (m) => String(m.id), className: 'num' },
      {
        label: 'Path',
        width: 43,
        cell: treePath,
        title: (m) => [m.target, m.hidden].filter(Boolean).join('\n'),
        className: 'path',
      },
      {
        label: PROPAGATION,
        width: 20,
        cell: (m) => m.groups || m.propagation,
        title: (m) => `${m.propagation} ${m.groups}`.trim(),
      },
      { label: 'Type', width: 13, cell: (m) => m.fstype, title: (m) => m.fstype },
      {
        label: 'Source',
        width: 16,
        cell: (m) => m.source,
        title: (m) => [m.source, m.root !== '/' ? `root ${m.root}` : ''].filter(Boolean).join('\n'),
      },
    ],
    view.mounts,
    (m) => ({
      'data-mount-id': m.id,
      'data-search': [m.id, m.target, m.source, m.fstype, m.propagation, m.groups, m.root, m.hidden ? 'hidden' : '']
        .join(' ')
        .toLowerCase(),
      'aria-selected': 'false',
      tabindex: -1,
      class: m.hidden ? 'is-hidden' : null,
    }),
  );
  mountsTable.id = 'mount-table';
  mountsTable.setAttribute('role', 'grid');
  for (const cell of mountsTable.querySelectorAll('vscode-table-cell')) cell.setAttribute('role', 'gridcell');
  return mountsTable;
}

/** The path indented by its depth in the mount tree, as the Mounts view and findmnt show it. */
function treePath(m: MountTreeRow): HTMLElement {
  const el = h(
    'span',
    { class: 'tree-path' },
    pathText(m.target),
    m.hidden ? h('span', { class: 'tag' }, 'hidden') : null,
  );
  el.style.setProperty('--depth', String(Math.min(m.depth, 6)));
  return el;
}

function renderProblems(view: MountTableView): void {
  const box = byId('problems');
  const unread = view.unread.length
    ? h(
        'details',
        { id: 'unread', class: 'unread', open: view.status !== 'ok' },
        h(
          'summary',
          {},
          `${plural(view.unread.length, 'mount namespace', 'mount namespaces')} could not be read`,
          view.status === 'ok' ? '; the answers below may miss what is in them.' : '.',
        ),
        h(
          'ul',
          {},
          ...view.unread.map((u) => h('li', { 'data-ns': u.ns ?? '' }, h('strong', {}, u.name), `: ${u.reason}`)),
        ),
      )
    : null;
  const skipped = view.skipped.length
    ? h(
        'details',
        { class: 'skipped' },
        h(
          'summary',
          {},
          `${plural(view.skipped.length, 'line', 'lines')} of mountinfo could not be parsed and ` +
            `${view.skipped.length === 1 ? 'was' : 'were'} skipped.`,
        ),
        h('ul', {}, ...view.skipped.map((s) => h('li', {}, s))),
      )
    : null;
  const problem = view.problem
    ? h(
        'p',
        { class: view.status === 'ok' ? 'banner warning' : 'banner error', role: 'alert', id: 'problem' },
        view.problem,
      )
    : null;
  fill(box, problem, unread, skipped);
}
