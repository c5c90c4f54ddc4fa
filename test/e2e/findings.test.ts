/**
 * Findings in a real VS Code: the `--mount-proc` pitfall (a process in a new PID namespace
 * whose /proc is still the host's, made by `unshare --pid --fork --mount` without
 * `--mount-proc`) is listed in the Findings group at the top of the Namespaces view, its
 * tooltip explains it with the fix, clicking it selects the namespace's row (marked too),
 * the Details panel shows it first, and Dismiss takes it away from the group and the row.
 * Then a net namespace whose lo is down: Run Fix in Terminal, and the finding goes once
 * the fix ran.
 *
 * Needs root: it makes PID and net namespaces of its own; the processes are removed by
 * their process groups. Dismissals are kept in the workspace's state, which goes with the workbench's
 * temp folders.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  acceptQuickInput,
  activeWebview,
  clickMenuItem,
  contextMenu,
  EDITOR,
  expand,
  HOVER,
  hoverForTooltip,
  ms,
  needsE2e,
  nsRow,
  openWithNamespaces,
  pointerAway,
  quickInputTitle,
  quickPickItems,
  revealRow,
  TERMINAL,
  TREE,
  treeRow,
  waitForTerminalText,
  waitUntil,
  type Workbench,
} from './workbench';
import { nsInode, Scenario } from '../integration/helpers';

const skip = needsE2e({ root: 'makes a PID namespace with unshare', tools: ['unshare'] });

/** The Findings group's row: `Findings, N`. */
const GROUP = /^Findings, \d+$/;
/** The row of the finding about PID namespace INO: `warning: SENTENCE (pid INO)`. */
const findingRow = (ino: number) => new RegExp(`^warning: .*\\(pid ${ino}\\)$`);

/** The aria-labels of the rows that are findings about INO, now. */
async function findingsAbout(wb: Workbench, ino: number): Promise<string[]> {
  const labels = await treeRow(wb.page).evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  return labels.filter((l) => findingRow(ino).test(l));
}

