/**
 * What the page knows: the host's latest view, and per section the filter typed and the
 * sort chosen, kept through getState/setState with the namespace shown: while the panel is
 * hidden (no retainContextWhenHidden), and for the panel restored after a window reload.
 */
import type { DetailsFromWebview, DetailsPanelState, DetailsView } from '../../src/ui/details/protocol';
import { vscodeApi } from '../shared/vscodeApi';

export const vscode = vscodeApi<DetailsFromWebview, DetailsPanelState>();
const saved = vscode.getState() ?? {};
export const state: DetailsPanelState & {
  view: DetailsView | null;
  busy: boolean;
  /** The row asked for (an interface clicked on the network map), shown once it is drawn. */
  focus: { section: string; row: string } | null;
} = {
  target: saved.target ?? null,
  filters: { ...saved.filters },
  sorts: { ...saved.sorts },
  view: null,
  busy: false,
  focus: null,
};
export const save = () => vscode.setState({ target: state.target, filters: state.filters, sorts: state.sorts });
