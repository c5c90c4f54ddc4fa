import { focusedElement } from '../shared/dom';

/** The focus survives a redraw: the element with the same `data-focus` key takes it again. */
export function focusKey(): string | null {
  return focusedElement()?.closest<HTMLElement>('[data-focus]')?.dataset.focus ?? null;
}

export function restoreFocus(key: string | null): void {
  if (!key) return;
  const el = [...document.querySelectorAll<HTMLElement>('[data-focus]')].find((e) => e.dataset.focus === key);
  // A component (the filter field) draws what takes the focus after it is attached: wait for it.
  const drawn = (el as Partial<{ updateComplete: Promise<unknown> }> | undefined)?.updateComplete;
  if (drawn) void drawn.then(() => el!.focus());
  else el?.focus();
}
