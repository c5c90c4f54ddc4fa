/**
 * Debug Shell… in a real VS Code, on a container whose image has no shell at all (only
 * /bin/busybox and a sleep link), on a private dockerd (test/engines/docker.ts): from its
 * net namespace's row, and from its row in Group By Containers. The terminal it opens runs
 * the host's shell in the container's namespaces, and its `ps` shows the container's sleep
 * as PID 1 and no host process. Needs root (dockerd, and entering).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Locator } from 'playwright-core';
import { DOCKER_TOOLS, startDocker, type PrivateDocker } from '../engines/docker';
import {
  answerInputBox,
  clickMenuItem,
  containerRow,
  contextMenu,
  expand,
  needsE2e,
  nsRow,
  openWithNamespaces,
  revealRow,
  runCommand,
  terminalTabs,
  typeInTerminal,
  waitForTerminalText,
  waitUntil,
  type Workbench,
} from './workbench';
import { nsInode } from '../integration/helpers';

const skip = needsE2e({
  root: 'starts a dockerd and enters its container',
  tools: [...DOCKER_TOOLS, 'nsenter', 'unshare'],
});

const NO_SHELL = 'nsxtest/noshell:1';

/** Right-click ROW → Debug Shell… until a terminal titled TITLE is open. */
async function openDebugShell(wb: Workbench, row: Locator, title: RegExp): Promise<void> {
  const { page } = wb;
  await wb.step('right-click it → Debug Shell…: a terminal named after the container opens', () =>
    waitUntil(
      'the debug terminal opens',
      async () => {
        if (!(await terminalTabs(page)).some((tab) => title.test(tab))) {
          await contextMenu(row);
          await clickMenuItem(page, 'Debug Shell…');
        }
        return waitUntil('its tab', async () => (await terminalTabs(page)).some((tab) => title.test(tab)), 10_000).then(
          () => true,
          () => false,
        );
      },
      40_000,
    ),
  );
  await wb.step('the banner names where its files are', () =>
    waitForTerminalText(page, /its files: \/proc\/1\/root/, 20_000),
  );
}

/**
 * Types `ps -e -o pid,comm` and checks what it lists: the container's sleep as PID 1, and
 * besides it only the debug shell's own shell and ps, no host process.
 */
async function psShowsTheContainerOnly(wb: Workbench): Promise<void> {
  const { page } = wb;
  await wb.step('type ps -e -o pid,comm', () => typeInTerminal(page, 'ps -e -o pid,comm'));
  const text = await wb.step("ps shows the container's sleep as PID 1, then the shell and ps", () =>
    waitForTerminalText(page, /PID COMMAND\n\s*1 sleep\n(\s*\d+ \S+\n)*?\s*\d+ ps$/m, 20_000),
  );
  const listing = text.slice(text.lastIndexOf('PID COMMAND')).split('\n').slice(1);
  const rows = listing.slice(0, listing.findIndex((l) => /^\s*\d+ ps$/.test(l)) + 1).map((l) => l.trim().split(/\s+/));
  assert.deepEqual(rows[0], ['1', 'sleep'], text);
  const others = rows.slice(1).map((r) => r[1]);
  assert.equal(others.length, 2, `only the shell and ps besides the container's sleep: ${others.join(', ')}`);
  assert.match(others[0]!, /^(ba|da|z)?sh$/, `the debug shell's shell: ${others.join(', ')}`);
  assert.equal(others[1], 'ps');
}

describe('Debug Shell…', { skip }, () => {
  let docker: PrivateDocker | undefined;
  const name = `nsxtest-${process.pid}-noshell`;
  let pid = 0;

  before(async () => {
    docker = await startDocker();
    docker.importBusybox(NO_SHELL, { shell: false });
    pid = docker.inspect(docker.run(name, NO_SHELL, ['/bin/sleep', '1000'])).State.Pid;
  });
  after(() => docker?.stop());

  test(
    "on a shell-less container's net namespace opens a terminal whose ps shows its sleep as PID 1",
    { timeout: 5 * 60_000 },
    async (t) => {
      const net = nsInode(pid, 'net');
      const wb = await openWithNamespaces(t, { name: 'debug-shell', groupByType: true });
      t.after(() => wb.close());
      const { page } = wb;
      await wb.step(`filter by ${pid}`, async () => {
        await runCommand(page, 'Namespace Explorer: Filter…');
        await answerInputBox(page, String(pid));
      });
      await wb.step('expand net', async () => expand(await revealRow(page, /^net \(\d+\)$/)));
      const row = await wb.step(`find net namespace ${net}`, () => revealRow(page, nsRow(net)));
      await openDebugShell(wb, row, new RegExp(`^debug (${name} \\(docker\\)|sleep \\(${pid}\\))$`));
      await psShowsTheContainerOnly(wb);
      await wb.step('ls its files', () => typeInTerminal(page, 'ls /proc/1/root/bin'));
      await wb.step("they are the image's", () => waitForTerminalText(page, /busybox\s+sleep/, 20_000));
      await wb.screenshot('debug-shell-ps', { parkMouse: true });
    },
  );

  test(
    "on a shell-less container's row in Group By Containers opens a terminal whose ps shows its sleep as PID 1 " +
      'and no host process',
    { timeout: 5 * 60_000 },
    async (t) => {
      const wb = await openWithNamespaces(t, { name: 'debug-shell-container', sidebarWidth: 700 });
      t.after(() => wb.close());
      const row = await containerRow(wb, { name, engine: 'docker', image: NO_SHELL, net: nsInode(pid, 'net') });
      await wb.screenshot('debug-shell-container-row');
      await openDebugShell(wb, row, new RegExp(`^debug ${name} \\(docker\\)$`));
      await psShowsTheContainerOnly(wb);
      await wb.screenshot('debug-shell-container-ps', { parkMouse: true });
    },
  );
});
