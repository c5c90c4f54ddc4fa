/**
 * The walkthrough "Linux namespaces, hands-on" in a real VS Code: it opens from the command
 * palette with its ten steps, the first network step's button opens a New Isolated
 * Terminal without a question, which types nothing after nsx's own line, and the step
 * checks itself off once the extension has seen the terminal's new net namespace. As the
 * user running the tests (root here: `nsx new --type net`) and, as root, again with
 * code-server run as the ordinary user nobody, whose terminal makes a user namespace
 * mapped to root (`--type net,user --map-root`) and asks no password. The veth step waits
 * for the second net namespace the user makes in its terminal.
 *
 * What the terminal makes goes with it when the workbench closes (nsx new leaves nothing).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { Page } from 'playwright-core';
import {
  activeWebview,
  framesDrawn,
  REPO,
  namespaceIn,
  needsE2e,
  openWithNamespaces,
  runCommand,
  stepButton,
  stepChecked,
  terminalTabs,
  terminalText,
  typeInTerminal,
  waitForTerminalText,
  waitUntil,
  WALKTHROUGH,
  walkthroughShown,
  walkthroughStep,
  walkthroughStepTitles,
  ms,
  type Workbench,
} from './workbench';

const TOUR = 'namespace-explorer.namespace-explorer#handsOn';
const STEPS = [
  'Network: only lo, and down',
  'Network: a veth pair',
  'Network: a bridge',
  'PID: PID 1 of a namespace',
  'PID: nested, several PIDs',
  'PID: the --mount-proc pitfall',
  'Mount: private, shared, slave',
  'UTS: your own hostname',
  'IPC: System V objects',
  'User: ID maps, capabilities',
];
const TOOLS = ['unshare', 'nsenter', 'ip'];

async function firstStepChecksItselfOff(
  t: TestContext,
  asUser?: string,
  ...then: ((wb: Workbench, page: Page, name: string) => Promise<void>)[]
): Promise<void> {
  const name = asUser ? `tour-as-${asUser}` : 'tour';
  const wb = await openWithNamespaces(t, {
    name,
    groupByType: true,
    sidebarWidth: 440,
    viewport: { width: 1600, height: 1000 },
    ...(asUser ? { asUser } : {}),
  });
  t.after(() => wb.close());
  const { page } = wb;
  const opened = performance.now();
  await wb.step('run Namespace Explorer: Open Hands-on Tour', () =>
    runCommand(page, 'Namespace Explorer: Open Hands-on Tour'),
  );
  await wb.step('the walkthrough "Linux namespaces, hands-on" is shown', () =>
    walkthroughShown(page, 'Linux namespaces, hands-on'),
  );
  t.diagnostic(`palette to walkthrough shown: ${ms(opened)}`);
  await wb.step('its ten steps, in order', async () => assert.deepEqual(await walkthroughStepTitles(page), STEPS));
  const step = walkthroughStep(page, `${TOUR}#netLo`);
  await wb.step('the first step is not checked yet', async () => assert.equal(await stepChecked(step), false));
  const button = await wb.step('the first step shows its button', () => stepButton(step, 'Open the Terminal'));
  await wb.screenshot(`${name}-open`, { parkMouse: true });

  const clicked = performance.now();
  await wb.step('click the button', () => button.click());
  const title = asUser || process.getuid?.() !== 0 ? 'new net+user' : 'new net';
  await wb.step(`a terminal "${title}" opens, asking nothing`, () =>
    waitUntil(`a terminal tab is titled ${title}`, async () => (await terminalTabs(page)).includes(title), 20_000),
  );
  const made = await wb.step('nsx says what it made', () => waitForTerminalText(page, /network: lo only/, 30_000));
  const net = Number(/net:\[(\d+)\]/.exec(made)?.[1]);
  assert.ok(net > 0, `the net namespace's inode in ${JSON.stringify(made)}`);
  t.diagnostic(`click to the terminal's namespaces made: ${ms(clicked)}`);
  await wb.step(`the extension sees net ${net}`, () =>
    wb.waitForState((s) => !!namespaceIn(s, net), `the snapshot has net ${net}`),
  );
  await wb.step('the step checks itself off', () =>
    waitUntil('the first step is checked', () => stepChecked(step), 30_000),
  );
  t.diagnostic(`click to the step checked: ${ms(clicked)}`);
  await wb.step("nothing was typed into the terminal after nsx's line: only a prompt follows", async () => {
    const text = await terminalText(page);
    const after = text.slice(text.indexOf('network: lo only')).split('\n').slice(1);
    assert.ok(
      after.every((l) => !l.trim() || /^[^#$]*[#$]$/.test(l)),
      `the terminal shows: ${JSON.stringify(text)}`,
    );
  });
  await step.scrollIntoViewIfNeeded();
  await wb.screenshot(`${name}-step-done`, { parkMouse: true });
  for (const more of then) await more(wb, page, name);
}

/**
 * The veth step's terminal alone does not check it off: it waits for a second net namespace
 * below that terminal, which the user makes there (the page's first command).
 */
