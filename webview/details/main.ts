/**
 * The Namespace Details panel's page. It draws the sections the host sends
 * (src/ui/details/protocol.ts), sorts and filters their tables, and says what the user
 * did; it reads nothing about namespaces itself. This file draws the frame and wires the
 * parts: the view (view.ts), its sections (sections.ts), sorting and filtering
 * (sortFilter.ts).
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { DetailsToWebview } from '../../src/ui/details/protocol';
import { byId, fill, h, panelTop } from '../shared/dom';
import { fitTables } from './sections';
import { applyFilter, sortBy } from './sortFilter';
import { save, state, vscode } from './state';
import { render, renderHeader, sameContents, showFocusedRow } from './view';
import './main.css';

const app = byId('app');
fill(
  app,
  ...panelTop(
    'Reading the namespace',
    'Namespace Details',
    h('vscode-toolbar-button', {
      id: 'refresh-button',
      icon: 'refresh',
      label: 'Refresh',
      title: 'Read what is inside the namespace again',
    }),
  ),
  h('section', { id: 'findings', class: 'findings', hidden: true, 'aria-labelledby': 'findings-heading' }),
  h('div', { id: 'problem', role: 'status' }),
  h('section', { id: 'unavailable', class: 'unavailable', hidden: true, 'aria-labelledby': 'unavailable-heading' }),
  h('div', { id: 'sections' }),
);

/** Links, buttons, sort headers and filter fields answer wherever the sections put them. */
function wire(): void {
  byId('refresh-button').addEventListener('click', () => {
    if (!state.busy) vscode.postMessage({ type: 'details/refresh' });
  });

  app.addEventListener('click', (event) => {
    const target = event.target as Element;
    const link = target.closest<HTMLElement>('a.ns-link');
    if (link) {
      event.preventDefault();
      vscode.postMessage({ type: 'details/reveal', ns: Number(link.dataset.ns) });
      return;
    }
    if (target.closest('#show-all-button')) vscode.postMessage({ type: 'details/showAll' });
    const finding = target.closest<HTMLElement>('.finding-action');
    if (finding) {
      const { key, index, do: act } = finding.dataset;
      vscode.postMessage({ type: 'details/finding', key: key!, index: Number(index), do: act as 'copy' });
    }
    const sort = target.closest<HTMLButtonElement>('button.sort');
    if (sort) sortBy(sort.closest<HTMLElement>('section[data-section]')!, Number(sort.dataset.col));
  });

  app.addEventListener('input', (event) => {
    const field = (event.target as Element).closest<VscodeTextfield>('vscode-textfield.filter');
    const section = field?.closest<HTMLElement>('section[data-section]');
    if (!field || !section) return;
    state.filters[section.dataset.section!] = field.value;
    applyFilter(section);
    save();
  });

  app.addEventListener('keydown', (event: KeyboardEvent) => {
    const field = (event.target as Element).closest<VscodeTextfield>('vscode-textfield.filter');
    if (event.key !== 'Escape' || !field?.value) return;
    field.value = '';
    field.dispatchEvent(new Event('input', { bubbles: true }));
    event.stopPropagation();
  });
  window.addEventListener('resize', fitTables);
}

wire();

window.addEventListener('message', (event: MessageEvent<DetailsToWebview>) => {
  const msg = event.data;
  switch (msg?.type) {
    case 'details/busy':
      state.busy = msg.busy;
      byId('busy').hidden = !msg.busy;
      app.setAttribute('aria-busy', String(msg.busy));
      byId('refresh-button').setAttribute('aria-disabled', String(msg.busy));
      return;
    case 'details/show': {
      const before = state.view;
      state.view = msg.view;
      const { type, ns, label } = msg.view.heading;
      state.target = { type, ns, label };
      save();
      renderHeader(msg.view);
      // The same contents read again (each new snapshot reads them): only the time changes.
      if (before && sameContents(before, msg.view)) return;
      render(msg.view);
      showFocusedRow();
      return;
    }
    case 'details/focus':
      state.focus = { section: msg.section, row: msg.row };
      showFocusedRow();
      return;
  }
});

vscode.postMessage({ type: 'details/ready' });
