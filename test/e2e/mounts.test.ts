/**
 * The Mounts view in a real VS Code on mounts and mount namespaces this test makes
 * itself (root): the editor's own mount table with a shared, an unbindable and a hidden
 * mount; a slave and a private copy of it in two more mount namespaces, reached by
 * selecting a row of the Namespaces view and through "Show the Mounts of…"; and, as an
 * ordinary user, a mount namespace only a bind mount keeps (the needs-root welcome, then
 * Read as Root through real polkit). Descriptions are checked against /proc/PID/mountinfo.
 * Timings are printed, not asserted; screenshots go to artifacts/e2e/mounts-*.png.
 *
 * Everything made is removed at the end, also on failure: processes by their process
 * group, mounts by exact path (newest first, each only while its mount ID is still
 * there), then the temp directory (only when no mount is left under it).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import {
  activeWebview,
  answerInputBox,
  ARTIFACTS,
  clickMenuItem,
  clickViewAction,
  clippedIn,
  contextMenu,
  drawnRows,
  EDITOR,
  expand,
  groupBy,
  HOVER,
  hoverForTooltip,
  ms,
  type NamespacesWorkbenchOptions,
  needsE2e,
  nsRow,
  openWithNamespaces,
  pickQuickItem,
  pointerAway,
  QUICK_INPUT,
  quickInput,
  quickPickItems,
  resizeSidebar,
  resizeWebview,
  revealRow,
  runCommand,
  sidebar,
  TREE,
  treeRow,
  viewDescription,
  viewPane,
  VIEWS,
  waitUntil,
  type Workbench,
} from './workbench';
import { nsInode, run, Scenario, unshareMountAt } from '../integration/helpers';
import { grantedTestUser, POLKIT_TOOLS } from '../integration/polkit-harness';

const ROOT_WHY = 'makes mounts and mount namespaces';
const TOOLS = ['mount', 'umount', 'unshare'];
const rootOnly = needsE2e({ root: ROOT_WHY, tools: TOOLS });

const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------------------------
// Truth from /proc/PID/mountinfo (parsed here, independently of src/core)

interface RawMount {
  id: number;
  target: string;
  fstype: string;
  source: string;
  /** The optional fields: shared:N, master:N, propagate_from:N, unbindable. */
  optional: string[];
}

/** A drawn row as LEVEL, `-` expanded or `+` collapsed, LABEL. */
const drawnRowText = (r: { level: number; expanded?: boolean | undefined; label: string }) =>
  `${r.level}${r.expanded ? '-' : r.expanded === false ? '+' : ' '}${r.label}`;

function mountsOf(pid: number | 'self'): RawMount[] {
  const unescape = (f: string) => f.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
  return readFileSync(`/proc/${pid}/mountinfo`, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(' ');
      const sep = f.indexOf('-');
      return {
        id: Number(f[0]),
        target: unescape(f[4]!),
        fstype: f[sep + 1]!,
        source: unescape(f[sep + 2]!),
        optional: f.slice(6, sep),
      };
    });
}

/** The newest mount at TARGET in PID's namespace (the one on top). */
function topMount(pid: number | 'self', target: string): RawMount {
  const found = mountsOf(pid).filter((m) => m.target === target);
  if (!found.length) throw new Error(`nothing is mounted at ${target} in the mount namespace of ${pid}`);
  return found[found.length - 1]!;
}

function group(m: RawMount, key: 'shared:' | 'master:'): number | null {
  const f = m.optional.find((o) => o.startsWith(key));
  return f === undefined ? null : Number(f.slice(key.length));
}

// ---------------------------------------------------------------------------------
// The scenario

interface Mounts {
  /** mkdtemp directory, made a private bind mount of itself. */
  dir: string;
  /** Prefix of the tmpfs source names: TAG-shared, TAG-unbind, TAG-covered, TAG-cover. */
  tag: string;
  shared: string;
  unbind: string;
  /** DIR/a/b, out of reach once DIR/a is mounted over it. */
  covered: string;
  cover: string;
  /** Peer group of DIR/shared in this (the editor's) namespace. */
  peer: number;
}

let scenarios = 0;

/**
 * Mounts in the test's (and so code-server's) mount namespace. Each mount is undone by
 * exact path in reverse order, and only while the mount ID made here is still there.
 */
function makeMounts(s: Scenario): Mounts {
  const tag = `nsxe2e-${process.pid}-${++scenarios}`;
  const dir = mkdtempSync('/tmp/nsxe2e-mnt-');
  s.defer(`rm -r ${dir}`, () => {
    const left = mountsOf('self').filter((m) => m.target === dir || m.target.startsWith(`${dir}/`));
    if (left.length)
      throw new Error(`not removing ${dir}: still mounted there: ${left.map((m) => m.target).join(', ')}`);
    rmSync(dir, { recursive: true, force: true });
  });
  const mount = (args: string[], target: string): RawMount => {
    run('mount', [...args, target]);
    const made = topMount('self', target);
    s.defer(`umount ${target} (mount ${made.id})`, () => {
      if (mountsOf('self').some((m) => m.id === made.id && m.target === target)) run('umount', [target]);
    });
    return made;
  };
  mount(['--bind', dir], dir);
  run('mount', ['--make-private', dir]);
  const at = (p: string) => path.join(dir, p);
  for (const d of ['shared', 'unbind', 'a/b']) run('mkdir', ['-p', at(d)]);
  const tmpfs = (what: string, p: string) => mount(['-t', 'tmpfs', '-o', 'size=1m', `${tag}-${what}`], at(p));
  tmpfs('shared', 'shared');
  run('mount', ['--make-shared', at('shared')]);
  tmpfs('unbind', 'unbind');
  run('mount', ['--make-unbindable', at('unbind')]);
  tmpfs('covered', 'a/b');
  tmpfs('cover', 'a');
  const peer = group(topMount('self', at('shared')), 'shared:');
  assert.ok(peer !== null, `${at('shared')} is shared: ${JSON.stringify(topMount('self', at('shared')))}`);
  assert.ok(topMount('self', at('unbind')).optional.includes('unbindable'), `${at('unbind')} is unbindable`);
  return { dir, tag, shared: at('shared'), unbind: at('unbind'), covered: at('a/b'), cover: at('a'), peer };
}

