/** The whole view: the header, what went wrong, what could not be read and why, the sections. */
import type { DetailsView } from '../../src/ui/details/protocol';
import { byId, fill, h, timeOfDay } from '../shared/dom';
import { focusKey, restoreFocus } from './focus';
import { fitTables, renderSection } from './sections';
import { applyFilter, applySort } from './sortFilter';
import { capital } from './text';
import { renderFindings } from './findings';
import { state } from './state';

export function sameContents(a: DetailsView, b: DetailsView): boolean {
  return JSON.stringify({ ...a, readAt: null }) === JSON.stringify({ ...b, readAt: null });
}

export function renderHeader(view: DetailsView): void {
  const { heading } = view;
  document.title = heading.name;
  fill(
    byId('title'),
    h('span', { class: `codicon codicon-${heading.icon}`, 'aria-hidden': 'true' }),
    `${heading.type} ${heading.ns}`,
    heading.label ? h('span', { class: 'label' }, heading.label) : null,
  );
  const how = heading.readAs === 'root' ? 'read as root' : heading.readAs === 'user' ? 'read with your rights' : null;
  const at = timeOfDay(view.readAt);
  // The container first, on a line of its own: what a person knows the namespace by.
  const container = heading.container
    ? h(
        'span',
        { id: 'container', class: 'container' },
        h('span', { class: 'codicon codicon-package', 'aria-hidden': 'true' }),
        `Container ${heading.container}`,
        heading.unnamed ? ` (no name, only the id: ${heading.unnamed})` : '',
      )
    : null;
  fill(byId('subtitle'), container, [how, heading.via, at && `at ${at}`].filter(Boolean).join(' · '));
}

export function render(view: DetailsView): void {
  const focus = focusKey();
  const problem = byId('problem');
  const severity = view.status === 'failed' ? 'error' : 'warning';
  fill(
    problem,
    view.problem ? h('p', { id: 'problem-text', class: `banner ${severity}`, role: 'alert' }, view.problem) : null,
  );
  renderFindings(view);
  renderUnavailable(view);
  const sections = byId('sections');
  sections.classList.toggle('stale', view.status === 'gone');
  sections.setAttribute('aria-disabled', String(view.status === 'gone'));
  if (view.status === 'loading') fill(sections, h('p', { class: 'loading' }, 'Reading what is inside the namespace…'));
  else if (view.sections.length) fill(sections, ...view.sections.map(renderSection));
  else
    fill(
      sections,
      view.status === 'ok'
        ? h(
            'p',
            { class: 'note' },
            `Nothing inside this namespace could be read${view.unavailable.length ? '; the reasons are above' : ''}.`,
          )
        : null,
    );
  // Only tables sort and filter: a fields section (PID 1 and depth, a hostname) has neither.
  for (const section of sections.querySelectorAll<HTMLElement>('section.kind-table[data-section]')) {
    applySort(section);
    applyFilter(section);
  }
  fitTables();
  restoreFocus(focus);
}

function renderUnavailable(view: DetailsView): void {
  const box = byId('unavailable');
  box.hidden = view.unavailable.length === 0;
  if (box.hidden) return box.replaceChildren();
  fill(
    box,
    h(
      'h2',
      { id: 'unavailable-heading' },
      h('span', { class: 'codicon codicon-warning', 'aria-hidden': 'true' }),
      'Not shown',
    ),
    h(
      'ul',
      {},
      ...view.unavailable.map((u) =>
        h(
          'li',
          {},
          h('strong', {}, capital(u.what)),
          `: ${u.reason}`,
          u.needsRoot ? h('span', { class: 'tag' }, 'needs root') : null,
        ),
      ),
    ),
    view.offerShowAll
      ? h(
          'p',
          { class: 'show-all' },
          h(
            'vscode-button',
            { id: 'show-all-button', icon: 'shield', 'data-focus': 'show-all' },
            'Show All Namespaces (root)',
          ),
          h('span', { class: 'note' }, 'Reads every namespace as root, after one password prompt.'),
        )
      : null,
  );
}

/** The row asked for, marked and scrolled to, once its section is drawn (asked again, it is shown again). */
export function showFocusedRow(): void {
  const focus = state.focus;
  if (!focus) return;
  const section = document.querySelector<HTMLElement>(`section[data-section="${CSS.escape(focus.section)}"]`);
  const row = [...(section?.querySelectorAll<HTMLElement>('tbody tr') ?? [])].find(
    (tr) => tr.querySelector('td')?.textContent === focus.row,
  );
  if (!row) return;
  state.focus = null;
  for (const old of document.querySelectorAll('tr.focused')) old.classList.remove('focused');
  row.classList.add('focused');
  row.setAttribute('tabindex', '-1');
  row.scrollIntoView({ block: 'center' });
  row.focus();
}
