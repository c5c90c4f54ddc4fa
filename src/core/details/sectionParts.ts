/**
 * What every section of a namespace's details is made of: cells, name / value sections and
 * tables. The builder of each namespace type (beside its reader) and the dispatcher in
 * sections.ts share them.
 */
import type { NsType } from '../model/snapshot';

export interface Cell {
  text: string;
  /** A namespace this cell names: the panel navigates the tree to it. */
  ns?: number;
}

export interface Section {
  /** Stable key: net-interfaces, uts, ipc-shm… */
  id: string;
  title: string;
  /** 'fields' sections are name / value pairs; 'table' ones have a header row. */
  kind: 'fields' | 'table';
  columns: string[];
  rows: Cell[][];
  /** What an empty table means, in words. */
  empty: string;
}

/** A cell showing a value; '-' for none. */
export function textCell(v: string | number | null | undefined): Cell {
  return { text: v === null || v === undefined || v === '' ? '-' : String(v) };
}

/** Name / value rows; a value left undefined was not read, and its row is left out. */
export function fields(
  id: string,
  title: string,
  pairs: [string, Cell | string | number | null | undefined][],
): Section {
  const rows = pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [{ text: k }, typeof v === 'object' && v !== null ? v : textCell(v)]);
  return { id, title, kind: 'fields', columns: ['', ''], rows, empty: 'nothing could be read' };
}

export function table(id: string, title: string, columns: string[], rows: Cell[][], empty: string): Section {
  return { id, title, kind: 'table', columns, rows, empty };
}

/** Another namespace as the sections name it: `user 4026531837 (host)`. */
export function refName(type: NsType, ns: number, label: string | null): string {
  return `${type} ${ns}${label ? ` (${label})` : ''}`;
}
