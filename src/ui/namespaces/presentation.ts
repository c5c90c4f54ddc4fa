/**
 * The words and icons of tree rows, from the tree model's nodes. No vscode here: the
 * provider turns these into TreeItems, and the unit tests read them directly.
 */
import { Holder, NamespaceRecord, NsType, ProcessRecord } from '../../core/model/snapshot';
import { plural } from '../../core/text/plural';
import { markdownCode, markdownText } from '../shared/markdown';
import { containerRow, hostSharedRow, namespaceContainerLines, othersRow, sharingWords } from './containerPresentation';
import { FindingNode, HolderNode, NamespaceNode, Node, ProcessNode, RowText, TreeModel } from './treeModel';
import type { Finding } from '../../core/findings/types';
import { findingLines, findingMark, fixOf, revealsOf } from '../findings/findingText';

export type { RowText };

/** contextValues, matched by the menus in package.json with `viewItem =~ /^nsx:ns/`. */
export const CONTEXT = {
  group: 'nsx:group',
  namespace: (type: NsType) => `nsx:ns:${type}`,
  ghost: (type: NsType) => `nsx:ghost:${type}`,
  members: 'nsx:members',
  process: 'nsx:process',
  holder: (kind: Holder['kind']) => `nsx:holder:${kind}`,
  info: 'nsx:info',
  detail: 'nsx:detail',
  findings: 'nsx:findings',
  /** `nsx:finding:warning:copy:run:reveal`: its severity, then which of its actions it has. */
  finding: (f: Finding) => {
    const fix = fixOf(f);
    const flags = [fix && 'copy', fix?.inNamespace && 'run', revealsOf(f).length > 0 && 'reveal'];
    return ['nsx:finding', f.severity, ...flags.filter(Boolean)].join(':');
  },
} as const;

/** Codicon per namespace type. */
export const TYPE_ICON: Readonly<Record<NsType, string>> = {
  cgroup: 'layers',
  ipc: 'comment-discussion',
  mnt: 'file-submodule',
  net: 'globe',
  pid: 'pulse',
  time: 'watch',
  user: 'account',
  uts: 'symbol-string',
};

/**
 * How a row looks, given the namespaces the editor itself is in and those made for its
 * terminals (inode → terminal name).
 */
export function rowText(
  node: Node,
  model: TreeModel,
  mine: ReadonlySet<number>,
  terminals: ReadonlyMap<number, string> = new Map(),
  /** A few words on what is inside a namespace (detailRows.ts), when read. */
  inside: (ns: NamespaceRecord) => string | undefined = () => undefined,
): RowText {
  switch (node.kind) {
    case 'group': {
      const label = `${node.type} (${node.count})`;
      return {
        label,
        description: '',
        ariaLabel: `${node.type} namespaces, ${node.count}`,
        icon: TYPE_ICON[node.type],
        contextValue: CONTEXT.group,
      };
    }
    case 'namespace':
      return namespaceRow(node, mine, terminals.get(node.ns.ns), inside(node.ns), model.depth(node.ns), model);
    case 'members': {
      const label = `Processes (${node.count})`;
      return {
        label,
        description: '',
        ariaLabel: `member processes of ${namespaceName(node.ns)}, ${node.count}`,
        icon: 'server-process',
        contextValue: CONTEXT.members,
      };
    }
    case 'process':
      return processRow(node);
    case 'holder':
      return holderRow(node, model);
    case 'detail':
      return {
        label: node.row.label,
        description: node.row.description,
        ariaLabel: node.row.ariaLabel,
        icon: node.row.icon,
        contextValue: CONTEXT.detail,
      };
    case 'info':
      return {
        label: node.message,
        description: node.detail,
        ariaLabel: node.sentence,
        icon: node.action ? 'eye' : 'warning',
        contextValue: CONTEXT.info,
      };
    case 'container':
      return containerRow(node);
    case 'hostShared':
      return hostSharedRow(node);
    case 'others':
      return othersRow(node);
    case 'findings':
      return {
        label: 'Findings',
        description: String(node.count),
        ariaLabel: `Findings, ${node.count}`,
        icon: 'lightbulb',
        contextValue: CONTEXT.findings,
      };
    case 'finding':
      return findingRow(node, model);
  }
}

function findingRow(node: FindingNode, model: TreeModel): RowText {
  const f = node.finding;
  const ns = model.namespace(f.ns);
  const name = ns ? namespaceName(ns) : `${f.type} ${f.ns}`;
  return {
    label: f.text,
    description: '',
    ariaLabel: `${f.severity}: ${f.text} (${name})`,
    icon: f.severity === 'warning' ? 'warning' : 'info',
    contextValue: CONTEXT.finding(f),
    tone: f.severity,
  };
}

export function namespaceName(ns: Pick<NamespaceRecord, 'type' | 'ns'>): string {
  return `${ns.type} ${ns.ns}`;
}

