/**
 * The messages between the Namespace Details panel (detailsPanel.ts) and its page
 * (webview/details), typed once for both sides; names are `details/method`. The page says
 * `details/ready` each time it loads, and the host answers with the latest of each of its
 * messages. No imports: the page's bundle is built from this file too.
 */

/** A cell of a section (src/core/details/sections.ts), its text printable already. */
export interface DetailsCell {
  text: string;
  /** A namespace the cell names (a veth peer's): drawn as a link that shows it in the tree. */
  ns?: number;
  /** That namespace's name, `net 4026532181 (label)`, for the link's tooltip. */
  nsName?: string;
}

/** One aspect of the namespace: name / value pairs ('fields') or a table with a header row. */
export interface DetailsSectionView {
  id: string;
  title: string;
  kind: 'fields' | 'table';
  columns: string[];
  rows: DetailsCell[][];
  /** What an empty table means, in words. */
  empty: string;
}

export interface DetailsUnavailable {
  what: string;
  reason: string;
  needsRoot: boolean;
}

export interface DetailsHeading {
  type: string;
  /** The codicon the tree shows for the type. */
  icon: string;
  ns: number;
  /** What a person recognises it by; null when there is nothing but the inode. */
  label: string | null;
  /** `net 4026532181 (label)`. */
  name: string;
  /** The container it belongs to: `dweb · docker · image busybox:1`; null when none. */
  container: string | null;
  /** Why the container is known only by its id, when it is. */
  unnamed: string | null;
  /** Who read what is shown: root entered the namespace, a user read /proc; null before a reading. */
  readAs: 'root' | 'user' | null;
  /** How it was reached: `/proc/1234/net`, `entered through bind mount /run/netns/x`. */
  via: string | null;
}

/** What a finding's button does: copy or run its command, reveal a namespace, or dismiss it. */
export interface DetailsFindingAction {
  /** The action's index among the finding's (FindingAction[]); -1 for Dismiss. */
  index: number;
  do: 'copy' | 'run' | 'reveal' | 'dismiss';
  label: string;
}

/** A finding about the namespace shown (src/core/findings/types.ts), its text printable. */
export interface DetailsFinding {
  /** Which finding: `INODE:KIND`, as dismissed. */
  key: string;
  severity: 'warning' | 'info';
  text: string;
  /** What the kind means; `code` between backticks. */
  meaning: string;
  /** The commands it offers, shown as code. */
  commands: string[];
  actions: DetailsFindingAction[];
}

export interface DetailsView {
  heading: DetailsHeading;
  /** Shown first: what a person would miss about it, with the fix. */
  findings: DetailsFinding[];
  /**
   * `loading`: not read yet; `gone`: the last scan did not find the namespace; `failed`:
   * reading it failed and there is no earlier reading.
   */
  status: 'ok' | 'loading' | 'gone' | 'failed';
  /** What went wrong, in words; also for `ok` when reading again failed. */
  problem: string | null;
  /** The last reading; for `gone` an earlier one, shown greyed. */
  sections: DetailsSectionView[];
  unavailable: DetailsUnavailable[];
  /** Show All Namespaces (root's view, one password prompt for all) would fill in what needs root. */
  offerShowAll: boolean;
  /** When what is shown was read (ISO 8601), null before a reading. */
  readAt: string | null;
}

/** How the page sorts a table: by column COL, up or down; none keeps the host's order. */
export interface DetailsSort {
  col: number;
  dir: 'ascending' | 'descending';
}

/** Which namespace a panel shows: what a restored panel starts from until the next scan. */
export interface DetailsTarget {
  type: string;
  ns: number;
  label: string | null;
}

/**
 * What the page keeps through getState/setState (no retainContextWhenHidden), and a
 * restored panel starts from: the namespace shown, and per section its filter and sort.
 */
export interface DetailsPanelState {
  /** Null until the host has said which namespace. */
  target: DetailsTarget | null;
  filters: Record<string, string>;
  sorts: Record<string, DetailsSort>;
}

export type DetailsToWebview =
  | { type: 'details/show'; view: DetailsView }
  | { type: 'details/busy'; busy: boolean }
  /** Bring the row of SECTION whose first cell is ROW into view (an interface clicked on the network map). */
  | { type: 'details/focus'; section: string; row: string };

export type DetailsFromWebview =
  | { type: 'details/ready' }
  | { type: 'details/refresh' }
  /** Show namespace NS (a link's) in the Namespaces view. */
  | { type: 'details/reveal'; ns: number }
  | { type: 'details/showAll' }
  /** A finding's button: action INDEX of the finding KEY (-1: Dismiss). */
  | { type: 'details/finding'; key: string; index: number; do: DetailsFindingAction['do'] };

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

export function isDetailsFromWebview(msg: unknown): msg is DetailsFromWebview {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'details/ready':
    case 'details/refresh':
    case 'details/showAll':
      return true;
    case 'details/reveal':
      return isId(m.ns);
    case 'details/finding':
      return (
        typeof m.key === 'string' &&
        Number.isSafeInteger(m.index) &&
        ['copy', 'run', 'reveal', 'dismiss'].includes(m.do as string)
      );
    default:
      return false;
  }
}

/** The namespace a page saved, checked; null when it saved none or something malformed. */
export function savedDetailsTarget(state: unknown): DetailsTarget | null {
  const t = typeof state === 'object' && state !== null ? (state as { target?: unknown }).target : undefined;
  if (typeof t !== 'object' || t === null) return null;
  const { type, ns, label } = t as Record<string, unknown>;
  if (typeof type !== 'string' || !isId(ns) || (label !== null && typeof label !== 'string')) return null;
  return { type, ns, label };
}
