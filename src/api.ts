/**
 * What `activate()` returns to other extensions:
 * `vscode.extensions.getExtension('namespace-explorer.namespace-explorer')?.activate()`.
 * Only types here; a change that breaks a reader raises `apiVersion`.
 */
import type * as vscode from 'vscode';
import type { NsType, Snapshot } from './core/model/snapshot';
import type { Finding } from './core/findings/types';

/** The namespace of the row selected in the Namespaces view. */
export interface SelectedNamespace {
  readonly ns: number;
  readonly type: NsType;
  /** The label the tree shows for it. */
  readonly label: string;
}

export interface NamespaceExplorerApi {
  readonly apiVersion: 1;
  /** The snapshot the Namespaces view shows, the user's own scan or root's; undefined before the first scan. */
  readonly snapshot: Snapshot | undefined;
  /** Whether that snapshot is root's (Show All Namespaces…). */
  readonly elevated: boolean;
  /** The namespace of the selected row (a process or holder row names the namespace it is under). */
  readonly selection: SelectedNamespace | undefined;
  /**
   * What the Findings group shows of that snapshot (as `nsx check --json`): neither dismissed nor of a
   * kind switched off in settings; none in root's view.
   */
  readonly findings: readonly Finding[];
  /** Fires when the snapshot, `elevated`, the selection or the findings change. */
  readonly onDidChange: vscode.Event<void>;
  /** Scans again now (in root's view: nothing new) and resolves with the snapshot shown then. */
  refresh(): Promise<Snapshot | undefined>;
}
