/**
 * Debug Shell… in a real VS Code: on the net namespace row of a container whose image has
 * no shell at all (only /bin/busybox and a sleep link), on a private dockerd this test
 * starts. The terminal it opens runs the host's shell in the container's namespaces, and
 * its `ps` shows the container's sleep as PID 1. Needs root (dockerd, and entering).
 */
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import {
  answerInputBox,
  clickMenuItem,
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
} from './workbench';
import { nsInode } from '../integration/helpers';
import { DOCKER_FILES, PrivateDocker, shellLessImage } from '../integration/privateDocker';

const missing = DOCKER_FILES.filter((f) => !existsSync(f));
const skip =
  needsE2e({ root: 'starts a dockerd and enters its container', tools: ['nsenter', 'unshare'] }) ||
  (missing.length ? `needs ${missing.join(', ')} (apt-get install docker.io busybox-static)` : false);

describe('Debug Shell…', { skip }, () => {
  const docker = new PrivateDocker();
  const name = `nsxtest-${process.pid}-noshell`;
  let pid = 0;

  before(async () => {
    await docker.start();
    pid = docker.pid(docker.docker(['run', '-d', '--name', name, shellLessImage(docker), '/bin/sleep', '1000']));
  });
  after(() => docker.stop());

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
      const title = new RegExp(`^debug (${name} \\(docker\\)|sleep \\(${pid}\\))$`);
      await wb.step('right-click it → Debug Shell…: a terminal named after the container opens', () =>
        waitUntil(
          'the debug terminal opens',
          async () => {
            if (!(await terminalTabs(page)).some((tab) => title.test(tab))) {
              await contextMenu(row);
              await clickMenuItem(page, 'Debug Shell…');
            }
            return waitUntil(
              'its tab',
              async () => (await terminalTabs(page)).some((tab) => title.test(tab)),
              10_000,
            ).then(
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
      await wb.step('type ps -e -o pid,comm', () => typeInTerminal(page, 'ps -e -o pid,comm'));
      await wb.step("ps shows the container's sleep as PID 1", () =>
        waitForTerminalText(page, /^\s*1 sleep$/m, 20_000),
      );
      await wb.step('ls its files', () => typeInTerminal(page, 'ls /proc/1/root/bin'));
      await wb.step("they are the image's", () => waitForTerminalText(page, /busybox\s+sleep/, 20_000));
      await wb.screenshot('debug-shell-ps', { parkMouse: true });
    },
  );
});
