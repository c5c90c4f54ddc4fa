/**
 * The Namespaces view container of this extension: a workbench opened on it, its rows by
 * namespace, its groupings.
 */
import type { TestContext } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { namespaceIn } from './apiState';
import { openWorkbench, type Workbench, type WorkbenchOptions } from './lifecycle';
import { findVsix } from './packaging';
import { runCommand } from './pages/quickInput';
import {
  drawnRows,
  openViewContainer,
  resizeSidebar,
  revealRow,
  treeRow,
  viewPane,
  type DrawnRow,
} from './pages/treeView';
import { escapeRegExp, ms, waitUntil } from './wait';

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

/** How the level-1 rows of the Namespaces view look in each grouping (info rows aside). */
const GROUPED: Record<'type' | 'owner' | 'parent' | 'containers', (top: DrawnRow[]) => boolean> = {
  type: (top) => top.some((r) => /^[a-z]+ \(\d+\)$/.test(r.text)) && !top.some((r) => / namespace \d+/.test(r.label)),
  owner: (top) =>
    top.some((r) => /^user namespace /.test(r.label)) &&
    top.every((r) => !/^(pid namespace |[a-z]+ \(\d+\)$)/.test(r.label)),
  parent: (top) => top.some((r) => /^pid namespace /.test(r.label)),
  containers: (top) =>
    top.some((r) =>
      /^((container|pod|sandbox) |namespaces outside containers|No container or sandbox found)/.test(r.label),
    ),
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

/** A running container as the test's engine made it: its name, engine, image and net namespace. */
export interface ShownContainer {
  name: string;
  engine: string;
  image: string;
  net: number;
}

/**
 * Its row in Group By Containers, once the scan has named it (its net namespace labelled
 * `NAME (ENGINE)`): `container NAME, ENGINE · IMAGE · running · 1 process`.
 */
export async function containerRow(wb: Workbench, c: ShownContainer): Promise<Locator> {
  const label = `${c.name} (${c.engine})`;
  await wb.step(`the scan names ${c.name}`, () =>
    wb.waitForState((s) => namespaceIn(s, c.net)?.label === label, `net ${c.net} is ${label}`),
  );
  await wb.step('group by containers', () => groupBy(wb.page, 'containers'));
  const row = `^container ${escapeRegExp(c.name)}, ${c.engine} · ${escapeRegExp(c.image)} · running · 1 process$`;
  return wb.step(`find ${c.name}`, () => revealRow(wb.page, new RegExp(row)));
}
