/**
 * The focus survives a redraw: the element with the same `data-focus` key takes it again.
 * Only when the panel has the focus: a panel redrawn in the background keeps its last
 * focused element, and focusing it again would take the focus from the editor's palette.
 */
export function focusKey(): string | null {
  if (!document.hasFocus()) return null;
  return document.activeElement?.closest<HTMLElement>('[data-focus]')?.dataset.focus ?? null;
}

export function restoreFocus(key: string | null): void {
  if (!key) return;
  const el = [...document.querySelectorAll<HTMLElement>('[data-focus]')].find((e) => e.dataset.focus === key);
  // A component (the filter field) draws what takes the focus after it is attached: wait for it.
  const drawn = (el as Partial<{ updateComplete: Promise<unknown> }> | undefined)?.updateComplete;
  if (drawn) void drawn.then(() => el!.focus());
  else el?.focus();
}
