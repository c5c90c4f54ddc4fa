/**
 * What every panel page builds its DOM with. Text always goes in as text, never as
 * markup: whatever the host sends (paths, hostnames, commands) cannot inject elements.
 */

export type Attrs = Record<string, string | number | boolean | null | undefined>;
/** Left-out children (null, undefined, false) let a page write `cond ? el : null` inline. */
export type Child = Node | string | null | undefined | false;

const present = (c: Child): c is Node | string => c !== null && c !== undefined && c !== false;

/** An element with attributes (true: present and empty; null, undefined, false: left out) and children. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs?: Attrs,
  ...children: Child[]
): HTMLElementTagNameMap[K];
export function h(tag: string, attrs?: Attrs, ...children: Child[]): HTMLElement;
export function h(tag: string, attrs: Attrs = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  el.append(...children.filter(present));
  return el;
}

/** replaceChildren that skips what is not there. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(...children.filter(present));
}

/**
 * The element the panel's focus is on, only while the panel has the focus: one redrawn in
 * the background keeps its last focused element, and focusing it again would take the
 * focus from the editor (its command palette).
 */
export function focusedElement(): Element | null {
  return document.hasFocus() ? document.activeElement : null;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  return document.getElementById(id) as T;
}

/** The time of day of an ISO date in the user's locale; '' for none or a bad one. */
export function timeOfDay(iso: string | null): string {
  const d = new Date(iso ?? '');
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString();
}

/**
 * What every panel page starts with: a progress bar (#busy) shown while the host reads,
 * and a header with the title (#title), a subtitle (#subtitle) and the panel's ACTIONS.
 */
export function panelTop(busyLabel: string, title: string, ...actions: HTMLElement[]): HTMLElement[] {
  return [
    h('vscode-progress-bar', { id: 'busy', hidden: true, 'aria-label': busyLabel }),
    h(
      'header',
      { class: 'top' },
      h(
        'div',
        { class: 'title-block' },
        h('h1', { id: 'title' }, title),
        h('p', { id: 'subtitle', class: 'subtitle' }),
      ),
      h('div', { class: 'actions', role: 'toolbar', 'aria-label': 'Panel actions' }, ...actions),
    ),
  ];
}
