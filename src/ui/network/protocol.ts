/**
 * The messages between the Network Map panel (networkMapPanel.ts) and its page
 * (webview/network), typed once for both sides; names are `network/method`. The page says
 * `network/ready` each time it loads, and the host answers with the latest of each of its
 * messages. No imports: the page's bundle is built from this file too.
 */

export interface NetworkMapView {
  /** SVG text made by the host (core/network/mapSvg.ts); every text in it is escaped. */
  svg: string;
  namespaces: number;
  wires: number;
  /** What changed since the last look, in words; '' when nothing (or on the first look). */
  changes: string;
  /** What needs root was drawn as unknown: offer Show All Namespaces. */
  offerShowAll: boolean;
  /** Root's scan is shown (Show All, or an editor run as root). */
  elevated: boolean;
  /** Reading failed: the reason; the last map is kept. */
  problem: string | null;
  /** When the snapshot drawn was taken (ISO 8601). */
  readAt: string;
  /** What is still being read after this drawing (the firewalls), in words; '' when nothing. */
  firewalls: string;
}

/** The path between two selected namespaces; null links when there is none. */
export interface PathView {
  from: number;
  to: number;
  namespaces: number[];
  links: number[] | null;
}

/** What the page keeps through getState/setState, so a reload shows the same map the same way. */
export interface NetworkPanelState {
  filter: string;
  /** The selected cards (two: the path between them is shown). */
  selected: number[];
  /** The part of the drawing in view: its viewBox; null to fit the whole map. */
  viewBox: [number, number, number, number] | null;
}

export type NetworkToWebview =
  | { type: 'network/map'; view: NetworkMapView }
  | { type: 'network/busy'; busy: boolean }
  | { type: 'network/path'; path: PathView }
  /** Select NS and bring its card into view (Show Network Map on a namespace's row). */
  | { type: 'network/focus'; ns: number }
  /** Draw SVG on a canvas and answer with `network/png` and the same ID. */
  | { type: 'network/renderPng'; id: number; svg: string; width: number; height: number };

export type NetworkFromWebview =
  | { type: 'network/ready' }
  /** A card was clicked: show its namespace in the tree. */
  | { type: 'network/select'; ns: number }
  /** An interface was clicked: its namespace's details, at that interface. */
  | { type: 'network/interface'; ns: number; ifname: string }
  | { type: 'network/path'; from: number; to: number }
  | { type: 'network/refresh' }
  | { type: 'network/showAll' }
  | { type: 'network/export'; format: 'svg' | 'png' }
  /** A PNG as base64, or why it could not be made. */
  | { type: 'network/png'; id: number; data: string | null; error: string | null };

const isId = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isText = (v: unknown, max = 4096): v is string => typeof v === 'string' && v.length <= max;

/** The host trusts nothing it did not check: a webview message is data from a page. */
export function isNetworkFromWebview(msg: unknown): msg is NetworkFromWebview {
  if (typeof msg !== 'object' || msg === null) return false;
  const m = msg as Record<string, unknown>;
  switch (m.type) {
    case 'network/ready':
    case 'network/refresh':
    case 'network/showAll':
      return true;
    case 'network/select':
      return isId(m.ns);
    case 'network/interface':
      return isId(m.ns) && isText(m.ifname, 64);
    case 'network/path':
      return isId(m.from) && isId(m.to);
    case 'network/export':
      return m.format === 'svg' || m.format === 'png';
    case 'network/png':
      return (
        isId(m.id) && (m.data === null || isText(m.data, 256 * 1024 * 1024)) && (m.error === null || isText(m.error))
      );
    default:
      return false;
  }
}

/** What a page saved, checked: anything missing or malformed is left out. */
export function savedNetworkState(state: unknown): NetworkPanelState {
  const s = (typeof state === 'object' && state !== null ? state : {}) as Partial<Record<string, unknown>>;
  const box = s.viewBox;
  const viewBox =
    Array.isArray(box) && box.length === 4 && box.every((n) => Number.isFinite(n)) && box[2] > 0 && box[3] > 0
      ? (box as NetworkPanelState['viewBox'])
      : null;
  return {
    filter: typeof s.filter === 'string' ? s.filter : '',
    selected: Array.isArray(s.selected) ? s.selected.filter(isId).slice(0, 2) : [],
    viewBox,
  };
}
