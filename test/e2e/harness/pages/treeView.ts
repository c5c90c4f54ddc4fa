/**
 * The sidebar and its tree views: view containers, view panes and their actions, tree rows
 * found by label (paging through the rows VS Code does not draw), expanded, their parents,
 * their tooltips. The helpers take the Page and return Locators, so tests read like what a
 * person does: open the view container, find a row, expand it.
 */
import type { Locator, Page } from 'playwright-core';
import { HOVER, TREE, VIEWS, WORKBENCH } from '../selectors';
import { changesAfter, escapeRegExp, framesDrawn, summarise, TIMEOUT, waitUntil } from '../wait';

/** The sidebar (the part that shows the view container chosen in the activity bar). */
export function sidebar(page: Page): Locator {
  return page.locator(WORKBENCH.sidebar);
}

/**
 * Shows the view container whose activity-bar entry is labelled TITLE (the label may
 * carry a keybinding: "Explorer (Ctrl+Shift+E)"). Clicks only when it is not shown
 * already: a click on the active entry would hide the sidebar. Returns when the entry
 * is active, with the time of the click (performance.now()) for measurements.
 */
export async function openViewContainer(page: Page, title: string): Promise<{ view: Locator; clickedAt: number }> {
  const entry = page.locator(WORKBENCH.activityBarEntry(title)).first();
  try {
    await entry.waitFor({ state: 'visible', timeout: TIMEOUT });
  } catch {
    const labels = await page
      .locator(WORKBENCH.activityBarEntries)
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    throw new Error(
      `no activity-bar entry "${title}" within ${TIMEOUT / 1000} s (is the extension installed and its ` +
        `viewsContainers contributed?); entries: ${summarise(labels.map(String))}`,
    );
  }
  const item = entry.locator('xpath=..');
  let clickedAt = performance.now();
  if ((await item.getAttribute('aria-selected')) !== 'true') {
    clickedAt = performance.now();
    await entry.click();
  }
  await waitUntil(
    `the activity-bar entry "${title}" is active`,
    async () => (await item.getAttribute('aria-selected')) === 'true',
  );
  return { view: sidebar(page), clickedAt };
}

/**
 * Where tree helpers look: a Page means the whole sidebar (every view in it), a Locator
 * one part of it, e.g. the pane of one view (viewPane).
 */
export type TreeScope = Page | Locator;

const isPage = (scope: TreeScope): scope is Page => typeof (scope as Page).goto === 'function';
const pageOf = (scope: TreeScope): Page => (isPage(scope) ? scope : scope.page());
const scopeOf = (scope: TreeScope): Locator => (isPage(scope) ? sidebar(scope) : scope);

/**
 * The pane of the sidebar view titled TITLE (as its header says it, e.g. "Mounts"): a
 * scope for treeRow, revealRow, drawnRows and the others when the view container holds
 * more than one view.
 */
