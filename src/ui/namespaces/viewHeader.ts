/**
 * The words of the Namespaces view around its rows: the header, the log lines of a scan,
 * and why a PID's namespaces cannot be revealed. No vscode here: the unit tests read them.
 */
import { ProcessRecord, Snapshot } from '../../core/model/snapshot';

/** What the header says besides the title. */
export interface HeaderState {
  /** When root's view was taken, while it is shown. */
  elevatedAt?: string | undefined;
  filter: string;
  /** Why the last refresh failed, while the tree still shows the one before. */
  failure?: string | undefined;
}

/**
 * The view's description and the message above its rows. The description is not drawn
 * while the view is alone in its container (its header is the container's), so the
 * message says the same in words.
 */
export function headerText({ elevatedAt, filter, failure }: HeaderState): {
  description: string | undefined;
  message: string | undefined;
} {
  const description = [elevatedAt && `all processes (root) · ${elevatedAt}`, filter && `filter: ${filter}`]
    .filter(Boolean)
    .join(' · ');
  const message = [
    elevatedAt && `Showing all processes (root), as scanned at ${elevatedAt}; Refresh scans again.`,
    filter && `Filtered by “${filter}”.`,
    failure && `Refresh failed: ${failure}`,
  ].filter(Boolean);
  return { description: description || undefined, message: message.length ? message.join(' ') : undefined };
}

/** The log line of the user's scan, which took TOTAL_MS with the round trip to the worker. */
export function scanSummary(snapshot: Snapshot, totalMs: number): string {
  const { namespaces, processes, hidden, scanner } = snapshot;
  return (
    `${namespaces.length} namespaces, ${processes.length} processes (${hidden.total} hidden), ` +
    `scan ${scanner.durationMs} ms, total ${totalMs} ms`
  );
}

/** The log line of a scan as root. */
export function rootScanSummary(snapshot: Snapshot): string {
  const { namespaces, processes, scanner } = snapshot;
  return `root's view: ${namespaces.length} namespaces, ${processes.length} processes, scan ${scanner.durationMs} ms`;
}

/** The process whose namespaces Reveal Namespaces of a PID shows, or why there is none. */
export function pidToReveal(snapshot: Snapshot, pid: number): { process: ProcessRecord } | { problem: string } {
  const proc = snapshot.processes.find((p) => p.pid === pid);
  if (!proc) return { problem: `No process with PID ${pid} (it may have exited).` };
  if (proc.hidden) {
    return {
      problem: `PID ${pid} (${proc.name}) belongs to another user; its namespaces cannot be read without root.`,
    };
  }
  return { process: proc };
}

/** Said when revealing a PID replaces the filter BEFORE; undefined when nothing is replaced. */
export function filterReplacedNote(before: string, pid: number): string | undefined {
  return before && before !== String(pid)
    ? `Filter “${before}” replaced by “${pid}” to show the namespaces of PID ${pid}.`
    : undefined;
}
