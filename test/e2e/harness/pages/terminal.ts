/**
 * The terminal panel: open a terminal, type into it, read what it shows (xterm.js draws its
 * rows into the DOM with GPU acceleration off) and the titles of its tabs.
 */
import type { Locator, Page } from 'playwright-core';
import { TERMINAL, WORKBENCH } from '../selectors';
import { lastLines, TIMEOUT, waitUntil } from '../wait';
import { runCommand } from './quickInput';

/**
 * The visible terminal: the panel draws one `.terminal-wrapper.active` per terminal of the
 * shown group; of a split group, the one with the keyboard focus (xterm's `.xterm.focus`),
 * else the first.
 */
async function activeTerminal(page: Page): Promise<Locator> {
  const focused = page.locator(TERMINAL.focused);
  return (await focused.count()) ? focused.first() : page.locator(TERMINAL.active).first();
}

/**
 * Opens a new terminal ("Terminal: Create New Terminal") and waits until it is shown. The
 * palette offers that command only once the workbench knows the server can run processes,
 * a few seconds after the workbench loads: until then this keeps asking.
 */
export async function openNewTerminal(page: Page, timeout = TIMEOUT): Promise<void> {
  const wrappers = page.locator(TERMINAL.wrapper);
  const before = await wrappers.count();
  await waitUntil(
    'the command palette offers Terminal: Create New Terminal',
    () =>
      runCommand(page, 'Terminal: Create New Terminal').then(
        () => true,
        (e: Error) => {
          if (/has no command/.test(e.message)) return false;
          throw e;
        },
      ),
    timeout,
  );
  await waitUntil(
    'the new terminal is shown',
    async () =>
      (await wrappers.count()) > before && (await (await activeTerminal(page)).locator(TERMINAL.rows).isVisible()),
    10_000,
  );
}

/**
 * The text the visible terminal shows now (its viewport, not the scrollback): xterm.js
 * draws rows into the DOM when `terminal.integrated.gpuAcceleration` is off, as it is by
 * default here. Rows joined with '\n', no-break spaces as spaces, row ends and trailing
 * blank rows trimmed. '' when no terminal is shown.
 */
export async function terminalText(page: Page): Promise<string> {
  const rows = (await activeTerminal(page)).locator(TERMINAL.rows);
  if ((await rows.count()) === 0) return '';
  const lines = await rows.evaluate((el) => [...el.children].map((r) => r.textContent ?? ''));
  return lines
    .map((l) => l.replace(/\u00a0/g, ' ').trimEnd())
    .join('\n')
    .trimEnd();
}

/** Polls the visible terminal until its text matches (a string: contains); returns the text. */
export async function waitForTerminalText(page: Page, pattern: RegExp | string, timeout = TIMEOUT): Promise<string> {
  const matches = (s: string): boolean => (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s));
  let text = '';
  try {
    await waitUntil(
      `the terminal shows ${String(pattern)}`,
      async () => matches((text = await terminalText(page))),
      timeout,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}; it shows (last lines):\n${lastLines(text, 15) || '(nothing)'}`);
  }
  return text;
}

/**
 * Types a line into the visible terminal and presses Enter. VS Code relaunches a new
 * terminal's shell once the extensions that add to its environment (git) have started,
 * and what was typed into the first shell is lost; so this waits for the shell to echo
 * the text (whitespace ignored, it may wrap) and, when it does not within 5 s, clears the
 * line (Ctrl+U) and types again. `echo: false` for input a program does not echo (a
 * password). In a split group, into the terminal with the focus, else the first.
 */
export async function typeInTerminal(
  page: Page,
  text: string,
  { echo = true }: { echo?: boolean } = {},
): Promise<void> {
  const textarea = (await activeTerminal(page)).locator(TERMINAL.input);
  await textarea.waitFor({ state: 'attached', timeout: 10_000 });
  const focus = async (): Promise<void> => {
    await textarea.focus();
    await waitUntil(
      'the terminal has the keyboard focus',
      () => textarea.evaluate((el) => el === el.ownerDocument.activeElement),
      5000,
    );
  };
  if (!echo || !text.trim()) {
    await focus();
    await page.keyboard.type(text);
    await page.keyboard.press('Enter');
    return;
  }
  const squeeze = (s: string): string => s.replace(/\s+/g, '');
  const typed = squeeze(text);
  const count = async (): Promise<number> => squeeze(await terminalText(page)).split(typed).length - 1;
  const deadline = Date.now() + TIMEOUT;
  for (let attempt = 1; ; attempt++) {
    await focus();
    const before = await count();
    await page.keyboard.type(text);
    const echoed = await waitUntil(
      `the terminal echoes ${JSON.stringify(text)}`,
      async () => (await count()) > before,
      5000,
    ).then(
      () => true,
      () => false,
    );
    if (echoed) break;
    if (Date.now() > deadline) {
      const shown = lastLines(await terminalText(page), 15) || '(nothing)';
      throw new Error(
        `the terminal did not echo ${JSON.stringify(text)} in ${attempt} attempts; it shows (last lines):\n${shown}`,
      );
    }
    await page.keyboard.press('Control+U');
  }
  await page.keyboard.press('Enter');
}

/**
 * The titles of the open terminals, as the panel shows them: the tab list once there are
 * two (`terminal.integrated.tabs.hideCondition` is singleTerminal), else the one title in
 * the panel's header; without the ┌ └ that mark the terminals of a split group. [] when the
 * terminal panel is not shown.
 */
export async function terminalTabs(page: Page): Promise<string[]> {
  const panel = page.locator(WORKBENCH.panel);
  const read = async (): Promise<string[]> => {
    const entries = await panel.locator(TERMINAL.tab).evaluateAll(
      (els, [label, iconLabel]) =>
        els
          .filter((e) => e.getClientRects().length > 0)
          // A narrow tab list shows icons only: then the label's aria-label, "$(icon) title".
          .map(
            (e) =>
              e.querySelector(label!)?.textContent?.trim() ||
              (e.querySelector(iconLabel!)?.getAttribute('aria-label') ?? '').replace(/\$\([^)]*\)/g, '').trim(),
          ),
      [TERMINAL.tabLabel, TERMINAL.tabIconLabel],
    );
    // A split group's tabs start with ┌ ├ └ (box drawing).
    if (entries.length) return entries.map((t) => t.replace(/^[\u2500-\u257f\s]+/, ''));
    // Read at once, not isVisible() then textContent(): a second terminal replaces the
    // single tab by the tab list in between, and textContent() would wait for it.
    const single = await panel
      .locator(TERMINAL.singleTab)
      .evaluateAll((els) => els.filter((e) => e.getClientRects().length > 0).map((e) => (e.textContent ?? '').trim()));
    return single.slice(0, 1);
  };
  // A new tab is drawn before its title: wait (briefly) for every title.
  let titles = await read();
  await waitUntil('every terminal tab has its title', async () => !(titles = await read()).includes(''), 5000).catch(
    () => {},
  );
  return titles;
}
