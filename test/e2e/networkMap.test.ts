/**
 * The Network Map panel in a real VS Code, on net namespaces this test makes (root): the
 * course topology — a lone netns (only `lo`, DOWN), two joined by a veth pair, a hub with a
 * bridge and two members on veths — and then 200 namespaces on one bridge. The map shows
 * the cards, the veth wire and the bridge with its two members; clicking a card selects it
 * in the tree; Shift-click shows the path; an interface opens Details at its row; the
 * panel comes back after a reload. Screenshots go to artifacts/e2e/network-map-*.png, and
 * the time from the command to 200 cards drawn is printed.
 *
 * Everything made is removed at the end, also on failure, by the exact names made here
 * (a veth pair goes with its namespace).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import type { FrameLocator } from 'playwright-core';
import {
  activeWebview,
  EDITOR,
  ms,
  needsE2e,
  openWithNamespaces,
  runCommand,
  waitUntil,
  type Workbench,
} from './workbench';
import { run, Scenario } from '../integration/helpers';

const rootOnly = needsE2e({ root: 'makes network namespaces, veth pairs and bridges', tools: ['ip'] });

const card = (view: FrameLocator, ino: number) => view.locator(`g.card[data-ns="${ino}"]`);

/** `ip -batch` of LINES (one process instead of one per line). */
function ipBatch(lines: string[], netns?: string): void {
  const dir = mkdtempSync(join(tmpdir(), 'nsx-map-'));
  try {
    writeFileSync(join(dir, 'batch'), lines.join('\n') + '\n');
    run('ip', [...(netns ? ['-n', netns] : []), '-batch', join(dir, 'batch')]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `ip netns add` of each of NAMES, each deleted by its name at cleanup; returns their inodes. */
function netnsAll(s: Scenario, names: string[]): number[] {
  for (const name of names)
    s.defer(`ip netns del ${name}`, () => {
      if (
        run('ip', ['netns', 'list'])
          .split('\n')
          .some((l) => l.split(' ')[0] === name)
      )
        run('ip', ['netns', 'del', name]);
    });
  ipBatch(names.map((n) => `netns add ${n}`));
  return names.map((n) => Number(run('stat', ['-c', '%i', `/run/netns/${n}`]).trim()));
}

/** The course: lone; a ↔ b on a veth; hub with br0 and two members m1, m2 on veths. */
function course(s: Scenario, tag: string) {
  const names = ['lone', 'a', 'b', 'hub', 'm1', 'm2'].map((n) => `${tag}-${n}`);
  const [lone, a, b, hub, m1, m2] = netnsAll(s, names) as [number, number, number, number, number, number];
  const [, na, nb, nhub, nm1, nm2] = names as [string, string, string, string, string, string];
  run('ip', ['-n', na, 'link', 'add', 'va', 'type', 'veth', 'peer', 'name', 'vb', 'netns', nb]);
  run('ip', ['-n', na, 'addr', 'add', '10.77.0.1/30', 'dev', 'va']);
  run('ip', ['-n', nb, 'addr', 'add', '10.77.0.2/30', 'dev', 'vb']);
  for (const n of [na, nb]) run('ip', ['-n', n, 'link', 'set', n === na ? 'va' : 'vb', 'up']);
  ipBatch(
    [
      'link add br0 type bridge',
      `link add p1 type veth peer name eth0 netns ${nm1}`,
      `link add p2 type veth peer name eth0 netns ${nm2}`,
      'link set p1 master br0',
      'link set p2 master br0',
      'link set br0 up',
      'link set p1 up',
      'link set p2 up',
    ],
    nhub,
  );
  return { lone, a, b, hub, m1, m2 };
}

async function showMap(wb: Workbench, t: TestContext, cards: number[]): Promise<FrameLocator> {
  const asked = performance.now();
  await wb.step('Show Network Map from the palette', () => runCommand(wb.page, 'Namespace Explorer: Show Network Map'));
  await wb.step('the Network Map tab is active', () =>
    wb.page.locator(EDITOR.activeTab).filter({ hasText: 'Network Map' }).waitFor({ timeout: 15_000 }),
  );
  const view = activeWebview(wb.page);
  await wb.step(`the map draws ${cards.length} cards`, () =>
    waitUntil(
      `${cards.length} cards drawn`,
      async () => (await view.locator(cards.map((c) => `g.card[data-ns="${c}"]`).join(',')).count()) === cards.length,
      60_000,
    ),
  );
  t.diagnostic(`Show Network Map to ${cards.length} cards drawn: ${ms(asked)}`);
  return view;
}

test(
  'the map of the course topology: cards, the veth wire, the bridge with its two members; acts on the tree and Details',
  { skip: rootOnly, timeout: 6 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const tag = `nsxmap${process.pid}`;
    const ns = course(s, tag);
    t.diagnostic(`course: ${JSON.stringify(ns)}`);
    const wb = await openWithNamespaces(t, { name: 'network-map', viewport: { width: 1600, height: 1000 } });
    s.defer('close the workbench', () => wb.close());
    const view = await showMap(wb, t, Object.values(ns));

    const lone = card(view, ns.lone);
    assert.match((await lone.locator('.card-title').textContent()) ?? '', new RegExp(`${tag}-lone`));
    assert.equal(await lone.locator('g.badge').count(), 1, 'a new netns has only lo');
    assert.match((await lone.locator('g.badge').getAttribute('class')) ?? '', /state-down/, 'lo DOWN');
    assert.match((await lone.locator('g.badge text').textContent()) ?? '', /^lo loopback DOWN/);

    const wiresBetween = async (x: number, y: number) =>
      view.locator('.wire').evaluateAll(
        (ws, [x, y]) =>
          ws.filter((w) => {
            const ends = (w.getAttribute('data-ns') ?? '').split(' ').map(Number);
            return ends.includes(x!) && ends.includes(y!);
          }).length,
        [x, y],
      );
    assert.equal(await wiresBetween(ns.a, ns.b), 1, 'one wire for the veth pair');
    assert.equal(await wiresBetween(ns.hub, ns.m1), 1, 'the hub is wired to m1');
    assert.equal(await wiresBetween(ns.hub, ns.m2), 1, 'the hub is wired to m2');
    const hub = card(view, ns.hub);
    assert.deepEqual(
      await hub.locator('g.badge').evaluateAll((bs) => bs.map((b) => b.getAttribute('data-if'))),
      ['lo', 'br0', 'p1', 'p2'],
      'the bridge with its two ports under it',
    );
    assert.match((await hub.locator('g.badge[data-if="p1"] text').textContent()) ?? '', /p1 veth \S+ in br0/);

    await view.locator('#filter').locator('input').fill(tag);
    await view.locator('#fit').click();
    await wb.screenshot('network-map-course');

    // A card selects its namespace in the tree.
    await card(view, ns.a).locator('.card-title').click();
    await wb.step('the tree selects a', () =>
      wb.waitForState((st) => st.selection?.ns === ns.a, `net ${ns.a} is selected`, 15_000),
    );
    // Two cards: the path over the bridge.
    await card(view, ns.m1).locator('.card-title').click();
    await card(view, ns.m2)
      .locator('.card-title')
      .click({ modifiers: ['Shift'] });
    await view
      .locator('#path-info')
      .filter({ hasText: /Path: .*→.*→/ })
      .waitFor({ timeout: 10_000 });
    t.diagnostic(await view.locator('#path-info').innerText());
    assert.equal(await view.locator('.wire.on-path').count(), 2);
    assert.equal(await view.locator('g.card.on-path').count(), 3);
    await wb.screenshot('network-map-course-path');

    // The panel comes back after a reload, its filter kept.
    await wb.step('Developer: Reload Window', () => wb.reload());
    const again = activeWebview(wb.page);
    await wb.step('the map is drawn again', () => card(again, ns.hub).waitFor({ state: 'attached', timeout: 60_000 }));
    assert.equal(await again.locator('#filter').evaluate((f) => (f as unknown as { value: string }).value), tag);

    // An interface opens its namespace's details at its row.
    await card(again, ns.hub).locator('g.badge[data-if="p2"]').click();
    const details = activeWebview(wb.page);
    await wb.step('Details of the hub show p2', () =>
      details.locator('tr.focused td').first().filter({ hasText: /^p2$/ }).waitFor({ timeout: 20_000 }),
    );
    await wb.screenshot('network-map-details-at-interface');
    assert.deepEqual(wb.pageErrors(), [], 'no uncaught error in the workbench or its webviews');
  },
);

test(
  '200 namespaces on one bridge are drawn as one group, and the time to draw them is printed',
  { skip: rootOnly, timeout: 8 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const tag = `nsxmap${process.pid}`;
    const made = performance.now();
    const [hub, ...members] = netnsAll(s, [`${tag}-bighub`, ...Array.from({ length: 200 }, (_, i) => `${tag}-c${i}`)]);
    const lines = ['link add br0 type bridge', 'link set br0 up'];
    for (let i = 0; i < 200; i++)
      lines.push(`link add v${i} type veth peer name eth0 netns ${tag}-c${i}`, `link set v${i} master br0 up`);
    ipBatch(lines, `${tag}-bighub`);
    t.diagnostic(`201 namespaces and 200 veths on a bridge made in ${ms(made)}`);
    const wb = await openWithNamespaces(t, { name: 'network-map-200', viewport: { width: 1600, height: 1000 } });
    s.defer('close the workbench', () => wb.close());
    const view = await showMap(wb, t, [hub!, ...members]);
    assert.match(
      (await card(view, hub!).locator('g.badge[data-if="br0"] text').textContent()) ?? '',
      /^br0 bridge \S+ · 200 ports/,
    );
    await view.locator('#fit').click();
    await wb.screenshot('network-map-200');
    await view.locator('#filter').locator('input').fill(`${tag}-c199`);
    await waitUntil(
      'one card matches',
      async () =>
        (await view.locator('#filter-count').innerText()) ===
        '1 of ' + String(await view.locator('g.card').count()) + ' match',
      10_000,
    );
    for (let i = 0; i < 4; i++) await view.locator('#zoom-in').click();
    await wb.screenshot('network-map-200-zoomed');
    assert.deepEqual(wb.pageErrors(), [], 'no uncaught error in the workbench or its webviews');
  },
);
