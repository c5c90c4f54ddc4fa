/** The mounts table's filter: every word typed must be in a row for it to be shown. */
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import { byId } from '../shared/dom';
import { rowsOf, updateTabStop, visibleRows } from './mountRows';
import { save, state } from './state';

export function applyFilter(): void {
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

/** Typing filters once it pauses; Escape clears the field, the down arrow goes to the rows. */
export function wireFilter(): void {
  const filterField = byId<VscodeTextfield>('filter');
  filterField.value = state.filter;
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
}
