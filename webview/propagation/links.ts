/** Links to mounts, in the selected mount's tables, its drawing and the comparison. */
import { byId, h } from '../shared/dom';
import { pathText } from './paths';
import { vscode } from './state';

/** A link to a mount: selects it here, or opens the panel of its own namespace. */
export function mountLink(ns: number | null, mountId: number, text: string, here: boolean): HTMLElement {
  const where = here ? 'select it' : 'open its namespace';
  return h(
    'a',
    {
      href: '#',
      class: 'mount-link',
      'data-ns': ns ?? '',
      'data-mount-id': mountId,
      'aria-label': `${text}, mount ${mountId}: ${where}`,
      title: text,
    },
    pathText(text),
  );
}

/** Follows the link (or drawn box) at TARGET, if any: the host selects the mount, here or in its own panel. */
function activate(target: Element | null): boolean {
  const link = target?.closest<HTMLElement | SVGElement>('.mount-link, .node[data-mount-id]');
  if (!link) return false;
  const nsText = link.dataset.ns ?? '';
  vscode.postMessage({
    type: 'propagation/open',
    ns: nsText === '' ? null : Number(nsText),
    mountId: Number(link.dataset.mountId),
  });
  return true;
}

/** Links answer a click; the drawing's boxes a click, Enter or Space. */
export function wireMountLinks(): void {
  for (const id of ['selection', 'compare']) {
    const box = byId(id);
    box.addEventListener('click', (event) => {
      if (activate(event.target as Element)) event.preventDefault();
    });
    box.addEventListener('keydown', (event: KeyboardEvent) => {
      const target = event.target as Element;
      // Links answer Enter themselves (as a click); the drawing's boxes are not links.
      if ((event.key === 'Enter' || event.key === ' ') && target.matches('.node[data-mount-id]') && activate(target))
        event.preventDefault();
    });
  }
}
