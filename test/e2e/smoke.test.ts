/**
 * The packaged extension in a real VS Code: the Namespaces view container opens from the
 * activity bar and, grouped by type, lists the net namespace of this very test process
 * under "net (N)". Needs no root: every process may read its own /proc/self/ns links.
 * As root, the same again with code-server run as the ordinary user nobody, which is
 * how the extension usually runs; nobody's editor is in this process's net namespace too.
 *
 * The .vsix is $NSX_VSIX or the newest namespace-explorer-*.vsix in the repo root
 * (`npm run package`); code-server is installed on first use (scripts/code-server.mjs).
 */
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  drawnRows,
  expand,
  findVsix,
  groupBy,
  needsE2e,
  openViewContainer,
  openWorkbench,
  parentOf,
  revealRow,
  staleAgainst,
  treeRow,
} from './workbench';

const TYPES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'];

async function ownNetnsUnderNetGroup(t: TestContext, opts: { asUser?: string; screenshot: string }): Promise<void> {
  const vsix = findVsix();
  t.diagnostic(`extension under test: ${path.relative(process.cwd(), vsix) || vsix}`);
  const stale = staleAgainst(vsix);
  if (stale.length) {
    t.diagnostic(
      `${path.basename(vsix)} is older than ${stale.slice(0, 3).join(', ')}` +
        `${stale.length > 3 ? ` and ${stale.length - 3} more` : ''}: run \`npm run package\` to test the current code`,
    );
  }
  const inode = /^net:\[(\d+)\]$/.exec(readlinkSync('/proc/self/ns/net'))?.[1];
  assert.ok(inode, 'the inode of /proc/self/ns/net');

  const started = performance.now();
  const wb = await openWorkbench({ vsix, name: opts.screenshot, ...(opts.asUser ? { asUser: opts.asUser } : {}) });
  t.after(() => wb.close());
  t.diagnostic(`vsix install, code-server start and workbench load: ${Math.round(performance.now() - started)} ms`);
  const { page } = wb;

  const { clickedAt } = await wb.step('open the "Namespaces" view container from the activity bar', () =>
    openViewContainer(page, 'Namespaces'),
  );
  await wb.step('wait for the first tree row', () => treeRow(page).first().waitFor({ state: 'visible' }));
  t.diagnostic(`activity-bar click to first tree row drawn: ${Math.round(performance.now() - clickedAt)} ms`);

  await wb.step('group by type from the command palette', () => groupBy(page, 'type'));
  // Assertions run inside step() too, so that their failures come with a screenshot.
  await wb.step('the top level holds the eight type groups in order', async () => {
    for (const type of TYPES) await revealRow(page, new RegExp(`^${type} \\(\\d+\\)`));
    const groups = (await drawnRows(page)).filter((r) => r.level === 1).map((r) => r.text);
    // Other top-level rows (a note about hidden processes) may come before the groups.
    const typeGroups = groups.map((l) => /^(\w+) \(\d+\)$/.exec(l)?.[1]).filter((g) => g !== undefined);
    assert.deepEqual(typeGroups, TYPES, `the top-level rows are ${JSON.stringify(groups)}`);
    const others = groups.filter((l) => !/^(\w+) \(\d+\)$/.test(l));
    if (others.length) t.diagnostic(`other top-level rows: ${JSON.stringify(others)}`);
  });

  const net = treeRow(page, /^net \(\d+\)/).first();
  const clicks = await wb.step('expand "net (N)"', () => expand(net));
  if (clicks > 1) t.diagnostic(`"net (N)" took ${clicks} clicks to expand: the tree redrew under the pointer`);
  const ownRow = new RegExp(`^net namespace ${inode}\\b`);
  const own = await wb.step(`find the row of net namespace ${inode}`, () => revealRow(page, ownRow));
  const label = await own.getAttribute('aria-label');
  t.diagnostic(`own net namespace row: ${label}`);
  await wb.step(`${label} hangs under "net (N)"`, async () => {
    const parent = await parentOf(page, own);
    assert.match(parent.text, /^net \(\d+\)$/, `its parent row is ${parent.text} [${parent.label}]`);
  });
  await wb.step(`scroll back to ${label}`, () => revealRow(page, ownRow));
  t.diagnostic(`screenshot: ${await wb.screenshot(opts.screenshot, { parkMouse: true })}`);
}

test(
  'the Namespaces view shows this process\'s net namespace under "net (N)" when grouped by type',
  { timeout: 5 * 60_000, skip: needsE2e() },
  (t) => ownNetnsUnderNetGroup(t, { screenshot: 'by-type' }),
);

test(
  'run by the ordinary user nobody, the Namespaces view shows the same net namespace under "net (N)"',
  { timeout: 5 * 60_000, skip: needsE2e({ root: 'starts code-server as the user nobody' }) },
  (t) => ownNetnsUnderNetGroup(t, { asUser: 'nobody', screenshot: 'by-type-as-nobody' }),
);
