/**
 * The namespace a row of the Namespaces view stands for, as the public API names it
 * (src/api.ts). No vscode here, so it is unit-tested.
 */
import type { SelectedNamespace } from '../../api';
import type { Snapshot } from '../../core/model/snapshot';
import { rowText } from '../namespaces/presentation';
import { Node, TreeModel } from '../namespaces/treeModel';

/**
 * A namespace row names itself; a row inside one (its processes, holders, what is inside
 * it) names the namespace it is under. A type group, a note or a container names none.
 */
export function selectedNamespace(
  node: Node | undefined,
  snapshot: Snapshot | undefined,
): SelectedNamespace | undefined {
  if (!node || !snapshot || !('ns' in node)) return undefined;
  const { ns } = node;
  // The words of the namespace's own row, whatever the row selected.
  const row = { kind: 'namespace' as const, id: `ns:${ns.ns}`, parent: undefined, ns, nested: [] };
  return { ns: ns.ns, type: ns.type, label: rowText(row, new TreeModel(snapshot, 'type'), new Set()).label };
}
