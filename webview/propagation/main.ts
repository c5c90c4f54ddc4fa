/**
 * The Mount Propagation panel's page. It draws what the host sends
 * (src/ui/propagation/protocol.ts) and says what the user did; it computes nothing about
 * mounts itself.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeTable } from '@vscode-elements/elements/dist/vscode-table/vscode-table.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type {
  CompareView,
  DiffPair,
  MountRow,
  MountTreeRow,
  MountTableView,
  PlaceRow,
  PropagationFromWebview,
  PropagationPanelState,
  PropagationToWebview,
  RelationSection,
  SelectionView,
} from '../../src/ui/propagation/protocol';
import { byId, fill, h, panelTop, timeOfDay, type Attrs, type Child } from '../shared/dom';
import { vscodeApi } from '../shared/vscodeApi';
import './main.css';

const vscode = vscodeApi<PropagationFromWebview, PropagationPanelState>();
const saved = vscode.getState() ?? {};

const state = {
  namespace: null as MountTableView | null,
  selection: null as SelectionView | null,
  compare: null as CompareView | null,
  selected: typeof saved.mountId === 'number' ? saved.mountId : null,
  filter: typeof saved.filter === 'string' ? saved.filter : '',
  busy: false,
};

function save(): void {
  vscode.setState({
    ns: state.namespace?.namespace.ns ?? (typeof saved.ns === 'number' ? saved.ns : null),
    mountId: state.selected,
    compareNs: state.compare?.there.ns ?? null,
    filter: state.filter,
  });
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** How far the drawing shrinks to fit the panel before it scrolls instead: smaller, its words could not be read. */
const SMALLEST_DRAWING = 0.6;

/** Long column names with a soft hyphen: in a narrow panel they break where a reader expects it. */
const PROPAGATION = 'Propa\u00adgation';
const NAMESPACE = 'Name\u00adspace';

interface Column<R> {
  label: string;
  /** Percentages: every cell gets its column's width, so hiding rows keeps the columns. */
  width: number;
  cell: (row: R) => Child;
  /** The text a person would read, for the cell's tooltip. */
  title?: (row: R) => string;
  className?: string;
}

function table<R>(
  label: string,
  columns: Column<R>[],
  rows: readonly R[],
  rowAttrs: (row: R) => Attrs = () => ({}),
): VscodeTable {
  const widths = columns.map((c) => `${c.width}%`);
  const header = h(
    'vscode-table-header',
    { slot: 'header' },
    ...columns.map((c, i) => {
      const cell = h('vscode-table-header-cell', {}, c.label);
      cell.style.width = widths[i];
      return cell;
    }),
  );
  const body = h(
    'vscode-table-body',
    { slot: 'body' },
    ...rows.map((row) =>
      h(
        'vscode-table-row',
        rowAttrs(row),
        ...columns.map((c, i) => {
          const cell = h('vscode-table-cell', { class: c.className, title: c.title?.(row) }, c.cell(row));
          cell.style.width = widths[i];
          return cell;
        }),
      ),
    ),
  );
  const el = h('vscode-table', { 'bordered-rows': true, 'aria-label': label }, header, body) as VscodeTable;
  el.columns = widths;
  return el;
}

/** Longer path components may break anywhere: they would not fit on a line anyway. */
const LONG_COMPONENT = 32;

/**
 * A path that wraps only after a slash, its components kept whole: a path broken at a
 * hyphen reads as two names.
 */
function pathText(path: string): HTMLElement {
  const span = h('span', { class: 'path-text' });
  path.split(/(?<=\/)/).forEach((part, i) => {
    if (i) span.append(h('wbr'));
    span.append([...part].length > LONG_COMPONENT ? part : h('span', { class: 'component' }, part));
  });
  return span;
}

/** TEXT with every word that is a path (`/…`, maybe in brackets or before a comma) made a pathText. */
function withPaths(text: string): Child[] {
  return text.split(/(\s+)/).map((word) => {
    const m = /^(\(?)(\/.*?)([),.;:]*)$/.exec(word);
    return m ? h('span', {}, m[1], pathText(m[2]), m[3]) : word;
  });
}

function note(text: string | null, className = 'note'): HTMLElement | null {
  return text ? h('p', { class: className }, ...withPaths(text)) : null;
}

