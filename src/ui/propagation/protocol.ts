/**
 * The messages between the Mount Propagation panel (propagationPanel.ts) and its page
 * (webview/propagation), typed once for both sides; names are `propagation/method`. The
 * page says `propagation/ready` each time it loads (first open, and again after being
 * hidden: no retainContextWhenHidden), and the host answers with the latest of each of
 * its messages. No imports: the page's bundle is built from this file too.
 */

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

/** One namespace's mount table as the panel lists it, and what could not be read besides. */
export interface MountTableView {
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
  | { type: 'propagation/namespace'; view: MountTableView }
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

/** What a page saved, checked: anything missing or malformed is left out (null, ''). */
export function savedPropagationState(state: unknown): PropagationPanelState {
  const s = (typeof state === 'object' && state !== null ? state : {}) as Partial<Record<string, unknown>>;
  const id = (v: unknown) => (isId(v) ? v : null);
  return {
    ns: id(s.ns),
    mountId: id(s.mountId),
    compareNs: id(s.compareNs),
    filter: typeof s.filter === 'string' ? s.filter : '',
  };
}
