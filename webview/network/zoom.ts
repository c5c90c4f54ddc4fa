/**
 * Zoom and pan of the drawing, by its viewBox: the wheel zooms around the pointer, a drag
 * on the background pans, the toolbar zooms in, out and fits the whole map.
 */
import { save, state } from './state';

type Box = [number, number, number, number];

let dragged = false;

export function drawing(): SVGSVGElement | null {
  return document.querySelector<SVGSVGElement>('#canvas svg.netmap');
}

/** The map's own size, as the host drew it. */
function full(svg: SVGSVGElement): Box {
  return [0, 0, Number(svg.dataset.width), Number(svg.dataset.height)];
}

export function setBox(box: Box | null): void {
  const svg = drawing();
  if (!svg) return;
  state.viewBox = box;
  svg.setAttribute('viewBox', (box ?? full(svg)).join(' '));
  save();
}

/** The box now shown, in drawing units. */
function shown(svg: SVGSVGElement): Box {
  return (state.viewBox ?? full(svg)) as Box;
}

/** Zooms by FACTOR (>1: closer) keeping the point at (FX, FY), fractions of the view, still. */
export function zoom(factor: number, fx = 0.5, fy = 0.5): void {
  const svg = drawing();
  if (!svg) return;
  const [x, y, w, h] = shown(svg);
  const [nw, nh] = [w / factor, h / factor];
  setBox([x + (w - nw) * fx, y + (h - nh) * fy, nw, nh]);
}

/** Brings the card of NS to the middle of the view, zoomed so that it reads. */
export function centreOn(ns: number): void {
  const svg = drawing();
  const card = svg?.querySelector<SVGGElement>(`g.card[data-ns="${ns}"]`);
  if (!svg || !card) return;
  const b = card.getBBox();
  const m = card.transform.baseVal.consolidate()?.matrix;
  const [cx, cy] = [(m?.e ?? 0) + b.width / 2, (m?.f ?? 0) + b.height / 2];
  const [, , w, h] = shown(svg);
  const scale = Math.min(1, 1200 / w);
  setBox([cx - (w * scale) / 2, cy - (h * scale) / 2, w * scale, h * scale]);
}

/** A click that ended a drag is not a click on a card. */
export function wasDrag(): boolean {
  return dragged;
}

export function wireZoom(canvas: HTMLElement): void {
  canvas.addEventListener(
    'wheel',
    (event) => {
      const rect = canvas.getBoundingClientRect();
      event.preventDefault();
      zoom(
        Math.exp(-event.deltaY / 300),
        (event.clientX - rect.left) / rect.width,
        (event.clientY - rect.top) / rect.height,
      );
    },
    { passive: false },
  );
  let start: { x: number; y: number; box: Box } | null = null;
  canvas.addEventListener('pointerdown', (event) => {
    const svg = drawing();
    if (!svg || event.button !== 0) return;
    dragged = false;
    start = { x: event.clientX, y: event.clientY, box: shown(svg) };
  });
  canvas.addEventListener('pointermove', (event) => {
    if (!start) return;
    const [dx, dy] = [event.clientX - start.x, event.clientY - start.y];
    if (!dragged && Math.hypot(dx, dy) < 4) return;
    if (!dragged) canvas.setPointerCapture(event.pointerId);
    dragged = true;
    const rect = canvas.getBoundingClientRect();
    const [x, y, w, h] = start.box;
    const k = Math.max(w / rect.width, h / rect.height);
    setBox([x - dx * k, y - dy * k, w, h]);
  });
  const end = () => (start = null);
  canvas.addEventListener('pointerup', end);
  canvas.addEventListener('pointercancel', end);
}
