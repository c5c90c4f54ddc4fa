/**
 * What the page draws its parts with: tables of fixed column widths, headings with a
 * count, notes whose paths wrap.
 */
import type { VscodeTable } from '@vscode-elements/elements/dist/vscode-table/vscode-table.js';
import { h, type Attrs, type Child } from '../shared/dom';
import { withPaths } from './paths';

export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Long column names with a soft hyphen: in a narrow panel they break where a reader expects it. */
export const PROPAGATION = 'Propa\u00adgation';
export const NAMESPACE = 'Name\u00adspace';

export interface Column<R> {
  label: string;
  /** Percentages: every cell gets its column's width, so hiding rows keeps the columns. */
  width: number;
  cell: (row: R) => Child;
  /** The text a person would read, for the cell's tooltip. */
  title?: (row: R) => string;
  className?: string;
}

export function table<R>(
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

export function note(text: string | null, className = 'note'): HTMLElement | null {
  return text ? h('p', { class: className }, ...withPaths(text)) : null;
}

function badge(n: number): HTMLElement {
  return h('vscode-badge', { variant: 'counter', 'aria-hidden': 'true' }, String(n));
}

/** A heading with a count that screen readers hear as words. */
export function heading(level: 'h2' | 'h3', id: string, text: string, count?: number): HTMLElement {
  return h(
    level,
    { id },
    text,
    count === undefined ? null : h('span', { class: 'visually-hidden' }, ` (${count})`),
    count === undefined ? null : badge(count),
  );
}
