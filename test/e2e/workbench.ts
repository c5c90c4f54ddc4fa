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
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { needs, type Needs } from '../integration/helpers';

export const REPO = path.resolve(__dirname, '..', '..');
export const ARTIFACTS = path.join(REPO, 'artifacts', 'e2e');
/** Upper bound of every single wait: generous for a loaded CI machine, still finite. */
export const TIMEOUT = 60_000;
export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

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
  checkPrerequisites(opts?: { browser?: boolean }): void;
  installVsix(
    vsix: string,
    opts: { extensionsDir: string; userDataDir: string; installDir?: string; env?: Record<string, string> },
  ): string;
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

const CODE_SERVER_SCRIPT = path.join(REPO, 'scripts', 'code-server.mjs');

async function codeServerScript(): Promise<CodeServerScript> {
  // A computed specifier keeps tsc from looking for declarations of the .mjs.
  return (await import(pathToFileURL(CODE_SERVER_SCRIPT).href)) as CodeServerScript;
}

let codeServerProblem: string | null | undefined;

/**
 * `skip` option of an e2e test: needs() for what the test itself does, and what code-server
 * and the browser need here (`scripts/code-server.mjs check --browser`: Node 20, Chromium,
 * ripgrep, and the build tools while code-server is not installed yet). A test must know
 * before it starts, so the script is asked once, synchronously.
 */