async function vethStepWaitsForTheSecond(wb: Workbench, page: Page, name: string): Promise<void> {
  const step = walkthroughStep(page, `${TOUR}#netVeth`);
  const button = await wb.step('the veth step shows its button', () => stepButton(step, 'Open the Terminal'));
  await wb.step("click the veth step's button", () => button.click());
  await wb.step('a second terminal opens', () =>
    waitUntil('two terminal tabs', async () => (await terminalTabs(page)).length === 2, 20_000),
  );
  const made = await wb.step('nsx says what it made', () => waitForTerminalText(page, /network: lo only/, 30_000));
  const net = Number(/net:\[(\d+)\]/.exec(made)?.[1]);
  await wb.step(`the extension sees net ${net}`, () =>
    wb.waitForState((s) => !!namespaceIn(s, net), `the snapshot has net ${net}`),
  );
  await framesDrawn(page);
  await wb.step('one net namespace is not two: the step is not checked', async () =>
    assert.equal(await stepChecked(step), false),
  );
  await wb.step('make the second net namespace in the terminal', () =>
    typeInTerminal(page, 'unshare --net sleep 300 &'),
  );
  await wb.step('the veth step checks itself off', () =>
    waitUntil('the veth step is checked', () => stepChecked(step), 30_000),
  );
  await step.scrollIntoViewIfNeeded();
  await wb.screenshot(`${name}-veth-done`, { parkMouse: true });
  await wb.step('end the sleep', () => typeInTerminal(page, 'kill $!'));
}

/** Each step's page, shown in turn (a click on its title), with its heading from media/walkthrough/. */
async function everyStepPage(wb: Workbench, page: Page): Promise<void> {
  const tour = JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')).contributes.walkthroughs[0] as {
    steps: { id: string; media: { markdown: string } }[];
  };
  // The pages have the editor's whole height, and no toast over them.
  await wb.step('hide the panel', () => runCommand(page, 'View: Hide Panel'));
  await wb.step('clear the notifications', () => runCommand(page, 'Notifications: Clear All Notifications'));
  for (const { id, media } of tour.steps) {
    const heading = /^# (.*)$/m.exec(readFileSync(path.join(REPO, media.markdown), 'utf8'))![1]!.replace(/`/g, '');
    const step = walkthroughStep(page, `${TOUR}#${id}`);
    await wb.step(`show the page of step ${id}`, async () => {
      await step.locator(WALKTHROUGH.stepTitle).click();
      await activeWebview(page).locator('h1').filter({ hasText: heading }).waitFor({ state: 'visible' });
    });
    await wb.screenshot(`tour-page-${id}`, { parkMouse: true });
  }
}

test(
  "the hands-on tour opens from the palette; its first step's button opens a terminal and the step checks itself off",
  { skip: needsE2e({ tools: TOOLS }), timeout: 5 * 60_000 },
  (t) => firstStepChecksItselfOff(t, undefined, vethStepWaitsForTheSecond, everyStepPage),
);

test(
  'run by the ordinary user nobody, the first step makes a user namespace too, asks no password and checks itself off',
  { skip: needsE2e({ root: 'starts code-server as the user nobody', tools: TOOLS }), timeout: 5 * 60_000 },
  (t) => firstStepChecksItselfOff(t, 'nobody', vethStepWaitsForTheSecond),
);
