/**
 * The e2e harness: the packaged extension installed in a real VS Code (code-server, see
 * scripts/code-server.mjs) and driven through Playwright in Debian's Chromium.
 *
 * Each openWorkbench() gets its own temp folder (extensions, user data, workspace, browser
 * profile) and its own code-server process group; close() removes all of it, and an exit
 * hook does the same when a test dies before close() runs. Every wait is bounded
 * (TIMEOUT); step() turns a failure into one message with a screenshot path and the
 * tail of code-server's output.
 *
 * The helpers take the Page and return Locators, so tests read like what a person does:
 * open the view container, find a row, expand it, right-click, pick a menu item.
 */
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = path.join(REPO, 'artifacts', 'e2e');
/** Upper bound of every single wait: generous for a loaded CI machine, still finite. */
export const TIMEOUT = 60_000;
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** The shape of scripts/code-server.mjs (plain JS without declarations). */
interface CodeServer {
  url: string;
  port: number;
  pid: number;
  output(): string;
  exited: Promise<void>;
  stop(): Promise<void>;
}
interface CodeServerScript {
  ensureCodeServer(): Promise<string>;
  checkPrerequisites(opts?: { build?: boolean; browser?: boolean }): void;
  installVsix(vsix: string, opts: { extensionsDir: string; userDataDir: string; installDir?: string; env?: Record<string, string> }): string;
  installReadableBy(uid: number, gid: number, scratchDir: string, dir?: string): string;
  startCodeServer(opts: {
    folder?: string;
    extensionsDir: string;
    userDataDir: string;
    port?: number;
    settings?: Record<string, unknown>;
    env?: Record<string, string>;
    uid?: number;
    gid?: number;
    installDir?: string;
    timeoutMs?: number;
  }): Promise<CodeServer>;
  workbenchUrl(serverUrl: string, opts: { folder?: string; extensionDevelopmentPath?: string }): string;
}

async function codeServerScript(): Promise<CodeServerScript> {
  // A computed specifier keeps tsc from looking for declarations of the .mjs.
  const href = pathToFileURL(path.join(REPO, 'scripts', 'code-server.mjs')).href;
  return (await import(href)) as CodeServerScript;
}

/**
 * The .vsix under test: $NSX_VSIX, else the newest namespace-explorer-*.vsix in the repo
 * root. Throws a message that says how to make one.
 */
export function findVsix(): string {
  const fromEnv = process.env.NSX_VSIX;
  if (fromEnv) {
    const p = path.resolve(fromEnv);
    if (!existsSync(p)) throw new Error(`NSX_VSIX=${fromEnv}: no such file`);
    return p;
  }
  const found = readdirSync(REPO)
    .filter((f) => /^namespace-explorer-.*\.vsix$/.test(f))
    .map((f) => path.join(REPO, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found.length) {
    throw new Error(`no namespace-explorer-*.vsix in ${REPO}: run \`npm run package\` first (or set NSX_VSIX=path/to/extension.vsix)`);
  }
  return found[0];
}

/** Source files newer than the .vsix: the e2e tests would test an old build. */
export function staleAgainst(vsix: string): string[] {
  const built = statSync(vsix).mtimeMs;
  const newer: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (statSync(p).mtimeMs > built) newer.push(path.relative(REPO, p));
    }
  };
  for (const d of ['src', 'webview', 'media']) if (existsSync(path.join(REPO, d))) walk(path.join(REPO, d));
  if (statSync(path.join(REPO, 'package.json')).mtimeMs > built) newer.push('package.json');
  return newer;
}

export interface WorkbenchOptions {
  /** A .vsix installed with `--install-extension` before the server starts. */
  vsix?: string;
  /** Or an unpacked extension folder, loaded as in "Run Extension" (needs its build). */
  extensionDevelopmentPath?: string;
  /** User settings on top of scripts/code-server.mjs's DEFAULT_SETTINGS. */
  settings?: Record<string, unknown>;
  /** Run code-server, and so the extension host, as this user (the test must be root). */
  asUser?: string;
  /** The workspace folder; an empty temp folder when not given. */
  folder?: string;
  /** Prefix of failure screenshots. */
  name?: string;
  viewport?: { width: number; height: number };
}

