/**
 * The Mount Propagation panel's page. It draws what the host sends
 * (src/ui/propagation/protocol.ts) and says what the user did; it computes nothing about
 * mounts itself. This file wires the parts: the frame (layout.ts), the mounts table
 * (mountsTable.ts, filter.ts, keyboard.ts), the selected mount (selection.ts) and the
 * comparison (comparison.ts).
 */
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-progress-bar/index.js';
import '@vscode-elements/elements/dist/vscode-table/index.js';
import '@vscode-elements/elements/dist/vscode-table-body/index.js';
import '@vscode-elements/elements/dist/vscode-table-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-header/index.js';
import '@vscode-elements/elements/dist/vscode-table-header-cell/index.js';
import '@vscode-elements/elements/dist/vscode-table-row/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { PropagationToWebview } from '../../src/ui/propagation/protocol';
import { renderCompare } from './comparison';
import { wireFilter } from './filter';
import { wireMountsTable } from './keyboard';
import { drawFrame, renderBusy, wireToolbar } from './layout';
import { wireMountLinks } from './links';
import { renderNamespace } from './mountsTable';
import { showSelection } from './selection';
import { save, state, vscode } from './state';
import './main.css';

drawFrame();
wireFilter();
wireToolbar();
wireMountsTable();
wireMountLinks();

window.addEventListener('message', (event: MessageEvent<PropagationToWebview>) => {
  const msg = event.data;
  switch (msg?.type) {
    case 'propagation/busy':
      state.busy = msg.busy;
      return renderBusy();
    case 'propagation/namespace':
      state.namespace = msg.view;
      renderNamespace();
      return save();
    case 'propagation/selection':
      return showSelection(msg.view);
    case 'propagation/compare':
      state.compare = msg.view;
      renderCompare();
      return save();
  }
});

vscode.postMessage({ type: 'propagation/ready' });