/**
 * A sleep in a new mount namespace, a copy of ours (`--propagation unchanged`) in which
 * SCRIPT ran first (with the path as $1); returns its PID and namespace.
 */
async function namespaceWith(s: Scenario, script: string, arg: string): Promise<{ pid: number; ns: number }> {
  const started = await s.start('unshare', [
    '--mount',
    '--propagation',
    'unchanged',
    'sh',
    '-c',
    `${script} && echo ready && exec sleep 600`,
    'sh',
    arg,
  ]);
  await s.waitLine(started, 'ready');
  const ns = nsInode(started.pid, 'mnt');
  assert.notEqual(ns, nsInode('self', 'mnt'), `unshare --mount gave ${started.pid} a mount namespace of its own`);
  return { pid: started.pid, ns };
}

// ---------------------------------------------------------------------------------
// The workbench

const mountsPane = (page: Page): Locator => viewPane(page, 'Mounts');

/** The accessible name of the row of mount TARGET from SOURCE: `TARGET, tmpfs SOURCE, …`. */
const mountRow = (target: string, source?: string) =>
  new RegExp(`^${esc(target)}, ${source ? `tmpfs ${esc(source)}` : '\\S+ \\S+'}, `);

function open(t: TestContext, name: string, opts: Omit<NamespacesWorkbenchOptions, 'name'> = {}): Promise<Workbench> {
  return openWithNamespaces(t, { name: `mounts-${name}`, firstRowIn: 'Mounts', sidebarWidth: 640, ...opts });
}

