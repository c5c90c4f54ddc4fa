/**
 * Terminals from the Namespaces view in a real VS Code: Open Terminal in Namespace… on a
 * process's namespace (one type, then all of them) and on a namespace no process is in
 * (`ip netns add`), New Isolated Terminal… as root and as an ordinary user (whose new
 * user namespace needs no password), a terminal whose shell is killed or exits, Show All
 * Namespaces… through real polkit, and a stale installed polkit helper offered an update.
 * Each test checks what the shell in the terminal sees (`readlink /proc/self/ns/…`,
 * `hostname`, `id -u`) against /proc. Timings are printed, not asserted.
 *
 * Needs root: it makes namespaces, users and polkit rules of its own, and installs the
 * polkit policy, all removed at the end (process groups, netns names, the user and rule
 * files it made, the policy it installed).
 */
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import {
  acceptQuickInput,
  allRows,
  answerInputBox,
  clickMenuItem,
  clickViewAction,
  contextMenu,
  expand,
  framesDrawn,
  ms,
  namespaceIn,
  type NamespacesWorkbenchOptions,
  needsE2e,
  NOTIFICATIONS,
  nsRow,
  openWithNamespaces,
  QUICK_INPUT,
  quickInputTitle,
  quickPickItems,
  revealRow,
  runCommand,
  setQuickPickChecked,
  sidebar,
  terminalTabs,
  terminalText,
  toastShown,
  typeInTerminal,
  VIEWS,
  waitForTerminalText,
  waitUntil,
  type Workbench,
} from './workbench';
import { descendants, nsInode, REPO, run, Scenario, type Started } from '../integration/helpers';
import { createTestUser, grantedTestUser, POLKIT_TOOLS, TEST_USER_TOOLS } from '../integration/polkit-harness';

const ROOT = process.getuid?.() === 0;
const ROOT_WHY = 'creates namespaces, users and polkit rules';
/** What the tests make namespaces with, and what nsx enter and nsx new run in the terminals. */
const TOOLS = ['unshare', 'nsenter', 'ip', 'hostname'];
const rootOnly = needsE2e({ root: ROOT_WHY, tools: TOOLS });
const TYPES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'] as const;

function open(t: TestContext, name: string, opts: Omit<NamespacesWorkbenchOptions, 'name'> = {}): Promise<Workbench> {
  return openWithNamespaces(t, { name: `terminals-${name}`, groupByType: true, ...opts });
}

/** Filters the view (FILTER: a PID, an inode, a label) and returns the row of namespace INO. */
async function findNamespace(wb: Workbench, type: string, ino: number, filter: string) {
  const { page } = wb;
  await wb.step(`filter by ${filter}`, async () => {
    await runCommand(page, 'Namespace Explorer: Filter…');
    await answerInputBox(page, filter);
  });
  await wb.step(`expand ${type}`, async () => expand(await revealRow(page, new RegExp(`^${type} \\(\\d+\\)$`))));
  return wb.step(`find ${type} namespace ${ino}`, () => revealRow(page, nsRow(ino)));
}

/** Waits until a new terminal tab titled TITLE is shown; returns how long that took. */
async function waitForTab(wb: Workbench, title: string | RegExp, since: number): Promise<string> {
  let tabs: string[] = [];
  const matches = (s: string) => (typeof title === 'string' ? s === title : title.test(s));
  await wb.step(`a terminal tab ${String(title)} opens`, () =>
    waitUntil(
      `a terminal tab is titled ${String(title)}`,
      async () => (tabs = await terminalTabs(wb.page)).some(matches),
      20_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; the tabs are ${JSON.stringify(tabs)}`);
    }),
  );
  const found = tabs.find(matches)!;
  return `${found} after ${ms(since)}`;
}

/** Types COMMAND into the visible terminal and waits for OUTPUT; returns the time that took. */
async function ask(wb: Workbench, command: string, output: string | RegExp): Promise<string> {
  const started = performance.now();
  await wb.step(`type ${command}`, () => typeInTerminal(wb.page, command));
  await wb.step(`the terminal shows ${String(output)}`, () => waitForTerminalText(wb.page, output, 20_000));
  return `${command}: ${ms(started)}`;
}

function cmdline(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
  } catch {
    return [];
  }
}

/** Field 22 of /proc/PID/stat, or null when the process is gone (or a zombie). */
function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[0] === 'Z' ? null : fields[19]!;
  } catch {
    return null;
  }
}

/** The `nsx new` of a terminal, found below code-server by its hostname argument. */
function nsxNew(wb: Workbench, hostname: string): number | undefined {
  return descendants(wb.serverPid).find((p) => {
    const argv = cmdline(p.pid);
    return (
      argv.some((a) => a.endsWith('cli.js')) &&
      argv.includes('new') &&
      argv[argv.indexOf('--hostname') + 1] === hostname
    );
  })?.pid;
}

/** Rows whose description says they were made for a terminal. */
async function markedRows(page: Page): Promise<string[]> {
  return (await allRows(page)).map((r) => r.label).filter((l) => /, terminal: /.test(l));
}

/**
 * Waits until the quick input shows the step titled TITLE: a multi-step command closes one
 * quick input before it opens the next, so accepting one step may first hide it.
 */
async function quickInputTitled(page: Page, title: string, timeout = 10_000): Promise<void> {
  let now = '';
  await waitUntil(
    `the quick input is titled "${title}"`,
    async () => (now = await quickInputTitle(page)) === title,
    timeout,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; it is titled ${JSON.stringify(now)}`);
  });
}