function badge(n: number): HTMLElement {
  return h('vscode-badge', { variant: 'counter', 'aria-hidden': 'true' }, String(n));
}

/** A heading with a count that screen readers hear as words. */
function heading(level: 'h2' | 'h3', id: string, text: string, count?: number): HTMLElement {
  return h(
    level,
    { id },
    text,
    count === undefined ? null : h('span', { class: 'visually-hidden' }, ` (${count})`),
    count === undefined ? null : badge(count),
  );
}

/** A link to a mount: selects it here, or opens the panel of its own namespace. */
function mountLink(ns: number | null, mountId: number, text: string, here: boolean): HTMLElement {
  const where = here ? 'select it' : 'open its namespace';
  return h(
    'a',
    {
      href: '#',
      class: 'mount-link',
      'data-ns': ns ?? '',
      'data-mount-id': mountId,
      'aria-label': `${text}, mount ${mountId}: ${where}`,
      title: text,
    },
    pathText(text),
  );
}

// ─── the page ──────────────────────────────────────────────────────────────────────────

const app = byId('app');
app.replaceChildren(
  ...panelTop(
    'Reading the mount namespaces',
    'Mount Propagation',
    h(
      'vscode-button',
      {
        id: 'compare-button',
        icon: 'git-compare',
        secondary: true,
        'aria-label': 'Compare with…',
        title: 'Compare these mounts with another mount namespace',
      },
      'Compare with…',
    ),
    h(
      'vscode-button',
      {
        id: 'refresh-button',
        icon: 'refresh',
        secondary: true,
        'aria-label': 'Refresh',
        title: 'Read every mount namespace again',
      },
      'Refresh',
    ),
  ),
  h('div', { id: 'problems', role: 'status' }),
  h(
    'div',
    { id: 'single' },
    h(
      'section',
      { id: 'mounts', 'aria-labelledby': 'mounts-heading' },
      heading('h2', 'mounts-heading', 'Mounts'),
      h(
        'div',
        { class: 'filter-row' },
        h('vscode-textfield', {
          id: 'filter',
          type: 'search',
          placeholder: 'Filter: path, source, type, propagation, group, id',
          'aria-label': 'Filter mounts',
          'aria-controls': 'mount-table',
        }),
        h('span', { id: 'filter-count', class: 'filter-count', 'aria-live': 'polite' }),
      ),
      h('div', { id: 'mount-table-slot', class: 'mount-table-slot' }),
    ),
    h('section', { id: 'selection', 'aria-labelledby': 'selection-heading' }),
  ),
  h('section', { id: 'compare', hidden: true, 'aria-labelledby': 'compare-heading' }),
);
app.removeAttribute('aria-busy');

const filterField = byId<VscodeTextfield>('filter');
filterField.value = state.filter;

byId('refresh-button').addEventListener('click', () => {
  if (!state.busy) vscode.postMessage({ type: 'propagation/refresh' });
});
byId('compare-button').addEventListener('click', () => {
  if (!state.busy) vscode.postMessage({ type: 'propagation/compare' });
});

// ─── messages ──────────────────────────────────────────────────────────────────────────

window.addEventListener('message', (event: MessageEvent<PropagationToWebview>) => {
  const msg = event.data;
  switch (msg?.type) {
    case 'propagation/busy':
      state.busy = msg.busy;
      return renderBusy();
    case 'propagation/namespace':
      state.namespace = msg.view;
      renderNamespace();
      return save();
    case 'propagation/selection': {
      // An answer to an earlier click, overtaken by a later one: the later answer follows.
      if (awaiting !== null && msg.view && msg.view.mountId !== awaiting) return;
      // A row chosen here is in sight already; one chosen elsewhere (the Mounts view) may be anywhere.
      const chosenHere = awaiting !== null;
      awaiting = null;
      state.selection = msg.view;
      if (msg.view) state.selected = msg.view.mountId;
      renderSelection();
      markSelectedRow(chosenHere ? 'nearest' : 'center');
      return save();
    }
    case 'propagation/compare':
      state.compare = msg.view;
      renderCompare();
      return save();
  }
});

function renderBusy(): void {
  byId('busy').hidden = !state.busy;
  app.setAttribute('aria-busy', String(state.busy));
  for (const id of ['refresh-button', 'compare-button']) {
    const button = byId(id);
    if (state.busy) button.setAttribute('disabled', '');
    else button.removeAttribute('disabled');
  }
  if (!state.busy) updateCompareButton();
}

