/**
 * The words of containers, pods and sandboxes: their rows in Group By Containers, their
 * tooltips, how a namespace is shared, and what a namespace row's tooltip and the Details
 * panel say of the container it belongs to. No vscode here, so it is unit-tested.
 */
import type { ContainerNamespace, ContainerRecord, ContainerRef, NameSource } from '../../core/containers/types';
import { printable } from '../../core/text/printable';
import { plural } from '../../core/text/plural';
import { markdownText } from '../shared/markdown';
import type { ContainerNode, HostSharedNode, OthersNode, RowText } from './treeNodes';

/**
 * contextValues of the container grouping's rows. Every container, pod and sandbox row
 * has the word `container` in it, which the menus of container commands match.
 */
export const CONTAINER_CONTEXT = {
  container: (kind: ContainerRecord['kind']) => `nsx:container:${kind}`,
  hostShared: 'nsx:hostShared',
  others: 'nsx:others',
} as const;

/** Codicon per kind of row. */
export const CONTAINER_ICON: Readonly<Record<ContainerRecord['kind'], string>> = {
  container: 'package',
  pod: 'layers',
  sandbox: 'beaker',
};

const NAME_SOURCE: Readonly<Record<NameSource, string>> = {
  api: 'the engine’s API',
  annotations: 'the annotations of its OCI bundle',
  state: 'the engine’s state files',
  argv: 'the command line of its runtime',
  cgroup: 'its cgroup',
};

export function containerRow(node: ContainerNode): RowText {
  const c = node.container;
  // Only a sandbox has no engine: no engine made it.
  const engine = c.engine ?? 'no engine';
  const parts: string[] = [];
  if (c.kind === 'sandbox') parts.push(c.madeBy ? `made by ${c.madeBy}` : 'sandbox');
  else if (c.kind === 'pod') parts.push(`${engine} pod`);
  else parts.push(engine);
  if (c.image) parts.push(c.image);
  if (c.kind === 'pod' && c.k8sNamespace) parts.push(`k8s ${c.k8sNamespace}`);
  if (c.kind !== 'sandbox') parts.push(c.state);
  // A pod whose members are not known (a Kubernetes pod's sandbox alone) counts its processes.
  if (c.kind === 'pod' && c.members?.length) parts.push(plural(c.members.length, 'container', 'containers'));
  else parts.push(c.pids.length ? plural(c.pids.length, 'process', 'processes') : 'no process');
  if (c.unnamed) parts.push('id only');
  const label = printable(c.name);
  const description = parts.map(printable).join(' · ');
  return {
    label,
    description,
    ariaLabel: `${c.kind} ${label}, ${description}`,
    icon: CONTAINER_ICON[c.kind],
    contextValue: CONTAINER_CONTEXT.container(c.kind),
  };
}

/** `host: user, time, cgroup`: what a container shares with the host, in one row. */
export function hostSharedRow(node: HostSharedNode): RowText {
  const types = node.types.join(', ');
  return {
    label: `host: ${types}`,
    description: 'the host’s own, not the container’s',
    ariaLabel: `shared with the host: ${types} namespaces`,
    icon: 'home',
    contextValue: CONTAINER_CONTEXT.hostShared,
  };
}

/** Why the host's namespaces are one row under a container. */
export function hostSharedTooltip(node: HostSharedNode): string {
  const what = `${node.types.join(', ')} ${node.types.length === 1 ? 'namespace' : 'namespaces'}`;
  return (
    `${printable(node.container.name)} has the host’s ${what}` +
    ' (the initial ones), as every process outside a container has: they are listed once, under Outside containers.'
  );
}

export function othersRow(node: OthersNode): RowText {
  const label = `Outside containers (${node.namespaces.length})`;
  return {
    label,
    description: 'the host’s, and those no container is in',
    ariaLabel: `namespaces outside containers, ${node.namespaces.length}`,
    icon: 'server',
    contextValue: CONTAINER_CONTEXT.others,
  };
}

/** How a container has a namespace: `own`, `host`, `shared with dweb`. */
export function sharingWords(entry: ContainerNamespace): string {
  if (entry.sharing !== 'shared') return entry.sharing;
  return entry.with ? `shared with ${printable(entry.with)}` : 'shared';
}

/** `dweb · docker · image busybox:1 · pod web · Kubernetes namespace shop`, as plain text. */
export function containerSummary(ref: ContainerRef): string {
  const parts = [ref.name, ref.engine];
  if (ref.image) parts.push(`image ${ref.image}`);
  if (ref.pod) parts.push(`pod ${ref.pod}`);
  if (ref.k8sNamespace) parts.push(`Kubernetes namespace ${ref.k8sNamespace}`);
  return parts.map(printable).join(' · ');
}

/** What a namespace row's tooltip says of its container: Markdown list items. */
export function namespaceContainerLines(ref: ContainerRef | undefined, unnamed: string | undefined): string[] {
  const lines: string[] = [];
  if (ref) {
    const extra = [
      ref.image && `image ${markdownText(ref.image)}`,
      ref.pod && `pod ${markdownText(ref.pod)}`,
      ref.k8sNamespace && `Kubernetes namespace ${markdownText(ref.k8sNamespace)}`,
    ].filter(Boolean);
    const rest = extra.length ? ` · ${extra.join(' · ')}` : '';
    lines.push(`- Container: **${markdownText(ref.name)}** (${ref.engine})${rest}`);
  }
  if (unnamed) lines.push(`- No name, only the id: ${markdownText(unnamed)}`);
  return lines;
}

/** The tooltip of a container, pod or sandbox row, as Markdown. */
export function containerTooltip(c: ContainerRecord): string {
  const what = c.kind === 'sandbox' || !c.engine ? c.kind : `${c.engine} ${c.kind}`;
  const lines = [`**${markdownText(c.name)}** — ${what}`, ''];
  const item = (name: string, value: string | undefined) => {
    if (value) lines.push(`- ${name}: ${markdownText(value)}`);
  };
  item('Engine', c.engine ?? undefined);
  item('Id', c.id);
  item('Image', c.image);
  item('State', c.state);
  item('Pod', c.pod);
  item('Kubernetes namespace', c.k8sNamespace);
  item('Kubernetes container', c.k8sContainer);
  item('Made by', c.madeBy);
  if (c.nameSource) lines.push(`- Name from ${NAME_SOURCE[c.nameSource]}`);
  item('No name, only the id', c.unnamed);
  if (c.members?.length) lines.push(`- ${plural(c.members.length, 'member container', 'member containers')}`);
  if (c.pid !== null) lines.push(`- ${plural(c.pids.length, 'process', 'processes')}; first: PID ${c.pid}`);
  else lines.push('- No process runs in it');
  return lines.join('\n');
}