/** Waits until COUNT rows (and no others) are marked "terminal: TITLE"; returns their aria-labels. */
function waitForMarks(wb: Workbench, title: string, count: number): Promise<string[]> {
  return wb.step(`the ${count} new namespaces are revealed and marked with the terminal`, async () => {
    let rows: string[] = [];
    await waitUntil(
      `${count} rows are marked "terminal: ${title}"`,
      async () => {
        rows = await markedRows(wb.page);
        return rows.length === count && rows.every((r) => r.includes(`, terminal: ${title} · `));
      },
      20_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; marked: ${JSON.stringify(rows)}`);
    });
    return rows;
  });
}

/** New Isolated Terminal… through its three steps; checks what each step offers. */
async function newIsolatedTerminal(
  wb: Workbench,
  opts: { via: 'palette' | 'button'; types: string[]; hostname: string; options: Record<string, boolean> },
): Promise<number> {
  const { page } = wb;
  if (opts.via === 'palette')
    await wb.step('run New Isolated Terminal… from the command palette', () =>
      runCommand(page, 'Namespace Explorer: New Isolated Terminal…'),
    );
  else
    await wb.step("click New Isolated Terminal… in the view's title bar", () =>
      clickViewAction(page, 'Namespaces', 'New Isolated Terminal…'),
    );
  await wb.step('the namespaces to make, the defaults checked', async () => {
    await quickInputTitled(page, 'New Isolated Terminal: namespaces to make');
    const items = await quickPickItems(page, { all: true });
    assert.deepEqual(
      items.map((i) => i.label),
      [...TYPES],
    );
    assert.deepEqual(
      items.filter((i) => i.checked).map((i) => i.label),
      opts.types,
    );
  });
  await wb.screenshot(`terminals-new-types${ROOT && !opts.types.includes('user') ? '' : '-user'}`);
  await wb.step('go on to the options', () => acceptQuickInput(page));
  await wb.step('the options, as offered', async () => {
    await quickInputTitled(page, 'New Isolated Terminal: options');
    const items = await quickPickItems(page, { all: true });
    assert.deepEqual(Object.fromEntries(items.map((i) => [i.label, i.checked])), opts.options);
  });
  await wb.step('go on to the hostname', () => acceptQuickInput(page));
  const input = page.locator(QUICK_INPUT.input);
  await wb.step('the hostname box offers "isolated"', async () => {
    await quickInputTitled(page, 'New Isolated Terminal: hostname');
    assert.equal(await input.inputValue(), 'isolated');
  });
  const accepted = performance.now();
  await wb.step(`answer ${opts.hostname}`, () => answerInputBox(page, opts.hostname));
  return accepted;
}

test(
  'Open Terminal in Namespace… on a process enters the types checked: one, then all of them',
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const sleeper = await s.inNewNamespace(
      await s.start('unshare', ['--net', '--uts', 'sleep', '600']),
      'sleep',
      'net',
    );
    const net = nsInode(sleeper, 'net');
    const uts = nsInode(sleeper, 'uts');
    const hostUts = nsInode('self', 'uts');

    const wb = await open(t, 'enter');
    t.after(() => wb.close());
    const { page } = wb;
    const row = await findNamespace(wb, 'net', net, String(sleeper));

    const pickTitle = `Open Terminal in Namespace: sleep (${sleeper})`;
    // A click on a context menu that is still settling can be lost with the menu: then no
    // pick opens at all, and the menu is opened again.
    const openPick = () =>
      wb.step(`right-click the net namespace → Open Terminal in Namespace…: the pick is titled "${pickTitle}"`, () =>
        waitUntil(
          'the pick opens',
          async () => {
            await contextMenu(row);
            await clickMenuItem(page, 'Open Terminal in Namespace…');
            return quickInputTitled(page, pickTitle, 5_000).then(
              () => true,
              async (e: Error) => {
                if (await page.locator(QUICK_INPUT.widget).isVisible()) throw e;
                return false;
              },
            );
          },
          30_000,
        ),
      );

    await openPick();
    await wb.step('it offers All of them, then each type of the process but user, only net checked', async () => {
      const items = await quickPickItems(page, { all: true });
      // Not user: the process shares the editor's user namespace, which no one can enter again.
      const enterable = TYPES.filter((t) => t !== 'user');
      assert.deepEqual(
        items.map((i) => i.label),
        ['All of them', ...enterable],
      );
      assert.deepEqual(
        items.filter((i) => i.checked).map((i) => i.label),
        ['net'],
      );
      assert.equal(items[0]!.description, enterable.join(', '));
      assert.match(items.find((i) => i.label === 'net')!.description, new RegExp(`^net:\\[${net}\\]`));
      assert.match(items.find((i) => i.label === 'uts')!.description, new RegExp(`^uts:\\[${uts}\\]`));
      assert.match(items.find((i) => i.label === 'ipc')!.description, /same as yours/);
    });
    await wb.screenshot('terminals-enter-pick');
    let accepted = performance.now();
    await wb.step('accept', () => acceptQuickInput(page));
    t.diagnostic(`terminal tab: ${await waitForTab(wb, `net of sleep (${sleeper})`, accepted)}`);
    t.diagnostic(await ask(wb, 'readlink /proc/self/ns/net', `net:[${net}]`));
    t.diagnostic(await ask(wb, 'readlink /proc/self/ns/uts', `uts:[${hostUts}]`));
    await wb.screenshot('terminals-enter-net');
    // The terminal's shell is in the net namespace too. The row, and so the pick, is named
    // after the namespace's lowest PID, which the shell has once PIDs wrapped around: it goes first.
    await wb.step('kill the terminal', () => runCommand(page, 'Terminal: Kill the Active Terminal Instance'));
    await wb.step('the net namespace is named after the sleep again', () =>
      // Told apart by its PID when another net namespace is named after a sleep too.
      waitUntil(
        "the row is the sleep's",
        async () =>
          new RegExp(`^net namespace ${net}, sleep(?: \\(${sleeper}\\))?,`).test(
            (await row.getAttribute('aria-label')) ?? '',
          ),
        20_000,
      ),
    );

    await openPick();
    await wb.step('check All of them', () => setQuickPickChecked(page, 'All of them', true));
    accepted = performance.now();
    await wb.step('accept', () => acceptQuickInput(page));
    const tab = await waitForTab(
      wb,
      new RegExp(`^(all namespaces|cgroup\\+ipc\\+mnt\\+net\\+pid\\+time\\+uts) of sleep \\(${sleeper}\\)$`),
      accepted,
    );
    t.diagnostic(`terminal tab: ${tab}`);
    t.diagnostic(await ask(wb, 'readlink /proc/self/ns/uts', `uts:[${uts}]`));
    t.diagnostic(await ask(wb, 'readlink /proc/self/ns/net', `net:[${net}]`));
    await wb.screenshot('terminals-enter-all', { parkMouse: true });
  },
);

/** The shell of the terminal that runs `nsx enter --pid PID`, below code-server. */
function enteredShell(wb: Workbench, pid: number, shell: string): number | undefined {
  const nsx = descendants(wb.serverPid).find((p) => {
    const argv = cmdline(p.pid);
    return (
      argv.some((a) => a.endsWith('cli.js')) &&
      argv.includes('enter') &&
      argv[argv.indexOf('--pid') + 1] === String(pid)
    );
  });
  // nsenter runs the shell in its place: nsx's own child.
  return nsx && descendants(nsx.pid).find((d) => d.comm === shell && d.ppid === nsx.pid)?.pid;
}

test(
  "a terminal whose shell is killed says so in nsx's words and closes on Enter; one whose shell exits with a failing status just closes; neither shows nsx's command line",
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const sleeper = await s.inNewNamespace(await s.start('unshare', ['--net', 'sleep', '600']), 'sleep', 'net');
    const net = nsInode(sleeper, 'net');
    const shell = path.basename(
      readFileSync('/etc/passwd', 'utf8')
        .split('\n')
        .find((l) => l.startsWith('root:'))!
        .split(':')[6]!,
    );
    const title = `net of sleep (${sleeper})`;

    const wb = await open(t, 'killed');
    t.after(() => wb.close());
    const { page } = wb;
    const row = await findNamespace(wb, 'net', net, String(sleeper));
    const rawExit = page.getByText(/terminated with exit code/).filter({ visible: true });
    const openNetTerminal = async () => {
      await wb.step('right-click the net namespace → Open Terminal in Namespace…, and accept net', () =>
        waitUntil(
          'the pick opens',
          async () => {
            await contextMenu(row);
            await clickMenuItem(page, 'Open Terminal in Namespace…');
            return quickInputTitled(page, `Open Terminal in Namespace: sleep (${sleeper})`, 5_000).then(
              () => true,
              () => false,
            );
          },
          30_000,
        ),
      );
      await wb.step('accept', () => acceptQuickInput(page));
      await waitForTab(wb, title, performance.now());
      await ask(wb, 'readlink /proc/self/ns/net', `net:[${net}]`);
    };
    const tabGone = () =>
      wb.step(`the terminal ${title} closes`, () =>
        waitUntil(`no tab is titled ${title}`, async () => !(await terminalTabs(page)).includes(title), 20_000),
      );

    await openNetTerminal();
    const killed = await wb.step('find the shell of the terminal', () =>
      waitUntil('its shell runs', async () => enteredShell(wb, sleeper, shell) !== undefined, 10_000).then(() =>
        enteredShell(wb, sleeper, shell)!,
      ),
    );
    process.kill(killed, 'SIGKILL');
    // Compared without white space: a line longer than the terminal is wide wraps anywhere.
    const squeeze = (text: string) => text.replace(/\s+/g, '');
    const sentence = `nsx: the shell was killed (SIGKILL); you have left ${title}`;
    let said = '';
    await wb.step("the terminal says the shell was killed, in nsx's words, on a line of its own", () =>
      waitUntil(
        `the terminal shows ${sentence}`,
        async () => squeeze((said = await terminalText(page))).includes(squeeze(sentence)),
        20_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; it shows:\n${said}`);
      }),
    );
    assert.ok(
      said.split('\n').some((line) => line.startsWith('nsx: the shell was killed')),
      `on a line of its own:\n${said}`,
    );
    assert.match(said, /Press Enter to close this terminal\.$/, 'and waits for Enter');
    // Whatever came with the text the terminal shows is drawn by then.
    await framesDrawn(page);
    assert.equal(await rawExit.count(), 0, 'no "terminated with exit code" with nsx\'s command line');
    assert.ok((await terminalTabs(page)).includes(title), 'the terminal stays until Enter');
    await wb.screenshot('terminals-shell-killed');
    await wb.step('press Enter', () => typeInTerminal(page, '', { echo: false }));
    await tabGone();
    // VS Code tells an exit code when it closes the tab, in the same event: drawn by now.
    await framesDrawn(page);
    assert.equal(await rawExit.count(), 0, 'no "terminated with exit code" after it closed');

    await openNetTerminal();
    await wb.step('exit the shell with a failing status', () => typeInTerminal(page, 'false || exit 3'));
    await tabGone();
    await framesDrawn(page);
    assert.equal(await rawExit.count(), 0, 'no "terminated with exit code" for a shell that exited by itself');
    await wb.screenshot('terminals-shell-exited', { parkMouse: true });
  },
);

