/**
 * The public API that activate() returns (its types are in src/api.ts), on top of the
 * Namespaces view.
 */
import * as vscode from 'vscode';
import type { NamespaceExplorerApi, SelectedNamespace } from '../../api';
import type { NamespaceView } from '../namespaces/namespaceView';
import type { Node } from '../namespaces/treeModel';
import { selectedNamespace } from './selectedNamespace';
import type { FindingsController } from '../findings/findings';

/** The API; its listeners go into DISPOSABLES. */
export function createApi(
  view: NamespaceView,
  findings: FindingsController,
  disposables: vscode.Disposable[],
): NamespaceExplorerApi {
  const changed = new vscode.EventEmitter<void>();
  let row: Node | undefined;
  let selected: SelectedNamespace | undefined;
  // Taken with each snapshot: `elevated` says whose snapshot is shown, also while the
  // view has gone back to the user's own and its first scan is still running.
  let elevated = view.elevated;
  disposables.push(
    changed,
    view.onDidChangeSnapshot((snapshot) => {
      elevated = view.elevated;
      // The selected row is kept across redraws, its words updated.
      selected = selectedNamespace(row, snapshot);
      changed.fire();
    }),
    view.onDidSelect((node) => {
      row = node;
      const now = selectedNamespace(node, view.current());
      if (JSON.stringify(now) === JSON.stringify(selected)) return;
      selected = now;
      changed.fire();
    }),
    findings.onDidChange(() => changed.fire()),
  );
  return {
    apiVersion: 1,
    get snapshot() {
      return view.current();
    },
    get elevated() {
      return elevated;
    },
    get selection() {
      return selected;
    },
    get findings() {
      return findings.shown();
    },
    onDidChange: changed.event,
    refresh: async () => {
      await view.refreshNow();
      return view.current();
    },
  };
}
