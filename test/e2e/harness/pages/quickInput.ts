/**
 * The quick input: the command palette (runCommand), quick picks (single and multi-select,
 * long lists scrolled through) and input boxes.
 */
import type { Locator, Page } from 'playwright-core';
import { QUICK_INPUT, TREE } from '../selectors';
import { escapeRegExp, summarise, waitUntil } from '../wait';

/**
 * Runs a command from the command palette (F1) by its title, with or without its
 * category ("Refresh" or "Namespace Explorer: Refresh"); the whole title must match.
 * Returns once the palette has closed or shows the command's own input.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator(QUICK_INPUT.widget);
  if (await widget.isVisible()) await page.keyboard.press('Escape');
  const input = page.locator(QUICK_INPUT.input);
  // The palette closes when the focus leaves it, as a panel or view taking the focus while
  // it redraws can make it do: it is opened again then.
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('F1');
    try {
      await input.waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(`>${title}`, { timeout: 5000 });
      break;
    } catch (e) {
      if (attempt === 3) throw e;
    }
  }
  // Labels are "Category: Title", followed by ", keybinding" or ", similar commands".
  const options = widget.getByRole('option', { name: new RegExp(`^(?:[^:]+: )?${escapeRegExp(title)}(?:,|$)`) });
  const offered = async (): Promise<string> =>
    summarise(
      (await widget.getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).map(String),
    );
  try {
    await options.first().waitFor({ state: 'visible', timeout: 10_000 });
  } catch {
    const list = await offered();
    await page.keyboard.press('Escape');
    throw new Error(`the command palette has no command "${title}"; it offers ${list}`);
  }
  if ((await options.count()) > 1) {
    const list = await offered();
    await page.keyboard.press('Escape');
    throw new Error(`"${title}" names more than one command, add the category; the palette offers ${list}`);
  }
  await options.first().click();
  // The palette closes, or gives way to the command's own input (Filter…, Reveal PID…).
  await waitUntil(
    `the command palette has run "${title}"`,
    async () => !(await widget.isVisible()) || (await input.inputValue()) !== `>${title}`,
    10_000,
  );
}

/** The quick input (command palette, quick pick, input box), once it is shown. */
export async function quickInput(page: Page, timeout = 10_000): Promise<Locator> {
  const widget = page.locator(QUICK_INPUT.widget);
  try {
    await widget.waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`no quick input (quick pick or input box) is shown within ${timeout / 1000} s`);
  }
  return widget;
}

/** The title of the quick input; '' when it has none or is hidden. */
export async function quickInputTitle(page: Page): Promise<string> {
  const title = page.locator(QUICK_INPUT.title);
  if (!(await title.isVisible())) return '';
  return ((await title.textContent()) ?? '').replace(/\u00a0/g, ' ').trim();
}

export interface QuickPickItem {
  label: string;
  description: string;
  /** The row's checkbox in a canSelectMany pick; null in a single-select one. */
  checked: boolean | null;
}

/** The rows of the quick pick (not its separators). */
function quickPickRows(page: Page): Locator {
  return page.locator(QUICK_INPUT.rows).filter({ hasNot: page.locator(QUICK_INPUT.separator) });
}