export interface Workbench {
  page: Page;
  context: BrowserContext;
  /** The URL the page was opened at. */
  url: string;
  serverPid: number;
  /**
   * Saves artifacts/e2e/NAME.png and returns its path. The mouse stays where it is (a
   * hover may be the point); `parkMouse` moves it to the empty editor area first.
   */
  screenshot(name: string, opts?: { parkMouse?: boolean }): Promise<string>;
  /** Runs fn; on failure rethrows with what was being done, a screenshot and the server log. */
  step<T>(what: string, fn: () => Promise<T>): Promise<T>;
  /** The last lines code-server printed. */
  serverOutput(): string;
  close(): Promise<void>;
}

/** A list for a failure message: at most 25 entries, each at most 100 characters. */
function summarise(items: string[]): string {
  const shown = items.slice(0, 25).map((i) => (i.length > 100 ? `${i.slice(0, 99)}…` : i));
  return JSON.stringify(shown) + (items.length > 25 ? ` and ${items.length - 25} more` : '');
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 60);

function firstLines(s: string, n: number): string {
  const lines = s.split('\n');
  return lines.length > n ? [...lines.slice(0, n), `… (${lines.length - n} more lines)`].join('\n') : s;
}

function idOf(user: string, flag: '-u' | '-g'): number {
  const r = spawnSync('id', [flag, user], { encoding: 'utf8' });
  const n = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isInteger(n)) throw new Error(`asUser: no such user ${JSON.stringify(user)}`);
  return n;
}

/**
 * Temp folders of workbenches not closed yet, removed when the process exits anyway;
 * scripts/code-server.mjs kills their servers' process groups the same way. A signal
 * (Ctrl-C, the runner's SIGTERM) becomes an exit so that both run.
 */
const pendingCleanups = new Set<() => void>();
process.on('exit', () => {
  for (const c of pendingCleanups) c();
});
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
  process.once(signal, () => process.exit(code));
}

/**
 * Starts code-server with the extension and opens its workbench in Chromium. Resolves
 * once the workbench has drawn its activity bar.
 */
