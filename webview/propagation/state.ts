/**
 * What the page knows: the host's latest views, the mount selected and the filter typed,
 * kept through getState/setState while the panel is hidden and across a window reload.
 */
import type {
  CompareView,
  MountTableView,
  PropagationFromWebview,
  PropagationPanelState,
  SelectionView,
} from '../../src/ui/propagation/protocol';
import { vscodeApi } from '../shared/vscodeApi';

export const vscode = vscodeApi<PropagationFromWebview, PropagationPanelState>();
const saved = vscode.getState() ?? {};

export const state = {
  namespace: null as MountTableView | null,
  selection: null as SelectionView | null,
  compare: null as CompareView | null,
  selected: typeof saved.mountId === 'number' ? saved.mountId : null,
  /** The mount last asked for, until its answer comes. */
  awaiting: null as number | null,
  filter: typeof saved.filter === 'string' ? saved.filter : '',
  busy: false,
};

export function save(): void {
  vscode.setState({
    ns: state.namespace?.namespace.ns ?? (typeof saved.ns === 'number' ? saved.ns : null),
    mountId: state.selected,
    compareNs: state.compare?.there.ns ?? null,
    filter: state.filter,
  });
}