/** The rows drawn now, with their place in the whole list (data-index), in list order. */
async function drawnQuickPickItems(page: Page): Promise<(QuickPickItem & { index: number })[]> {
  const rows = await quickPickRows(page).evaluateAll(
    (els, [content, labelName, labelDescription]) =>
      els
        .filter((e) => e.getClientRects().length > 0)
        .map((e) => {
          // No named functions in here: tsx would wrap them in a __name() the page lacks.
          const first = e.querySelector(content!);
          const [label, description] = [labelName!, labelDescription!].map((sel) =>
            (first?.querySelector(sel)?.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
          );
          return {
            index: Number(e.getAttribute('data-index')),
            label,
            description,
            checked: e.getAttribute('role') === 'checkbox' ? e.getAttribute('aria-checked') === 'true' : null,
          };
        }),
    [QUICK_INPUT.rowContent, TREE.label, TREE.description],
  );
  return rows.sort((a, b) => a.index - b.index);
}

/**
 * Scrolls the quick pick's list by about a page with the mouse wheel (which, unlike the
 * arrow keys, leaves the active item alone); false when it did not move (at the end, or
 * the list fits).
 */
async function scrollQuickPick(page: Page, direction: 1 | -1): Promise<boolean> {
  const list = page.locator(QUICK_INPUT.list).first();
  const box = await list.boundingBox();
  if (!box) return false;
  const before = (await drawnQuickPickItems(page)).map((r) => r.index).join();
  await page.mouse.move(box.x + box.width / 2, box.y + Math.min(box.height / 2, 40));
  await page.mouse.wheel(0, direction * Math.max(box.height - 30, 22));
  // The list redraws on the next frame.
  let moved = false;
  await waitUntil(
    'the quick pick scrolls',
    async () => (moved = (await drawnQuickPickItems(page)).map((r) => r.index).join() !== before),
    500,
  ).catch(() => {});
  return moved;
}

/**
 * The quick pick's rows, in list order: a label and description as shown (without icons)
 * and, in a multi-select (canSelectMany) pick, whether the row is checked (its rows are
 * role=checkbox with aria-checked; a single-select pick's are role=option). A long list
 * draws only the rows in view: `all` scrolls through it to collect every row (and leaves
 * it scrolled to the end).
 */
export async function quickPickItems(page: Page, { all = false }: { all?: boolean } = {}): Promise<QuickPickItem[]> {
  const strip = (rows: (QuickPickItem & { index: number })[]): QuickPickItem[] =>
    rows.map(({ label, description, checked }) => ({ label, description, checked }));
  if (!all) return strip(await drawnQuickPickItems(page));
  const seen = new Map<number, QuickPickItem & { index: number }>();
  while (await scrollQuickPick(page, -1));
  do for (const r of await drawnQuickPickItems(page)) seen.set(r.index, r);
  while (await scrollQuickPick(page, 1));
  return strip([...seen.values()].sort((a, b) => a.index - b.index));
}

/** A string matches the whole label, a RegExp any part of it. */
const labelMatcher = (label: string | RegExp): ((s: string) => boolean) =>
  typeof label === 'string' ? (s) => s === label : (s) => label.test(s);

/**
 * The row of the quick pick whose label matches, scrolled into view: waits for it while
 * the items arrive and sweeps the list down to the end and up again.
 */
async function revealQuickPickRow(page: Page, label: string | RegExp, timeout = 10_000): Promise<Locator> {
  await quickInput(page);
  const matches = labelMatcher(label);
  const deadline = Date.now() + timeout;
  let direction: 1 | -1 = 1;
  while (Date.now() < deadline) {
    const found = (await drawnQuickPickItems(page)).find((r) => matches(r.label));
    if (found) return quickPickRows(page).and(page.locator(`[data-index="${found.index}"]`));
    // scrollQuickPick has waited for the list to move: at an end, the other way.
    if (!(await scrollQuickPick(page, direction))) direction = direction === 1 ? -1 : 1;
  }
  const offered = (await quickPickItems(page, { all: true }).catch(() => [])).map(
    (i) => i.label + (i.description ? ` (${i.description})` : ''),
  );
  throw new Error(
    `the quick pick has no item ${String(label)} within ${timeout / 1000} s; it offers ${summarise(offered)}`,
  );
}

/**
 * Checks or unchecks an item of a multi-select (canSelectMany) quick pick by clicking its
 * checkbox, and waits until the row says so. (The header's "Toggle all checkboxes" is
 * `.quick-input-header .monaco-checkbox`.)
 */
export async function setQuickPickChecked(page: Page, label: string | RegExp, checked: boolean): Promise<void> {
  const row = await revealQuickPickRow(page, label);
  if ((await row.getAttribute('role')) !== 'checkbox')
    throw new Error(`the quick pick item ${String(label)} has no checkbox: the pick is not canSelectMany`);
  const state = async (): Promise<boolean> => (await row.getAttribute('aria-checked')) === 'true';
  if ((await state()) !== checked) await row.locator(QUICK_INPUT.checkbox).first().click();
  await waitUntil(
    `the quick pick item ${String(label)} is ${checked ? '' : 'un'}checked`,
    async () => (await state()) === checked,
    5000,
  );
}

/** What the quick input shows, to notice that it moved on to the next step. */
async function quickInputState(page: Page): Promise<string> {
  const widget = page.locator(QUICK_INPUT.widget);
  if (!(await widget.isVisible())) return 'hidden';
  const input = page.locator(QUICK_INPUT.input);
  return JSON.stringify([
    await quickInputTitle(page),
    await input.getAttribute('placeholder'),
    await input.inputValue(),
    await page
      .locator(QUICK_INPUT.message)
      .first()
      .textContent({ timeout: 1000 })
      .catch(() => ''),
    await quickPickRows(page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
  ]);
}

/** Waits until the quick input hides or shows something else than `before`. */
async function quickInputMovesOn(page: Page, before: string, what: string): Promise<void> {
  try {
    await waitUntil(
      `the quick input closes or moves on after ${what}`,
      async () => {
        const now = await quickInputState(page);
        return now === 'hidden' || now !== before;
      },
      10_000,
    );
  } catch (e) {
    const message = (
      await page
        .locator(QUICK_INPUT.message)
        .first()
        .textContent({ timeout: 1000 })
        .catch(() => null)
    )?.trim();
    const title = JSON.stringify(await quickInputTitle(page));
    throw new Error(`${(e as Error).message}; title ${title}${message ? `, message ${JSON.stringify(message)}` : ''}`);
  }
}

/**
 * Accepts the quick input: clicks OK in a multi-select pick, else presses Enter in its box
 * (the simple file dialog shows an OK button too; Enter there also opens a folder).
 * Returns once it has closed or moved on (another title, prompt, value, message or list:
 * the next step of a multi-step input).
 */
export async function acceptQuickInput(page: Page): Promise<void> {
  const widget = await quickInput(page);
  const before = await quickInputState(page);
  // A multi-select pick (the widget then has the class show-checkboxes) shows OK.
  const ok = widget.locator(QUICK_INPUT.okButton).filter({ hasText: /^OK$/ });
  if ((await widget.getAttribute('class'))?.split(' ').includes(QUICK_INPUT.checkboxesClass) && (await ok.isVisible()))
    await ok.click();
  else await page.locator(QUICK_INPUT.input).press('Enter');
  await quickInputMovesOn(page, before, 'accepting');
}

/**
 * Chooses an item of a single-select quick pick by clicking it (a string matches the whole
 * label, a RegExp any part); returns once the pick has closed or moved on.
 */
export async function pickQuickItem(page: Page, label: string | RegExp): Promise<void> {
  const row = await revealQuickPickRow(page, label);
  if ((await row.getAttribute('role')) === 'checkbox')
    throw new Error(
      `the quick pick is multi-select: use setQuickPickChecked and acceptQuickInput for ${String(label)}`,
    );
  const before = await quickInputState(page);
  await row.click();
  await quickInputMovesOn(page, before, `picking ${String(label)}`);
}

/** Answers the input box a command opened (once it has replaced the command palette). */
export async function answerInputBox(page: Page, text: string): Promise<void> {
  const input = page.locator(QUICK_INPUT.input);
  await waitUntil(
    'the command asks for input',
    async () => (await input.isVisible()) && !(await input.inputValue()).startsWith('>'),
    10_000,
  );
  await input.fill(text);
  await input.press('Enter');
  await waitUntil('the input box closes', async () => !(await input.isVisible()), 10_000);
}

/**
 * Answers a save dialog with PATH. code-server has no native dialogs: VS Code's simple file
 * dialog is a quick input whose box holds the path offered (TITLE is the dialog's title).
 * Returns the path that was offered, once the dialog has closed.
 */
export async function answerSaveDialog(page: Page, title: string | RegExp, path: string): Promise<string> {
  const input = page.locator(QUICK_INPUT.input);
  const matches = labelMatcher(title);
  let offered = '';
  await waitUntil(
    `a save dialog titled ${String(title)} offers a path`,
    async () =>
      (await input.isVisible()) &&
      matches(await quickInputTitle(page)) &&
      (offered = await input.inputValue()).startsWith('/'),
    15_000,
  );
  await input.fill(path);
  // The dialog completes what is typed from the folder's entries; the path typed stays.
  await waitUntil(`the save dialog holds ${path}`, async () => (await input.inputValue()) === path, 5000);
  await input.press('Enter');
  await waitUntil('the save dialog closes', async () => !(await input.isVisible()), 10_000);
  return offered;
}