function updateCompareButton(): void {
  const view = state.namespace;
  const usable = !!view && view.status === 'ok' && view.others > 0;
  const button = byId('compare-button');
  if (!usable || state.busy) button.setAttribute('disabled', '');
  else button.removeAttribute('disabled');
  button.title = usable
    ? 'Compare these mounts with another mount namespace'
    : 'No other mount namespace could be read';
}

function renderNamespace(): void {
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
          `${plural(view.skipped.length, 'line', 'lines')} of mountinfo could not be parsed and ${view.skipped.length === 1 ? 'was' : 'were'} skipped.`,
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

// ─── mounts table: filter, selection, keyboard ────────────────────────────────────────

function rowsOf(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('#mount-table vscode-table-row[data-mount-id]')];
}

function visibleRows(): HTMLElement[] {
  return rowsOf().filter((r) => !r.hidden);
}

function applyFilter(): void {
  const words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = rowsOf();
  let shown = 0;
  for (const row of rows) {
    const text = row.dataset.search ?? '';
    row.hidden = !words.every((w) => text.includes(w));
    if (!row.hidden) shown++;
  }
  const noMatch = document.getElementById('no-match');
  if (noMatch) noMatch.hidden = shown > 0 || rows.length === 0;
  byId('filter-count').textContent = words.length ? `${shown} of ${rows.length}` : '';
  updateTabStop();
}

let filterTimer: number | undefined;
filterField.addEventListener('input', () => {
  window.clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => {
    state.filter = filterField.value;
    applyFilter();
    save();
  }, 80);
});
filterField.addEventListener('keydown', (event: KeyboardEvent) => {
  if (event.key === 'Escape' && filterField.value) {
    filterField.value = '';
    state.filter = '';
    applyFilter();
    save();
    event.stopPropagation();
  } else if (event.key === 'ArrowDown') {
    const target = visibleRows().find((r) => r.tabIndex === 0) ?? visibleRows()[0];
    target?.focus();
    event.preventDefault();
  }
});

/** One tab stop in the table: the selected row when it is shown, else the first shown. */
function updateTabStop(): void {
  const rows = visibleRows();
  const stop = rows.find((r) => Number(r.dataset.mountId) === state.selected) ?? rows[0];
  for (const row of rowsOf()) row.tabIndex = row === stop ? 0 : -1;
}

/** Marks the selected row, and scrolls the table to it (REVEAL) or not (null). */
function markSelectedRow(reveal: 'center' | 'nearest' | null): void {
  let selectedRow: HTMLElement | undefined;
  for (const row of rowsOf()) {
    const on = Number(row.dataset.mountId) === state.selected;
    row.setAttribute('aria-selected', String(on));
    row.classList.toggle('selected', on);
    if (on) selectedRow = row;
  }
  updateTabStop();
  if (reveal && selectedRow) revealRow(selectedRow, reveal);
}

/** The element that scrolls the rows: inside the table's shadow DOM, so found by walking up to it. */
function scrollerOf(row: Element): HTMLElement | null {
  const table = row.closest('vscode-table');
  let el: Element | null = row;
  while (el && el !== table) {
    el = el.assignedSlot ?? el.parentElement ?? ((el.parentNode as ShadowRoot | null)?.host || null);
    if (el && el !== table && /auto|scroll/.test(getComputedStyle(el).overflowY)) return el as HTMLElement;
  }
  return null;
}

let revealFrame = 0;
/**
 * Scrolls the table, and only the table, so that ROW is in its box: centred when it was
 * out of sight (the panel opened, a mount chosen in the Mounts view, back from the
 * comparison), just in when it is at the edge (arrow keys). A table just made or shown
 * again sizes its scrolling box in a ResizeObserver, after the next frame's callbacks: so
 * centring waits for the frame after that.
 */
function revealRow(row: HTMLElement, how: 'center' | 'nearest'): void {
  cancelAnimationFrame(revealFrame);
  if (how === 'nearest') return scrollTableTo(row, how);
  revealFrame = requestAnimationFrame(() => {
    revealFrame = requestAnimationFrame(() => scrollTableTo(row, how));
  });
}