test(
  'the --mount-proc pitfall: listed under Findings, explained in its tooltip, its row selects the namespace, shown in Details, dismissed',
  { skip, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const started = await s.start('unshare', ['--pid', '--fork', '--mount', 'sleep', '1000']);
    const sleeper = await s.inNewNamespace(started, 'sleep', 'pid');
    const pidns = nsInode(sleeper, 'pid');
    t.diagnostic(`sleep ${sleeper} in pid ${pidns}, its /proc the host's`);

    const wb = await openWithNamespaces(t, {
      name: 'findings',
      groupByType: true,
      sidebarWidth: 640,
      viewport: { width: 1440, height: 900 },
    });
    t.after(() => wb.close());
    const { page } = wb;

    const found = await wb.step(`the API reports the finding about pid ${pidns}`, () =>
      wb.waitForState(
        (st) => st.findings.some((f) => f.ns === pidns && f.kind === 'proc-of-other-pidns'),
        `a proc-of-other-pidns finding about pid ${pidns}`,
        60_000,
      ),
    );
    t.diagnostic(`findings: ${found.findings.map((f) => `${f.kind} ${f.ns}`).join(', ')}`);
    const group = await wb.step('the Findings group is at the top', () => revealRow(page, GROUP, 60_000));
    assert.equal(await group.getAttribute('aria-level'), '1');
    assert.equal(await group.getAttribute('data-index'), '0', 'the first row of the view');
    // Expanded while it lists ten or fewer (other tests' leftovers may bring more).
    const count = Number(/\d+$/.exec((await group.getAttribute('aria-label')) ?? '')![0]);
    if (count <= 10) assert.equal(await group.getAttribute('aria-expanded'), 'true', 'expanded');
    else await expand(group);
    const row = await wb.step(`the finding about pid ${pidns} is listed`, () =>
      revealRow(page, findingRow(pidns), 60_000),
    );
    const label = (await row.getAttribute('aria-label')) ?? '';
    t.diagnostic(`finding row: ${label}`);
    assert.match(label, new RegExp(`pid ${pidns}`));

    const hover = page.locator(HOVER).filter({ hasText: 'Warning' }).filter({ hasText: '--mount-proc' }).first();
    await wb.step('hover it: the tooltip explains it', () => hoverForTooltip(page, row, hover));
    const tip = (await hover.innerText()).replace(/\s+/g, ' ');
    t.diagnostic(`tooltip: ${tip}`);
    assert.match(tip, new RegExp(`pid ${pidns}`), 'it names the namespace');
    assert.match(tip, /ps.*read .?\/proc/, 'it says what it means');
    const block = hover.locator('[data-code]').filter({ hasText: '--mount-proc' });
    assert.ok((await block.count()) >= 1, 'the fix is in a code block');
    await wb.screenshot('findings-tooltip');

    await wb.step('click it', async () => {
      await pointerAway(page);
      await row.click();
    });
    await wb.step(`the pid ${pidns} row is revealed and selected`, () =>
      wb.waitForState((st) => st.selection?.ns === pidns, `pid ${pidns} is selected`, 20_000),
    );
    const nsRowShown = await wb.step('its row is drawn', () => revealRow(page, nsRow(pidns)));
    const nsLabel = (await nsRowShown.getAttribute('aria-label')) ?? '';
    t.diagnostic(`namespace row: ${nsLabel}`);
    assert.match(nsLabel, /⚠ \/proc of another PID namespace/, "the namespace's row is marked");
    const iconStyle = (await nsRowShown.locator(TREE.icon).first().getAttribute('style')) ?? '';
    // The theme's list.warningForeground, resolved (#855f00 in the light theme).
    assert.match(iconStyle, /color:/, `its icon takes the warning colour: ${iconStyle}`);
    await pointerAway(page);
    await wb.screenshot('findings-group');

    await wb.step('Show Details from the namespace row', async () => {
      await contextMenu(nsRowShown);
      await clickMenuItem(page, 'Show Details');
    });
    await wb.step(`the pid ${pidns} tab is active`, () =>
      page
        .locator(EDITOR.activeTab)
        .filter({ hasText: `pid ${pidns}` })
        .waitFor({ state: 'visible' }),
    );
    const panel = activeWebview(page);
    const shown = panel.locator('#findings li.finding.warning').filter({ hasText: '--mount-proc' });
    await wb.step('the Details panel shows the finding first, with its buttons', () =>
      shown.waitFor({ state: 'visible', timeout: 20_000 }),
    );
    const buttons = await shown.locator('vscode-button').allInnerTexts();
    t.diagnostic(`details buttons: ${buttons.join(' | ')}`);
    assert.ok(
      buttons.some((b) => /Dismiss/.test(b)),
      'Dismiss is offered',
    );
    await pointerAway(page);
    await wb.screenshot('findings-details');

    const again = await wb.step('find the finding row again', () => revealRow(page, findingRow(pidns)));
    await wb.step('right-click it → Dismiss Finding', async () => {
      await contextMenu(again);
      await clickMenuItem(page, 'Dismiss Finding');
    });
    await wb.step('the API no longer reports it', () =>
      wb.waitForState((st) => !st.findings.some((f) => f.ns === pidns), `no finding about pid ${pidns}`, 15_000),
    );
    await wb.step('the finding leaves the group', () =>
      waitUntil(`no finding row about pid ${pidns}`, async () => (await findingsAbout(wb, pidns)).length === 0, 15_000),
    );
    await wb.step('the Details panel drops it too', () => shown.waitFor({ state: 'detached', timeout: 15_000 }));
    await wb.step("and the namespace's row is no longer marked", async () => {
      await expand(await revealRow(page, /^pid \(\d+\)$/)).catch(() => {});
      const plain = await revealRow(page, nsRow(pidns));
      await waitUntil(
        'the row has no mark',
        async () => !/⚠/.test((await plain.getAttribute('aria-label')) ?? ''),
        15_000,
      );
      const style = (await plain.locator(TREE.icon).first().getAttribute('style')) ?? '';
      assert.doesNotMatch(style, /color:/, `its icon has its usual colour again: ${style}`);
    });
    await pointerAway(page);
    await wb.screenshot('findings-dismissed');
  },
);

