/**
 * A command line made to break out of the namespace tooltip's code block, in the real
 * hover of VS Code: its closing fence, link and remote image show as text, and nothing
 * is loaded or linked. Needs root (the test makes a net namespace of its own); the process
 * is removed by its process group.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  expand,
  findVsix,
  groupBy,
  HOVER,
  hoverForTooltip,
  needsE2e,
  nsRow,
  openViewContainer,
  openWorkbench,
  revealRow,
  rowDetailsDrawn,
  treeRow,
} from './workbench';
import { nsInode, Scenario } from '../integration/helpers';

/** On a line of its own, it would close the code block the tooltip shows the command line in. */
const FENCE = '\n```\n';
const IMAGE = '![nsx-e2e-image](http://127.0.0.1:9/nsx-e2e.png)';
const LINK = '[nsx-e2e-link](command:workbench.action.quit)';

test(
  'a command line with a closing fence, a link and a remote image shows in the tooltip as text',
  { skip: needsE2e({ root: 'makes a net namespace with unshare', tools: ['unshare'] }), timeout: 4 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    // The shell stays (`; :`), so its command line with the arguments is the namespace's senior one.
    const started = await s.start('unshare', ['--net', 'sh', '-c', 'sleep 600; :', FENCE, IMAGE, LINK]);
    const net = await s.inNewNamespace(started, 'sh', 'net').then((pid) => nsInode(pid, 'net'));

    const wb = await openWorkbench({ vsix: findVsix(), name: 'tooltip' });
    t.after(() => wb.close());
    const { page } = wb;
    await wb.step('open the Namespaces view', () => openViewContainer(page, 'Namespaces'));
    await wb.step('wait for the first row', () => treeRow(page).first().waitFor({ state: 'visible' }));
    await wb.step('group by type', () => groupBy(page, 'type'));
    await wb.step('expand net', async () => expand(await revealRow(page, /^net \(\d+\)$/)));
    const row = await wb.step('find the net namespace', () => revealRow(page, nsRow(net)));
    await wb.step('its details are drawn on the row', () => rowDetailsDrawn(row, 'loopback only'));

    const hover = page
      .locator(HOVER)
      .filter({ hasText: `net ${net}` })
      .first();
    await wb.step('hover it', () => hoverForTooltip(page, row, hover));
    await wb.screenshot('hostile-tooltip');
    // VS Code draws a code block as an element with data-code, of tokenized spans.
    const block = hover.locator('[data-code]').filter({ hasText: 'nsx-e2e-image' });
    assert.equal(await block.count(), 1, 'the command line is in one code block');
    const shown = (await block.innerText()).replace(/\s+/g, ' ');
    assert.ok(
      shown.includes(`sh -c sleep 600; : \\012\`\`\`\\012 ${IMAGE} ${LINK}`),
      `the whole command line as text, its newlines as \\012: ${shown}`,
    );
    assert.equal(await hover.locator('img').count(), 0, 'no image');
    assert.equal(
      await hover
        .locator(
          'a[href*="nsx-e2e"], a[data-href*="nsx-e2e"], a[href*="workbench.action.quit"], a[data-href*="workbench.action.quit"]',
        )
        .count(),
      0,
      'no link',
    );
  },
);