export function needsE2e(n: Needs = {}): string | false {
  if (codeServerProblem === undefined) {
    const r = spawnSync(process.execPath, [CODE_SERVER_SCRIPT, 'check', '--browser'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    codeServerProblem =
      r.status === 0
        ? null
        : r.stderr.trim() ||
          `${CODE_SERVER_SCRIPT} check failed (${r.error?.message ?? r.signal ?? `exit ${r.status}`})`;
  }
  const reasons = [needs(n), codeServerProblem].filter((r): r is string => typeof r === 'string');
  return reasons.length > 0 ? reasons.join('; ') : false;
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
    throw new Error(
      `no namespace-explorer-*.vsix in ${REPO}: run \`npm run package\` first (or set NSX_VSIX=path/to/extension.vsix)`,
    );
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
  /** Exceptions no script of the page caught, its webviews' included, in order: `Name: message (at URL)`. */
  pageErrors(): string[];
  close(): Promise<void>;
}

/** A list for a failure message: at most 25 entries, each at most 100 characters. */
function summarise(items: string[]): string {
  const shown = items.slice(0, 25).map((i) => (i.length > 100 ? `${i.slice(0, 99)}…` : i));
  return JSON.stringify(shown) + (items.length > 25 ? ` and ${items.length - 25} more` : '');
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

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
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
  ['SIGHUP', 129],
] as const) {
  process.once(signal, () => process.exit(code));
}

/**
 * Starts code-server with the extension and opens its workbench in Chromium. Resolves
 * once the workbench has drawn its activity bar.
 */
export async function openWorkbench(opts: WorkbenchOptions = {}): Promise<Workbench> {
  const cs = await codeServerScript();
  cs.checkPrerequisites({ browser: true });
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
  for (const d of [dirs.extensions, dirs.userData, dirs.home, dirs.run, dirs.browser, dirs.browserTmp])
    mkdirSync(d, { recursive: true, mode: 0o700 });
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
    // A view of the extension whose tree lost track of its rows draws them wrong from then on.
    const broken = consoleErrors.filter((l) => /TreeError \[namespaceExplorer\./.test(l));
    if (broken.length)
      errors.push(new Error(`a tree view of the extension failed in the workbench:\n${broken.join('\n')}`));
    if (errors.length) throw new AggregateError(errors, 'closing the workbench failed');
  };

  const pageErrors: string[] = [];
  /** What the workbench logged as errors in the browser's console: a failure report shows the last. */
  const consoleErrors: string[] = [];
  let lastScreenshot: string | undefined;
  let page: Page | undefined;
  /** How the page ended, when it did before the test closed it: what a failure report says. */
  let pageEnd: string | undefined;
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
      let shot = page ? `(no screenshot: the page ${pageEnd ?? 'was closed'})` : '(no screenshot: no page yet)';
      if (page && !page.isClosed()) {
        shot = await screenshot(`failure-${name}-${slug(what)}`).catch(
          (se: Error) => `(screenshot failed: ${se.message})`,
        );
      }
      // Prefixed: reporters take lines starting with "at " for the stack.
      const log = server
        ? server
            .output()
            .split('\n')
            .slice(-8)
            .map((l) => `  | ${l}`)
            .join('\n')
        : '  | (code-server not started)';
      // The extension's log first: a report cut short keeps its beginning.
      throw new Error(
        `${what}: ${firstLines(err.message, 20)}\n` +
          `screenshot: ${shot}${lastScreenshot && lastScreenshot !== shot ? `\nlast screenshot before: ${lastScreenshot}` : ''}\n` +
          `the extension's log (last lines):\n${extensionLog(dirs.userData)}\n` +
          `errors in the browser's console (last):\n${
            consoleErrors
              .slice(-8)
              .map((l) => `  | ${l}`)
              .join('\n') || '  | (none)'
          }\n` +
          `errors in the extension host's log (last):\n${extensionHostErrors(dirs.userData)}\n` +
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
      if (process.getuid?.() !== 0)
        throw new Error(`asUser ${opts.asUser}: the test must run as root to start code-server as another user`);
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
        cs.installVsix(opts.vsix!, {
          extensionsDir: dirs.extensions,
          userDataDir: dirs.userData,
          env,
          ...(installDir ? { installDir } : {}),
        }),
      );
    }
    server = await step('start code-server', () =>
      cs.startCodeServer({
        folder: dirs.folder,
        extensionsDir: dirs.extensions,
        userDataDir: dirs.userData,
        // Sticky scroll pins copies of ancestor rows over the tree, which can take clicks.
        // A new terminal's shell is relaunched once the extensions that add to its
        // environment (git) have started, which loses what a test typed into it.
        settings: {
          'workbench.tree.enableStickyScroll': false,
          'terminal.integrated.environmentChangesRelaunch': false,
          ...opts.settings,
        },
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
    const at = () => new Date().toISOString().slice(11, 23);
    page.on('crash', () => (pageEnd = `crashed at ${at()}`));
    page.on('pageerror', (err) =>
      pageErrors.push(
        `${err.name}: ${err.message}${err.stack ? ` (at ${/\((.*?)\)/.exec(err.stack.split('\n')[1] ?? '')?.[1] ?? err.stack.split('\n')[1]?.trim()})` : ''}`,
      ),
    );
    page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(`${at()} ${firstLines(m.text(), 3)}`)));
    page.on('close', () => (pageEnd ??= `was closed at ${at()}${closed ? '' : ', not by the test'}`));
    context.on(
      'close',
      () => (pageEnd ??= `was closed with the browser at ${at()}${closed ? '' : ', not by the test'}`),
    );
    const p = page;
    await step(`load the workbench at ${url}`, async () => {
      await p.goto(url, { timeout: TIMEOUT });
      await p.locator('.monaco-workbench').waitFor({ timeout: TIMEOUT });
      await p.locator('.part.activitybar a[aria-label]').first().waitFor({ timeout: TIMEOUT });
    });
    return {
      page: p,
      context,
      url,
      serverPid: server.pid,
      screenshot,
      step,
      serverOutput: () => server?.output() ?? '',
      pageErrors: () => [...pageErrors],
      close,
    };
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
}

/** How long since STARTED (a performance.now()), for the timings the tests print. */
export const ms = (started: number): string => `${Math.round(performance.now() - started)} ms`;

/** The accessible name of the Namespaces view's row of namespace INO: `TYPE namespace INO, …`. */
export const nsRow = (ino: number): RegExp => new RegExp(`^\\w+ namespace ${ino}\\b`);

export interface NamespacesWorkbenchOptions extends Omit<WorkbenchOptions, 'vsix'> {
  /** The view whose first row says the extension has drawn: the Namespaces view (default) or the Mounts view. */
  firstRowIn?: 'Namespaces' | 'Mounts';
  /** Runs Group by Type, so that a test finds a namespace under its type. */
  groupByType?: boolean;
  /** Widens the sidebar to about this many pixels: long rows stay readable in screenshots. */
  sidebarWidth?: number;
}

/**
 * A workbench with the packaged extension (findVsix()) and the Namespaces view container
 * shown, once the first row of FIRSTROWIN is drawn; prints how long loading and that took.
 * A step that fails after the workbench opened closes it: the caller has no handle to
 * close yet.
 */
export async function openWithNamespaces(t: TestContext, opts: NamespacesWorkbenchOptions = {}): Promise<Workbench> {
  const { firstRowIn = 'Namespaces', groupByType = false, sidebarWidth, ...options } = opts;
  const started = performance.now();
  const wb = await openWorkbench({ vsix: findVsix(), ...options });
  t.diagnostic(`workbench${opts.asUser ? ` as ${opts.asUser}` : ''} loaded in ${ms(started)}`);
  const { page } = wb;
  try {
    const { clickedAt } = await wb.step('open the Namespaces view container', () =>
      openViewContainer(page, 'Namespaces'),
    );
    await wb.step(`the ${firstRowIn} view draws its first row`, () =>
      treeRow(viewPane(page, firstRowIn)).first().waitFor({ state: 'visible' }),
    );
    t.diagnostic(`activity-bar click to the first row of the ${firstRowIn} view: ${ms(clickedAt)}`);
    if (groupByType) await wb.step('group by type', () => groupBy(page, 'type'));
    if (sidebarWidth !== undefined) {
      const width = await wb.step('widen the sidebar', () => resizeSidebar(page, sidebarWidth));
      t.diagnostic(`sidebar ${Math.round(width)} px wide`);
    }
    return wb;
  } catch (e) {
    await wb.close().catch(() => {});
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
    const labels = await page
      .locator('.part.activitybar a[aria-label]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')));
    throw new Error(
      `no activity-bar entry "${title}" within ${TIMEOUT / 1000} s (is the extension installed and its viewsContainers contributed?); entries: ${summarise(labels.map(String))}`,
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
  const header = page.locator('.pane-header h3.title', { hasText: new RegExp(`^${escapeRegExp(title)}$`, 'i') });
  return sidebar(page).locator('.pane').filter({ has: header });
}

/**
 * Clicks the action labelled LABEL in the title bar of view TITLE: in the view's pane
 * header when its container holds more than one view (drawn while the pointer is over
 * the header, so this hovers it first), else in the container's own title bar.
 */
export async function clickViewAction(page: Page, title: string, label: string): Promise<void> {
  const header = viewPane(page, title).locator('.pane-header');
  const selector = `.action-label[aria-label="${cssString(label)}"]`;
  const inPane = header.locator(`.actions ${selector}`);
  const inTitle = sidebar(page).locator(`.composite.title .title-actions ${selector}`);
  if (await header.isVisible()) await header.hover();
  try {
    await inPane.or(inTitle).first().click({ timeout: 10_000 });
  } catch (e) {
    const offered = await header
      .locator('.actions .action-label')
      .or(sidebar(page).locator('.composite.title .title-actions .action-label'))
      .evaluateAll((els) => els.map((el) => el.getAttribute('aria-label')));
    throw new Error(
      `no action "${label}" in the title bar of the view ${title}; it offers ${summarise(offered.map(String))} (${(e as Error).message.split('\n')[0]})`,
    );
  }
}

/** The description a view's pane header shows beside the title ('' when none). */
export async function viewDescription(pane: Locator): Promise<string> {
  const d = pane.locator('.pane-header .description').first();
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
  const sashes = await page.locator('.monaco-sash.vertical').evaluateAll((els) =>
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
  const rows = where.locator('.monaco-list-rows > .monaco-list-row[role="treeitem"]');
  if (name === undefined) return rows;
  return where
    .getByRole('treeitem', { name })
    .and(rows)
    .or(rows.filter({ has: pageOf(scope).locator('.monaco-icon-label .label-name', { hasText: name }) }));
}

/** The list element of the tree a row belongs to (it takes the keyboard). */
function listOf(row: Locator): Locator {
  return row.locator('xpath=ancestor::div[contains(concat(" ", normalize-space(@class), " "), " monaco-list ")][1]');
}

/**
 * The list element of the tree a row belongs to, found now and located by its own class
 * (VS Code gives each list a `list_id_N`): it stays found when paging un-draws the row.
 */
async function treeOf(row: Locator): Promise<Locator> {
  const id = await listOf(row).evaluate((el) => [...el.classList].find((c) => /^list_id_\d+$/.test(c)) ?? null);
  return id ? row.page().locator(`.monaco-list.${id}`) : listOf(row);
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
  await page.keyboard.press('Home');
  await page.waitForTimeout(50);
  const seen = new Map<number, DrawnRow>();
  // PageDown first moves the focus to the last row in view, then scrolls: done when the
  // focus stays where it is.
  const focused = () =>
    treeRow(scope)
      .and(page.locator('.focused'))
      .first()
      .getAttribute('data-index', { timeout: 1000 })
      .catch(() => null);
  const deadline = Date.now() + TIMEOUT;
  for (let previous: string | null = null; ;) {
    for (const r of await drawnRows(scope)) seen.set(r.index, r);
    const now = await focused();
    if (now !== null && now === previous) break;
    if (Date.now() > deadline)
      throw new Error(`paging through the tree did not reach its end within ${TIMEOUT / 1000} s`);
    previous = now;
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(50);
  }
  return [...seen.values()].sort((a, b) => a.index - b.index);
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
      await page.waitForTimeout(200);
      continue;
    }
    await listOf(anchor).focus({ timeout: 5000 });
    await page.keyboard.press('PageDown');
    await page.waitForTimeout(50);
    const now = (await drawnRows(scope)).map((r) => r.index).join();
    if (now === previous) {
      await page.keyboard.press('Home');
      await page.waitForTimeout(300);
    }
    previous = now;
  }
  throw new Error(
    `no tree row named ${String(name)} within ${timeout / 1000} s; rows in view: ${summarise(await visibleRows(scope))}`,
  );
}