test(
  'Open Terminal in Namespace… on an ip netns no process is in opens it directly',
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const tag = `nsxe2e-${process.pid}-term`;
    const net = s.netns(tag);

    const wb = await open(t, 'netns');
    t.after(() => wb.close());
    const { page } = wb;
    const row = await findNamespace(wb, 'net', net, tag);
    const clicked = await wb.step('click the terminal icon on its row', async () => {
      const icon = row.locator(VIEWS.paneAction('Open Terminal in Namespace…'));
      // The icon shows only while the row is hovered. A tooltip of the row above, or the tree
      // redrawing on a refresh, can take the hover away between seeing the icon and clicking
      // it: move away and back, and click within a short time, until a click lands.
      let at = 0;
      await waitUntil(
        'a click on the terminal icon of the row',
        async () => {
          await page.mouse.move(0, 0);
          await row.hover();
          at = performance.now();
          return icon.click({ timeout: 1_000 }).then(
            () => true,
            () => false,
          );
        },
        30_000,
      );
      return at;
    });
    const tab = await waitForTab(wb, `net of /run/netns/${tag}`, clicked);
    t.diagnostic(`terminal tab (no pick): ${tab}`);
    assert.equal(
      await page.locator(QUICK_INPUT.widget).isVisible(),
      false,
      'no quick pick for a namespace without a process',
    );
    t.diagnostic(await ask(wb, 'readlink /proc/self/ns/net', `net:[${net}]`));
    await wb.screenshot('terminals-netns', { parkMouse: true });
  },
);