export async function openWorkbench(opts: WorkbenchOptions = {}): Promise<Workbench> {
  const cs = await codeServerScript();
  cs.checkPrerequisites({ build: false, browser: true });
  await cs.ensureCodeServer();

  const name = opts.name ?? 'workbench';
  const root = mkdtempSync(path.join(tmpdir(), 'nsx-e2e-'));
  const removeRoot = (): void => rmSync(root, { recursive: true, force: true });
  pendingCleanups.add(removeRoot);
  const dirs = {
    extensions: path.join(root, 'extensions'),
    userData: path.join(root, 'user-data'),
    home: path.join(root, 'home'),
    run: path.join(root, 'run'),
    folder: opts.folder ?? path.join(root, 'workspace'),
    browser: path.join(root, 'chromium-profile'),
    browserTmp: path.join(root, 'chromium-tmp'),
  };
  for (const d of [dirs.extensions, dirs.userData, dirs.home, dirs.run, dirs.browser, dirs.browserTmp]) mkdirSync(d, { recursive: true, mode: 0o700 });
  if (!opts.folder) mkdirSync(dirs.folder);

  let server: CodeServer | undefined;
  let context: BrowserContext | undefined;
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const errors: unknown[] = [];
    await context?.close().catch((e: unknown) => errors.push(e));
    await server?.stop().catch((e: unknown) => errors.push(e));
    removeRoot();
    pendingCleanups.delete(removeRoot);
    if (errors.length) throw new AggregateError(errors, 'closing the workbench failed');
  };

  let lastScreenshot: string | undefined;
  let page: Page | undefined;
  const screenshot = async (shot: string, { parkMouse = false } = {}): Promise<string> => {
    if (!page) throw new Error('no page to take a screenshot of');
    mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, `${shot.replace(/\.png$/, '')}.png`);
    if (parkMouse) await page.mouse.move(page.viewportSize()!.width / 2, page.viewportSize()!.height / 2);
    await page.screenshot({ path: file, timeout: 10_000 });
    lastScreenshot = file;
    return file;
  };
  const step = async <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (e) {
      const err = e as Error;
      let shot = '(no screenshot: no page yet)';
      if (page && !page.isClosed()) {
        shot = await screenshot(`failure-${name}-${slug(what)}`).catch((se: Error) => `(screenshot failed: ${se.message})`);
      }
      // Prefixed: reporters take lines starting with "at " for the stack.
      const log = server ? server.output().split('\n').slice(-15).map((l) => `  | ${l}`).join('\n') : '  | (code-server not started)';
      throw new Error(
        `${what}: ${firstLines(err.message, 20)}\n` +
          `screenshot: ${shot}${lastScreenshot && lastScreenshot !== shot ? `\nlast screenshot before: ${lastScreenshot}` : ''}\n` +
          `code-server output (last lines):\n${log}`,
        { cause: err },
      );
    }
  };

  try {
    let installDir: string | undefined;
    let uid: number | undefined;
    let gid: number | undefined;
    // No extension gallery: nothing is fetched from the internet, and nothing waits for it.
    const env: Record<string, string> = { EXTENSIONS_GALLERY: '{}' };
    if (opts.asUser) {
      if (process.getuid?.() !== 0) throw new Error(`asUser ${opts.asUser}: the test must run as root to start code-server as another user`);
      uid = idOf(opts.asUser, '-u');
      gid = idOf(opts.asUser, '-g');
      for (const d of [root, dirs.home, dirs.run, ...(opts.folder ? [] : [dirs.folder])]) chownSync(d, uid, gid);
      installDir = cs.installReadableBy(uid, gid, root);
      Object.assign(env, {
        HOME: dirs.home,
        USER: opts.asUser,
        LOGNAME: opts.asUser,
        XDG_RUNTIME_DIR: dirs.run,
        XDG_CONFIG_HOME: path.join(dirs.home, '.config'),
        XDG_DATA_HOME: path.join(dirs.home, '.local', 'share'),
        XDG_CACHE_HOME: path.join(dirs.home, '.cache'),
      });
    }
    if (opts.vsix) {
      await step(`install ${path.basename(opts.vsix)}`, async () =>
        cs.installVsix(opts.vsix!, { extensionsDir: dirs.extensions, userDataDir: dirs.userData, env, ...(installDir ? { installDir } : {}) }),
      );
    }
    server = await step('start code-server', () =>
      cs.startCodeServer({
        folder: dirs.folder,
        extensionsDir: dirs.extensions,
        userDataDir: dirs.userData,
        // Sticky scroll pins copies of ancestor rows over the tree, which can take clicks.
        settings: { 'workbench.tree.enableStickyScroll': false, ...opts.settings },
        env,
        timeoutMs: TIMEOUT,
        ...(uid !== undefined ? { uid, gid } : {}),
        ...(installDir ? { installDir } : {}),
      }),
    );
    const url = cs.workbenchUrl(server.url, {
      folder: dirs.folder,
      ...(opts.extensionDevelopmentPath ? { extensionDevelopmentPath: opts.extensionDevelopmentPath } : {}),
    });
    context = await step('launch Chromium', () =>
      chromium.launchPersistentContext(dirs.browser, {
        executablePath: CHROMIUM,
        args: CHROMIUM_ARGS,
        headless: true,
        viewport: opts.viewport ?? { width: 1280, height: 800 },
        timeout: TIMEOUT,
        // Crash reports (XDG_CONFIG_HOME) and the singleton socket dir (TMPDIR) stay in the
        // temp folder, also when Chromium is killed.
        env: {
          ...process.env,
          XDG_CONFIG_HOME: path.join(dirs.browser, 'config'),
          XDG_CACHE_HOME: path.join(dirs.browser, 'cache'),
          TMPDIR: dirs.browserTmp,
        },
      }),
    );
    page = context.pages()[0] ?? (await context.newPage());
    page.setDefaultTimeout(TIMEOUT);
    const p = page;
    await step(`load the workbench at ${url}`, async () => {
      await p.goto(url, { timeout: TIMEOUT });
      await p.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT });
      await p.locator('.part.activitybar a[aria-label]').first().waitFor({ timeout: TIMEOUT });
    });
    return { page: p, context, url, serverPid: server.pid, screenshot, step, serverOutput: () => server?.output() ?? '', close };
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const cssString = (s: string): string => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"');

