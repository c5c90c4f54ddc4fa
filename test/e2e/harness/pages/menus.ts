/** Context menus, found by their ARIA roles (menu, menuitem) rather than by class. */
import type { Locator, Page } from 'playwright-core';
import { escapeRegExp, summarise, waitUntil } from '../wait';

/**
 * Opens the context menu of a row and returns the menu. A redraw of the row (its details
 * arriving, a refresh that changes it) closes a menu opened on it: it is opened again.
 */
export async function contextMenu(row: Locator, timeout = 15_000): Promise<Locator> {
  const menu = row.page().getByRole('menu').last();
  await waitUntil(
    'the context menu shows',
    async () => {
      if (await menu.isVisible()) return true;
      await row.click({ button: 'right', timeout: 5000 });
      return menu.waitFor({ state: 'visible', timeout: 3000 }).then(
        () => true,
        () => false,
      );
    },
    timeout,
  );
  return menu;
}

/**
 * Clicks an item of the open context menu (or of an open submenu, after clicking the
 * submenu's own item). A string must be the whole item label; its keybinding may follow.
 */
export async function clickMenuItem(page: Page, label: string | RegExp): Promise<void> {
  const name = typeof label === 'string' ? new RegExp(`^${escapeRegExp(label)}(\\s|$)`) : label;
  const item = page.getByRole('menuitem', { name }).last();
  try {
    await item.waitFor({ state: 'visible', timeout: 10_000 });
  } catch {
    const items = await page.getByRole('menuitem').evaluateAll((els) => els.map((e) => e.textContent?.trim() ?? ''));
    throw new Error(`no menu item ${String(label)}; the open menu has ${summarise(items)}`);
  }
  await item.click();
  // A click that lands while the menu is still settling can be swallowed; the item is
  // highlighted by then, so Enter runs it.
  const menu = page.getByRole('menu').last();
  const closed = await menu.waitFor({ state: 'hidden', timeout: 1500 }).then(
    () => true,
    () => false,
  );
  if (!closed) {
    await item.hover();
    await page.keyboard.press('Enter');
    await menu.waitFor({ state: 'hidden', timeout: 5000 });
  }
}