test(
  'New Isolated Terminal… as root: hostname inside, its namespaces marked in the tree, gone with the terminal',
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const hostname = 'nsx-e2e';
    const wb = await open(t, 'new');
    t.after(() => wb.close());
    const { page } = wb;

    const accepted = await newIsolatedTerminal(wb, {
      via: 'palette',
      types: ['ipc', 'mnt', 'net', 'pid', 'uts'],
      hostname,
      options: { 'Fresh /proc': true, 'Connect to the host (veth)': false, 'Change mount propagation…': false },
    });
    const title = `new ipc+mnt+net+pid+uts, hostname ${hostname}`;
    t.diagnostic(`terminal tab: ${await waitForTab(wb, title, accepted)}`);
    t.diagnostic(await ask(wb, 'hostname', new RegExp(`^${hostname}$`, 'm')));
    await wb.step('ps sees only the new PID namespace', () =>
      typeInTerminal(page, 'echo pid=$$ procs=$(ls -d /proc/[0-9]* | wc -l)'),
    );
    t.diagnostic(
      `in the terminal: ${(await wb.step('the shell is PID 1 of its namespace', () => waitForTerminalText(page, /^pid=\d+ procs=\d+$/m))).match(/^pid=\d+ procs=\d+$/m)![0]}`,
    );

    // The processes of the terminal, from /proc: nsx, unshare, the shell.
    const nsx = await wb.step("find the terminal's nsx new", () =>
      waitUntil('nsx new runs below code-server', async () => nsxNew(wb, hostname) !== undefined, 10_000).then(() =>
        nsxNew(wb, hostname)!,
      ),
    );
    // Only those still running: a subshell of the command above may be exiting now, and one
    // with no start time could never be seen to be gone.
    const procs = [nsx, ...descendants(nsx).map((d) => d.pid)]
      .map((pid) => ({ pid, argv0: cmdline(pid)[0], start: startTime(pid) }))
      .filter((p) => p.start !== null);
    t.diagnostic(`terminal processes: ${procs.map((p) => `${p.pid} ${p.argv0}`).join(', ')}`);
    const shell = procs.find((p) => nsInode(p.pid, 'pid') !== nsInode('self', 'pid'));
    assert.ok(shell, 'a process of the terminal is in a new PID namespace');
    const made = new Set(['ipc', 'mnt', 'net', 'pid', 'uts'].map((type) => nsInode(shell.pid, type as 'net')));

    const marked = await waitForMarks(wb, title, 5);
    t.diagnostic(
      `marked ${ms(accepted)} after the hostname was answered: ${marked.map((r) => r.replace(/,.*/, '')).join('; ')}`,
    );
    const markedInodes = new Set(marked.map((r) => Number(/^\w+ namespace (\d+)/.exec(r)![1])));
    assert.deepEqual([...markedInodes].sort(), [...made].sort(), "the marked namespaces are the shell's new ones");
    await wb.screenshot('terminals-new-marked', { parkMouse: true });

    const killed = performance.now();
    await wb.step('kill the terminal', () => runCommand(page, 'Terminal: Kill the Active Terminal Instance'));
    await wb.step('no row is marked any more', async () => {
      let rows: string[] = [];
      await waitUntil('no row is marked', async () => (rows = await markedRows(page)).length === 0, 10_000).catch(
        (e: Error) => {
          throw new Error(`${e.message}; marked: ${JSON.stringify(rows)}`);
        },
      );
    });
    t.diagnostic(`kill to no row marked: ${ms(killed)}`);
    await wb.step('the namespaces are gone from the tree', async () => {
      let rows: string[] = [];
      await waitUntil(
        `none of ${[...made].join(', ')} is listed`,
        async () => {
          rows = (await allRows(page)).map((r) => r.label).filter((l) => [...made].some((ino) => nsRow(ino).test(l)));
          return rows.length === 0;
        },
        15_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; listed: ${JSON.stringify(rows)}`);
      });
    });
    t.diagnostic(`kill to the namespaces gone from the tree: ${ms(killed)}`);
    await wb.step('no process of the terminal remains', () =>
      waitUntil(
        `none of ${procs.map((p) => p.pid).join(', ')} lives`,
        async () => procs.every((p) => startTime(p.pid) !== p.start),
        10_000,
      ),
    );
    await wb.screenshot('terminals-new-killed', { parkMouse: true });
  },
);

test(
  'New Isolated Terminal… with a filter set: the filter is cleared to reveal its namespaces, and the user is told in a notification that shows a link in the filter as text',
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    // Matches nothing; in a notification's text, VS Code would make it a link that quits the editor.
    const filter = '[nsx-e2e-link](command:workbench.action.quit)';
    const hostname = 'nsx-e2e-filter';
    const wb = await open(t, 'new-filtered');
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;
    await wb.step(`filter by ${filter}`, async () => {
      await runCommand(page, 'Namespace Explorer: Filter…');
      await answerInputBox(page, filter);
    });
    const filtered = sidebar(page).getByText(`Filtered by “${filter}”`).filter({ visible: true }).first();
    await wb.step('the view says it is filtered', () => filtered.waitFor({ state: 'visible', timeout: 10_000 }));

    const accepted = await newIsolatedTerminal(wb, {
      via: 'palette',
      types: ['ipc', 'mnt', 'net', 'pid', 'uts'],
      hostname,
      options: { 'Fresh /proc': true, 'Connect to the host (veth)': false, 'Change mount propagation…': false },
    });
    const title = `new ipc+mnt+net+pid+uts, hostname ${hostname}`;
    t.diagnostic(`terminal tab: ${await waitForTab(wb, title, accepted)}`);
    const told = page
      .locator(NOTIFICATIONS.toast)
      .filter({ hasText: `cleared to show the namespaces of terminal “${title}”` })
      .first();
    await wb.step("a notification says the filter was cleared for the terminal's namespaces", () =>
      told.waitFor({ state: 'visible', timeout: 30_000 }),
    );
    const text = (await told.locator(NOTIFICATIONS.message).innerText()).trim();
    t.diagnostic(`told ${ms(accepted)} after the hostname was answered: ${text}`);
    // A word joiner, invisible, keeps the link from forming.
    assert.equal(
      text.replaceAll('\u2060', ''),
      `Filter “${filter}” cleared to show the namespaces of terminal “${title}”.`,
    );
    assert.equal(await told.locator(`${NOTIFICATIONS.message} a`).count(), 0, "no link in the notification's message");
    const marked = await waitForMarks(wb, title, 5);
    t.diagnostic(
      `marked ${ms(accepted)} after the hostname was answered: ${marked.map((r) => r.replace(/,.*/, '')).join('; ')}`,
    );
    assert.equal(await filtered.isVisible(), false, 'the view no longer says it is filtered');
    await wb.screenshot('terminals-new-filter-cleared', { parkMouse: true });
  },
);

test(
  'New Isolated Terminal… as an ordinary user: a new user namespace, root inside, no password',
  { skip: needsE2e({ root: ROOT_WHY, tools: [...TOOLS, ...TEST_USER_TOOLS] }), timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const user = createTestUser(s);
    const hostname = 'nsx-e2e-user';
    const wb = await open(t, 'new-user', { asUser: user.name });
    s.defer('close the workbench', () => wb.close()); // before userdel: its processes are the user's
    const { page } = wb;

    const accepted = await newIsolatedTerminal(wb, {
      via: 'button',
      types: ['ipc', 'mnt', 'net', 'pid', 'user', 'uts'],
      hostname,
      options: {
        'Fresh /proc': true,
        'Map me to root': true,
        'Connect to the host (veth)': false,
        'Change mount propagation…': false,
      },
    });
    const title = `new ipc+mnt+net+pid+user+uts, hostname ${hostname}`;
    t.diagnostic(`terminal tab: ${await waitForTab(wb, title, accepted)}`);
    t.diagnostic(await ask(wb, 'hostname', new RegExp(`^${hostname}$`, 'm')));
    t.diagnostic(await ask(wb, 'id -u', /^0$/m));
    await wb.step('no password was asked', async () =>
      assert.doesNotMatch(await waitForTerminalText(page, /^0$/m), /password|polkit|authenticat/i),
    );
    const nsx = nsxNew(wb, hostname);
    assert.ok(nsx, 'the terminal runs nsx new');
    assert.equal(
      readFileSync(`/proc/${nsx}/status`, 'utf8').match(/^Uid:\s+(\d+)/m)?.[1],
      String(user.uid),
      `nsx new runs as ${user.name}`,
    );
    const marked = await waitForMarks(wb, title, 6);
    t.diagnostic(
      `marked ${ms(accepted)} after the hostname was answered: ${marked.map((r) => r.replace(/,.*/, '')).join('; ')}`,
    );
    await wb.screenshot('terminals-new-as-user', { parkMouse: true });
  },
);

test(
  "Show All Namespaces… as an ordinary user: root's view through polkit, back again, and no agent without a grant",
  { skip: needsE2e({ root: ROOT_WHY, tools: [...TOOLS, ...POLKIT_TOOLS] }), timeout: 6 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const { user, grant } = await grantedTestUser(s);
    const sleeper: Started = await s.start('unshare', ['--net', 'sleep', '600']);
    const net = nsInode(await s.inNewNamespace(sleeper, 'sleep', 'net'), 'net');

    const wb = await open(t, 'show-all', { asUser: user.name });
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;
    // The view's description says so too, but VS Code does not draw it while the view is
    // alone in its container; the message above the tree is always drawn.
    const marker = sidebar(page)
      .getByText(/all processes \(root\)/i)
      .filter({ visible: true })
      .first();

    await wb.step('expand net', async () => expand(await revealRow(page, /^net \(\d+\)$/)));
    await wb.step(`the user's own view does not list root's net namespace ${net}`, async () => {
      const own = await wb.waitForState((s) => !!s.snapshot && !s.elevated, "the user's own snapshot");
      assert.equal(namespaceIn(own, net), undefined, `net namespace ${net} is not in the user's own snapshot`);
      await revealRow(page, /processes? of other users hidden/);
      assert.equal(
        (await allRows(page)).some((r) => nsRow(net).test(r.label)),
        false,
      );
    });
    const asked = performance.now();
    await wb.step('run Show All Namespaces…', () => runCommand(page, 'Namespace Explorer: Show All Namespaces…'));
    await wb.step("the view shows root's snapshot, with root's net namespace", () =>
      wb.waitForState(
        (s) => s.elevated && !!namespaceIn(s, net),
        `root's snapshot with net namespace ${net} is shown`,
        30_000,
      ),
    );
    await wb.step('the view says it shows all processes (root)', () =>
      marker.waitFor({ state: 'visible', timeout: 30_000 }),
    );
    t.diagnostic(`Show All to root's view: ${ms(asked)} (${(await marker.textContent())?.trim()})`);
    await wb.step(`root's net namespace ${net} is listed`, () => revealRow(page, nsRow(net), 10_000));
    await wb.screenshot('terminals-show-all', { parkMouse: true });

    await wb.step('Back to Your Own View', () => runCommand(page, 'Namespace Explorer: Back to Your Own View'));
    await wb.step("the user's own snapshot again, without root's net namespace", () =>
      wb.waitForState(
        (s) => !s.elevated && !!s.snapshot && !namespaceIn(s, net),
        `the user's own snapshot, without net namespace ${net}, is shown`,
        15_000,
      ),
    );
    await wb.step('the marker goes', () => marker.waitFor({ state: 'hidden', timeout: 15_000 }));
    await wb.step(`net namespace ${net} is no longer listed`, () =>
      waitUntil(
        `no row for net namespace ${net}`,
        async () => !(await allRows(page)).some((r) => nsRow(net).test(r.label)),
        15_000,
      ),
    );

    await grant.revoke();
    await wb.step('run Show All Namespaces… without a grant', () =>
      runCommand(page, 'Namespace Explorer: Show All Namespaces…'),
    );
    const toast = page.locator(NOTIFICATIONS.toast).filter({ hasText: 'no polkit agent is running' }).first();
    await wb.step('a notification says no polkit agent is running', () =>
      toast.waitFor({ state: 'visible', timeout: 30_000 }),
    );
    assert.equal(
      await toast.getByRole('button', { name: 'Enter Password in Terminal' }).isVisible(),
      true,
      'it offers Enter Password in Terminal',
    );
    t.diagnostic(`notification: ${(await toast.innerText()).replace(/\s+/g, ' ').trim()}`);
    const progress = page.locator(NOTIFICATIONS.toast).filter({ hasText: 'Scanning as root' });
    await wb.step('the progress notification of the scan has gone', () =>
      progress.waitFor({ state: 'hidden', timeout: 5000 }),
    );
    await wb.step('the notification has faded in', () => toastShown(toast));
    await wb.screenshot('terminals-show-all-no-agent');
    await wb.step('dismiss it', async () => {
      await toast.hover();
      await toast.locator(NOTIFICATIONS.clear).first().click();
      await toast.waitFor({ state: 'hidden', timeout: 10_000 });
    });
    assert.equal(wb.state.read()?.elevated, false, "still the user's own snapshot");
    assert.equal(await marker.isVisible(), false, "still the user's own view");
  },
);

