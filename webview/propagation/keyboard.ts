/** Choosing a mount in the table: a click, Enter or Space, or walking the rows with the keys. */
import { byId } from '../shared/dom';
import { markSelectedRow, revealRow, visibleRows } from './mountRows';
import { save, state, vscode } from './state';

let selectTimer: number | undefined;
/** Selects mount MOUNT_ID here and asks the host about it, at once or when the keys pause. */
export function select(mountId: number, immediately: boolean): void {
  if (mountId === state.selected && state.selection?.mountId === mountId) return;
  state.selected = mountId;
  state.awaiting = mountId;
  markSelectedRow(null);
  save();
  window.clearTimeout(selectTimer);
  // Holding an arrow key walks the rows; the host is asked once the walk pauses.
  const send = () => vscode.postMessage({ type: 'propagation/select', mountId });
  if (immediately) send();
  else selectTimer = window.setTimeout(send, 150);
}

/** The table answers the mouse and the keys: arrows, Home, End, Page Up and Down, Enter, Space. */
export function wireMountsTable(): void {
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
}