/** Polls until check() is true; the message says what never happened. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeout = TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The sidebar (the part that shows the view container chosen in the activity bar). */
export function sidebar(page: Page): Locator {
  return page.locator('.part.sidebar');
}

/**
 * Shows the view container whose activity-bar entry is labelled TITLE (the label may
 * carry a keybinding: "Explorer (Ctrl+Shift+E)"). Clicks only when it is not shown
 * already: a click on the active entry would hide the sidebar. Returns when the entry
 * is active, with the time of the click (performance.now()) for measurements.
 */
export async function openViewContainer(page: Page, title: string): Promise<{ view: Locator; clickedAt: number }> {
  const entry = page.locator(`.part.activitybar a[aria-label^="${cssString(title)}"]`).first();
  try {
    await entry.waitFor({ state: 'visible', timeout: TIMEOUT });
  } catch {
    const labels = await page.locator('.part.activitybar a[aria-label]').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    throw new Error(`no activity-bar entry "${title}" within ${TIMEOUT / 1000} s (is the extension installed and its viewsContainers contributed?); entries: ${summarise(labels.map(String))}`);
  }
  const item = entry.locator('xpath=..');
  let clickedAt = performance.now();
  if ((await item.getAttribute('aria-selected')) !== 'true') {
    clickedAt = performance.now();
    await entry.click();
  }
  await waitUntil(`the activity-bar entry "${title}" is active`, async () => (await item.getAttribute('aria-selected')) === 'true');
  return { view: sidebar(page), clickedAt };
}

/**
 * Tree rows of the sidebar whose visible label or accessible name (aria-label) matches:
 * a string matches any part, case-insensitively; a RegExp is tested against the whole
 * text. Without a name, all rows. VS Code draws only the rows in view: see revealRow.
 */
export function treeRow(page: Page, name?: string | RegExp): Locator {
  // Not the copies of ancestor rows that sticky scroll pins above the tree.
  const rows = sidebar(page).locator('.monaco-list-rows > .monaco-list-row[role="treeitem"]');
  if (name === undefined) return rows;
  return sidebar(page)
    .getByRole('treeitem', { name })
    .and(rows)
    .or(rows.filter({ has: page.locator('.monaco-icon-label .label-name', { hasText: name }) }));
}

/** The list element of the tree a row belongs to (it takes the keyboard). */
function listOf(row: Locator): Locator {
  return row.locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " monaco-list ")][1]');
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

/** The tree rows drawn in the sidebar now, in tree order. */
export async function drawnRows(page: Page): Promise<DrawnRow[]> {
  const rows: DrawnRow[] = await treeRow(page).evaluateAll((els) =>
    els
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => ({
        label: e.getAttribute('aria-label') ?? '',
        text: e.querySelector('.label-name')?.textContent ?? '',
        level: Number(e.getAttribute('aria-level')),
        index: Number(e.getAttribute('data-index')),
        expanded: e.hasAttribute('aria-expanded') ? e.getAttribute('aria-expanded') === 'true' : undefined,
      })),
  );
  return rows.sort((a, b) => a.index - b.index);
}