/** Waits until the Mounts view's description matches; returns it. */
async function waitForDescription(wb: Workbench, pattern: RegExp, timeout = 15_000): Promise<string> {
  let now = '';
  await wb.step(`the Mounts view's description matches ${String(pattern)}`, () =>
    waitUntil(
      `the description matches ${String(pattern)}`,
      async () => pattern.test((now = await viewDescription(mountsPane(wb.page)))),
      timeout,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; it is ${JSON.stringify(now)}`);
    }),
  );
  return now;
}

/** The description (grey text after the label) of a row. */
/**
 * The description of ROW. Waited for briefly: a row just revealed may belong to a tree the
 * view replaces at that moment, and the caller looks for it again.
 */
async function rowDescription(row: Locator): Promise<string> {
  const text = await row.locator(TREE.description).first().textContent({ timeout: 2000 });
  return (text ?? '').replace(/\u00a0/g, ' ').trim();
}

/**
 * Waits until the row of TARGET (a mount under the scenario's directory) in the Mounts
 * view says DESCRIPTION; returns the row. Expands the directory's row as often as needed:
 * when the view switches to another namespace, the old tree stays drawn for a moment (its
 * rows have the same names), and the new one starts collapsed.
 */
async function expectRow(
  wb: Workbench,
  m: Mounts,
  target: string,
  source: string,
  description: string,
): Promise<Locator> {
  const pane = mountsPane(wb.page);
  const row = treeRow(pane, mountRow(target, source)).first();
  return wb.step(`the row of ${target} says "${description}"`, async () => {
    let now = '(no row)';
    let problem = '';
    await waitUntil(
      `the row of ${target} says "${description}"`,
      async () => {
        problem = '';
        try {
          const dir = await revealRow(pane, mountRow(m.dir), 5000);
          if ((await dir.getAttribute('aria-expanded')) === 'false') {
            // Clicked again on the next round if the tree was replaced under the click; waited
            // for first, so that a slow expansion is not clicked shut again.
            await dir.locator(TREE.twistie).click({ timeout: 2000 });
            await waitUntil(
              'the directory row is expanded',
              async () => (await dir.getAttribute('aria-expanded')) === 'true',
              3000,
            ).catch(() => undefined);
          }
          await revealRow(pane, mountRow(target, source), 5000);
          return (now = await rowDescription(row)) === description;
        } catch (e) {
          problem = (e as Error).message.split('\n')[0]!;
          throw e;
        }
      },
      20_000,
    ).catch(async (e: Error) => {
      const drawn = await drawnRows(pane).catch(() => []);
      const last = problem ? `; the last try: ${problem}` : '';
      throw new Error(
        `${e.message}; it says ${JSON.stringify(now)}${last}; ` +
          `the Mounts view draws ${JSON.stringify(drawn.map(drawnRowText))}`,
      );
    });
    return row;
  });
}

/** Collapses the Namespaces view (its pane header), so that the Mounts view has the sidebar's height. */
async function collapseNamespacesView(page: Page): Promise<void> {
  const header = sidebar(page).locator(`${VIEWS.paneHeader}[aria-label^="Namespaces"]`).first();
  if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
  await waitUntil(
    'the Namespaces view is collapsed',
    async () => (await header.getAttribute('aria-expanded')) === 'false',
    5000,
  );
}

/** Filters the Namespaces view by FILTER and selects the row of mount namespace INO (a click). */
async function selectMountNamespace(wb: Workbench, ino: number, filter: string): Promise<number> {
  const { page } = wb;
  const view = viewPane(page, 'Namespaces');
  await wb.step('group by type', () => groupBy(page, 'type'));
  await wb.step(`filter by ${filter}`, async () => {
    await runCommand(page, 'Namespace Explorer: Filter…');
    await answerInputBox(page, filter);
  });
  await wb.step('expand mnt', async () => expand(await revealRow(view, /^mnt \(\d+\)$/)));
  const row = await wb.step(`find mount namespace ${ino}`, () => revealRow(view, nsRow(ino)));
  const clicked = performance.now();
  await wb.step(`select mount namespace ${ino}`, () => row.locator(TREE.label).first().click());
  return clicked;
}

/**
 * Moves the pointer to an empty part of the activity bar, so that no row's tooltip or
 * highlight stays in a screenshot (a pointer moved straight into a webview leaves them).
 */
async function awayFromHovers(page: Page): Promise<void> {
  await pointerAway(page);
}

/** Colours (computed) of a row's label and icon. */
async function colours(row: Locator): Promise<{ label: string; icon: string; iconClass: string }> {
  return row.evaluate(
    (e, [labelSelector, iconSelector]) => {
      // No named functions in here: tsx would wrap them in a __name() the page lacks.
      const view = e.ownerDocument.defaultView!;
      const label = e.querySelector(labelSelector!);
      const icon = e.querySelector(iconSelector!);
      return {
        label: label ? view.getComputedStyle(label).color : '',
        icon: icon ? view.getComputedStyle(icon).color : '',
        iconClass: icon?.className ?? '',
      };
    },
    [TREE.label, TREE.icon],
  );
}

// ---------------------------------------------------------------------------------

test(
  "the Mounts view shows the editor's own mount table: propagation, unbindable and a hidden mount greyed with the reason",
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const m = makeMounts(s);
    const own = nsInode('self', 'mnt');
    const cover = topMount('self', m.cover);

    const wb = await open(t, 'own');
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;
    await wb.step('collapse the Namespaces view', () => collapseNamespacesView(page));

    const description = await waitForDescription(wb, new RegExp(`^mnt ${own}\\b.*, yours · \\d+ mounts, \\d+ hidden$`));
    t.diagnostic(`view description: ${description}`);
    // Others may mount meanwhile: the count is compared with mountinfo read at the same time.
    let counted = '';
    await wb.step('the description counts the mounts of /proc/self/mountinfo', () =>
      waitUntil(
        'the description counts the mounts',
        async () => {
          counted = `${await viewDescription(mountsPane(page))} / ${mountsOf('self').length} in mountinfo`;
          return new RegExp(` · ${mountsOf('self').length} mounts, `).test(counted);
        },
        15_000,
      ).catch((e: Error) => {
        throw new Error(`${e.message}; ${counted}`);
      }),
    );

    const shared = await expectRow(wb, m, m.shared, `${m.tag}-shared`, `shared:${m.peer} · tmpfs ${m.tag}-shared`);
    await expectRow(wb, m, m.unbind, `${m.tag}-unbind`, `unbindable · tmpfs ${m.tag}-unbind`);
    const covered = await expectRow(wb, m, m.covered, `${m.tag}-covered`, `hidden · private · tmpfs ${m.tag}-covered`);
    const coverRow = await expectRow(wb, m, m.cover, `${m.tag}-cover`, `private · tmpfs ${m.tag}-cover`);
    assert.match(
      (await covered.getAttribute('aria-label'))!,
      new RegExp(`hidden: ${esc(m.cover)} \\(mount ${cover.id}\\) is mounted over a directory above it$`),
    );

    const read = async () => ({
      shared: await colours(shared),
      covered: await colours(covered),
      cover: await colours(coverRow),
    });
    let icons = await read();
    // The hidden label's colour is a file decoration, which VS Code asks the extension for
    // after it has drawn the row, and applies when the answer comes: wait for that.
    const drawn = performance.now();
    await waitUntil(
      "the hidden row's label has its decoration's colour",
      async () => {
        icons = await read();
        return icons.covered.label === icons.covered.icon && icons.covered.label !== icons.cover.label;
      },
      15_000,
    ).catch(() => undefined);
    t.diagnostic(`colours ${ms(drawn)} after the rows were drawn: ${JSON.stringify(icons)}`);
    assert.match(icons.shared.iconClass, /\bcodicon-link\b/, 'a shared mount has the link icon');
    assert.match(icons.covered.iconClass, /\bcodicon-lock\b/, 'a private mount has the lock icon');
    assert.notEqual(
      icons.covered.label,
      icons.cover.label,
      "the hidden row's label is coloured differently from a reachable one",
    );
    assert.equal(
      icons.covered.label,
      icons.covered.icon,
      "the hidden row's label has the colour of its icon (disabledForeground)",
    );
    assert.notEqual(icons.covered.icon, icons.cover.icon, "the hidden row's icon is greyed");
    await awayFromHovers(page);
    await wb.screenshot('mounts-own');

    const hover = page.locator(HOVER).filter({ hasText: 'Hidden:' }).first();
    await wb.step('hover the hidden row: the tooltip says why it is hidden', () =>
      hoverForTooltip(page, covered.locator(TREE.label).first(), hover),
    );
    const tooltip = (await hover.innerText()).replace(/\s+/g, ' ').trim();
    t.diagnostic(`tooltip: ${tooltip}`);
    assert.ok(
      tooltip.includes(
        `Hidden: ${m.cover} (mount ${cover.id}) is mounted over a directory above it; ` +
          `nothing under ${m.covered} here can be reached.`,
      ),
      tooltip,
    );
    assert.equal(tooltip.split('Hidden:').length - 1, 1, `the tooltip says "Hidden:" once: ${tooltip}`);
    await wb.screenshot('mounts-own-hidden-tooltip');
  },
);

test(
  'the Mounts view follows the mount namespace selected in the Namespaces view, and Show the Mounts of… picks another',
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const m = makeMounts(s);
    const slave = await namespaceWith(s, 'mount --make-slave "$1"', m.shared);
    const priv = await namespaceWith(s, 'mount --make-private "$1"', m.shared);
    assert.equal(
      group(topMount(slave.pid, m.shared), 'master:'),
      m.peer,
      `${m.shared} in ${slave.pid}'s namespace is a slave of peer group ${m.peer}`,
    );
    assert.deepEqual(topMount(priv.pid, m.shared).optional, [], `${m.shared} in ${priv.pid}'s namespace is private`);
    t.diagnostic(
      `shared:${m.peer} here; slave namespace ${slave.ns} (sleep ${slave.pid}), ` +
        `private namespace ${priv.ns} (sleep ${priv.pid})`,
    );

    const wb = await open(t, 'follow');
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;

    const clicked = await selectMountNamespace(wb, slave.ns, String(slave.pid));
    await wb.step(`mount namespace ${slave.ns} is selected`, () =>
      wb.waitForState(
        (s) => s.selection?.ns === slave.ns && s.selection.type === 'mnt',
        `mount namespace ${slave.ns} is selected`,
        15_000,
      ),
    );
    const description = await waitForDescription(wb, new RegExp(`^mnt ${slave.ns}\\b.* · \\d+ mounts`));
    t.diagnostic(`row selected to the Mounts view's description: ${ms(clicked)} (${description})`);
    assert.doesNotMatch(description, /yours/);
    await expectRow(wb, m, m.shared, `${m.tag}-shared`, `master:${m.peer} · tmpfs ${m.tag}-shared`);
    await expectRow(wb, m, m.covered, `${m.tag}-covered`, `hidden · private · tmpfs ${m.tag}-covered`);
    await awayFromHovers(page);
    await wb.screenshot('mounts-slave-selected');

    const asked = performance.now();
    await wb.step("click Show the Mounts of… in the view's title", () =>
      clickViewAction(page, 'Mounts', 'Show the Mounts of…'),
    );
    await wb.step('the quick pick offers the mount namespaces', () => quickInput(page));
    const pickShown = ms(asked);
    const items = await wb.step('read the quick pick', async () => {
      await waitUntil(
        'the private namespace is offered',
        async () => (await quickPickItems(page, { all: true })).some((i) => i.label === `mnt ${priv.ns}`),
        10_000,
      );
      return quickPickItems(page, { all: true });
    });
    t.diagnostic(`quick pick: ${items.map((i) => `${i.label} (${i.description})`).join('; ')}`);
    assert.match(
      items.find((i) => i.label === `mnt ${slave.ns}`)?.description ?? '',
      /\bshown\b/,
      'the namespace shown is marked',
    );
    assert.match(
      items.find((i) => i.label === `mnt ${nsInode('self', 'mnt')}`)?.description ?? '',
      /\byours\b/,
      "the editor's own is marked",
    );
    await wb.screenshot('mounts-choose-namespace');
    let picked = 0;
    await wb.step(`pick mnt ${priv.ns}`, async () => {
      // Typed first: the list is long (other tests' namespaces too) and scrolled to its end.
      await page.locator(QUICK_INPUT.input).fill(String(priv.ns));
      picked = performance.now();
      await pickQuickItem(page, `mnt ${priv.ns}`);
    });
    await waitForDescription(wb, new RegExp(`^mnt ${priv.ns}\\b`));
    t.diagnostic(
      `quick pick shown ${pickShown} after the click on Show the Mounts of…; ` +
        `picked to the private namespace's description: ${ms(picked)}`,
    );
    await expectRow(wb, m, m.shared, `${m.tag}-shared`, `private · tmpfs ${m.tag}-shared`);
    await awayFromHovers(page);
    await wb.screenshot('mounts-private-picked');

    await wb.step('Show Your Own Mounts', () => runCommand(page, 'Namespace Explorer: Show Your Own Mounts'));
    await waitForDescription(wb, new RegExp(`^mnt ${nsInode('self', 'mnt')}\\b.*, yours · `));
    await expectRow(wb, m, m.shared, `${m.tag}-shared`, `shared:${m.peer} · tmpfs ${m.tag}-shared`);
  },
);

