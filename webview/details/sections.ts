/**
 * The sections the host sends: name / value pairs, or tables whose columns sort and whose
 * rows filter; a cell that names another namespace is a link to it.
 */
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { DetailsCell, DetailsSectionView } from '../../src/ui/details/protocol';
import { fill, h } from '../shared/dom';
import { state } from './state';
import { sentence } from './text';

export function renderSection(s: DetailsSectionView): HTMLElement {
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
export function cellContent(cell: DetailsCell): Node {
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
export function fitTables(): void {
  for (const box of document.querySelectorAll<HTMLElement>('.table-scroll')) {
    box.classList.remove('stacked');
    if (box.scrollWidth > box.clientWidth + 1) box.classList.add('stacked');
  }
}