function namespaceRow(
  node: NamespaceNode,
  mine: ReadonlySet<number>,
  terminal: string | undefined,
  inside: string | undefined,
  depth: number | undefined,
  model: TreeModel,
): RowText {
  const ns = node.ns;
  const findings = model.findingsOf(ns.ns);
  // Under a container's row the container names it already: the row says how it has it.
  const label = ns.label && ns.label !== String(ns.ns) && !node.sharing ? ns.label : namespaceName(ns);
  // A terminal's mark first, so that a narrow sidebar still shows it.
  const parts: string[] = terminal ? [`terminal: ${terminal}`] : [];
  const mark = findingMark(findings);
  if (mark) parts.push(mark);
  if (node.sharing) parts.push(sharingWords(node.sharing));
  if (label !== namespaceName(ns)) parts.push(namespaceName(ns));
  // Nested PID and user namespaces of one program look alike but for how deep they are.
  if (depth) parts.push(`depth ${depth}`);
  if (inside) parts.push(inside);
  if (ns.ghost) parts.push('ghost');
  else parts.push(ns.nprocs ? plural(ns.nprocs, 'process', 'processes') : 'no process');
  if (ns.user) parts.push(ns.user);
  if (mine.has(ns.ns)) parts.push('yours');
  const kinds = new Set(ns.holders.map((h) => h.kind));
  if (kinds.has('bindmount')) parts.push('bind mount');
  if (kinds.has('fd')) parts.push('held by fd');
  if (kinds.has('task')) parts.push('thread');
  const description = parts.join(' · ');
  return {
    label,
    description,
    ariaLabel: `${ns.type} namespace ${ns.ns}, ${label}, ${description}`,
    icon: terminal ? 'terminal' : TYPE_ICON[ns.type],
    contextValue: ns.ghost ? CONTEXT.ghost(ns.type) : CONTEXT.namespace(ns.type),
    ...(findings.length ? { tone: findings.some((f) => f.severity === 'warning') ? 'warning' : 'info' } : {}),
  };
}

/** `6025 → 146 → 1`: the PID in each PID namespace, outermost first. */
export function pidChain(p: ProcessRecord): string {
  return p.nspid.join(' → ');
}

function processRow(node: ProcessNode): RowText {
  const p = node.process;
  const label = p.name || p.command.split(' ')[0] || String(p.pid);
  const chain = pidChain(p);
  return {
    label,
    description: p.user ? `${chain} · ${p.user}` : chain,
    ariaLabel: `process ${p.pid} ${p.command}, PID chain ${chain}`,
    icon: 'terminal',
    contextValue: CONTEXT.process,
  };
}

function holderRow(node: HolderNode, model: TreeModel): RowText {
  const { label, description, icon } = holderWords(node.holder, model);
  return {
    label,
    description,
    ariaLabel: `held by ${label}, ${description}`,
    icon,
    contextValue: CONTEXT.holder(node.holder.kind),
  };
}

/** How a holder is named: as a row (label, description) and as one sentence (tooltip). */
function holderWords(
  h: Holder,
  model: TreeModel,
): { label: string; description: string; icon: string; sentence: string } {
  const owner = model.process(h.pid);
  const who = owner ? `${owner.name || owner.command} (${h.pid})` : `PID ${h.pid}`;
  switch (h.kind) {
    case 'bindmount': {
      const mnt = model.namespace(h.mntns)?.label;
      const seen = `seen in mnt ${h.mntns}${mnt ? ` (${mnt})` : ''}`;
      return {
        label: h.path,
        description: `bind mount, ${seen}`,
        icon: 'pin',
        sentence: `bind mount ${h.path}, ${seen}`,
      };
    }
    case 'fd': {
      const label = `fd ${h.fd} of ${who}`;
      return { label, description: h.path, icon: 'link', sentence: label };
    }
    case 'task': {
      const label = `thread ${h.tid} of ${who}`;
      return { label, description: 'thread in its own namespace', icon: 'debug-stackframe', sentence: label };
    }
    case 'process': {
      const label = `children of ${who}`;
      return {
        label,
        description: h.path ?? '',
        icon: 'type-hierarchy-sub',
        sentence: `${label}, through ${h.path ?? 'its own link'}`,
      };
    }
  }
}

/** The tooltip of a namespace row, as Markdown: holders, owner, parent, senior process. */
export function namespaceTooltip(ns: NamespaceRecord, model: TreeModel): string {
  const label = ns.label ? ` — ${markdownText(ns.label)}` : '';
  const ghost = ns.ghost ? ' _(ghost: known only as a parent or owner)_' : '';
  const lines = [
    ...findingLines(model.findingsOf(ns.ns)),
    `**${namespaceName(ns)}**${label}${ghost}`,
    '',
    ...namespaceContainerLines(ns.container, ns.unnamed),
  ];
  const related = (ino: number | null, what: string) => {
    if (ino === null) return;
    const other = model.namespace(ino);
    lines.push(
      `- ${what}: ${other ? namespaceName(other) : ino}${other?.label ? ` (${markdownText(other.label)})` : ''}`,
    );
  };
  related(ns.ons, 'Owner');
  related(ns.pns, 'Parent');
  if (ns.ownerUid !== undefined) lines.push(`- Created by UID ${ns.ownerUid}`);
  if (ns.pid !== null) {
    const user = ns.user ? ` (${markdownText(ns.user)})` : '';
    lines.push(`- ${plural(ns.nprocs, 'process', 'processes')}; senior: PID ${ns.pid}${user}`);
    if (ns.command) lines.push('', markdownCode(ns.command.length > 300 ? ns.command.slice(0, 300) + '…' : ns.command));
  }
  const held = ns.holders.filter((h) => h.kind !== 'process' || h.path);
  if (held.length) {
    lines.push('', 'Held by:');
    for (const h of held.slice(0, 20)) lines.push(`- ${markdownText(holderWords(h, model).sentence)}`);
    if (held.length > 20) lines.push(`- … and ${held.length - 20} more`);
  }
  return lines.join('\n');
}
