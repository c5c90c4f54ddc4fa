/**
 * What the page knows: the host's latest map, the filter typed, the cards selected and
 * the part of the drawing in view, kept through getState/setState while the panel is
 * hidden and across a window reload.
 */
import type { NetworkFromWebview, NetworkMapView, NetworkPanelState, PathView } from '../../src/ui/network/protocol';
import { vscodeApi } from '../shared/vscodeApi';

export const vscode = vscodeApi<NetworkFromWebview, NetworkPanelState>();
const saved = vscode.getState() ?? {};
const box = saved.viewBox;

export const state = {
  map: null as NetworkMapView | null,
  path: null as PathView | null,
  filter: typeof saved.filter === 'string' ? saved.filter : '',
  selected: Array.isArray(saved.selected) ? saved.selected.filter((n) => typeof n === 'number').slice(0, 2) : [],
  viewBox: Array.isArray(box) && box.length === 4 ? (box as [number, number, number, number]) : null,
  busy: false,
};

export function save(): void {
  vscode.setState({ filter: state.filter, selected: state.selected, viewBox: state.viewBox });
}
