/** Webview panels in the editor area: the page of the one shown, its width, what it clips. */
import type { FrameLocator, Page } from 'playwright-core';
import { WEBVIEW } from '../selectors';
import { waitUntil } from '../wait';

/**
 * The document of the webview shown in the editor area (a panel an extension opened):
 * VS Code draws a webview in two nested iframes, `iframe.webview` (its host page) and in
 * it `iframe#active-frame` (the extension's HTML); of several webviews, the visible one.
 * Locators in it pierce open shadow roots, so the insides of web components are reachable.
 */
export function activeWebview(page: Page): FrameLocator {
  return page
    .locator(WEBVIEW.host)
    .filter({ visible: true })
    .first()
    .contentFrame()
    .locator(WEBVIEW.content)
    .contentFrame();
}

/** The width (CSS px) of the document of VIEW, a webview: what its page lays itself out in. */
export async function webviewWidth(view: FrameLocator): Promise<number> {
  return view.locator('html').evaluate((el) => el.ownerDocument.defaultView!.innerWidth);
}

/**
 * Resizes the browser window until the webview shown in the editor area is about WIDTH
 * px wide (the editor area takes what the window gains or loses); returns the width
 * reached. Close the sidebar first for widths below what it leaves the editor.
 */
export async function resizeWebview(page: Page, width: number): Promise<number> {
  const view = activeWebview(page);
  let now = await webviewWidth(view);
  for (let attempt = 0; attempt < 4 && Math.abs(now - width) > 2; attempt++) {
    const before = now;
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: size.width + (width - now), height: size.height });
    await waitUntil(
      `the webview is resized from ${before} px`,
      async () => (now = await webviewWidth(view)) !== before,
      5000,
    ).catch(() => {});
  }
  return now;
}

/**
 * The elements of VIEW matching SELECTOR that cut their content horizontally (wider
 * content than box, where they are drawn), each as `tag.class: text`; [] when none.
 */
export async function clippedIn(view: FrameLocator, selector: string): Promise<string[]> {
  return view.locator(selector).evaluateAll((els) =>
    els
      .filter((e) => e.getClientRects().length > 0 && e.scrollWidth > e.clientWidth + 1)
      .map((e) => {
        const classes = e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : '';
        const text = (e.textContent ?? '').trim().slice(0, 80);
        return `${e.localName}${classes} (${e.scrollWidth} > ${e.clientWidth} px): ${text}`;
      }),
  );
}
