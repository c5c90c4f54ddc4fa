/**
 * The rows of the mounts table: which are shown, which is selected and takes the one tab
 * stop, and scrolling the table (only the table) to a row.
 */
import { state } from './state';

export function rowsOf(): HTMLElement[] {
  return [...document.querySelectorAll<HTMLElement>('#mount-table vscode-table-row[data-mount-id]')];
}

export function visibleRows(): HTMLElement[] {
  return rowsOf().filter((r) => !r.hidden);
}

/** One tab stop in the table: the selected row when it is shown, else the first shown. */
export function updateTabStop(): void {
  const rows = visibleRows();
  const stop = rows.find((r) => Number(r.dataset.mountId) === state.selected) ?? rows[0];
  for (const row of rowsOf()) row.tabIndex = row === stop ? 0 : -1;
}

/** Marks the selected row, and scrolls the table to it (REVEAL) or not (null). */
export function markSelectedRow(reveal: 'center' | 'nearest' | null): void {
  let selectedRow: HTMLElement | undefined;
  for (const row of rowsOf()) {
    const on = Number(row.dataset.mountId) === state.selected;
    row.setAttribute('aria-selected', String(on));
    row.classList.toggle('selected', on);
    if (on) selectedRow = row;
  }
  updateTabStop();
  if (reveal && selectedRow) revealRow(selectedRow, reveal);
  if (selectedRow) keepInSight(selectedRow);
}

/** The selected row's scroller, watched so that the row stays in sight when the table is resized. */
let watched: HTMLElement | null = null;
let selectedInSight = false;

/**
 * A narrower table wraps its cells onto more lines, so the rows above the selected one
 * grow and push it out of the box: when it was in sight before the table was resized,
 * it is scrolled back in. A row the user scrolled away from stays where it is.
 */
function keepInSight(row: HTMLElement): void {
  const scroller = scrollerOf(row);
  if (!scroller) return;
  selectedInSight = inSight(row, scroller);
  if (scroller === watched) return;
  watched = scroller;
  const selected = () => rowsOf().find((r) => r.classList.contains('selected') && !r.hidden) ?? null;
  scroller.addEventListener('scroll', () => {
    const now = selected();
    selectedInSight = now !== null && inSight(now, scroller);
  });
  new ResizeObserver(() => {
    const now = selected();
    if (watched === scroller && selectedInSight && now) scrollTableTo(now, 'nearest');
  }).observe(scroller);
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
export function revealRow(row: HTMLElement, how: 'center' | 'nearest'): void {
  cancelAnimationFrame(revealFrame);
  if (how === 'nearest') return scrollTableTo(row, how);
  revealFrame = requestAnimationFrame(() => {
    revealFrame = requestAnimationFrame(() => scrollTableTo(row, how));
  });
}

/** Whether ROW is inside SCROLLER's box; a pixel of slack, as rows have fractional heights and scroll offsets not. */
function inSight(row: HTMLElement, scroller: HTMLElement): boolean {
  const r = row.getBoundingClientRect();
  const top = scroller.getBoundingClientRect().top;
  return r.height > 0 && r.top >= top - 1 && r.bottom <= top + scroller.clientHeight + 1;
}

function scrollTableTo(row: HTMLElement, how: 'center' | 'nearest'): void {
  const scroller = row.isConnected && !row.hidden ? scrollerOf(row) : null;
  if (!scroller) return;
  const r = row.getBoundingClientRect();
  const top = scroller.getBoundingClientRect().top;
  const bottom = top + scroller.clientHeight;
  if (r.height === 0 || inSight(row, scroller)) return;
  if (how === 'center') scroller.scrollTop += r.top - top - (scroller.clientHeight - r.height) / 2;
  else scroller.scrollTop += r.top < top ? r.top - top : r.bottom - bottom;
}