export function viewPane(page: Page, title: string): Locator {
  const header = page.locator(VIEWS.paneTitle, { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') });
  return sidebar(page).locator(VIEWS.pane).filter({ has: header });
}

/**
 * Clicks the action labelled LABEL in the title bar of view TITLE: in the view's pane
 * header when its container holds more than one view (drawn while the pointer is over
 * the header, so this hovers it first), else in the container's own title bar.
 */
export async function clickViewAction(page: Page, title: string, label: string): Promise<void> {
  const header = viewPane(page, title).locator(VIEWS.paneHeader);
  const inPane = header.locator(VIEWS.paneAction(label));
  const inTitle = sidebar(page).locator(VIEWS.containerAction(label));
  if (await header.isVisible()) await header.hover();
  try {
    await inPane.or(inTitle).first().click({ timeout: 10_000 });
  } catch (e) {
    const offered = await header
      .locator(VIEWS.paneActions)
      .or(sidebar(page).locator(VIEWS.containerActions))
      .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    const why = (e as Error).message.split('\n')[0];
    const actions = summarise(offered.map(String));
    throw new Error(`no action "${label}" in the title bar of the view ${title}; it offers ${actions} (${why})`);
  }
}

/** The description a view's pane header shows beside the title ('' when none). */
export async function viewDescription(pane: Locator): Promise<string> {
  const d = pane.locator(VIEWS.paneDescription).first();
  if ((await d.count()) === 0) return '';
  return ((await d.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
}

/**
 * Drags the sash between the sidebar and the editor until the sidebar is about WIDTH
 * pixels wide (VS Code keeps it within its own limits): long labels and descriptions
 * are then readable in screenshots. Returns the width reached.
 */
export async function resizeSidebar(page: Page, width: number): Promise<number> {
  const box = await sidebar(page).boundingBox();
  if (!box) throw new Error('the sidebar is not shown');
  const edge = box.x + box.width;
  const sashes = await page.locator(WORKBENCH.verticalSash).evaluateAll((els) =>
    els
      .map((e, i) => ({ i, r: e.getBoundingClientRect() }))
      .filter((s) => s.r.width > 0 && s.r.height > 0)
      .map((s) => ({ i: s.i, x: s.r.x + s.r.width / 2, y: s.r.y + s.r.height / 2, h: s.r.height })),
  );
  const sash = sashes
    .filter((s) => Math.abs(s.x - edge) <= 4 && s.h > box.height / 2)
    .sort((a, b) => Math.abs(a.x - edge) - Math.abs(b.x - edge))[0];
  if (!sash) throw new Error(`no sash at the sidebar's edge (x ${Math.round(edge)})`);
  await page.mouse.move(sash.x, sash.y);
  await page.mouse.down();
  await page.mouse.move(sash.x + (width - box.width), sash.y, { steps: 8 });
  await page.mouse.up();
  let now = box.width;
  await waitUntil(
    `the sidebar is resized to about ${width} px`,
    async () =>
      Math.abs((now = (await sidebar(page).boundingBox())?.width ?? 0) - box.width) > 2 || width === box.width,
    2000,
  ).catch(() => {});
  return now;
}

/**
 * Tree rows whose visible label or accessible name (aria-label) matches, in the sidebar
 * (a Page) or in one part of it (a Locator, e.g. viewPane): a string matches any part,
 * case-insensitively; a RegExp is tested against the whole text. Without a name, all
 * rows. VS Code draws only the rows in view: see revealRow.
 */
export function treeRow(scope: TreeScope, name?: string | RegExp): Locator {
  const where = scopeOf(scope);
  // Not the copies of ancestor rows that sticky scroll pins above the tree.
  const rows = where.locator(TREE.row);
  if (name === undefined) return rows;
  return where
    .getByRole('treeitem', { name })
    .and(rows)
    .or(rows.filter({ has: pageOf(scope).locator(`${TREE.iconLabel} ${TREE.label}`, { hasText: name }) }));
}

/** The list element of the tree a row belongs to (it takes the keyboard). */
function listOf(row: Locator): Locator {
  return row.locator(
    `xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " ${TREE.listClass} ")][1]`,
  );
}

/**
 * The list element of the tree a row belongs to, found now and located by its own class
 * (VS Code gives each list a `list_id_N`): it stays found when paging un-draws the row.
 */
async function treeOf(row: Locator): Promise<Locator> {
  const id = await listOf(row).evaluate(
    (el, pattern) => [...el.classList].find((c) => new RegExp(pattern).test(c)) ?? null,
    TREE.listId.source,
  );
  return id ? row.page().locator(`.${TREE.listClass}.${id}`) : listOf(row);
}

export interface DrawnRow {
  /** aria-label */
  label: string;
  /** The visible label (without the description). */
  text: string;
  level: number;
  /** Position in the whole (flattened) tree, also for rows not drawn. */
  index: number;
  expanded: boolean | undefined;
}

/** The tree rows drawn in the sidebar (or the scope) now, in tree order. */
export async function drawnRows(page: TreeScope): Promise<DrawnRow[]> {
  const rows: DrawnRow[] = await treeRow(page).evaluateAll(
    (els, label) =>
      els
        .filter((e) => e.getClientRects().length > 0)
        .map((e) => ({
          label: e.getAttribute('aria-label') ?? '',
          text: e.querySelector(label)?.textContent ?? '',
          level: Number(e.getAttribute('aria-level')),
          index: Number(e.getAttribute('data-index')),
          expanded: e.hasAttribute('aria-expanded') ? e.getAttribute('aria-expanded') === 'true' : undefined,
        })),
    TREE.label,
  );
  return rows.sort((a, b) => a.index - b.index);
}

/**
 * Every row of the tree as it is expanded now, in tree order: pages through it from Home
 * to the end (rows outside the view are not drawn). Moves the tree's keyboard focus. Of
 * several views in the scope, the first one's tree (pass a viewPane for another).
 */
export async function allRows(scope: TreeScope): Promise<DrawnRow[]> {
  const page = pageOf(scope);
  const anchor = treeRow(scope).first();
  if ((await anchor.count()) === 0) return [];
  // Only this tree's rows: another view's tree in the same sidebar is not paged.
  const tree = await treeOf(anchor);
  scope = tree;
  await tree.focus({ timeout: 5000 });
  // PageDown first moves the focus to the last row in view, then scrolls: done when the
  // focus stays where it is.
  const focused = () => focusedIndex(tree);
  await page.keyboard.press('Home');
  await waitUntil('the focus is on the first row', async () => (await focused()) === '0', 5000).catch(() => {});
  const seen = new Map<number, DrawnRow>();
  const deadline = Date.now() + TIMEOUT;
  for (let previous: string | null = null; ;) {
    for (const r of await drawnRows(scope)) seen.set(r.index, r);
    const now = await focused();
    if (now !== null && now === previous) break;
    if (Date.now() > deadline)
      throw new Error(`paging through the tree did not reach its end within ${TIMEOUT / 1000} s`);
    previous = now;
    // At the end the focus stays: no change then. The rows scrolled to are drawn a frame later.
    await changesAfter(focused, () => page.keyboard.press('PageDown'));
    await framesDrawn(page);
  }
  return [...seen.values()].sort((a, b) => a.index - b.index);
}

/** The data-index of the row with the keyboard focus; null when none has it. */
async function focusedIndex(scope: TreeScope): Promise<string | null> {
  const focused = treeRow(scope).and(pageOf(scope).locator(TREE.focused));
  return (await focused.evaluateAll((els) => els.map((e) => e.getAttribute('data-index'))))[0] ?? null;
}

/** The tree rows drawn now, in tree order, as `text [aria-label]` (for failure messages). */
export async function visibleRows(page: TreeScope): Promise<string[]> {
  return (await drawnRows(page)).map((r) => (r.text && r.text !== r.label ? `${r.text} [${r.label}]` : r.label));
}

/**
 * Waits for a row and pages through the tree until it is drawn: rows outside the view do
 * not exist in the DOM. Sweeps down with PageDown and starts again from Home at the end
 * (the data may still be arriving). Moves the tree's keyboard focus, not its selection.
 */
export async function revealRow(scope: TreeScope, name: string | RegExp, timeout = TIMEOUT): Promise<Locator> {
  const page = pageOf(scope);
  const row = treeRow(scope, name).first();
  const deadline = Date.now() + timeout;
  let previous = '';
  while (Date.now() < deadline) {
    if (await row.isVisible()) return row;
    const anchor = treeRow(scope).first();
    if ((await anchor.count()) === 0) {
      // No tree yet: wait for its first row, or for the deadline.
      await anchor.waitFor({ state: 'attached', timeout: Math.max(deadline - Date.now(), 1) }).catch(() => {});
      continue;
    }
    const drawn = async () => (await drawnRows(scope)).map((r) => r.index).join();
    // A key moves the focus, the rows drawn or both.
    const place = async () => [await drawn(), await focusedIndex(scope)];
    await listOf(anchor).focus({ timeout: 5000 });
    await changesAfter(place, () => page.keyboard.press('PageDown'));
    const now = await drawn();
    // At the end: from the top again (the data may still be arriving).
    if (now === previous) await changesAfter(place, () => page.keyboard.press('Home'));
    previous = now;
  }
  const shown = summarise(await visibleRows(scope));
  throw new Error(`no tree row named ${String(name)} within ${timeout / 1000} s; rows in view: ${shown}`);
}

/** How long a click on a twistie may take to show as expanded before it counts as lost. */
const CLICK_TAKES = 3000;

/**
 * Expands a collapsible row (no-op when open) and waits until the tree says it is.
 * Answers the clicks it took. A click can be lost: when rows above are added or removed
 * as it lands (a finding comes or goes), the tree redraws under the pointer. It is then
 * tried again, and the caller may report that it took more than one.
 */
export async function expand(row: Locator, timeout = TIMEOUT): Promise<number> {
  const label = await row.getAttribute('aria-label');
  const deadline = Date.now() + timeout;
  for (let clicks = 0; ;) {
    const state = await row.getAttribute('aria-expanded');
    if (state === 'true') return clicks;
    if (state === null) throw new Error(`row ${label} cannot be expanded`);
    if (Date.now() > deadline) {
      const rows = (await drawnRows(row.page())).map((r) => `${r.text}${r.expanded ? ' (expanded)' : ''}`);
      throw new Error(
        `row ${label} is not expanded after ${clicks} clicks in ${timeout / 1000} s; rows drawn: ${summarise(rows)}`,
      );
    }
    await row.locator(TREE.twistie).click();
    clicks++;
    const shown = async () => (await row.getAttribute('aria-expanded')) === 'true';
    await waitUntil('the click shows', shown, Math.min(CLICK_TAKES, Math.max(deadline - Date.now(), 0))).catch(
      () => {},
    );
  }
}

/**
 * The row's parent. The tree draws only the rows in view, so this pages up from the row
 * (each page touches the previous one) until a row one level up, earlier in the tree,
 * is drawn: the first one met is the parent. Only rows of the row's own tree count
 * (another view in the sidebar has rows of its own).
 */
export async function parentOf(scope: TreeScope, row: Locator, timeout = TIMEOUT): Promise<DrawnRow> {
  const page = pageOf(scope);
  const tree = await treeOf(row);
  const index = Number(await row.getAttribute('data-index'));
  const level = Number(await row.getAttribute('aria-level'));
  if (level <= 1) throw new Error(`row ${await row.getAttribute('aria-label')} is at the top level`);
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const above = (await drawnRows(tree)).filter((r) => r.index < index && r.level === level - 1);
    if (above.length) return above[above.length - 1];
    await tree.focus({ timeout: 5000 });
    await changesAfter(
      async () => (await drawnRows(tree)).map((r) => r.index).join(),
      () => page.keyboard.press('PageUp'),
    );
  }
  throw new Error(`no parent row found for ${await row.getAttribute('aria-label')} within ${timeout / 1000} s`);
}

/**
 * Hovers TARGET until TOOLTIP shows. A refresh that redraws the row takes the hover
 * away, so the mouse moves off and back until it stays long enough.
 */
export async function hoverForTooltip(page: Page, target: Locator, tooltip: Locator, timeout = 30_000): Promise<void> {
  await waitUntil(
    'the tooltip shows',
    async () => {
      await page.mouse.move(0, 0);
      await target.hover();
      return tooltip.waitFor({ state: 'visible', timeout: 3_000 }).then(
        () => true,
        () => false,
      );
    },
    timeout,
  );
}

/**
 * Moves the pointer to an empty part of the activity bar and waits (5 s at most) until no
 * hover is shown and the page has drawn since: no tooltip or row highlight stays in a
 * screenshot (a pointer moved straight into a webview leaves them).
 */
export async function pointerAway(page: Page): Promise<void> {
  await page.mouse.move(20, page.viewportSize()!.height - 200);
  const hovers = page.locator(HOVER).filter({ visible: true });
  await waitUntil('no hover is shown', async () => (await hovers.count()) === 0, 5000).catch(() => {});
  await framesDrawn(page);
}

/**
 * Waits until the description of ROW, a namespace's row, says WORDS. Its details arrive
 * after the row is drawn and redraw it, which closes a tooltip open on it: hover after this.
 */
export async function rowDetailsDrawn(row: Locator, words: string, timeout = 20_000): Promise<void> {
  const description = row.locator(TREE.description).first();
  let now = '';
  await waitUntil(
    `the row says "${words}"`,
    async () => (now = (await description.textContent()) ?? '').includes(words),
    timeout,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; it says ${JSON.stringify(now)}`);
  });
}