/** Text of an element in the webview, whitespace squeezed ('' when it is not there). */
async function textIn(view: FrameLocator, selector: string): Promise<string> {
  const el = view.locator(selector).first();
  if ((await el.count()) === 0) return '';
  return ((await el.innerText({ timeout: 5000 })) ?? '').replace(/\s+/g, ' ').trim();
}

/** The mount IDs of the panel's mounts table (those the filter leaves shown, with `shown`). */
async function tableIds(view: FrameLocator, { shown = false } = {}): Promise<number[]> {
  return view
    .locator('#mount-table vscode-table-row[data-mount-id]')
    .evaluateAll(
      (els, onlyShown) =>
        els.filter((e) => !onlyShown || !e.hasAttribute('hidden')).map((e) => Number(e.getAttribute('data-mount-id'))),
      shown,
    );
}

/** Whether the table row of mount ID is inside the table's scrolled box (not just in the DOM). */
async function rowInView(view: FrameLocator, id: number): Promise<boolean> {
  const table = await view.locator('#mount-table').boundingBox();
  const row = await view.locator(`#mount-table vscode-table-row[data-mount-id="${id}"]`).boundingBox();
  if (!table || !row) return false;
  return row.y >= table.y && row.y + row.height <= table.y + table.height;
}

/**
 * Show Propagation from the context menu of the shared mount's row in the Mounts view (mnt
 * OWN): the panel's webview, once its mounts table has drawn mount SHAREDID.
 */
