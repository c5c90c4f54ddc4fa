/**
 * Messages between the extension host and its webview panels, typed once for both
 * sides. Names are `scope/method`. The webview says `ready` each time its page loads
 * (first open, and again after being hidden: no retainContextWhenHidden), and the host
 * answers with everything it needs. No imports: the webview bundle uses this file too.
 */

// ─── Mount Propagation panel ───────────────────────────────────────────────────────────

export type MountPropagation = 'shared' | 'private' | 'slave' | 'unbindable' | 'shared,slave';

/** Every text is printable already (control characters written as `\012`). */
export interface MountRow {
  id: number;
  parent: number;
  /** Device of the filesystem, `0:21`: two mounts of one filesystem share it. */
  majmin: string;
  target: string;
  root: string;
  source: string;
  fstype: string;
  options: string;
  propagation: MountPropagation;
  /** `shared:5 master:3`, as mountinfo writes the groups; '' when none. */
  groups: string;
  /** Why the mount cannot be reached, in words; null when it can. */
  hidden: string | null;
}

/** A row of the mounts table, which lists the mounts as a tree (as findmnt does). */
export interface MountTreeRow extends MountRow {
  /** 0 for a root mount, 1 for a mount on it, … */
  depth: number;
}

export interface NamespaceRef {
  ns: number | null;
  label: string | null;
  /** `mnt 4026531841 (label)`. */
  name: string;
}

export interface UnreadRow extends NamespaceRef {
  reason: string;
}

/** A mount somewhere, seen from the selected one: a peer, a master, a slave. */
export interface PlaceRow {
  ns: number | null;
  nsName: string;
  /** In the namespace this panel shows. */
  here: boolean;
  mountId: number;
  target: string;
  root: string;
  propagation: MountPropagation;
  groups: string;
  hidden: string | null;
}

/** Sentences with their indented sub-items, as the core's explanation writes them. */
export interface ExplanationParagraph {
  text: string;
  items: string[];
}

export interface RelationSection {
  heading: string;
  rows: PlaceRow[];
  /** Said instead of, or under, the table: "no peers in other namespaces". */
  note: string | null;
}

export interface SelectionView {
  mountId: number;
  /** Null when the mount is no longer there; `gone` says so. */
  mount: MountRow | null;
  gone: string | null;
  /** `shared (peer group 5) and a slave of peer group 3`. */
  description: string;
  peers: RelationSection;
  master: RelationSection;
  slaves: RelationSection;
  explanation: ExplanationParagraph[];
  /** SVG text made by the host (core/propagationGraph.ts); every text in it is escaped. */
  graph: { svg: string; caption: string } | null;
}

export interface NamespaceView {
  /** `missing`: the namespace is gone or could not be read; `failed`: reading failed. */
  status: 'ok' | 'missing' | 'failed';
  namespace: NamespaceRef;
  /** What went wrong, for `missing` and `failed`. */
  problem: string | null;
  /** How the table was read: `/proc/1234/mountinfo`. */
  via: string;
  /** Depth-first from the root mounts, children in mountinfo order. */
  mounts: MountTreeRow[];
  /** Lines of mountinfo that could not be parsed. */
  skipped: string[];
  unread: UnreadRow[];
  /** Readable namespaces besides this one, for "Compare with…". */
  others: number;
  /** When the tables were read, as the host's clock says (ISO 8601). */
  readAt: string;
}

export interface DiffPair {
  target: string;
  here: MountRow;
  there: MountRow;
}

export interface CompareView {
  here: NamespaceRef;
  there: NamespaceRef;
  /** The other namespace is gone since it was chosen: the rest is empty. */
  problem: string | null;
  onlyHere: MountRow[];
  onlyThere: MountRow[];
  propagationDiffers: DiffPair[];
  mountDiffers: DiffPair[];
  same: number;
}

/** What the webview keeps through getState/setState, and a restored panel starts from. */
export interface PropagationPanelState {
  ns: number | null;
  mountId: number | null;
  compareNs: number | null;
  filter: string;
}

export type PropagationToWebview =
  | { type: 'propagation/namespace'; view: NamespaceView }
  | { type: 'propagation/selection'; view: SelectionView | null }
  | { type: 'propagation/compare'; view: CompareView | null }
  | { type: 'propagation/busy'; busy: boolean };

export type PropagationFromWebview =
  | { type: 'propagation/ready' }
  | { type: 'propagation/select'; mountId: number }
  /** A mount in any namespace: selected here when it is this panel's, else shown in its own panel. */
  | { type: 'propagation/open'; ns: number | null; mountId: number }
  | { type: 'propagation/refresh' }
  | { type: 'propagation/compare' }
  | { type: 'propagation/closeCompare' };

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;

/** The host trusts nothing it did not check: a webview message is data from a page. */
export function isPropagationFromWebview(msg: unknown): msg is PropagationFromWebview {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'propagation/ready':
    case 'propagation/refresh':
    case 'propagation/compare':
    case 'propagation/closeCompare':
      return true;
    case 'propagation/select':
      return isId(m.mountId);
    case 'propagation/open':
      return isId(m.mountId) && (m.ns === null || isId(m.ns));
    default:
      return false;
  }
}

// ─── Namespace Details panel ───────────────────────────────────────────────────────────

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
  /** Who read what is shown: root entered the namespace, a user read /proc; null before a reading. */
  readAs: 'root' | 'user' | null;
  /** How it was reached: `/proc/1234/net`, `entered through bind mount /run/netns/x`. */
  via: string | null;
}

export interface DetailsView {
  heading: DetailsHeading;
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

export type DetailsToWebview = { type: 'details/show'; view: DetailsView } | { type: 'details/busy'; busy: boolean };

export type DetailsFromWebview =
  | { type: 'details/ready' }
  | { type: 'details/refresh' }
  /** Show namespace NS (a link's) in the Namespaces view. */
  | { type: 'details/reveal'; ns: number }
  | { type: 'details/showAll' };

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
    default:
      return false;
  }
}
