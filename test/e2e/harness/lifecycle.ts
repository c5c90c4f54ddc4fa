/**
 * The lifecycle of a workbench: the packaged extension and the companion installed in a
 * real VS Code (code-server, see scripts/code-server.mjs), started in its own process group
 * with its own temp folder, opened in Debian's Chromium, reloaded, closed.
 *
 * close() removes all of it, and an exit hook does the same when a test dies before
 * close() runs; close() also fails the test when a tree view of the extension lost track of
 * its rows (a TreeError in the browser's console). Every wait is bounded (TIMEOUT); step()
 * turns a failure into one message with a screenshot, the extension's log, the browser's
 * and the extension host's errors and code-server's output (reports.ts).
 */
import { spawnSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ApiStateReader, STATE_FILE_VARIABLE, type ApiState } from './apiState';
import { codeServerScript, type CodeServer } from './codeServer';
import { ARTIFACTS, companionVsix } from './packaging';
import { failureReport } from './reports';
import { runCommand } from './pages/quickInput';
import { WORKBENCH } from './selectors';
import { firstLines, TIMEOUT } from './wait';

export const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface WorkbenchOptions {
  /** A .vsix installed with `--install-extension` before the server starts (with the companion, always). */
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
  /** The extension's state as its API reports it (harness/apiState.ts). */
  state: ApiStateReader;
  /** state.waitForState: polls it until PREDICATE holds; a timeout names WHAT and the last state. */
  waitForState(predicate: (s: ApiState) => boolean, what: string, timeout?: number): Promise<ApiState>;
  /** Reloads the window through "Developer: Reload Window" and waits until the workbench is drawn again. */
  reload(): Promise<void>;
  close(): Promise<void>;
}

const slug = (s: string): string =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);

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
  const state = new ApiStateReader(path.join(root, 'state', 'api.json'));
  const removeRoot = (): void => rmSync(root, { recursive: true, force: true });
  pendingCleanups.add(removeRoot);
  const dirs = {
    extensions: path.join(root, 'extensions'),
    userData: path.join(root, 'user-data'),
    home: path.join(root, 'home'),
    run: path.join(root, 'run'),
    state: path.join(root, 'state'),
    folder: opts.folder ?? path.join(root, 'workspace'),
    browser: path.join(root, 'chromium-profile'),
    browserTmp: path.join(root, 'chromium-tmp'),
  };
  for (const d of [dirs.extensions, dirs.userData, dirs.home, dirs.run, dirs.state, dirs.browser, dirs.browserTmp])
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
      const report = failureReport({
        what,
        error: err,
        screenshot: shot,
        lastScreenshot,
        userDataDir: dirs.userData,
        consoleErrors,
        serverOutput: server?.output(),
      });
      throw new Error(report, { cause: err });
    }
  };

  try {
    let installDir: string | undefined;
    let uid: number | undefined;
    let gid: number | undefined;
    // No extension gallery: nothing is fetched from the internet, and nothing waits for it.
    const env: Record<string, string> = { EXTENSIONS_GALLERY: '{}', [STATE_FILE_VARIABLE]: state.file };
    if (opts.asUser) {
      if (process.getuid?.() !== 0)
        throw new Error(`asUser ${opts.asUser}: the test must run as root to start code-server as another user`);
      uid = idOf(opts.asUser, '-u');
      gid = idOf(opts.asUser, '-g');
      for (const d of [root, dirs.home, dirs.run, dirs.state, ...(opts.folder ? [] : [dirs.folder])])
        chownSync(d, uid, gid);
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
    // The companion reports the API's state: it needs the extension, from the .vsix or the development path.
    const vsixes = [...(opts.vsix ? [opts.vsix] : []), companionVsix()];
    await step(`install ${vsixes.map((v) => path.basename(v)).join(' and ')}`, async () =>
      cs.installVsix(vsixes, {
        extensionsDir: dirs.extensions,
        userDataDir: dirs.userData,
        env,
        ...(installDir ? { installDir } : {}),
      }),
    );
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
          // No D-Bus: a system bus that other tests start and stop meanwhile (the polkit
          // harness) made Chromium abort when the bus went away during its launch.
          DBUS_SYSTEM_BUS_ADDRESS: `unix:path=${path.join(dirs.browserTmp, 'no-system-bus')}`,
          DBUS_SESSION_BUS_ADDRESS: `unix:path=${path.join(dirs.browserTmp, 'no-session-bus')}`,
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
      await workbenchLoaded(p);
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
      state,
      waitForState: (predicate, what, timeout) => state.waitForState(predicate, what, timeout),
      reload: async () => {
        // The state of the window before is not the new one's: its companion starts again at seq 1.
        rmSync(state.file, { force: true });
        // The command, not a reload of the page: the workbench saves its open editors (the
        // panels to restore among them) before it reloads.
        const loaded = p.waitForEvent('load', { timeout: TIMEOUT });
        await runCommand(p, 'Developer: Reload Window');
        await loaded;
        await workbenchLoaded(p);
      },
      close,
    };
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
}

/** The workbench has drawn itself and its activity bar. */
async function workbenchLoaded(page: Page): Promise<void> {
  await page.locator(WORKBENCH.root).waitFor({ timeout: TIMEOUT });
  await page.locator(WORKBENCH.activityBarEntries).first().waitFor({ timeout: TIMEOUT });
}
