/**
 * "Debug Shell…": a terminal running `nsx debug` on a container or a process, with the
 * host's tools in its namespaces (core/terminals/debug.ts). nsx asks polkit for root
 * itself when it is needed, as Open Terminal in Namespace does.
 */
import * as vscode from 'vscode';
import { debugTitle, planDebug, DebugPlan } from '../../core/terminals/debug';
import { EnterError } from '../../core/terminals/enter';
import { currentCaller } from '../../core/terminals/rootNeeded';
import { ExtensionEnv } from '../shared/env';
import { RootRunner } from '../elevation/elevation';
import { NamespaceView } from '../namespaces/namespaceView';
import { nsxTerminalOptions, startedAfter, startTime } from '../shared/runtime';
import { inform, warn } from '../shared/notify';
import { Node } from '../namespaces/treeModel';
import { debugArgs, debugTargetOfRow, staleProcessNote } from './terminalChoices';

export async function openDebugShell(
  env: ExtensionEnv,
  view: NamespaceView,
  root: RootRunner,
  row: Node | undefined,
): Promise<void> {
  const snapshot = view.current();
  if (!snapshot) return void inform('The namespaces are still being scanned; try again in a moment.');
  if (row?.kind !== 'namespace' && row?.kind !== 'process' && row?.kind !== 'container') return;
  const target = debugTargetOfRow(snapshot, row);
  if (typeof target === 'string') return void warn(`Cannot open a debug shell: ${target}.`);
  // Pinned now, against the snapshot the row came from.
  const started = startTime(target.pid);
  if (started === null || startedAfter(started, snapshot.takenAt))
    return void warn(staleProcessNote(target.pid, started));
  const caller = currentCaller();
  let plan: DebugPlan;
  try {
    plan = planDebug(snapshot, target, caller);
  } catch (err) {
    if (err instanceof EnterError) return void warn(`Cannot open a debug shell: ${err.message}.`);
    throw err;
  }
  const args = debugArgs(target, started);
  if (plan.enter.privilege === 'root' && caller.uid !== 0 && !(await root.ready(args))) return;
  env.log.info(`terminal: nsx ${args.join(' ')}`);
  vscode.window.createTerminal(nsxTerminalOptions(root.runtime, debugTitle(plan), args, 'debug')).show();
}
