/**
 * The Namespace Details panel's page. It draws the sections the host sends
 * (src/ui/details/protocol.ts), sorts and filters their tables, and says what the user
 * did; it reads nothing about namespaces itself.
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type {
  DetailsCell,
  DetailsFromWebview,
  DetailsPanelState,
  DetailsSectionView,
  DetailsToWebview,
  DetailsView,
} from '../../src/ui/details/protocol';
import { byId, fill, h, panelTop, timeOfDay } from '../shared/dom';
import { vscodeApi } from '../shared/vscodeApi';
import './main.css';

const vscode = vscodeApi<DetailsFromWebview, DetailsPanelState>();
const saved = vscode.getState() ?? {};
const state: DetailsPanelState & { view: DetailsView | null; busy: boolean } = {
  target: saved.target ?? null,
  filters: { ...saved.filters },
  sorts: { ...saved.sorts },
  view: null,
  busy: false,
};
/** Kept while hidden (no retainContextWhenHidden), and what the panel shows again after a window reload. */
const save = () => vscode.setState({ target: state.target, filters: state.filters, sorts: state.sorts });

const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const sentence = (text: string) => capital(text) + (/[.!?]$/.test(text) ? '' : '.');

// ─── the page ──────────────────────────────────────────────────────────────────────────

const app = byId('app');
fill(
  app,
  ...panelTop(
    'Reading the namespace',
    'Namespace Details',
    h('vscode-toolbar-button', {
      id: 'refresh-button',
      icon: 'refresh',
      label: 'Refresh',
      title: 'Read what is inside the namespace again',
    }),
  ),
  h('div', { id: 'problem', role: 'status' }),
  h('section', { id: 'unavailable', class: 'unavailable', hidden: true, 'aria-labelledby': 'unavailable-heading' }),
  h('div', { id: 'sections' }),
);

byId('refresh-button').addEventListener('click', () => {
  if (!state.busy) vscode.postMessage({ type: 'details/refresh' });
});

app.addEventListener('click', (event) => {
  const target = event.target as Element;
  const link = target.closest<HTMLElement>('a.ns-link');
  if (link) {
    event.preventDefault();
    vscode.postMessage({ type: 'details/reveal', ns: Number(link.dataset.ns) });
    return;
  }
  if (target.closest('#show-all-button')) vscode.postMessage({ type: 'details/showAll' });
  const sort = target.closest<HTMLButtonElement>('button.sort');
  if (sort) sortBy(sort.closest<HTMLElement>('section[data-section]')!, Number(sort.dataset.col));
});

app.addEventListener('input', (event) => {
  const field = (event.target as Element).closest<VscodeTextfield>('vscode-textfield.filter');
  const section = field?.closest<HTMLElement>('section[data-section]');
  if (!field || !section) return;
  state.filters[section.dataset.section!] = field.value;
  applyFilter(section);
  save();
});

app.addEventListener('keydown', (event: KeyboardEvent) => {
  const field = (event.target as Element).closest<VscodeTextfield>('vscode-textfield.filter');
  if (event.key !== 'Escape' || !field?.value) return;
  field.value = '';
  field.dispatchEvent(new Event('input', { bubbles: true }));
  event.stopPropagation();
});

window.addEventListener('message', (event: MessageEvent<DetailsToWebview>) => {
  const msg = event.data;
  switch (msg?.type) {
    case 'details/busy':
      state.busy = msg.busy;
      byId('busy').hidden = !msg.busy;
      app.setAttribute('aria-busy', String(msg.busy));
      byId('refresh-button').setAttribute('aria-disabled', String(msg.busy));
      return;
    case 'details/show': {
      const before = state.view;
      state.view = msg.view;
      const { type, ns, label } = msg.view.heading;
      state.target = { type, ns, label };
      save();
      renderHeader(msg.view);
      // The same contents read again (each new snapshot reads them): only the time changes.
      if (before && sameContents(before, msg.view)) return;
      render(msg.view);
      return;
    }
  }
});

function sameContents(a: DetailsView, b: DetailsView): boolean {
  return JSON.stringify({ ...a, readAt: null }) === JSON.stringify({ ...b, readAt: null });
}

function renderHeader(view: DetailsView): void {
  const { heading } = view;
  document.title = heading.name;
  fill(
    byId('title'),
    h('span', { class: `codicon codicon-${heading.icon}`, 'aria-hidden': 'true' }),
    `${heading.type} ${heading.ns}`,
    heading.label ? h('span', { class: 'label' }, heading.label) : null,
  );
  const how = heading.readAs === 'root' ? 'read as root' : heading.readAs === 'user' ? 'read with your rights' : null;
  const at = timeOfDay(view.readAt);
  byId('subtitle').textContent = [how, heading.via, at && `at ${at}`].filter(Boolean).join(' · ');
}