async function showPropagationOfShared(wb: Workbench, m: Mounts, own: number, sharedId: number): Promise<FrameLocator> {
  const { page } = wb;
  const row = await expectRow(wb, m, m.shared, `${m.tag}-shared`, `shared:${m.peer} · tmpfs ${m.tag}-shared`);
  await wb.step("Show Propagation from the shared mount's context menu", async () => {
    await contextMenu(row);
    await clickMenuItem(page, 'Show Propagation');
  });
  const tab = page
    .locator(EDITOR.tab)
    .filter({ hasText: `Mount Propagation: mnt ${own}` })
    .first();
  await wb.step('a Mount Propagation tab opens', () => tab.waitFor({ state: 'visible', timeout: 15_000 }));
  const view = activeWebview(page);
  await wb.step('the panel draws its mounts table', () =>
    view
      .locator(`#mount-table vscode-table-row[data-mount-id="${sharedId}"]`)
      .waitFor({ state: 'attached', timeout: 30_000 }),
  );
  return view;
}

/** Waits until the panel shows mount ID as the selected one (its heading). */
async function waitForSelected(wb: Workbench, view: FrameLocator, id: number, target: string): Promise<void> {
  let now = '';
  await wb.step(`the panel shows mount ${id} (${target}) as selected`, () =>
    waitUntil(
      `the selection heading is mount ${id}`,
      async () =>
        (now = (await view.locator('#selection-heading').getAttribute('data-mount-id', { timeout: 1000 })) ?? '') ===
        String(id),
      15_000,
    ).catch((e: Error) => {
      throw new Error(`${e.message}; it is ${JSON.stringify(now)}`);
    }),
  );
}