test(
  'lo down in a new net namespace: Run Fix in Terminal types `ip link set lo up` in a terminal there, unrun; Enter runs it and the finding goes',
  {
    skip: needsE2e({ root: 'makes a net namespace with unshare', tools: ['unshare', 'nsenter', 'ip'] }),
    timeout: 5 * 60_000,
  },
  async (t) => {
    const s = new Scenario(t);
    const sleeper = await s.inNewNamespace(await s.start('unshare', ['--net', 'sleep', '1000']), 'sleep', 'net');
    const net = nsInode(sleeper, 'net');
    const wb = await openWithNamespaces(t, { name: 'findings-lo', groupByType: true, sidebarWidth: 640 });
    t.after(() => wb.close());
    const { page } = wb;

    const reported = await wb.step(`the API reports lo down in net ${net}`, () =>
      wb.waitForState(
        (st) => st.findings.some((f) => f.ns === net && f.kind === 'loopback-down'),
        `a loopback-down finding about net ${net}`,
        60_000,
      ),
    );
    const lo = reported.findings.find((f) => f.ns === net && f.kind === 'loopback-down')!;
    const row = await wb.step('its row is listed', () => revealRow(page, `warning: ${lo.text} (net ${net})`, 30_000));
    await wb.step('right-click it → Run Fix in Terminal', async () => {
      await contextMenu(row);
      await clickMenuItem(page, 'Run Fix in Terminal');
    });
    await wb.step('Open Terminal in Namespace asks which namespaces, net checked: accept', async () => {
      await waitUntil(
        'the pick is Open Terminal in Namespace',
        async () => (await quickInputTitle(page)) === `Open Terminal in Namespace: sleep (${sleeper})`,
        15_000,
      );
      const checked = (await quickPickItems(page, { all: true })).filter((i) => i.checked).map((i) => i.label);
      assert.deepEqual(checked, ['net']);
      await acceptQuickInput(page);
    });
    const shown = await wb.step('the terminal shows the fix typed at the prompt', () =>
      waitForTerminalText(page, /ip link set lo up\s*$/, 20_000),
    );
    t.diagnostic(`terminal: ${shown.split('\n').slice(-2).join(' ⏎ ')}`);
    const before = wb.state.read()!;
    assert.ok(
      before.findings.some((f) => f.ns === net && f.kind === 'loopback-down'),
      'not run yet: lo is still down',
    );
    await pointerAway(page);
    await wb.screenshot('findings-run-fix');
    await wb.step('press Enter in the terminal', async () => {
      await page.locator(`${TERMINAL.active} ${TERMINAL.input}`).first().focus();
      await page.keyboard.press('Enter');
    });
    const ran = performance.now();
    await wb.step('the finding goes', () =>
      wb.waitForState(
        (st) => !st.findings.some((f) => f.ns === net && f.kind === 'loopback-down'),
        `no loopback-down finding about net ${net}`,
        30_000,
      ),
    );
    t.diagnostic(`finding gone ${ms(ran)} after Enter`);
    // With lo up and no other link, the namespace has no route out: another finding may take its place.
    await wb.step('its row leaves the view', () =>
      waitUntil(
        'the lo-down row is gone',
        async () => !(await treeRow(page, `warning: ${lo.text} (net ${net})`).count()),
        15_000,
      ),
    );
    t.diagnostic(
      `findings about net ${net} now: ${wb.state
        .read()!
        .findings.filter((f) => f.ns === net)
        .map((f) => f.kind)}`,
    );
  },
);
