/**
 * The rows of the namespace tree, as plain data: what TreeModel builds, the container
 * grouping's rows among them. A leaf, so that the modules that build rows can share it.
 */
import type { TreeNode } from '../../core/model/hierarchy';
import type { ContainerNamespace, ContainerRecord } from '../../core/containers/types';
import type { Holder, NamespaceRecord, NsType, ProcessRecord } from '../../core/model/snapshot';
import type { DetailRow } from '../details/detailRows';
import type { Finding } from '../../core/findings/types';

export type Grouping = 'type' | 'owner' | 'parent' | 'containers';
export const GROUPINGS: readonly Grouping[] = ['type', 'owner', 'parent', 'containers'];

export type Node =
  | GroupNode
  | NamespaceNode
  | MembersNode
  | ProcessNode
  | HolderNode
  | InfoNode
  | DetailNode
  | ContainerNode
  | HostSharedNode
  | OthersNode
  | FindingsNode
  | FindingNode;

interface BaseNode {
  /** Stable across refreshes: derived from the path from the root. */
  id: string;
  parent: Node | undefined;
}

export interface GroupNode extends BaseNode {
  kind: 'group';
  type: NsType;
  count: number;
}

export interface NamespaceNode extends BaseNode {
  kind: 'namespace';
  ns: NamespaceRecord;
  /** Namespaces nested under this one in the owner or parent grouping. */
  nested: TreeNode<NamespaceRecord>[];
  /** Under a container's row: how the container has it (its own, or shared with another). */
  sharing?: ContainerNamespace;
}

/** "Processes (N)": the members of a namespace that also has nested namespaces to show. */
export interface MembersNode extends BaseNode {
  kind: 'members';
  ns: NamespaceRecord;
  count: number;
}

export interface ProcessNode extends BaseNode {
  kind: 'process';
  process: ProcessRecord;
  /** Its children among the namespace's members. */
  subtree: TreeNode<ProcessRecord>[];
  /** The namespace whose member tree this process is shown in (a container's: its PID namespace). */
  ns: NamespaceRecord;
}

export interface HolderNode extends BaseNode {
  kind: 'holder';
  holder: Holder;
  ns: NamespaceRecord;
}

/** What is inside a namespace, shown above its processes: an interface of a net namespace. */
export interface DetailNode extends BaseNode {
  kind: 'detail';
  ns: NamespaceRecord;
  row: DetailRow;
}

export interface InfoNode extends BaseNode {
  kind: 'info';
  /** A short label, the rest for the description, and the whole sentence. */
  message: string;
  detail: string;
  sentence: string;
  /** What clicking it does. */
  action?: 'showAll';
}

/** A container, pod or sandbox (Group By Containers). Its contextValue has the word `container`. */
export interface ContainerNode extends BaseNode {
  kind: 'container';
  container: ContainerRecord;
}

/** The namespaces a container shares with the host, in one row rather than one each. */
export interface HostSharedNode extends BaseNode {
  kind: 'hostShared';
  container: ContainerRecord;
  types: NsType[];
}

/** The namespaces no container row shows: the host's, and those no process of a container is in. */
export interface OthersNode extends BaseNode {
  kind: 'others';
  namespaces: NamespaceRecord[];
}

/** "Findings": at the top of the view while there are any to show. */
export interface FindingsNode extends BaseNode {
  kind: 'findings';
  count: number;
}

/** One finding, under the Findings row. */
export interface FindingNode extends BaseNode {
  kind: 'finding';
  finding: Finding;
}

/** How a row looks: its words, icon and the contextValue its menus match. */
export interface RowText {
  label: string;
  description: string;
  /** What a screen reader says, and what the end-to-end tests find rows by. */
  ariaLabel: string;
  icon: string;
  contextValue: string;
  /** The icon's colour: a finding's severity, on its row and on its namespace's. */
  tone?: 'warning' | 'info';
}