test(
  'Show Propagation on the shared mount: its slave in the other namespace, the explanation, the drawing, and Compare with… the private namespace',
  { skip: rootOnly, timeout: 6 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const m = makeMounts(s);
    const slave = await namespaceWith(s, 'mount --make-slave "$1"', m.shared);
    const priv = await namespaceWith(s, 'mount --make-private "$1"', m.shared);
    const own = nsInode('self', 'mnt');
    const sharedId = topMount('self', m.shared).id;
    const dirId = topMount('self', m.dir).id;
    const slaveMount = topMount(slave.pid, m.shared);
    assert.equal(group(slaveMount, 'master:'), m.peer);
    t.diagnostic(
      `shared:${m.peer} (mount ${sharedId}) here in mnt ${own}; ` +
        `slave mount ${slaveMount.id} in mnt ${slave.ns}; private copy in mnt ${priv.ns}`,
    );

    const wb = await open(t, 'panel', { viewport: { width: 1600, height: 1000 }, sidebarWidth: 480 });
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;

    const asked = performance.now();
    const view = await showPropagationOfShared(wb, m, own, sharedId);
    t.diagnostic(`Show Propagation to the mounts table drawn: ${ms(asked)}`);
    await waitForSelected(wb, view, sharedId, m.shared);
    t.diagnostic(`Show Propagation to the shared mount shown as selected: ${ms(asked)}`);
    t.diagnostic(`the selected row is in the table's view when the panel opens: ${await rowInView(view, sharedId)}`);
    t.diagnostic(`panel header: ${await textIn(view, 'header.top')}`);

    // The table is one reading; others may mount meanwhile, so Refresh until it matches mountinfo.
    await wb.step('the mounts table lists the mounts of /proc/self/mountinfo', async () => {
      let diff = '';
      for (let attempt = 1; ; attempt++) {
        const expected = mountsOf('self')
          .map((x) => x.id)
          .sort((a, b) => a - b);
        let shownIds: number[] = [];
        const same = await waitUntil(
          'the table has the mounts of mountinfo',
          async () => (shownIds = (await tableIds(view)).sort((a, b) => a - b)).join() === expected.join(),
          3000,
        ).then(
          () => true,
          () => false,
        );
        if (same) return;
        const onlyShown = shownIds.filter((i) => !expected.includes(i));
        const onlyInMountinfo = expected.filter((i) => !shownIds.includes(i));
        diff =
          `only in the panel: ${onlyShown.join(', ') || 'none'}; ` +
          `only in mountinfo: ${onlyInMountinfo.join(', ') || 'none'}`;
        if (attempt === 3)
          throw new Error(`after ${attempt} readings the table differs from /proc/self/mountinfo: ${diff}`);
        t.diagnostic(`reading ${attempt} differs (${diff}): Refresh`);
        await view.locator('vscode-button[aria-label="Refresh"]').click();
      }
    });
    const hiddenRow = view.locator(`#mount-table vscode-table-row[data-mount-id="${topMount('self', m.covered).id}"]`);
    assert.match(
      (await hiddenRow.getAttribute('class')) ?? '',
      /\bis-hidden\b/,
      "the covered mount's row is marked hidden",
    );
    await awayFromHovers(page);
    await wb.screenshot('mounts-panel-opened');

    await wb.step("filter the table by the scenario's tag", () => view.locator('#filter input').fill(m.tag));
    const scenarioIds = [m.shared, m.unbind, m.covered, m.cover]
      .map((p) => topMount('self', p).id)
      .sort((a, b) => a - b);
    await wb.step('the filter leaves the four tmpfs mounts', () =>
      waitUntil(
        'four rows are shown',
        async () => (await tableIds(view, { shown: true })).sort((a, b) => a - b).join() === scenarioIds.join(),
        5000,
      ),
    );
    t.diagnostic(`filter count: ${await textIn(view, '#filter-count')}`);
    await wb.screenshot('mounts-panel-filtered');
    await wb.step('clear the filter', () => view.locator('#filter input').fill(''));

    await wb.step(`select ${m.dir} in the table`, () =>
      view.locator(`#mount-table vscode-table-row[data-mount-id="${dirId}"]`).click(),
    );
    await waitForSelected(wb, view, dirId, m.dir);
    const clicked = performance.now();
    await wb.step(`select ${m.shared} in the table`, () =>
      view.locator(`#mount-table vscode-table-row[data-mount-id="${sharedId}"]`).click(),
    );
    await waitForSelected(wb, view, sharedId, m.shared);
    t.diagnostic(`row clicked to its selection shown: ${ms(clicked)}`);

    const slaves = await textIn(view, '#slaves');
    t.diagnostic(`#slaves: ${slaves}`);
    const slaveRow = view.locator(`#slaves vscode-table-row[data-ns="${slave.ns}"][data-mount-id="${slaveMount.id}"]`);
    assert.equal(
      await slaveRow.count(),
      1,
      `#slaves has a row for mount ${slaveMount.id} in mnt ${slave.ns}: ${slaves}`,
    );
    const slaveText = (await slaveRow.innerText()).replace(/\s+/g, ' ');
    assert.ok(
      slaveText.includes(`mnt ${slave.ns}`) && slaveText.includes(m.shared) && slaveText.includes(`master:${m.peer}`),
      slaveText,
    );
    assert.equal(
      await view.locator(`#slaves vscode-table-row[data-ns="${priv.ns}"]`).count(),
      0,
      'the private copy is no slave',
    );
    t.diagnostic(`#peers: ${await textIn(view, '#peers')}`);
    t.diagnostic(`#master: ${await textIn(view, '#master')}`);
    const explanation = await textIn(view, '#explanation');
    t.diagnostic(`#explanation: ${explanation}`);
    assert.ok(explanation.includes(`mnt ${slave.ns}`), `the explanation names the slave namespace mnt ${slave.ns}`);
    const lanes = await view
      .locator('#graph svg g.lane[data-ns]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-ns')));
    t.diagnostic(`#graph lanes: ${lanes.join(', ')}; caption: ${await textIn(view, '#graph figcaption')}`);
    assert.ok(
      lanes.includes(String(own)) && lanes.includes(String(slave.ns)),
      `the drawing has lanes for mnt ${own} and mnt ${slave.ns}: ${lanes.join(', ')}`,
    );

    await awayFromHovers(page);
    await view.locator('#selection-heading').scrollIntoViewIfNeeded();
    await wb.screenshot('mounts-panel-selection');
    await view.locator('#explanation').scrollIntoViewIfNeeded();
    await wb.screenshot('mounts-panel-explanation');
    await view.locator('#graph').scrollIntoViewIfNeeded();
    await wb.screenshot('mounts-panel-graph');
    await view
      .locator('#graph figure')
      .screenshot({ path: path.join(ARTIFACTS, 'mounts-panel-graph-detail.png'), timeout: 10_000 });

    const compared = performance.now();
    await wb.step('click Compare with…', () => view.locator('vscode-button[aria-label="Compare with…"]').click());
    await wb.step('the quick pick offers the other namespaces', () => quickInput(page));
    t.diagnostic(`compare pick title: ${await page.locator(QUICK_INPUT.title).textContent()}`);
    await wb.step(`pick mnt ${priv.ns}`, async () => {
      await page.locator(QUICK_INPUT.input).fill(String(priv.ns));
      await pickQuickItem(page, `mnt ${priv.ns}`);
    });
    const differs = view.locator(`#propagation-differs vscode-table-row[data-mount-id="${sharedId}"]`);
    await wb.step('the comparison lists the shared mount under "Same path, different propagation"', () =>
      differs.waitFor({ state: 'attached', timeout: 15_000 }),
    );
    t.diagnostic(`Compare with… to the comparison drawn: ${ms(compared)}`);
    const differsText = (await differs.innerText()).replace(/\s+/g, ' ');
    t.diagnostic(`its row: ${differsText}`);
    assert.match(differsText, new RegExp(`${esc(m.shared)}.*shared \\(shared:${m.peer}\\).*private`));
    assert.match(await textIn(view, '#compare-heading'), new RegExp(`Compared with mnt ${priv.ns}\\b`));
    assert.match(await textIn(view, '#propagation-differs h3'), /^Same path, different propagation/);
    t.diagnostic(`compare summary: ${await textIn(view, '#compare .summary')}`);
    await awayFromHovers(page);
    await view.locator('#compare-heading').scrollIntoViewIfNeeded();
    await wb.screenshot('mounts-panel-compare');
    await view.locator('#propagation-differs').scrollIntoViewIfNeeded();
    await wb.screenshot('mounts-panel-compare-differs');

    // The same panel beside a wide sidebar, as on a laptop screen.
    await wb.step('back to the mounts', () => view.locator('#back-button').click());
    await waitForSelected(wb, view, sharedId, m.shared);
    await wb.step('narrow the panel', () => resizeSidebar(page, 900));
    await awayFromHovers(page);
    await view.locator('#selection-heading').scrollIntoViewIfNeeded();
    await wb.screenshot('mounts-panel-narrow');
  },
);