/** Expands a collapsible row (no-op when open) and waits until the tree says it is. */
export async function expand(row: Locator): Promise<void> {
  const state = await row.getAttribute('aria-expanded');
  if (state === null) throw new Error(`row ${await row.getAttribute('aria-label')} cannot be expanded`);
  if (state === 'false') await row.locator('.monaco-tl-twistie').click();
  await waitUntil(
    `row ${await row.getAttribute('aria-label')} is expanded`,
    async () => (await row.getAttribute('aria-expanded')) === 'true',
  );
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
    await page.keyboard.press('PageUp');
    await page.waitForTimeout(50);
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
 * The document of the webview shown in the editor area (a panel an extension opened):
 * VS Code draws a webview in two nested iframes, `iframe.webview` (its host page) and in
 * it `iframe#active-frame` (the extension's HTML); of several webviews, the visible one.
 * Locators in it pierce open shadow roots, so the insides of web components are reachable.
 */
export function activeWebview(page: Page): FrameLocator {
  return page
    .locator('iframe.webview.ready')
    .filter({ visible: true })
    .first()
    .contentFrame()
    .locator('iframe#active-frame')
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
  return view
    .locator(selector)
    .evaluateAll((els) =>
      els
        .filter((e) => e.getClientRects().length > 0 && e.scrollWidth > e.clientWidth + 1)
        .map(
          (e) =>
            `${e.localName}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''} (${e.scrollWidth} > ${e.clientWidth} px): ${(e.textContent ?? '').trim().slice(0, 80)}`,
        ),
    );
}

/** Opens the context menu of a row and returns the menu. */ /** Opens the context menu of a row and returns the menu. */
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

/** How the level-1 rows of the Namespaces view look in each grouping (info rows aside). */
const GROUPED: Record<'type' | 'owner' | 'parent', (top: DrawnRow[]) => boolean> = {
  type: (top) => top.some((r) => /^[a-z]+ \(\d+\)$/.test(r.text)) && !top.some((r) => / namespace \d+/.test(r.label)),
  owner: (top) =>
    top.some((r) => /^user namespace /.test(r.label)) &&
    top.every((r) => !/^(pid namespace |[a-z]+ \(\d+\)$)/.test(r.label)),
  parent: (top) => top.some((r) => /^pid namespace /.test(r.label)),
};

/**
 * Group By GROUPING from the command palette, returning once the view draws that grouping:
 * until then the rows of the one before are still there to be found.
 */
export async function groupBy(page: Page, grouping: keyof typeof GROUPED): Promise<void> {
  await runCommand(page, `Namespace Explorer: Group by ${grouping[0]!.toUpperCase()}${grouping.slice(1)}`);
  const tree = viewPane(page, 'Namespaces');
  await waitUntil(
    `the Namespaces view grouped by ${grouping}`,
    async () => GROUPED[grouping]((await drawnRows(tree)).filter((r) => r.level === 1)),
    15_000,
  );
}

/**
 * Runs a command from the command palette (F1) by its title, with or without its
 * category ("Refresh" or "Namespace Explorer: Refresh"); the whole title must match.
 * Returns once the palette has closed or shows the command's own input.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  if (await widget.isVisible()) await page.keyboard.press('Escape');
  const input = widget.locator('.quick-input-box input');
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

/**
 * The visible terminal: the panel draws one `.terminal-wrapper.active` per terminal of the
 * shown group; of a split group, the one with the keyboard focus (xterm's `.xterm.focus`),
 * else the first.
 */
async function activeTerminal(page: Page): Promise<Locator> {
  const focused = page.locator('.terminal-wrapper.active:has(.xterm.focus)');
  return (await focused.count()) ? focused.first() : page.locator('.terminal-wrapper.active').first();
}

/**
 * Opens a new terminal ("Terminal: Create New Terminal") and waits until it is shown. The
 * palette offers that command only once the workbench knows the server can run processes,
 * a few seconds after the workbench loads: until then this keeps asking.
 */
export async function openNewTerminal(page: Page, timeout = TIMEOUT): Promise<void> {
  const wrappers = page.locator('.terminal-wrapper');
  const before = await wrappers.count();
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      await runCommand(page, 'Terminal: Create New Terminal');
      break;
    } catch (e) {
      if (!/has no command/.test((e as Error).message) || Date.now() > deadline) throw e;
      await page.waitForTimeout(500);
    }
  }
  await waitUntil(
    'the new terminal is shown',
    async () =>
      (await wrappers.count()) > before && (await (await activeTerminal(page)).locator('.xterm-rows').isVisible()),
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
  const rows = (await activeTerminal(page)).locator('.xterm-rows');
  if ((await rows.count()) === 0) return '';
  const lines = await rows.evaluate((el) => [...el.children].map((r) => r.textContent ?? ''));
  return lines
    .map((l) => l.replace(/\u00a0/g, ' ').trimEnd())
    .join('\n')
    .trimEnd();
}

const lastLines = (s: string, n: number): string => s.split('\n').slice(-n).join('\n');

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
  const textarea = (await activeTerminal(page)).locator('.xterm-helper-textarea');
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
      throw new Error(
        `the terminal did not echo ${JSON.stringify(text)} in ${attempt} attempts; it shows (last lines):\n${lastLines(await terminalText(page), 15) || '(nothing)'}`,
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
  const panel = page.locator('.part.panel');
  const read = async (): Promise<string[]> => {
    const entries = await panel.locator('.terminal-tabs-entry').evaluateAll((els) =>
      els
        .filter((e) => e.getClientRects().length > 0)
        // A narrow tab list shows icons only: then the label's aria-label, "$(icon) title".
        .map(
          (e) =>
            e.querySelector('.label-name')?.textContent?.trim() ||
            (e.querySelector('.monaco-icon-label')?.getAttribute('aria-label') ?? '')
              .replace(/\$\([^)]*\)/g, '')
              .trim(),
        ),
    );
    // A split group's tabs start with ┌ ├ └ (box drawing).
    if (entries.length) return entries.map((t) => t.replace(/^[\u2500-\u257f\s]+/, ''));
    // Read at once, not isVisible() then textContent(): a second terminal replaces the
    // single tab by the tab list in between, and textContent() would wait for it.
    const single = await panel
      .locator('.single-terminal-tab')
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

/** The quick input (command palette, quick pick, input box), once it is shown. */
export async function quickInput(page: Page, timeout = 10_000): Promise<Locator> {
  const widget = page.locator('.quick-input-widget');
  try {
    await widget.waitFor({ state: 'visible', timeout });
  } catch {
    throw new Error(`no quick input (quick pick or input box) is shown within ${timeout / 1000} s`);
  }
  return widget;
}

/** The title of the quick input; '' when it has none or is hidden. */
export async function quickInputTitle(page: Page): Promise<string> {
  const title = page.locator('.quick-input-widget .quick-input-title');
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
  return page
    .locator('.quick-input-widget .quick-input-list .monaco-list-row')
    .filter({ hasNot: page.locator('.quick-input-list-separator-as-item') });
}

/** The rows drawn now, with their place in the whole list (data-index), in list order. */
async function drawnQuickPickItems(page: Page): Promise<(QuickPickItem & { index: number })[]> {
  const rows = await quickPickRows(page).evaluateAll((els) =>
    els
      .filter((e) => e.getClientRects().length > 0)
      .map((e) => {
        // No named functions in here: tsx would wrap them in a __name() the page lacks.
        const first = e.querySelector('.quick-input-list-rows > .quick-input-list-row');
        const [label, description] = ['.label-name', '.label-description'].map((sel) =>
          (first?.querySelector(sel)?.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
        );
        return {
          index: Number(e.getAttribute('data-index')),
          label,
          description,
          checked: e.getAttribute('role') === 'checkbox' ? e.getAttribute('aria-checked') === 'true' : null,
        };
      }),
  );
  return rows.sort((a, b) => a.index - b.index);
}

/**
 * Scrolls the quick pick's list by about a page with the mouse wheel (which, unlike the
 * arrow keys, leaves the active item alone); false when it did not move (at the end, or
 * the list fits).
 */
async function scrollQuickPick(page: Page, direction: 1 | -1): Promise<boolean> {
  const list = page.locator('.quick-input-widget .quick-input-list .monaco-list').first();
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
    if (!(await scrollQuickPick(page, direction))) {
      direction = direction === 1 ? -1 : 1;
      await page.waitForTimeout(100);
    }
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
  if ((await state()) !== checked) await row.locator('.monaco-checkbox').first().click();
  await waitUntil(
    `the quick pick item ${String(label)} is ${checked ? '' : 'un'}checked`,
    async () => (await state()) === checked,
    5000,
  );
}

/** What the quick input shows, to notice that it moved on to the next step. */
async function quickInputState(page: Page): Promise<string> {
  const widget = page.locator('.quick-input-widget');
  if (!(await widget.isVisible())) return 'hidden';
  const input = widget.locator('.quick-input-box input');
  return JSON.stringify([
    await quickInputTitle(page),
    await input.getAttribute('placeholder'),
    await input.inputValue(),
    await widget
      .locator('.quick-input-message')
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
        .locator('.quick-input-widget .quick-input-message')
        .first()
        .textContent({ timeout: 1000 })
        .catch(() => null)
    )?.trim();
    throw new Error(
      `${(e as Error).message}; title ${JSON.stringify(await quickInputTitle(page))}${message ? `, message ${JSON.stringify(message)}` : ''}`,
    );
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
  const ok = widget.locator('.quick-input-action .monaco-button').filter({ hasText: /^OK$/ });
  if ((await widget.getAttribute('class'))?.split(' ').includes('show-checkboxes') && (await ok.isVisible()))
    await ok.click();
  else await widget.locator('.quick-input-box input').press('Enter');
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
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await waitUntil(
    'the command asks for input',
    async () => (await input.isVisible()) && !(await input.inputValue()).startsWith('>'),
    10_000,
  );
  await input.fill(text);
  await input.press('Enter');
  await waitUntil('the input box closes', async () => !(await input.isVisible()), 10_000);
}

/** The last lines of the Namespace Explorer output channel, which VS Code writes under the user data. */
function extensionLog(userData: string): string {
  return lastLogLines(userData, 'Namespace Explorer.log', 25, () => true) ?? '  | (no log of the extension)';
}

/** The last errors in the extension host's log: a tree view's refresh that failed is told there. */
function extensionHostErrors(userData: string): string {
  return lastLogLines(userData, 'exthost.log', 8, (l) => l.includes('[error]')) ?? '  | (none)';
}

/** The last COUNT lines that KEEP keeps, of the logs named NAME under the user data; null when there are none. */
function lastLogLines(userData: string, name: string, count: number, keep: (line: string) => boolean): string | null {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(name)) found.push(full);
    }
  };
  try {
    walk(path.join(userData, 'logs'));
  } catch {
    return '  | (no logs directory)';
  }
  const lines = found.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l && keep(l))
      .slice(-count),
  );
  return lines.length ? lines.map((l) => `  | ${firstLines(l, 3)}`).join('\n') : null;
}
