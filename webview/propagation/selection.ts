/** The selected mount: its peers, master and slaves in every namespace read, in words and drawn. */
import type { MountRow, PlaceRow, RelationSection, SelectionView } from '../../src/ui/propagation/protocol';
import { byId, fill, focusedElement, h, type Child } from '../shared/dom';
import { mountLink } from './links';
import { markSelectedRow } from './mountRows';
import { pathText, withPaths } from './paths';
import { save, state } from './state';
import { heading, NAMESPACE, note, PROPAGATION, table, type Column } from './table';

/** How far the drawing shrinks to fit the panel before it scrolls instead: smaller, its words could not be read. */
const SMALLEST_DRAWING = 0.6;

/**
 * The host's answer about a mount. One to an earlier click, overtaken by a later one, is
 * dropped: the later answer follows.
 */
export function showSelection(view: SelectionView | null): void {
  if (state.awaiting !== null && view && view.mountId !== state.awaiting) return;
  // A row chosen here is in sight already; one chosen elsewhere (the Mounts view) may be anywhere.
  const chosenHere = state.awaiting !== null;
  state.awaiting = null;
  state.selection = view;
  if (view) state.selected = view.mountId;
  renderSelection();
  markSelectedRow(chosenHere ? 'nearest' : 'center');
  save();
}

function renderSelection(): void {
  const box = byId('selection');
  const view = state.selection;
  const hadFocus = box.contains(focusedElement());
  if (!view) {
    fill(
      box,
      h('h2', { id: 'selection-heading', class: 'visually-hidden' }, 'Selected mount'),
      note(state.namespace?.status === 'ok' ? 'Select a mount to see where its mount events go.' : null),
    );
    return;
  }
  if (!view.mount) {
    fill(
      box,
      h('h2', { id: 'selection-heading', tabindex: -1 }, `Mount ${view.mountId}`),
      h('p', { id: 'gone', class: 'banner warning', role: 'alert' }, view.gone ?? 'This mount is gone.'),
    );
    return;
  }
  fill(box, ...mountParts(view, view.mount));
  if (hadFocus) byId('selection-heading').focus();
}

/** What is said about mount M: where it is, how it propagates, to whom, in words and drawn. */
function mountParts(view: SelectionView, m: MountRow): Child[] {
  const graph = view.graph ? drawing(view.graph.svg) : null;
  return [
    h(
      'h2',
      { id: 'selection-heading', tabindex: -1, 'data-mount-id': m.id },
      h('span', { class: 'path' }, pathText(m.target)),
      h('span', { class: 'subtle' }, ` mount ${m.id}`),
    ),
    h(
      'p',
      { class: 'description' },
      ...withPaths(`${m.fstype} ${m.source}${m.root !== '/' ? ` (${m.root})` : ''}`),
      ' · ',
      h('strong', {}, view.description),
      m.groups ? ` · ${m.groups}` : '',
    ),
    note(m.hidden, 'banner warning'),
    h(
      'div',
      { class: 'relations' },
      relation('peers', view.peers),
      relation('master', view.master),
      relation('slaves', view.slaves),
    ),
    explanation(view),
    h(
      'section',
      { id: 'graph', 'aria-labelledby': 'graph-heading' },
      heading('h3', 'graph-heading', 'Drawing'),
      h(
        'figure',
        {},
        h('div', { class: 'graph-scroll' }, graph ?? h('p', { class: 'note' }, 'The drawing could not be shown.')),
        view.graph ? h('figcaption', {}, view.graph.caption) : null,
      ),
    ),
  ];
}

/** The core's explanation: sentences with their indented sub-items. */
function explanation(view: SelectionView): HTMLElement {
  return h(
    'section',
    { id: 'explanation', 'aria-labelledby': 'explanation-heading' },
    heading('h3', 'explanation-heading', 'In plain words'),
    ...view.explanation.map((p) =>
      h(
        'div',
        { class: 'paragraph' },
        h('p', {}, ...withPaths(p.text)),
        p.items.length ? h('ul', {}, ...p.items.map((i) => h('li', {}, ...withPaths(i)))) : null,
      ),
    ),
  );
}

const placeColumns: Column<PlaceRow>[] = [
  {
    label: NAMESPACE,
    width: 24,
    cell: (p) => (p.here ? h('span', {}, p.nsName, ' ', h('span', { class: 'tag' }, 'this one')) : p.nsName),
    title: (p) => p.nsName,
  },
  {
    label: 'Path',
    width: 43,
    cell: (p) =>
      h(
        'span',
        {},
        mountLink(p.ns, p.mountId, p.target, p.here),
        p.hidden ? h('span', { class: 'tag', title: p.hidden }, 'hidden') : null,
      ),
    title: (p) =>
      [p.target, p.root !== '/' ? `shows ${p.root} of its filesystem` : '', p.hidden ?? ''].filter(Boolean).join('\n'),
    className: 'path',
  },
  { label: 'Mount', width: 13, cell: (p) => String(p.mountId), className: 'num' },
  {
    label: PROPAGATION,
    width: 20,
    cell: (p) => p.groups || p.propagation,
    title: (p) => `${p.propagation} ${p.groups}`.trim(),
  },
];

function relation(id: string, section: RelationSection): HTMLElement {
  return h(
    'section',
    { id, class: 'relation', 'aria-labelledby': `${id}-heading` },
    heading('h3', `${id}-heading`, section.heading, section.rows.length),
    section.rows.length
      ? table(section.heading, placeColumns, section.rows, (p) => ({
          'data-mount-id': p.mountId,
          'data-ns': p.ns ?? '',
          class: p.here ? 'here' : null,
        }))
      : null,
    note(section.note),
  );
}

/**
 * The host's SVG, parsed as XML: a mistake in it shows as a message, never as markup.
 * It shrinks to the panel's width, down to SMALLEST_DRAWING; narrower, its box scrolls.
 */
function drawing(svg: string): Element | null {
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  if (doc.querySelector('parsererror') || doc.documentElement.localName !== 'svg') return null;
  const el = document.importNode(doc.documentElement, true) as Element as SVGSVGElement;
  const width = Number(el.getAttribute('width'));
  if (width > 0) el.style.minWidth = `${Math.ceil(width * SMALLEST_DRAWING)}px`;
  return el;
}