test(
  'as an ordinary user, a mount namespace only a bind mount keeps asks for root, and Read as Root shows it',
  { skip: needsE2e({ root: ROOT_WHY, tools: [...TOOLS, 'taskset', ...POLKIT_TOOLS] }), timeout: 6 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const m = makeMounts(s);
    const file = path.join(m.dir, 'mntns');
    writeFileSync(file, '');
    unshareMountAt(file);
    const made = topMount('self', file);
    s.defer(`umount ${file} (mount ${made.id})`, () => {
      if (mountsOf('self').some((x) => x.id === made.id && x.target === file)) run('umount', [file]);
    });
    assert.equal(made.fstype, 'nsfs');
    const held = statSync(file).ino;
    t.diagnostic(`mount namespace ${held} held by the bind mount ${file}, no process in it`);

    const { user, grant } = await grantedTestUser(s);
    const wb = await open(t, 'as-user', { asUser: user.name });
    s.defer('close the workbench', () => wb.close()); // before userdel: its processes are the user's
    const { page } = wb;
    await waitForDescription(wb, /, yours · \d+ mounts/);

    const clicked = await selectMountNamespace(wb, held, String(held));
    const welcome = mountsPane(page).locator(VIEWS.welcome);
    await wb.step('the Mounts view says reading it needs root', () =>
      welcome
        .filter({ hasText: 'No process is in this mount namespace' })
        .waitFor({ state: 'visible', timeout: 15_000 }),
    );
    t.diagnostic(`row selected to the needs-root welcome: ${ms(clicked)}`);
    const text = (await welcome.innerText()).replace(/\s+/g, ' ').trim();
    t.diagnostic(`welcome: ${text}`);
    assert.match(await viewDescription(mountsPane(page)), new RegExp(`^mnt ${held}\\b`));
    const button = welcome.getByRole('button', { name: 'Read as Root' });
    assert.equal(await button.isVisible(), true, 'the welcome offers Read as Root');
    assert.equal(await treeRow(mountsPane(page)).count(), 0, 'no rows while the table is unknown');
    await awayFromHovers(page);
    await wb.screenshot('mounts-needs-root');

    const pressed = performance.now();
    await wb.step('press Read as Root', () => button.click());
    const description = await waitForDescription(
      wb,
      new RegExp(`^mnt ${held}\\b.* · \\d+ mounts.* · read as root$`),
      30_000,
    );
    t.diagnostic(`Read as Root (pkexec, polkit grant) to the table shown: ${ms(pressed)} (${description})`);
    // unshare --mount made every mount of the copy private.
    await expectRow(wb, m, m.shared, `${m.tag}-shared`, `private · tmpfs ${m.tag}-shared`);
    await awayFromHovers(page);
    await wb.screenshot('mounts-read-as-root');
    await grant.revoke();
  },
);