function scrollTableTo(row: HTMLElement, how: 'center' | 'nearest'): void {
  const scroller = row.isConnected && !row.hidden ? scrollerOf(row) : null;
  if (!scroller) return;
  const r = row.getBoundingClientRect();
  const top = scroller.getBoundingClientRect().top;
  const bottom = top + scroller.clientHeight;
  // A pixel of slack: rows have fractional heights, scroll offsets do not.
  if (r.height === 0 || (r.top >= top - 1 && r.bottom <= bottom + 1)) return;
  if (how === 'center') scroller.scrollTop += r.top - top - (scroller.clientHeight - r.height) / 2;
  else scroller.scrollTop += r.top < top ? r.top - top : r.bottom - bottom;
}

let selectTimer: number | undefined;
/** The mount last asked for, until its answer comes. */
let awaiting: number | null = null;
function select(mountId: number, immediately: boolean): void {
  if (mountId === state.selected && state.selection?.mountId === mountId) return;
  state.selected = mountId;
  awaiting = mountId;
  markSelectedRow(null);
  save();
  window.clearTimeout(selectTimer);
  // Holding an arrow key walks the rows; the host is asked once the walk pauses.
  const send = () => vscode.postMessage({ type: 'propagation/select', mountId });
  if (immediately) send();
  else selectTimer = window.setTimeout(send, 150);
}

const mountsSection = byId('mounts');
mountsSection.addEventListener('click', (event) => {
  const row = (event.target as Element).closest<HTMLElement>('vscode-table-row[data-mount-id]');
  if (!row) return;
  row.focus();
  select(Number(row.dataset.mountId), true);
});
mountsSection.addEventListener('keydown', (event: KeyboardEvent) => {
  const row = (event.target as Element).closest<HTMLElement>('vscode-table-row[data-mount-id]');
  if (!row) return;
  const rows = visibleRows();
  const at = rows.indexOf(row);
  const moves: Record<string, number> = {
    ArrowDown: at + 1,
    ArrowUp: at - 1,
    Home: 0,
    End: rows.length - 1,
    PageDown: at + 10,
    PageUp: at - 10,
  };
  if (event.key in moves) {
    const next = rows[Math.max(0, Math.min(rows.length - 1, moves[event.key]))];
    if (next) {
      next.focus({ preventScroll: true });
      revealRow(next, 'nearest');
      select(Number(next.dataset.mountId), false);
    }
    event.preventDefault();
  } else if (event.key === 'Enter' || event.key === ' ') {
    select(Number(row.dataset.mountId), true);
    event.preventDefault();
  }
});

// ─── the selected mount ────────────────────────────────────────────────────────────────

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