const INSTALL_DIR = '/usr/local/lib/namespace-explorer';
const POLICY_PATH = '/usr/share/polkit-1/actions/org.namespaceexplorer.nsx.policy';

/** The cli.js of the extension the workbench installed, found through code-server's --extensions-dir. */
function installedExtensionCli(wb: Workbench): string {
  const argv = cmdline(wb.serverPid);
  const dir = argv[argv.indexOf('--extensions-dir') + 1];
  assert.ok(dir, `code-server's command line names its extensions: ${argv.join(' ')}`);
  const ext = readdirSync(dir).find((e) => e.startsWith('namespace-explorer.'));
  assert.ok(ext, `the extension is installed in ${dir}: ${readdirSync(dir).join(', ')}`);
  return path.join(dir, ext, 'dist', 'cli.js');
}

test(
  "a stale installed polkit helper is named before the first elevated run, with Update polkit Policy: Continue Without is not asked again in that window; Update installs this build's helper and goes on with the scan",
  { skip: rootOnly, timeout: 8 * 60_000 },
  async (t) => {
    const present = [INSTALL_DIR, POLICY_PATH].filter((p) => existsSync(p));
    if (present.length)
      return void t.skip(`already installed on this machine, not clobbered by a test: ${present.join(', ')}`);
    const s = new Scenario(t);
    const { user } = await grantedTestUser(s);
    s.defer('remove the polkit policy', () => {
      for (const p of [POLICY_PATH, INSTALL_DIR]) rmSync(p, { recursive: true, force: true });
    });
    // An older build's helper: installed from this checkout, then changed as an update would leave it.
    run(process.execPath, [path.join(REPO, 'dist', 'cli.js'), 'install-policy']);
    appendFileSync(path.join(INSTALL_DIR, 'cli.js'), '// an older build of Namespace Explorer\n');

    const offer = (page: Page) =>
      page.locator(NOTIFICATIONS.toast).filter({ hasText: 'from another version of Namespace Explorer' });
    const marker = (page: Page) =>
      sidebar(page)
        .getByText(/all processes \(root\)/i)
        .filter({ visible: true })
        .first();
    const showAll = async (wb: Workbench) => {
      await wb.step('run Show All Namespaces…', () => runCommand(wb.page, 'Namespace Explorer: Show All Namespaces…'));
    };
    const expectOffer = async (wb: Workbench) => {
      const toast = offer(wb.page).first();
      await wb.step(
        'a warning says the installed helper is from another version, with Update polkit Policy and Continue Without',
        () => toast.waitFor({ state: 'visible', timeout: 30_000 }),
      );
      t.diagnostic(`notification: ${(await toast.innerText()).replace(/\s+/g, ' ').trim()}`);
      for (const name of ['Update polkit Policy', 'Continue Without'])
        assert.equal(await toast.getByRole('button', { name }).isVisible(), true, `it offers ${name}`);
      assert.equal(
        await wb.page.locator(NOTIFICATIONS.toast).filter({ hasText: 'Scanning as root' }).count(),
        0,
        'nothing runs as root before it is answered',
      );
    };

    const first = await open(t, 'stale-continue', { asUser: user.name });
    s.defer('close the first workbench', () => first.close());
    await showAll(first);
    await expectOffer(first);
    await first.step('the notification has faded in', () => toastShown(offer(first.page).first()));
    await first.screenshot('terminals-stale-helper', { parkMouse: true });
    await first.step('Continue Without', () =>
      offer(first.page).getByRole('button', { name: 'Continue Without' }).click(),
    );
    await first.step('the scan goes on, without the helper', async () => {
      await first.waitForState((s) => s.elevated, "root's snapshot is shown", 30_000);
      await marker(first.page).waitFor({ state: 'visible', timeout: 30_000 });
    });
    await first.step('Back to Your Own View', () =>
      runCommand(first.page, 'Namespace Explorer: Back to Your Own View'),
    );
    await first.step('the marker goes', async () => {
      await first.waitForState((s) => !s.elevated, "the user's own snapshot is shown", 15_000);
      await marker(first.page).waitFor({ state: 'hidden', timeout: 15_000 });
    });
    await showAll(first);
    await first.step('Show All again: the scan, not asked again', async () => {
      await first.waitForState((s) => s.elevated, "root's snapshot is shown", 30_000);
      await marker(first.page).waitFor({ state: 'visible', timeout: 30_000 });
    });
    assert.equal(await offer(first.page).count(), 0, 'the offer is not made again in this window');
    await first.close();

    const second = await open(t, 'stale-update', { asUser: user.name });
    s.defer('close the second workbench', () => second.close());
    await showAll(second);
    await expectOffer(second);
    await second.step('Update polkit Policy', () =>
      offer(second.page).getByRole('button', { name: 'Update polkit Policy' }).click(),
    );
    await second.step('the scan goes on after the update', async () => {
      await second.waitForState((s) => s.elevated, "root's snapshot is shown", 60_000);
      await marker(second.page).waitFor({ state: 'visible', timeout: 60_000 });
    });
    const cli = installedExtensionCli(second);
    assert.ok(
      readFileSync(path.join(INSTALL_DIR, 'cli.js')).equals(readFileSync(cli)),
      `the installed helper is now the extension's own ${cli}`,
    );
  },
);