test(
  'the Mount Propagation panel reads well from 500 to 1400 px: no cell is cut off, and every column of the drawing can be seen',
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const m = makeMounts(s);
    await namespaceWith(s, 'mount --make-slave "$1"', m.shared);
    await namespaceWith(s, 'mount --make-slave "$1"', m.shared);
    const own = nsInode('self', 'mnt');
    const sharedId = topMount('self', m.shared).id;

    const wb = await open(t, 'widths', { viewport: { width: 1600, height: 1000 }, sidebarWidth: 480 });
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;
    const view = await showPropagationOfShared(wb, m, own, sharedId);
    await waitForSelected(wb, view, sharedId, m.shared);
    const graph = view.locator('#graph svg.propagation-graph');
    await wb.step('the drawing is shown, a column per mount namespace', async () => {
      await graph.waitFor({ state: 'attached', timeout: 15_000 });
      assert.ok((await graph.locator('.lane-bg').count()) >= 3, 'this namespace and the two slaves');
    });
    await wb.step("close the sidebar: the panel takes the window's width", () =>
      runCommand(page, 'View: Close Primary Side Bar'),
    );

    for (const width of [500, 800, 1400]) {
      const reached = await wb.step(`make the panel ${width} px wide`, () => resizeWebview(page, width));
      assert.ok(Math.abs(reached - width) <= 2, `the panel is ${reached} px wide, not ${width}`);
      await awayFromHovers(page);
      await wb.step(`at ${width} px the mounts table shows its rows`, async () => {
        await view.locator('#mounts').scrollIntoViewIfNeeded();
        // The selected row, not the first: the table is scrolled to it, which on a machine
        // with many mounts takes the first row out of sight.
        const [table, selected] = [
          await view.locator('#mount-table').boundingBox(),
          await view.locator(`#mount-table vscode-table-row[data-mount-id="${sharedId}"]`).boundingBox(),
        ];
        assert.ok(
          table &&
            selected &&
            selected.height > 0 &&
            selected.y >= table.y &&
            selected.y + selected.height <= table.y + table.height,
          `the selected row is drawn inside the table: ${JSON.stringify({ table, selected })}`,
        );
      });
      await wb.screenshot(`mounts-panel-${width}-table`);
      await wb.step(`scroll the drawing into view at ${width} px`, () =>
        view.locator('#graph').scrollIntoViewIfNeeded(),
      );
      await wb.screenshot(`mounts-panel-${width}`);
      await wb.step(`at ${width} px no cell is cut off`, async () =>
        // A table cell cuts its text inside its shadow root, in .wrapper.
        assert.deepEqual(
          await clippedIn(
            view,
            'html, body, #single, #selection, vscode-table-cell, vscode-table-cell .wrapper, vscode-table-header-cell, vscode-table-header-cell .wrapper, .description, h2, h3',
          ),
          [],
        ),
      );
      await wb.step(
        `at ${width} px every column of the drawing is within the drawing, and the drawing within reach`,
        async () => {
          const geometry = await graph.evaluate((svg) => {
            const box = svg.getBoundingClientRect();
            const scroller = svg.closest('.graph-scroll')!;
            return {
              natural: Number(svg.getAttribute('width')),
              svg: { left: box.left, right: box.right, width: box.width },
              lanes: [...svg.querySelectorAll('.lane-bg')].map((l) => ({
                left: l.getBoundingClientRect().left,
                right: l.getBoundingClientRect().right,
              })),
              scroller: {
                scrollWidth: scroller.scrollWidth,
                clientWidth: scroller.clientWidth,
                overflowX: svg.ownerDocument.defaultView!.getComputedStyle(scroller).overflowX,
              },
            };
          });
          t.diagnostic(
            `${width} px: drawing ${Math.round(geometry.svg.width)} px wide ` +
              `in a box of ${geometry.scroller.clientWidth} px (scrolls ${geometry.scroller.scrollWidth} px)`,
          );
          for (const lane of geometry.lanes)
            assert.ok(
              lane.left >= geometry.svg.left - 1 && lane.right <= geometry.svg.right + 1,
              `a column lies within the drawing: ${JSON.stringify(geometry)}`,
            );
          // It shrinks to fit its box, down to 60 % of its own size; what the box cannot show at once, it scrolls to.
          if (geometry.scroller.clientWidth >= geometry.natural * 0.6)
            assert.ok(
              geometry.svg.width <= geometry.scroller.clientWidth + 1,
              `the drawing fits its box: ${JSON.stringify(geometry)}`,
            );
          assert.ok(
            geometry.scroller.scrollWidth >= Math.floor(geometry.svg.width),
            `the whole drawing can be scrolled to: ${JSON.stringify(geometry)}`,
          );
          if (geometry.scroller.scrollWidth > geometry.scroller.clientWidth)
            assert.match(geometry.scroller.overflowX, /auto|scroll/);
        },
      );
    }
  },
);

test(
  'a window reload brings the Mount Propagation panel back, on the same namespace and mount',
  { skip: rootOnly, timeout: 4 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const m = makeMounts(s);
    const own = nsInode('self', 'mnt');
    const sharedId = topMount('self', m.shared).id;
    const wb = await open(t, 'panel-reload', { viewport: { width: 1600, height: 1000 }, sidebarWidth: 480 });
    s.defer('close the workbench', () => wb.close());
    const before = await showPropagationOfShared(wb, m, own, sharedId);
    await waitForSelected(wb, before, sharedId, m.shared);

    const reloaded = performance.now();
    await wb.step('Developer: Reload Window', () => wb.reload());
    const tab = wb.page
      .locator(EDITOR.tab)
      .filter({ hasText: `Mount Propagation: mnt ${own}` })
      .first();
    await wb.step('the Mount Propagation tab is back', () => tab.waitFor({ state: 'visible', timeout: 30_000 }));
    await tab.click();
    const view = activeWebview(wb.page);
    await waitForSelected(wb, view, sharedId, m.shared);
    t.diagnostic(`reload to the shared mount shown as selected again: ${ms(reloaded)}`);
    await wb.screenshot('propagation-reloaded');
    assert.deepEqual(wb.pageErrors(), [], 'no uncaught error in the workbench or its webviews');
  },
);