function renderSelection(): void {
  const box = byId('selection');
  const view = state.selection;
  const hadFocus = box.contains(document.activeElement);
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
  const m = view.mount;
  const graph = view.graph ? drawing(view.graph.svg) : null;
  fill(
    box,
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
    h(
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
    ),
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
  );
  if (hadFocus) byId('selection-heading').focus();
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

function activate(target: Element | null): boolean {
  const link = target?.closest<HTMLElement | SVGElement>('.mount-link, .node[data-mount-id]');
  if (!link) return false;
  const nsText = link.dataset.ns ?? '';
  vscode.postMessage({
    type: 'propagation/open',
    ns: nsText === '' ? null : Number(nsText),
    mountId: Number(link.dataset.mountId),
  });
  return true;
}

for (const id of ['selection', 'compare']) {
  const box = byId(id);
  box.addEventListener('click', (event) => {
    if (activate(event.target as Element)) event.preventDefault();
  });
  box.addEventListener('keydown', (event: KeyboardEvent) => {
    const target = event.target as Element;
    // Links answer Enter themselves (as a click); the drawing's boxes are not links.
    if ((event.key === 'Enter' || event.key === ' ') && target.matches('.node[data-mount-id]') && activate(target))
      event.preventDefault();
  });
}

// ─── comparison ───────────────────────────────────────────────────────────────────────

/** One of the two views: the namespace's mounts, or the comparison. */
function updateVisibility(): void {
  byId('single').hidden = state.namespace?.status !== 'ok' || !!state.compare;
  byId('compare').hidden = !state.compare;
}

function renderCompare(): void {
  const view = state.compare;
  const box = byId('compare');
  const hadFocus = box.contains(document.activeElement);
  const wasShown = !box.hidden;
  updateVisibility();
  if (!view) {
    box.replaceChildren();
    // Back from the comparison: focus where it was asked for, the table where it was left.
    if (hadFocus) byId('compare-button').focus();
    if (wasShown) markSelectedRow('center');
    return;
  }
  const hereName = view.here.name;
  const thereName = view.there.name;
  const onlyColumns = (ns: number | null, here: boolean): Column<MountRow>[] => [
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
  const pairColumns = (what: (m: MountRow) => string): Column<DiffPair>[] => [
    {
      label: 'Path',
      width: 34,
      cell: (p) => mountLink(view.here.ns, p.here.id, p.target, true),
      title: (p) => p.target,
      className: 'path',
    },
    {
      label: `In ${hereName}`,
      width: 33,
      cell: (p) => h('span', {}, ...withPaths(what(p.here))),
      title: (p) => what(p.here),
    },
    {
      label: `In ${thereName}`,
      width: 33,
      cell: (p) => h('span', {}, ...withPaths(what(p.there))),
      title: (p) => what(p.there),
    },
  ];
  const propagationOf = (m: MountRow) =>
    [m.propagation, m.groups && `(${m.groups})`, `mount ${m.id}`].filter(Boolean).join(' ');
  const mountOf = (m: MountRow) =>
    `${m.fstype} ${m.source} (${m.majmin}${m.root !== '/' ? ` ${m.root}` : ''}) · mount ${m.id}`;

  const group = <R>(
    id: string,
    title: string,
    rows: readonly R[],
    columns: Column<R>[],
    attrs: (r: R) => Attrs,
    empty: string,
  ) =>
    h(
      'section',
      { id, class: 'diff-group', 'aria-labelledby': `${id}-heading` },
      heading('h3', `${id}-heading`, title, rows.length),
      rows.length ? table(title, columns, rows, attrs) : note(empty),
    );

  const summary = view.problem
    ? null
    : `${plural(view.same, 'path is', 'paths are')} the same in both; ${view.onlyHere.length} only in ${hereName}, ${view.onlyThere.length} only in ${thereName}, ${view.propagationDiffers.length} propagating differently, ${view.mountDiffers.length} with a different mount.`;
  fill(
    box,
    h(
      'header',
      { class: 'compare-head' },
      h('h2', { id: 'compare-heading', tabindex: -1 }, `Compared with ${thereName}`),
      h(
        'div',
        { class: 'actions' },
        h(
          'vscode-button',
          { id: 'back-button', icon: 'arrow-left', 'aria-label': `Back to the mounts of ${hereName}` },
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
    ),
    note(view.problem, 'banner error'),
    note(summary, 'summary'),
    view.problem
      ? null
      : h(
          'div',
          { class: 'diff-groups' },
          group(
            'only-here',
            `Only in ${hereName}`,
            view.onlyHere,
            onlyColumns(view.here.ns, true),
            (m) => ({ 'data-mount-id': m.id }),
            `Every path mounted here is mounted there too.`,
          ),
          group(
            'only-there',
            `Only in ${thereName}`,
            view.onlyThere,
            onlyColumns(view.there.ns, false),
            (m) => ({ 'data-mount-id': m.id }),
            `Every path mounted there is mounted here too.`,
          ),
          group(
            'propagation-differs',
            'Same path, different propagation',
            view.propagationDiffers,
            pairColumns(propagationOf),
            (p) => ({ 'data-mount-id': p.here.id, 'data-there-mount-id': p.there.id }),
            'Where both have the same filesystem, it propagates the same way.',
          ),
          group(
            'mount-differs',
            'Different mount at the same path',
            view.mountDiffers,
            pairColumns(mountOf),
            (p) => ({ 'data-mount-id': p.here.id, 'data-there-mount-id': p.there.id }),
            'No path has a different filesystem mounted in the two.',
          ),
        ),
  );
  byId('back-button').addEventListener('click', () => vscode.postMessage({ type: 'propagation/closeCompare' }));
  byId('compare-again-button').addEventListener('click', () => vscode.postMessage({ type: 'propagation/compare' }));
  // Newly shown: say so by moving there; a refresh leaves the focus where it is.
  if (!wasShown || hadFocus) byId('compare-heading').focus();
}

vscode.postMessage({ type: 'propagation/ready' });