/** The tree rows drawn now, in tree order, as `text [aria-label]` (for failure messages). */
export async function visibleRows(page: Page): Promise<string[]> {
  return (await drawnRows(page)).map((r) => (r.text && r.text !== r.label ? `${r.text} [${r.label}]` : r.label));
}

/**
 * Waits for a row and pages through the tree until it is drawn: rows outside the view do
 * not exist in the DOM. Sweeps down with PageDown and starts again from Home at the end
 * (the data may still be arriving). Moves the tree's keyboard focus, not its selection.
 */
export async function revealRow(page: Page, name: string | RegExp, timeout = TIMEOUT): Promise<Locator> {
  const row = treeRow(page, name).first();
  const deadline = Date.now() + timeout;
  let previous = '';
  while (Date.now() < deadline) {
    if (await row.isVisible()) return row;
    const anchor = treeRow(page).first();
    if ((await anchor.count()) === 0) {
      await page.waitForTimeout(200);
      continue;
    }
    await listOf(anchor).focus({ timeout: 5000 });
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(50);
    const now = (await drawnRows(page)).map((r) => r.index).join();
    if (now === previous) {
      await page.keyboard.press('Home');
      await page.waitForTimeout(300);
    }
    previous = now;
  }
  throw new Error(`no tree row named ${String(name)} within ${timeout / 1000} s; rows in view: ${summarise(await visibleRows(page))}`);
}

/** Expands a collapsible row (no-op when open) and waits until the tree says it is. */
export async function expand(row: Locator): Promise<void> {
  const state = await row.getAttribute('aria-expanded');
  if (state === null) throw new Error(`row ${await row.getAttribute('aria-label')} cannot be expanded`);
  if (state === 'false') await row.locator('.monaco-tl-twistie').click();
  await waitUntil(`row ${await row.getAttribute('aria-label')} is expanded`, async () => (await row.getAttribute('aria-expanded')) === 'true');
}

/**
 * The row's parent. The tree draws only the rows in view, so this pages up from the row
 * (each page touches the previous one) until a row one level up, earlier in the tree,
 * is drawn: the first one met is the parent.
 */
export async function parentOf(page: Page, row: Locator, timeout = TIMEOUT): Promise<DrawnRow> {
  const index = Number(await row.getAttribute('data-index'));
  const level = Number(await row.getAttribute('aria-level'));
  if (level <= 1) throw new Error(`row ${await row.getAttribute('aria-label')} is at the top level`);
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    const above = (await drawnRows(page)).filter((r) => r.index < index && r.level === level - 1);
    if (above.length) return above[above.length - 1];
    await listOf(treeRow(page).first()).focus({ timeout: 5000 });
    await page.keyboard.press('PageUp');
    await page.waitForTimeout(50);
  }
  throw new Error(`no parent row found for ${await row.getAttribute('aria-label')} within ${timeout / 1000} s`);
}

/** Opens the context menu of a row and returns the menu. */
export async function contextMenu(row: Locator): Promise<Locator> {
  await row.click({ button: 'right' });
  const menu = row.page().getByRole('menu').last();
  await menu.waitFor({ state: 'visible', timeout: 10_000 });
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

/**
 * Runs a command from the command palette (F1) by its title, with or without its
 * category ("Refresh" or "Namespace Explorer: Refresh"); the whole title must match.
 * Returns once the palette has closed or shows the command's own input.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  if (await widget.isVisible()) await page.keyboard.press('Escape');
  await page.keyboard.press('F1');
  const input = widget.locator('.quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  // Labels are "Category: Title", followed by ", keybinding" or ", similar commands".
  const options = widget.getByRole('option', { name: new RegExp(`^(?:[^:]+: )?${escapeRegExp(title)}(?:,|$)`) });
  const offered = async (): Promise<string> => summarise((await widget.getByRole('option').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).map(String));
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
