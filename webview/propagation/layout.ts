/**
 * The page's frame: the toolbar, the mounts (filter and table) beside the selected mount,
 * and the comparison that takes their place; which of the two is shown, and what the
 * toolbar offers while the host reads.
 */
import { byId, h, panelTop } from '../shared/dom';
import { heading } from './table';
import { state, vscode } from './state';

export const app = byId('app');

/** Draws the frame, its parts empty until the host's views come. */
export function drawFrame(): void {
  app.replaceChildren(
    ...panelTop(
      'Reading the mount namespaces',
      'Mount Propagation',
      h(
        'vscode-button',
        {
          id: 'compare-button',
          icon: 'git-compare',
          secondary: true,
          'aria-label': 'Compare with…',
          title: 'Compare these mounts with another mount namespace',
        },
        'Compare with…',
      ),
      h(
        'vscode-button',
        {
          id: 'refresh-button',
          icon: 'refresh',
          secondary: true,
          'aria-label': 'Refresh',
          title: 'Read every mount namespace again',
        },
        'Refresh',
      ),
    ),
    h('div', { id: 'problems', role: 'status' }),
    h(
      'div',
      { id: 'single' },
      h(
        'section',
        { id: 'mounts', 'aria-labelledby': 'mounts-heading' },
        heading('h2', 'mounts-heading', 'Mounts'),
        h(
          'div',
          { class: 'filter-row' },
          h('vscode-textfield', {
            id: 'filter',
            type: 'search',
            placeholder: 'Filter: path, source, type, propagation, group, id',
            'aria-label': 'Filter mounts',
            'aria-controls': 'mount-table',
          }),
          h('span', { id: 'filter-count', class: 'filter-count', 'aria-live': 'polite' }),
        ),
        h('div', { id: 'mount-table-slot', class: 'mount-table-slot' }),
      ),
      h('section', { id: 'selection', 'aria-labelledby': 'selection-heading' }),
    ),
    h('section', { id: 'compare', hidden: true, 'aria-labelledby': 'compare-heading' }),
  );
  app.removeAttribute('aria-busy');
}

/** The toolbar's buttons ask the host, but not while it reads. */
export function wireToolbar(): void {
  byId('refresh-button').addEventListener('click', () => {
    if (!state.busy) vscode.postMessage({ type: 'propagation/refresh' });
  });
  byId('compare-button').addEventListener('click', () => {
    if (!state.busy) vscode.postMessage({ type: 'propagation/compare' });
  });
}

export function renderBusy(): void {
  byId('busy').hidden = !state.busy;
  app.setAttribute('aria-busy', String(state.busy));
  for (const id of ['refresh-button', 'compare-button']) {
    const button = byId(id);
    if (state.busy) button.setAttribute('disabled', '');
    else button.removeAttribute('disabled');
  }
  if (!state.busy) updateCompareButton();
}

export function updateCompareButton(): void {
  const view = state.namespace;
  const usable = !!view && view.status === 'ok' && view.others > 0;
  const button = byId('compare-button');
  if (!usable || state.busy) button.setAttribute('disabled', '');
  else button.removeAttribute('disabled');
  button.title = usable
    ? 'Compare these mounts with another mount namespace'
    : 'No other mount namespace could be read';
}

/** One of the two views: the namespace's mounts, or the comparison. */
export function updateVisibility(): void {
  byId('single').hidden = state.namespace?.status !== 'ok' || !!state.compare;
  byId('compare').hidden = !state.compare;
}
