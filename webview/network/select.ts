/**
 * What the user points at on the map: a card selects its namespace (and shows it in the
 * tree), Shift or Ctrl on a second card shows the path between the two, an interface opens
 * its namespace's details there; the filter dims what does not match.
 */
import { byId, fill } from '../shared/dom';
import { drawing, wasDrag } from './zoom';
import { save, state, vscode } from './state';

const cards = () => [...(drawing()?.querySelectorAll<SVGGElement>('g.card') ?? [])];
const nsOf = (el: Element) => Number((el as SVGElement).dataset.ns);

export function wireSelection(canvas: HTMLElement): void {
  canvas.addEventListener('click', (event) => {
    if (wasDrag()) return;
    const target = event.target as Element;
    const badge = target.closest<SVGGElement>('g.badge');
    const card = target.closest<SVGGElement>('g.card');
    if (!card) return;
    const ns = nsOf(card);
    if (badge && !card.classList.contains('gone')) {
      vscode.postMessage({ type: 'network/interface', ns, ifname: badge.dataset.if ?? '' });
      return;
    }
    select(ns, event.shiftKey || event.ctrlKey || event.metaKey);
  });
  canvas.addEventListener('keydown', (event) => {
    const card = (event.target as Element).closest?.<SVGGElement>('g.card');
    if (event.key === 'Escape') return clearSelection();
    if (card && (event.key === 'Enter' || event.key === ' ')) {
      event.preventDefault();
      select(nsOf(card), event.shiftKey || event.ctrlKey);
    }
  });
}

/** A card chosen: alone (shown in the tree), or as the second of two (the path between them). */
export function select(ns: number, add: boolean): void {
  const first = state.selected[0];
  if (add && first !== undefined && first !== ns) {
    state.selected = [first, ns];
    vscode.postMessage({ type: 'network/path', from: first, to: ns });
  } else {
    state.selected = [ns];
    state.path = null;
    vscode.postMessage({ type: 'network/select', ns });
  }
  save();
  showSelection();
}

export function clearSelection(): void {
  state.selected = [];
  state.path = null;
  save();
  showSelection();
}

/** Marks the selected cards and, for two, the namespaces and wires on the path between them. */
export function showSelection(): void {
  const svg = drawing();
  if (!svg) return;
  for (const card of cards()) card.classList.toggle('selected', state.selected.includes(nsOf(card)));
  const path = state.path;
  const valid = path && path.from === state.selected[0] && path.to === state.selected[1] ? path : null;
  const links = new Set(valid?.links ?? []);
  svg.classList.toggle('path-shown', Boolean(valid?.links));
  for (const card of cards()) card.classList.toggle('on-path', Boolean(valid?.namespaces.includes(nsOf(card))));
  for (const wire of svg.querySelectorAll<SVGElement>('.wire')) {
    const on = (wire.dataset.links ?? '').split(' ').some((l) => l !== '' && links.has(Number(l)));
    wire.classList.toggle('on-path', on);
  }
  fill(byId('path-info'), pathWords(valid));
}

function pathWords(path: typeof state.path): string {
  if (state.selected.length < 2)
    return state.selected.length ? 'Shift-click another card for the path between them.' : '';
  if (!path) return 'Finding the path…';
  if (!path.links) return 'No wire joins these two namespaces.';
  const title = (ns: number) =>
    drawing()?.querySelector(`g.card[data-ns="${ns}"] .card-title`)?.textContent ?? `net ${ns}`;
  return `Path: ${path.namespaces.map(title).join(' → ')} (${path.links.length} wires)`;
}

/** Dims the cards that do not match every word typed, and the wires between dimmed cards. */
export function applyFilter(): void {
  const svg = drawing();
  if (!svg) return;
  const words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const matched = new Set<number>();
  const all = cards();
  for (const card of all) {
    const text = card.dataset.search ?? '';
    const match = words.every((w) => text.includes(w));
    card.classList.toggle('dim', !match);
    if (match) matched.add(nsOf(card));
  }
  for (const wire of svg.querySelectorAll<SVGElement>('.wire')) {
    const ends = (wire.dataset.ns ?? '').split(' ').map(Number);
    wire.classList.toggle('dim', words.length > 0 && !ends.some((n) => matched.has(n)));
  }
  fill(byId('filter-count'), words.length ? `${matched.size} of ${all.length} match` : '');
}
