/** Text output of `nsx`: lsns-like tables, with tree prefixes for `nsx tree`. */
import { TreeNode } from '../core/model/hierarchy';
import { plural } from '../core/text/plural';
import { printable } from '../core/text/printable';
import { Holder, NamespaceRecord, NS_TYPES, ProcessRecord, Snapshot } from '../core/model/snapshot';

interface Column<T> {
  header: string;
  value: (row: T) => string;
  right?: boolean;
}

/**
 * Renders rows as aligned columns; the last column is cut to `width` when given. Cells
 * come from paths and command lines, which may hold control characters: they are shown
 * escaped, never sent to the terminal.
 */
export function table<T>(rows: readonly T[], columns: Column<T>[], width?: number): string {
  const cells = rows.map((r) => columns.map((c) => printable(c.value(r))));
  const widths = columns.map((c, i) => cells.reduce((w, row) => Math.max(w, row[i].length), c.header.length));
  const line = (values: string[]) => {
    const text = values
      .map((v, i) => {
        if (i === values.length - 1) return v;
        return columns[i].right ? v.padStart(widths[i]) : v.padEnd(widths[i]);
      })
      .join(' ');
    return (width && text.length > width ? text.slice(0, width - 1) + '…' : text).trimEnd();
  };
  return [line(columns.map((c) => c.header)), ...cells.map(line)].join('\n') + '\n';
}

/** A table cell for a value that may be missing. */
export const dash = (v: string | number | null | undefined) =>
  v === null || v === undefined || v === '' ? '-' : String(v);

/** Where a namespace is held besides its member processes: bind mounts, fds, threads. */
export function holdersText(holders: readonly Holder[]): string {
  const parts: string[] = [];
  for (const h of holders) {
    if (h.kind === 'bindmount') parts.push(h.path);
    else if (h.kind === 'fd') parts.push(`fd ${h.fd} of ${h.pid}`);
    else if (h.kind === 'task') parts.push(`thread ${h.tid}`);
    else if (h.path) parts.push(`children of ${h.pid}`);
  }
  return [...new Set(parts)].join(',');
}

function namespaceColumns(nsColumn: (n: NamespaceRecord) => string): Column<NamespaceRecord>[] {
  return [
    { header: 'NS', value: nsColumn },
    { header: 'TYPE', value: (n) => n.type },
    { header: 'NPROCS', value: (n) => String(n.nprocs), right: true },
    { header: 'PID', value: (n) => dash(n.pid), right: true },
    { header: 'USER', value: (n) => dash(n.user ?? n.uid) },
    { header: 'LABEL', value: (n) => (n.ghost ? '(ghost)' : dash(n.label)) },
    { header: 'HELD-BY', value: (n) => dash(holdersText(n.holders)) },
    { header: 'COMMAND', value: (n) => dash(n.command) },
  ];
}

export function namespaceTable(namespaces: readonly NamespaceRecord[], width?: number): string {
  return table(
    namespaces,
    namespaceColumns((n) => String(n.ns)),
    width,
  );
}

/**
 * Levels of tree lines drawn in front of a row, at most. A deeper row (a chain of thousands
 * of processes, of stacked mounts) says its depth, `[41]`, before the lines of its nearest
 * levels: drawn in full, each row would be as wide as the tree is deep.
 */
export const DRAWN_LEVELS = 40;

/** Flattens a forest into rows carrying their `├─`/`└─` prefix and their parent's item. */
export function flatten<T>(roots: TreeNode<T>[]): { item: T; prefix: string; parent: T | null }[] {
  const out: { item: T; prefix: string; parent: T | null }[] = [];
  // A loop, not a recursion: a tree may be thousands of levels deep. INDENT is the lines
  // drawn before the node's children, of DRAWN_LEVELS - 1 levels at most.
  const pending = roots.map((node) => ({ node, depth: 0, prefix: '', indent: '', parent: null as T | null })).reverse();
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { node, depth, prefix, indent } = next;
    out.push({ item: node.item, prefix, parent: next.parent });
    for (let i = node.children.length - 1; i >= 0; i--) {
      const last = i === node.children.length - 1;
      const deep = depth + 1 > DRAWN_LEVELS ? `[${depth + 1}]` : '';
      pending.push({
        node: node.children[i]!,
        depth: depth + 1,
        prefix: deep + indent + (last ? '└─' : '├─'),
        indent: (indent + (last ? '  ' : '│ ')).slice(-2 * (DRAWN_LEVELS - 1)),
        parent: node.item,
      });
    }
  }
  return out;
}

export function namespaceTree(roots: TreeNode<NamespaceRecord>[], width?: number): string {
  const rows = flatten(roots);
  const prefixes = new Map(rows.map((r) => [r.item, r.prefix]));
  return table(
    rows.map((r) => r.item),
    namespaceColumns((n) => prefixes.get(n) + String(n.ns)),
    width,
  );
}

/** The process tree; NAMESPACES lists where a process's namespaces differ from its parent's. */
export function processTree(roots: TreeNode<ProcessRecord>[], width?: number): string {
  const entered = (p: ProcessRecord, parent: ProcessRecord | null) => {
    if (p.hidden) return `(hidden: ${p.hidden})`;
    if (!parent || parent.hidden) return '';
    return NS_TYPES.filter((t) => p.ns[t] !== parent.ns[t])
      .map((t) => `${t}:${p.ns[t]}`)
      .join(' ');
  };
  return table(
    flatten(roots),
    [
      { header: 'PID', value: (r) => r.prefix + r.item.pid },
      { header: 'NSPID', value: (r) => r.item.nspid.join('→') },
      { header: 'USER', value: (r) => dash(r.item.user ?? r.item.uid) },
      { header: 'NAMESPACES', value: (r) => dash(entered(r.item, r.parent)) },
      { header: 'COMMAND', value: (r) => r.item.command },
    ],
    width,
  );
}

/**
 * Notes for stderr: what the scan could not see. Processes that exited mid-scan are only
 * counted in the JSON: they come and go on every busy machine and hide nothing.
 */
export function scanNotes(snapshot: Pick<Snapshot, 'hidden' | 'capabilities' | 'scanner'>): string[] {
  const notes: string[] = [];
  const denied = snapshot.hidden.byReason.EACCES;
  if (denied) {
    notes.push(
      snapshot.scanner.uid === 0
        ? `${plural(denied, 'process', 'processes')} could not be inspected even as root (permission denied).`
        : `${plural(denied, 'process', 'processes')} of other users could not be inspected; run as root to ` +
            `see their namespaces.`,
    );
  }
  if (!snapshot.capabilities.hierarchy) {
    notes.push(
      `parent and owner namespaces are unavailable: ${snapshot.capabilities.hierarchyError ?? 'unknown reason'}.`,
    );
  }
  return notes;
}
