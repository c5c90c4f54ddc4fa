/**
 * The Network Map panel's page. It shows the drawing the host sends
 * (src/ui/network/protocol.ts) and makes it act: zoom and pan (zoom.ts), selection, path
 * and filter (select.ts), PNG export (png.ts); it computes nothing about networks itself.
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { NetworkMapView, NetworkToWebview } from '../../src/ui/network/protocol';
import { byId, fill, h, panelTop, timeOfDay } from '../shared/dom';
import { renderPng } from './png';
import { applyFilter, clearSelection, select, showSelection, wireSelection } from './select';
import { save, state, vscode } from './state';
import { centreOn, setBox, wireZoom, zoom } from './zoom';
import './main.css';

const button = (id: string, icon: string, label: string) =>
  h('vscode-toolbar-button', { id, icon, label, title: label });

const app = byId('app');
fill(
  app,
  ...panelTop(
    'Reading the network namespaces',
    'Network Map',
    button('zoom-in', 'zoom-in', 'Zoom In'),
    button('zoom-out', 'zoom-out', 'Zoom Out'),
    button('fit', 'screen-full', 'Fit the Whole Map'),
    button('export-svg', 'file-media', 'Export SVG…'),
    button('export-png', 'device-camera', 'Export PNG…'),
    button('refresh', 'refresh', 'Read Again'),
  ),
  h(
    'div',
    { class: 'bar' },
    h('vscode-textfield', { id: 'filter', placeholder: 'Filter: name, address, container', 'aria-label': 'Filter' }),
    h('span', { id: 'filter-count', 'aria-live': 'polite' }),
    h('span', { id: 'path-info', 'aria-live': 'polite' }),
    h('span', { id: 'firewall-status', class: 'firewall-status', role: 'status', hidden: true }),
  ),
  h('p', { id: 'changes', class: 'changes', role: 'status', hidden: true }),
  h(
    'p',
    { id: 'show-all', class: 'banner', hidden: true },
    'What needs root is drawn as unknown (?). ',
    h('vscode-button', { id: 'show-all-button', icon: 'shield' }, 'Show All Namespaces (root)'),
  ),
  h('div', { id: 'canvas', tabindex: '0', 'aria-label': 'Network map' }),
);

function wireToolbar(): void {
  byId('zoom-in').addEventListener('click', () => zoom(1.25));
  byId('zoom-out').addEventListener('click', () => zoom(0.8));
  byId('fit').addEventListener('click', () => setBox(null));
  byId('export-svg').addEventListener('click', () => vscode.postMessage({ type: 'network/export', format: 'svg' }));
  byId('export-png').addEventListener('click', () => vscode.postMessage({ type: 'network/export', format: 'png' }));
  byId('refresh').addEventListener('click', () => vscode.postMessage({ type: 'network/refresh' }));
  byId('show-all-button').addEventListener('click', () => vscode.postMessage({ type: 'network/showAll' }));
  const filter = byId<VscodeTextfield>('filter');
  filter.value = state.filter;
  filter.addEventListener('input', () => {
    state.filter = filter.value;
    save();
    applyFilter();
  });
}

/** Puts the host's drawing in the page, in the view it had, with the selection and filter applied. */
function showMap(view: NetworkMapView): void {
  const doc = new DOMParser().parseFromString(view.svg, 'image/svg+xml');
  const svg = doc.documentElement;
  if (doc.querySelector('parsererror') || svg.localName !== 'svg') return;
  svg.dataset.width = svg.getAttribute('width') ?? '0';
  svg.dataset.height = svg.getAttribute('height') ?? '0';
  svg.setAttribute('width', '100%');
  svg.setAttribute('height', '100%');
  fill(byId('canvas'), document.importNode(svg, true));
  setBox(state.viewBox);
  const who = view.elevated ? 'all processes (root)' : 'your processes';
  const at = timeOfDay(view.readAt);
  fill(
    byId('subtitle'),
    `${view.namespaces} network namespaces · ${view.wires} wires · ${who}${at ? ` · at ${at}` : ''}`,
  );
  byId('firewall-status').hidden = !view.firewalls;
  fill(byId('firewall-status'), view.firewalls);
  byId('changes').hidden = !view.changes;
  fill(byId('changes'), view.changes);
  byId('show-all').hidden = !view.offerShowAll;
  applyFilter();
  // Two cards selected: their path is asked again, as the wires may have changed.
  const [from, to] = state.selected;
  if (from !== undefined && to !== undefined) vscode.postMessage({ type: 'network/path', from, to });
  showSelection();
}

wireToolbar();
wireZoom(byId('canvas'));
wireSelection(byId('canvas'));
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && state.selected.length) clearSelection();
});

window.addEventListener('message', (event: MessageEvent<NetworkToWebview>) => {
  const msg = event.data;
  switch (msg?.type) {
    case 'network/busy':
      state.busy = msg.busy;
      byId('busy').hidden = !msg.busy;
      app.setAttribute('aria-busy', String(msg.busy));
      return;
    case 'network/map':
      state.map = msg.view;
      return showMap(msg.view);
    case 'network/path':
      state.path = msg.path;
      return showSelection();
    case 'network/focus':
      select(msg.ns, false);
      return centreOn(msg.ns);
    case 'network/renderPng':
      return void renderPng(msg);
  }
});

vscode.postMessage({ type: 'network/ready' });
