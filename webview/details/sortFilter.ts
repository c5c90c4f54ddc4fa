/** Sorting and filtering a table section; both are kept per section (state.ts). */
import { save, state } from './state';

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Clicking a header sorts up, again down, a third time back to the order read. */
export function sortBy(section: HTMLElement, col: number): void {
  const id = section.dataset.section!;
  const now = state.sorts[id];
  if (now?.col !== col) state.sorts[id] = { col, dir: 'ascending' };
  else if (now.dir === 'ascending') state.sorts[id] = { col, dir: 'descending' };
  else delete state.sorts[id];
  applySort(section);
  save();
}

export function applySort(section: HTMLElement): void {
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

export function applyFilter(section: HTMLElement): void {
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