function render(view: DetailsView): void {
  const focus = focusKey();
  const problem = byId('problem');
  const severity = view.status === 'failed' ? 'error' : 'warning';
  fill(
    problem,
    view.problem ? h('p', { id: 'problem-text', class: `banner ${severity}`, role: 'alert' }, view.problem) : null,
  );
  renderUnavailable(view);
  const sections = byId('sections');
  sections.classList.toggle('stale', view.status === 'gone');
  sections.setAttribute('aria-disabled', String(view.status === 'gone'));
  if (view.status === 'loading') fill(sections, h('p', { class: 'loading' }, 'Reading what is inside the namespace…'));
  else if (view.sections.length) fill(sections, ...view.sections.map(renderSection));
  else
    fill(
      sections,
      view.status === 'ok'
        ? h(
            'p',
            { class: 'note' },
            `Nothing inside this namespace could be read${view.unavailable.length ? '; the reasons are above' : ''}.`,
          )
        : null,
    );
  // Only tables sort and filter: a fields section (PID 1 and depth, a hostname) has neither.
  for (const section of sections.querySelectorAll<HTMLElement>('section.kind-table[data-section]')) {
    applySort(section);
    applyFilter(section);
  }
  fitTables();
  restoreFocus(focus);
}

function renderUnavailable(view: DetailsView): void {
  const box = byId('unavailable');
  box.hidden = view.unavailable.length === 0;
  if (box.hidden) return box.replaceChildren();
  fill(
    box,
    h(
      'h2',
      { id: 'unavailable-heading' },
      h('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }),
      'Not shown',
    ),
    h(
      'ul',
      {},
      ...view.unavailable.map((u) =>
        h(
          'li',
          {},
          h('strong', {}, capital(u.what)),
          `: ${u.reason}`,
          u.needsRoot ? h('span', { class: 'tag' }, 'needs root') : null,
        ),
      ),
    ),
    view.offerShowAll
      ? h(
          'p',
          { class: 'show-all' },
          h(
            'vscode-button',
            { id: 'show-all-button', icon: 'shield', 'data-focus': 'show-all' },
            'Show All Namespaces (root)',
          ),
          h('span', { class: 'note' }, 'Reads every namespace as root, after one password prompt.'),
        )
      : null,
  );
}

function renderSection(s: DetailsSectionView): HTMLElement {
  const headingId = `heading-${s.id}`;
  const count =
    s.kind === 'table' ? h('vscode-badge', { variant: 'counter', 'aria-hidden': 'true' }, String(s.rows.length)) : null;
  const heading = h(
    'h2',
    { id: headingId },
    s.title,
    count ? h('span', { class: 'visually-hidden' }, ` (${s.rows.length})`) : null,
    count,
  );
  const section = h('section', {
    class: `aspect kind-${s.kind}`,
    id: `section-${s.id}`,
    'data-section': s.id,
    'aria-labelledby': headingId,
  });
  if (s.kind === 'fields') {
    fill(
      section,
      heading,
      s.rows.length
        ? h(
            'dl',
            { class: 'pairs' },
            ...s.rows.map((row) =>
              h(
                'div',
                { class: 'field' },
                h('dt', {}, row[0]?.text ?? ''),
                h('dd', {}, ...row.slice(1).map(cellContent)),
              ),
            ),
          )
        : h('p', { class: 'note' }, sentence(s.empty)),
    );
    return section;
  }
  const filter =
    s.rows.length > 1
      ? h(
          'div',
          { class: 'filter-row' },
          h('vscode-textfield', {
            class: 'filter',
            type: 'search',
            placeholder: 'Filter',
            'aria-label': `Filter ${s.title.toLowerCase()}`,
            'data-focus': `filter-${s.id}`,
          }),
          h('span', { class: 'filter-count', 'aria-live': 'polite' }),
        )
      : null;
  fill(
    section,
    h('div', { class: 'section-head' }, heading, filter),
    s.rows.length ? table(s, headingId) : h('p', { class: 'note empty' }, sentence(s.empty)),
    h('p', { class: 'note no-match', hidden: true }, 'No row matches the filter.'),
  );
  const field = section.querySelector<VscodeTextfield>('vscode-textfield.filter');
  if (field) field.value = state.filters[s.id] ?? '';
  return section;
}

function table(s: DetailsSectionView, headingId: string): HTMLElement {
  const head = h(
    'tr',
    {},
    ...s.columns.map((c, i) =>
      h(
        'th',
        { scope: 'col', 'aria-sort': 'none' },
        h(
          'button',
          { type: 'button', class: 'sort', 'data-col': i, 'data-focus': `sort-${s.id}-${i}`, title: `Sort by ${c}` },
          c,
          h('span', { class: 'sort-icon codicon', 'aria-hidden': 'true' }),
        ),
      ),
    ),
  );
  const rows = s.rows.map((row, index) =>
    h(
      'tr',
      {
        'data-index': index,
        'data-search': row
          .map((c) => c.text)
          .join(' ')
          .toLowerCase(),
      },
      ...row.map((cell, i) => h('td', { 'data-label': s.columns[i] }, cellContent(cell))),
    ),
  );
  return h(
    'div',
    { class: 'table-scroll' },
    h('table', { class: 'grid', 'aria-labelledby': headingId }, h('thead', {}, head), h('tbody', {}, ...rows)),
  );
}

/** A cell that names another namespace is a link that shows it in the Namespaces view. */
function cellContent(cell: DetailsCell): Node {
  if (cell.ns === undefined) return breakable(cell.text);
  return h(
    'a',
    {
      href: '#',
      class: 'ns-link',
      'data-ns': cell.ns,
      'data-focus': `link-${cell.ns}`,
      title: `Show ${cell.nsName ?? cell.ns} in the Namespaces view`,
    },
    breakable(cell.text),
  );
}

/**
 * TEXT with places to break a line after a slash or a comma: a long path or a list of
 * addresses wraps there rather than widening its column past the panel, or breaking a
 * name in two.
 */
function breakable(text: string): DocumentFragment {
  const out = document.createDocumentFragment();
  text.split(/(?<=[/,])(?=\S)/).forEach((part, i) => {
    if (i) out.append(h('wbr'));
    out.append(part);
  });
  return out;
}

/**
 * A table too wide for the panel, even wrapped, is shown as one block per row, each value
 * under its column's name: nothing is cut off or hidden behind a scroll bar.
 */
function fitTables(): void {
  for (const box of app.querySelectorAll<HTMLElement>('.table-scroll')) {
    box.classList.remove('stacked');
    if (box.scrollWidth > box.clientWidth + 1) box.classList.add('stacked');
  }
}

window.addEventListener('resize', fitTables);

// ─── sorting and filtering ─────────────────────────────────────────────────────────────

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Clicking a header sorts up, again down, a third time back to the order read. */
function sortBy(section: HTMLElement, col: number): void {
  const id = section.dataset.section!;
  const now = state.sorts[id];
  if (now?.col !== col) state.sorts[id] = { col, dir: 'ascending' };
  else if (now.dir === 'ascending') state.sorts[id] = { col, dir: 'descending' };
  else delete state.sorts[id];
  applySort(section);
  save();
}

function applySort(section: HTMLElement): void {
  const body = section.querySelector('tbody');
  if (!body) return;
  const id = section.dataset.section!;
  const cols = section.querySelectorAll('thead th');
  // A sort saved for columns the section no longer has is dropped.
  if (state.sorts[id] && state.sorts[id].col >= cols.length) delete state.sorts[id];
  const sort = state.sorts[id];
  cols.forEach((th, i) => {
    const dir = sort?.col === i ? sort.dir : 'none';
    th.setAttribute('aria-sort', dir);
    th.querySelector('.sort-icon')!.className =
      `sort-icon codicon${dir === 'none' ? '' : dir === 'ascending' ? ' codicon-arrow-up' : ' codicon-arrow-down'}`;
  });
  const rows = [...body.querySelectorAll<HTMLTableRowElement>('tr')];
  const key = (r: HTMLTableRowElement) => r.cells[sort?.col ?? 0]?.textContent ?? '';
  // "-" (nothing known) stays last either way.
  const blank = (r: HTMLTableRowElement) => (key(r) === '-' ? 1 : 0);
  rows.sort((a, b) => {
    if (!sort) return Number(a.dataset.index) - Number(b.dataset.index);
    return (
      blank(a) - blank(b) ||
      (sort.dir === 'ascending' ? 1 : -1) * collator.compare(key(a), key(b)) ||
      Number(a.dataset.index) - Number(b.dataset.index)
    );
  });
  body.append(...rows);
}

function applyFilter(section: HTMLElement): void {
  const rows = [...section.querySelectorAll<HTMLTableRowElement>('tbody tr')];
  const words = (state.filters[section.dataset.section!] ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const row of rows) {
    row.hidden = !words.every((w) => (row.dataset.search ?? '').includes(w));
    if (!row.hidden) shown++;
  }
  const count = section.querySelector('.filter-count');
  if (count) count.textContent = words.length ? `${shown} of ${rows.length}` : '';
  section.querySelector<HTMLElement>('.no-match')!.hidden = shown > 0 || rows.length === 0;
}

// ─── focus survives a redraw ───────────────────────────────────────────────────────────

function focusKey(): string | null {
  return document.activeElement?.closest<HTMLElement>('[data-focus]')?.dataset.focus ?? null;
}

function restoreFocus(key: string | null): void {
  if (!key) return;
  const el = [...app.querySelectorAll<HTMLElement>('[data-focus]')].find((e) => e.dataset.focus === key);
  // A component (the filter field) draws what takes the focus after it is attached: wait for it.
  const drawn = (el as Partial<{ updateComplete: Promise<unknown> }> | undefined)?.updateComplete;
  if (drawn) void drawn.then(() => el!.focus());
  else el?.focus();
}

vscode.postMessage({ type: 'details/ready' });
