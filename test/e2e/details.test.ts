/**
 * The Namespace Details panel in a real VS Code, on namespaces this test makes itself
 * (root): two `ip netns` joined by a veth pair, with addresses and a listening socket,
 * and one process in new user, UTS, IPC, PID, cgroup and time namespaces with a hostname,
 * System V objects and clock offsets. Each panel's values are checked against what the
 * standard tools say (ip, ipcs, /proc); the veth peer's link is followed into the tree;
 * tables sort and filter; Refresh reads again; a namespace deleted while shown says it is
 * gone. The tree says the essentials on the rows: a hostname and clock offsets in the
 * description, a net namespace's interfaces with their addresses and veth peer as its
 * children (checked against `ip -j addr`). As an ordinary user, a netns only root can
 * enter lists what needs root, and Show All Namespaces (real polkit) fills it in.
 * Screenshots go to artifacts/e2e/details-*.png.
 *
 * Everything made is removed at the end, also on failure: processes by their process
 * group, network namespaces by their exact names (the veth pair goes with them).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import {
  activeWebview,
  clickMenuItem,
  clickViewAction,
  clippedIn,
  contextMenu,
  drawnRows,
  EDITOR,
  expand,
  framesDrawn,
  ms,
  type NamespacesWorkbenchOptions,
  needsE2e,
  nsRow,
  openWithNamespaces,
  pickQuickItem,
  pointerAway,
  QUICK_INPUT,
  resizeWebview,
  revealRow,
  runCommand,
  TREE,
  treeRow,
  viewPane,
  waitUntil,
  WORKBENCH,
  type Workbench,
} from './workbench';
import { descendants, nsInode, run, Scenario, waitFor } from '../integration/helpers';
import { grantedTestUser, POLKIT_TOOLS } from '../integration/polkit-harness';

const ROOT_WHY = 'makes network, UTS, IPC, PID, cgroup and time namespaces';
const TOOLS = ['ip', 'unshare', 'nsenter', 'hostname', 'ipcs', 'ipcmk'];
const rootOnly = needsE2e({ root: ROOT_WHY, tools: TOOLS });

const squeeze = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

/** The Namespaces view, grouped by type, in a sidebar wide enough for the rows' details. */
function open(t: TestContext, name: string, opts: Omit<NamespacesWorkbenchOptions, 'name'> = {}): Promise<Workbench> {
  return openWithNamespaces(t, {
    name: `details-${name}`,
    viewport: { width: 1440, height: 900 },
    groupByType: true,
    sidebarWidth: 440,
    ...opts,
  });
}

/** The row of namespace INO of TYPE, its type's group expanded. */
async function namespaceRow(wb: Workbench, type: string, ino: number) {
  await wb.step(`expand ${type}`, async () => expand(await revealRow(wb.page, new RegExp(`^${type} \\(\\d+\\)$`))));
  return wb.step(`find ${type} namespace ${ino}`, () => revealRow(wb.page, nsRow(ino)));
}

/** Show Details of INO from the command palette; returns its panel once drawn. */
async function detailsFromPalette(wb: Workbench, t: TestContext, type: string, ino: number): Promise<FrameLocator> {
  const { page } = wb;
  const asked = performance.now();
  await wb.step(`Show Details of ${type} ${ino} from the palette`, async () => {
    await runCommand(page, 'Namespace Explorer: Show Details');
    await page.locator(QUICK_INPUT.input).fill(String(ino));
    await pickQuickItem(page, `${type} ${ino}`);
  });
  return detailsPanel(wb, type, ino, t, asked);
}

/** Show Details from ROW's context menu. */
async function showDetailsFromMenu(wb: Workbench, row: Locator): Promise<void> {
  await wb.step("Show Details from the row's context menu", async () => {
    await contextMenu(row);
    await clickMenuItem(wb.page, 'Show Details');
  });
}

/** Waits until the active panel is the Details panel of INO and has drawn its sections; returns its document. */
async function detailsPanel(
  wb: Workbench,
  type: string,
  ino: number,
  t: TestContext,
  since: number,
): Promise<FrameLocator> {
  const { page } = wb;
  const tab = page.locator(EDITOR.activeTab).filter({ hasText: `${type} ${ino}` });
  await wb.step(`the ${type} ${ino} tab is active`, () => tab.waitFor({ state: 'visible', timeout: 15_000 }));
  const view = activeWebview(page);
  await wb.step(`the panel of ${type} ${ino} draws its sections`, async () => {
    await view
      .locator('#title')
      .filter({ hasText: `${type} ${ino}` })
      .waitFor({ timeout: 20_000 });
    await view.locator('#sections section[data-section]').first().waitFor({ state: 'attached', timeout: 20_000 });
  });
  t.diagnostic(`${type} ${ino}: asked to drawn ${ms(since)}; ${squeeze(await view.locator('header.top').innerText())}`);
  return view;
}

/**
 * Collapses the tree, so that the row of namespace INO is not drawn, then clicks LINK in a
 * panel and waits until the tree shows that row; returns it.
 */
async function followLink(wb: Workbench, t: TestContext, link: Locator, ino: number, what: string): Promise<Locator> {
  const { page } = wb;
  const row = treeRow(page, nsRow(ino)).first();
  await wb.step('collapse the tree', () => clickViewAction(page, 'Namespaces', 'Collapse All'));
  await waitUntil(`the row of ${what} is not drawn`, async () => !(await row.isVisible()), 5000);
  const clicked = performance.now();
  await link.click();
  await wb.step(`the tree selects ${what}`, () =>
    wb.waitForState((s) => s.selection?.ns === ino, `namespace ${ino} is selected`, 15_000),
  );
  await wb.step(`the tree shows ${what}`, () => row.waitFor({ state: 'visible', timeout: 15_000 }));
  t.diagnostic(
    `link to ${what} clicked to its row shown: ${ms(clicked)}; ${await row.getAttribute('aria-label')}, ` +
      `expanded ${await row.getAttribute('aria-expanded')}`,
  );
  return row;
}

/** The rows of a table section that the filter shows, as cell texts. */
async function tableRows(view: FrameLocator, section: string): Promise<string[][]> {
  return view
    .locator(`section[data-section="${section}"] tbody tr`)
    .evaluateAll((rows) =>
      rows
        .filter((r) => !r.hasAttribute('hidden'))
        .map((r) => [...r.querySelectorAll('td')].map((c) => (c.textContent ?? '').trim())),
    );
}

/** A 'fields' section as name → value. */
async function fieldsOf(view: FrameLocator, section: string): Promise<Record<string, string>> {
  const pairs = await view
    .locator(`section[data-section="${section}"] .field`)
    .evaluateAll((fields) =>
      fields.map((f) => [
        (f.querySelector('dt')?.textContent ?? '').trim(),
        (f.querySelector('dd')?.textContent ?? '').trim(),
      ]),
    );
  return Object.fromEntries(pairs);
}

/** Columns of a table section, by header text. */
async function columnsOf(view: FrameLocator, section: string): Promise<string[]> {
  return view
    .locator(`section[data-section="${section}"] thead th`)
    .evaluateAll((ths) => ths.map((th) => (th.textContent ?? '').trim()));
}

/** The shown rows of a table section, as the cells of the columns NAMES. */
async function rowsBy(view: FrameLocator, section: string, names: string[]): Promise<string[][]> {
  const columns = await columnsOf(view, section);
  const at = names.map((name) => {
    const i = columns.indexOf(name);
    assert.ok(i >= 0, `${section} has a column ${name}: it has ${columns.join(', ')}`);
    return i;
  });
  return (await tableRows(view, section)).map((r) => at.map((i) => r[i]!));
}

async function column(view: FrameLocator, section: string, name: string): Promise<string[]> {
  return (await rowsBy(view, section, [name])).map((r) => r[0]!);
}

/** Moves the pointer off the panel and the tree, so that no hover shows in a screenshot. */
async function awayFromHovers(page: Page): Promise<void> {
  await pointerAway(page);
}

interface IpcsRow {
  key: string;
  id: number;
  owner: string;
  perms: string;
}

/** `ipcs -q|-m|-s` inside the IPC namespace of PID. */
function ipcs(pid: number, kind: '-q' | '-s' | '-m'): IpcsRow[] {
  return run('nsenter', ['-t', String(pid), '-i', 'ipcs', kind])
    .split('\n')
    .filter((l) => /^0x[0-9a-f]{8} /.test(l))
    .map((l) => {
      const [key, id, owner, perms] = l.trim().split(/\s+/);
      return { key: key!, id: Number(id), owner: owner!, perms: perms! };
    });
}

/** The processes in namespace INO of TYPE, by PID. */
function membersOf(type: 'cgroup', ino: number): number[] {
  const inIt = (pid: number) => {
    try {
      return nsInode(pid, type) === ino;
    } catch {
      return false; // exited meanwhile
    }
  };
  return readdirSync('/proc')
    .filter((f) => /^\d+$/.test(f))
    .map(Number)
    .filter(inIt)
    .sort((a, b) => a - b);
}

/** The v2 line of /proc/PID/cgroup: the process's cgroup as the host sees it. */
const cgroupOf = (pid: number) => /^0::(.*)$/m.exec(readFileSync(`/proc/${pid}/cgroup`, 'utf8'))![1]!;

/** An interface as `ip -j addr` prints it (the fields used here). */
interface IpInterface {
  ifindex: number;
  ifname: string;
  operstate: string;
  /** A veth's peer: its ifindex in the namespace link_netnsid names. */
  link_index?: number;
  addr_info: { local: string; prefixlen: number; tentative?: boolean }[];
}

const ipAddr = (netns: string): IpInterface[] => JSON.parse(run('ip', ['-n', netns, '-j', 'addr'])) as IpInterface[];

/**
 * The accessible names of the tree's interface rows of netns NAME, from `ip -j addr`:
 * `interface NAME, ADDRESSES · STATE` and, for the veth, `↔ PEER`.
 */
function interfaceRowsOf(netns: string, peer: string): string[] {
  return ipAddr(netns).map((i) => {
    const parts = [i.addr_info.map((a) => `${a.local}/${a.prefixlen}`).join(', ') || 'no address', i.operstate];
    if (i.link_index !== undefined) parts.push(`↔ ${peer}`);
    return `interface ${i.ifname}, ${parts.join(' · ')}`;
  });
}

/**
 * The rows under ROW, as a keyboard user reads them: a click expands the row and takes the
 * focus, and each Down arrow moves it to the next row (the tree scrolls along). Stops at
 * the first row that is not a child of ROW or whose accessible name does not match MATCHING.
 */
async function rowsUnder(
  page: Page,
  row: Locator,
  matching: RegExp,
): Promise<{ label: string; description: string }[]> {
  const level = Number(await row.getAttribute('aria-level'));
  await row.click();
  await expand(row);
  const tree = viewPane(page, 'Namespaces');
  const focused = treeRow(tree).and(page.locator(TREE.focused)).first();
  const read = () =>
    focused.evaluate(
      (e, description) => ({
        index: Number(e.getAttribute('data-index')),
        level: Number(e.getAttribute('aria-level')),
        label: e.getAttribute('aria-label') ?? '',
        description: (e.querySelector(description)?.textContent ?? '').replace(/\u00a0/g, ' ').trim(),
      }),
      TREE.description,
    );
  const move = async (key: 'ArrowDown' | 'ArrowUp', from: number) => {
    await page.keyboard.press(key);
    let now = await read();
    await waitUntil('the focus moves', async () => (now = await read()).index !== from, 5000).catch(() => {});
    return now;
  };
  const down = (from: number) => move('ArrowDown', from);
  /** Up until the focus is on the row at INDEX again, or stops moving. */
  const backTo = async (index: number) => {
    for (let at = (await read()).index; at > index;) {
      const next = (await move('ArrowUp', at)).index;
      if (next === at) return;
      at = next;
    }
  };
  const start = (await read()).index;
  // The children come from the extension host after the row shows as expanded: until they
  // are drawn, Down lands on the row's next sibling. Back up to the row (past its children,
  // if they came meanwhile) and try again until they are there.
  let now = await down(start);
  for (
    const deadline = Date.now() + 15_000;
    now.index !== start && now.level !== level + 1 && Date.now() < deadline;
    now = await down(start)
  ) {
    await backTo(start);
    // Down again once the row's first child is drawn below it (or a second has passed).
    await waitUntil(
      'the first child of the row is drawn',
      async () => (await drawnRows(tree)).some((r) => r.index === start + 1 && r.level === level + 1),
      1000,
    ).catch(() => {});
  }
  const rows: { label: string; description: string }[] = [];
  for (let at = start; now.index !== at && now.level === level + 1 && matching.test(now.label); now = await down(at)) {
    rows.push({ label: now.label, description: now.description });
    at = now.index;
  }
  return rows;
}

/** Two netns joined by a veth pair, A with an address and a listening socket; both removed at cleanup. */
async function vethPair(s: Scenario, tag: string) {
  const a = { name: `${tag}-a`, dev: 'nsxd-a', address: '10.123.45.1' };
  const b = { name: `${tag}-b`, dev: 'nsxd-b', address: '10.123.45.2' };
  const inoA = s.netns(a.name);
  const inoB = s.netns(b.name);
  // Made inside A with its peer in B: no end of it is ever on the host.
  run('ip', ['-n', a.name, 'link', 'add', a.dev, 'type', 'veth', 'peer', 'name', b.dev, 'netns', b.name]);
  for (const x of [a, b]) {
    run('ip', ['-n', x.name, 'addr', 'add', `${x.address}/30`, 'dev', x.dev]);
    run('ip', ['-n', x.name, 'link', 'set', x.dev, 'up']);
    run('ip', ['-n', x.name, 'link', 'set', 'lo', 'up']);
  }
  const listener = await s.start('ip', [
    'netns',
    'exec',
    a.name,
    process.execPath,
    '-e',
    `require('net').createServer().listen(8123, '${a.address}', () => console.log('ready'))`,
  ]);
  await s.waitLine(listener, 'ready');
  return { a: { ...a, ino: inoA }, b: { ...b, ino: inoB }, listener: listener.pid };
}

test(
  "Show Details: each type's sections with the real values, the veth peer followed into the tree, sorting, filtering, Refresh, a namespace gone",
  { skip: rootOnly, timeout: 8 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const tag = `nsxe2e-${process.pid}`;
    const net = await vethPair(s, tag);
    const hostname = `${tag}-host`;
    const started = await s.start('unshare', [
      '--user',
      '--map-root-user',
      '--uts',
      '--ipc',
      '--pid',
      '--fork',
      '--mount-proc',
      '--cgroup',
      '--time',
      '--monotonic',
      '3600',
      '--boottime',
      '7200',
      'sh',
      '-c',
      `hostname ${hostname} && ipcmk -Q >/dev/null && ipcmk -M 4096 >/dev/null && echo ready && exec sleep 600`,
    ]);
    await s.waitLine(started, 'ready');
    const sleep = await s.inNewNamespace(started, 'sleep', 'pid');
    const ns = Object.fromEntries(
      (['user', 'uts', 'ipc', 'pid', 'cgroup', 'time'] as const).map((type) => [type, nsInode(sleep, type)]),
    );
    for (const [type, ino] of Object.entries(ns))
      assert.notEqual(ino, nsInode('self', type as 'uts'), `${type} is new`);
    t.diagnostic(
      `net ${net.a.ino} (${net.a.name}) ↔ net ${net.b.ino} (${net.b.name}); sleep ${sleep} in ${JSON.stringify(ns)}`,
    );

    const wb = await open(t, 'root');
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;

    // ─── net, from the row's context menu ───
    const rowA = await namespaceRow(wb, 'net', net.a.ino);
    const asked = performance.now();
    await showDetailsFromMenu(wb, rowA);
    let view = await detailsPanel(wb, 'net', net.a.ino, t, asked);
    assert.match(squeeze(await view.locator('#title').innerText()), new RegExp(`^net ${net.a.ino} ${net.a.name}$`));
    assert.match(squeeze(await view.locator('#subtitle').innerText()), /^read as root · .+ · at \d/);
    assert.deepEqual(
      await view.locator('#sections h2').evaluateAll((hs) => hs.map((h) => (h.firstChild?.textContent ?? '').trim())),
      ['Interfaces', 'Routes', 'Listening sockets', 'Connected sockets', 'Firewall', 'Related namespaces'],
    );
    const interfaces = await rowsBy(view, 'net-interfaces', ['Name', 'State', 'MTU', 'MAC', 'Addresses', 'Link']);
    t.diagnostic(`interfaces: ${JSON.stringify(interfaces)}`);
    assert.deepEqual(
      await column(view, 'net-interfaces', 'Name'),
      ['lo', net.a.dev],
      'the interfaces, as ip link lists them',
    );
    const veth = interfaces.find((r) => r[0] === net.a.dev)!;
    const ipLink = run('ip', ['-n', net.a.name, '-o', 'link', 'show', net.a.dev]);
    assert.equal(veth[1], 'UP');
    assert.equal(veth[2], /mtu (\d+)/.exec(ipLink)![1]);
    assert.equal(veth[3], /link\/ether (\S+)/.exec(ipLink)![1]);
    assert.match(veth[4]!, new RegExp(`^${net.a.address.replace(/\./g, '\\.')}/30, fe80::`));
    assert.equal(veth[5], `veth ↔ ${net.b.dev} in net ${net.b.ino} (${net.b.name})`);
    const routes = await rowsBy(view, 'net-routes', ['Destination', 'Gateway', 'Device']);
    assert.ok(
      routes.some((r) => r[0] === '10.123.45.0/30' && r[2] === net.a.dev),
      `the route of the /30: ${JSON.stringify(routes)}`,
    );
    const sockets = await rowsBy(view, 'net-sockets', ['Protocol', 'Address', 'Port', 'Processes']);
    assert.deepEqual(
      sockets.map((r) => r.slice(0, 3)),
      [['tcp', net.a.address, '8123']],
    );
    assert.match(sockets[0]![3]!, new RegExp(`\\(${net.listener}\\)`), 'the socket names its process');
    assert.equal(await view.locator('#unavailable').isHidden(), true, 'root reads everything');
    await awayFromHovers(page);
    await wb.screenshot('details-net');

    // Sorting: up, down, back to the order read.
    const header = (name: string) =>
      view.locator('section[data-section="net-interfaces"] thead th').filter({ hasText: new RegExp(`^${name}$`) });
    const nameHeader = header('Name');
    await nameHeader.locator('button').click();
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'ascending');
    assert.deepEqual(await column(view, 'net-interfaces', 'Name'), ['lo', net.a.dev]);
    await nameHeader.locator('button').click();
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'descending');
    assert.deepEqual(await column(view, 'net-interfaces', 'Name'), [net.a.dev, 'lo']);
    await awayFromHovers(page);
    await wb.screenshot('details-net-sorted');
    const mtuHeader = header('MTU');
    await mtuHeader.locator('button').click();
    assert.equal(await nameHeader.getAttribute('aria-sort'), 'none');
    assert.deepEqual(await column(view, 'net-interfaces', 'MTU'), ['1500', '65536'], 'numbers sort as numbers');
    await mtuHeader.locator('button').click();
    await mtuHeader.locator('button').click();
    assert.equal(await mtuHeader.getAttribute('aria-sort'), 'none');
    // Filtering: words anywhere in the row.
    const filter = view.locator('section[data-section="net-interfaces"] vscode-textfield input');
    await filter.fill('veth');
    await waitUntil(
      'the filter leaves the veth',
      async () => (await column(view, 'net-interfaces', 'Name')).join() === net.a.dev,
      5000,
    );
    assert.equal(
      squeeze(await view.locator('section[data-section="net-interfaces"] .filter-count').innerText()),
      '1 of 2',
    );
    await filter.fill('no-such-interface');
    await waitUntil(
      'the filter leaves nothing',
      async () => (await tableRows(view, 'net-interfaces')).length === 0,
      5000,
    );
    assert.equal(await view.locator('section[data-section="net-interfaces"] .no-match').isVisible(), true);
    await filter.fill('10.123.45.1');
    await waitUntil(
      'the filter matches the address',
      async () => (await column(view, 'net-interfaces', 'Name')).join() === net.a.dev,
      5000,
    );
    await awayFromHovers(page);
    await wb.screenshot('details-net-filtered');
    await filter.fill('');

    // The peer's link: the tree shows its namespace.
    const link = view.locator(`a.ns-link[data-ns="${net.b.ino}"]`);
    assert.equal(squeeze(await link.innerText()), `veth ↔ ${net.b.dev} in net ${net.b.ino} (${net.b.name})`);
    assert.equal(await link.getAttribute('title'), `Show net ${net.b.ino} (${net.b.name}) in the Namespaces view`);
    const peerRow = await followLink(wb, t, link, net.b.ino, "the peer's namespace");
    assert.notEqual(await peerRow.getAttribute('aria-expanded'), 'false', 'revealed expanded');
    await awayFromHovers(page);
    await wb.screenshot('details-net-peer-revealed');

    // The same namespace again: its panel, not a second one.
    await detailsFromPalette(wb, t, 'net', net.a.ino);
    assert.equal(
      await page
        .locator(EDITOR.tab)
        .filter({ hasText: `net ${net.a.ino}` })
        .count(),
      1,
      'one panel per namespace',
    );

    // ─── uts ───
    view = await detailsFromPalette(wb, t, 'uts', ns.uts!);
    assert.equal(
      (await fieldsOf(view, 'uts'))['Hostname'],
      run('nsenter', ['-t', String(sleep), '-u', 'hostname']).trim(),
    );
    assert.equal((await fieldsOf(view, 'uts'))['Hostname'], hostname);
    await awayFromHovers(page);
    await wb.screenshot('details-uts');

    // ─── ipc, and Refresh ───
    view = await detailsFromPalette(wb, t, 'ipc', ns.ipc!);
    const keys = async (section: string) =>
      (await rowsBy(view, section, ['Key', 'ID', 'Owner', 'Perms'])).map((r) => r.join(' '));
    const truth = (kind: '-q' | '-s' | '-m') => ipcs(sleep, kind).map((o) => `${o.key} ${o.id} ${o.owner} ${o.perms}`);
    assert.deepEqual(await keys('ipc-msg'), truth('-q'));
    assert.deepEqual(await keys('ipc-shm'), truth('-m'));
    assert.equal((await keys('ipc-shm')).length, 1);
    assert.deepEqual(await column(view, 'ipc-shm', 'Bytes'), ['4096']);
    assert.deepEqual(await tableRows(view, 'ipc-sem'), []);
    assert.equal(squeeze(await view.locator('section[data-section="ipc-sem"] .empty').innerText()), 'None.');
    run('nsenter', ['-t', String(sleep), '-i', 'ipcmk', '-S', '2']);
    const refreshed = performance.now();
    await view.locator('#refresh-button').click();
    await wb.step('Refresh shows the new semaphore set', () =>
      waitUntil(
        'a semaphore set is listed',
        async () => (await keys('ipc-sem')).join() === truth('-s').join() && truth('-s').length === 1,
        15_000,
      ),
    );
    t.diagnostic(`Refresh to the new row: ${ms(refreshed)}`);
    assert.deepEqual(await column(view, 'ipc-sem', 'Semaphores'), ['2']);
    await awayFromHovers(page);
    await wb.screenshot('details-ipc');

    // ─── user ───
    view = await detailsFromPalette(wb, t, 'user', ns.user!);
    const user = await fieldsOf(view, 'user');
    t.diagnostic(`user: ${JSON.stringify(user)}`);
    const mapOf = (file: string) => {
      const [inside, outside, count] = readFileSync(`/proc/${sleep}/${file}`, 'utf8')
        .trim()
        .split(/\s+/)
        .map(Number) as [number, number, number];
      const range = (from: number) => (count === 1 ? String(from) : `${from}–${from + count - 1}`);
      return `${range(inside)} → ${range(outside)}${count === 1 ? ' (one ID)' : ''}`;
    };
    assert.equal(user['UID map'], mapOf('uid_map'));
    assert.equal(user['GID map'], mapOf('gid_map'));
    assert.equal(user['setgroups'], readFileSync(`/proc/${sleep}/setgroups`, 'utf8').trim());
    assert.equal(user['Owner'], 'root (0)');
    assert.equal(user['Depth'], '1');
    await awayFromHovers(page);
    await wb.screenshot('details-user');

    // ─── pid ───
    view = await detailsFromPalette(wb, t, 'pid', ns.pid!);
    const pid = await fieldsOf(view, 'pid');
    assert.match(pid['PID 1']!, new RegExp(`^sleep 600 \\(PID ${sleep} outside\\)$`));
    assert.deepEqual(await rowsBy(view, 'pid-members', ['PID', 'PIDs from the outermost in']), [
      [String(sleep), `${sleep} → 1`],
    ]);
    const related = await fieldsOf(view, 'related');
    t.diagnostic(`related: ${JSON.stringify(related)}`);
    assert.match(related['Parent PID namespace']!, new RegExp(`^pid ${nsInode('self', 'pid')}\\b`));
    assert.match(
      related['Owner user namespace']!,
      new RegExp(`^user ${ns.user}\\b`),
      'owned by the user namespace unshare made first',
    );
    await awayFromHovers(page);
    await wb.screenshot('details-pid');

    // ─── cgroup ───
    view = await detailsFromPalette(wb, t, 'cgroup', ns.cgroup!);
    assert.equal((await fieldsOf(view, 'cgroup'))['Root (host path)'], cgroupOf(sleep));
    // unshare waits for sleep in the namespaces it made, all but the PID namespace.
    const cgroupMembers = membersOf('cgroup', ns.cgroup!);
    assert.ok(cgroupMembers.includes(sleep));
    assert.deepEqual(
      await rowsBy(view, 'cgroup-members', ['PID', 'Inside', 'On the host']),
      cgroupMembers.map((p) => [String(p), '/', cgroupOf(p)]),
    );
    await awayFromHovers(page);
    await wb.screenshot('details-cgroup');

    // ─── time ───
    view = await detailsFromPalette(wb, t, 'time', ns.time!);
    assert.deepEqual(await fieldsOf(view, 'time'), { Monotonic: '3600 s', 'Boot time': '7200 s' });
    assert.match(readFileSync(`/proc/${sleep}/timens_offsets`, 'utf8'), /^monotonic\s+3600\s+0$/m);
    await awayFromHovers(page);
    await wb.screenshot('details-time');

    // ─── gone: the namespace deleted while its panel is open ───
    const goneName = `${tag}-gone`;
    const gone = s.netns(goneName);
    await wb.step('the tree lists the new netns', () => revealRow(page, nsRow(gone), 20_000));
    view = await detailsFromPalette(wb, t, 'net', gone);
    run('ip', ['netns', 'del', goneName]);
    const deleted = performance.now();
    await wb.step('the panel says the namespace is gone', () =>
      view.locator('#problem-text').filter({ hasText: 'The last scan did not find' }).waitFor({ timeout: 20_000 }),
    );
    t.diagnostic(
      `deleted to "gone" shown: ${ms(deleted)}: ${squeeze(await view.locator('#problem-text').innerText())}`,
    );
    assert.equal(await view.locator('#sections.stale').count(), 1, 'what it held is greyed');
    assert.equal(
      await page
        .locator(EDITOR.tab)
        .filter({ hasText: `net ${gone} (${goneName}) (gone)` })
        .count(),
      1,
      'the tab says it too',
    );
    await awayFromHovers(page);
    await wb.screenshot('details-gone');

    // ─── the PID namespace's owner link: the tree shows the user namespace ───
    view = await detailsFromPalette(wb, t, 'pid', ns.pid!);
    await followLink(
      wb,
      t,
      view.locator(`section[data-section="related"] a.ns-link[data-ns="${ns.user}"]`),
      ns.user!,
      'the owner user namespace',
    );

    // ─── the other theme ───
    const light = (await view.locator('body').getAttribute('class'))?.includes('vscode-light') ?? false;
    const other = light ? 'Dark Modern' : 'Light Modern';
    await wb.step(`switch to ${other}`, async () => {
      await runCommand(page, 'Preferences: Color Theme');
      await page.locator(QUICK_INPUT.input).fill(other);
      await pickQuickItem(page, new RegExp(`^${other}`));
      await page.locator(QUICK_INPUT.widget).waitFor({ state: 'hidden', timeout: 10_000 });
      // The workbench restyles itself meanwhile; a key pressed before it has can go astray.
      const themeClass = WORKBENCH.themeClasses[light ? 'dark' : 'light'];
      await waitUntil(
        `the workbench is ${other}`,
        async () => ((await page.locator(WORKBENCH.root).getAttribute('class')) ?? '').split(' ').includes(themeClass),
        10_000,
      );
      await framesDrawn(page);
    });
    view = await detailsFromPalette(wb, t, 'net', net.a.ino);
    const theme = light ? 'dark' : 'light';
    await waitUntil(
      `the panel is ${theme}`,
      async () => (await view.locator('body').getAttribute('class'))?.includes(`vscode-${theme}`) ?? false,
      10_000,
    );
    await awayFromHovers(page);
    await wb.screenshot(`details-net-${theme}`);
    await detailsFromPalette(wb, t, 'ipc', ns.ipc!);
    await awayFromHovers(page);
    await wb.screenshot(`details-ipc-${theme}`);
  },
);

test(
  "the tree says what is inside: a hostname and clock offsets on the rows, a net namespace's interfaces with addresses and veth peer as its children",
  { skip: rootOnly, timeout: 4 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const tag = `nsxe2e-${process.pid}-t`;
    const net = await vethPair(s, tag);
    // Once IPv6 has checked the link-local addresses, `ip` and the tree list the same ones.
    await waitFor('no tentative addresses', () =>
      [net.a.name, net.b.name].every((n) => ipAddr(n).every((i) => i.addr_info.every((a) => !a.tentative))),
    );
    const hostname = `${tag}-host`;
    // --fork: a new time namespace is only for the children of who made it.
    const started = await s.start('unshare', [
      '--uts',
      '--time',
      '--monotonic',
      '3600',
      '--fork',
      'sh',
      '-c',
      `hostname ${hostname} && echo ready && exec sleep 600`,
    ]);
    await s.waitLine(started, 'ready');
    const sleep = await s.inNewNamespace(started, 'sleep', 'time');
    const uts = nsInode(sleep, 'uts');
    const time = nsInode(sleep, 'time');
    assert.notEqual(uts, nsInode('self', 'uts'), 'uts is new');
    const monotonic = Number(/^monotonic\s+(-?\d+)\s/m.exec(readFileSync(`/proc/${sleep}/timens_offsets`, 'utf8'))![1]);
    assert.equal(monotonic, 3600);

    const wb = await open(t, 'tree', { sidebarWidth: 800 });
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;

    /**
     * Waits until the row of namespace INO says WORDS among its description's parts: its
     * details arrive after it is drawn.
     */
    const rowSays = async (type: string, ino: number, words: string): Promise<void> => {
      await namespaceRow(wb, type, ino);
      const row = treeRow(page, nsRow(ino)).first();
      const shown = performance.now();
      let description = '';
      await wb.step(`the ${type} ${ino} row says "${words}"`, () =>
        waitUntil(
          `the row says "${words}"`,
          async () =>
            (description = squeeze(await row.locator(TREE.description).first().textContent()))
              .split(' · ')
              .includes(words),
          20_000,
        ).catch((e: Error) => {
          throw new Error(`${e.message}; it says ${JSON.stringify(description)}`);
        }),
      );
      t.diagnostic(`${type} ${ino}: row shown to "${words}" in it: ${ms(shown)}; ${description}`);
      const label = (await row.getAttribute('aria-label')) ?? '';
      assert.ok(label.split(/, | · /).includes(words), `a screen reader hears it too: ${label}`);
    };

    const truthHostname = run('nsenter', ['-t', String(sleep), '-u', 'hostname']).trim();
    assert.equal(truthHostname, hostname);
    await rowSays('uts', uts, `hostname ${truthHostname}`);
    await rowSays('time', time, `monotonic +${monotonic} s`);
    await wb.screenshot('details-tree-uts-time', { parkMouse: true });

    // The net namespace's row names its interfaces but lo; its children are the interfaces.
    const expectedA = interfaceRowsOf(net.a.name, `${net.b.dev} in net ${net.b.ino} (${net.b.name})`);
    const expectedB = interfaceRowsOf(net.b.name, `${net.a.dev} in net ${net.a.ino} (${net.a.name})`);
    t.diagnostic(`ip -j addr: ${JSON.stringify(expectedA)} ${JSON.stringify(expectedB)}`);
    // Each veth names the other as its peer: the index ip gives in the other namespace.
    const [vethA, vethB] = [
      ipAddr(net.a.name).find((i) => i.ifname === net.a.dev)!,
      ipAddr(net.b.name).find((i) => i.ifname === net.b.dev)!,
    ];
    assert.deepEqual(
      [vethA.link_index, vethB.link_index],
      [vethB.ifindex, vethA.ifindex],
      'the veth pair joins the two',
    );
    for (const [end, expected] of [
      [net.a, expectedA],
      [net.b, expectedB],
    ] as const) {
      await rowSays('net', end.ino, end.dev);
      const row = treeRow(page, nsRow(end.ino)).first();
      const expanded = performance.now();
      // Read again until they are all there: a row's children, like its words, are redrawn
      // when a reading of its namespace arrives, and a redraw while the keys walk the rows
      // (a snapshot, new findings) can end the walk early.
      let children: { label: string; description: string }[] = [];
      const labels = () => JSON.stringify(children.map((c) => c.label));
      await wb.step(`expand net ${end.ino}: its interfaces`, () =>
        waitUntil(
          'its interface rows',
          async () => (children = await rowsUnder(page, row, /^interface /)).length === expected.length,
          20_000,
        ).catch(() => undefined),
      );
      t.diagnostic(`net ${end.ino} interface rows: ${labels()}`);
      t.diagnostic(`net ${end.ino} expanded to its interface rows read: ${ms(expanded)}`);
      assert.deepEqual(
        children.map((c) => c.label),
        expected,
        `the interface rows of ${end.name}, as ip -j addr lists them`,
      );
      assert.deepEqual(
        children.map((c) => c.description),
        expected.map((l) => l.replace(/^interface [^,]+, /, '')),
        'the rows show it as their description',
      );
    }
    await wb.screenshot('details-tree', { parkMouse: true });
  },
);

test(
  'as an ordinary user, a netns only root can enter lists what needs root, and Show All Namespaces fills it in',
  { skip: needsE2e({ root: ROOT_WHY, tools: [...TOOLS, ...POLKIT_TOOLS] }), timeout: 6 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const net = await vethPair(s, `nsxe2e-${process.pid}-u`);
    const { user, grant } = await grantedTestUser(s);
    const wb = await open(t, 'as-user', { asUser: user.name });
    s.defer('close the workbench', () => wb.close()); // before userdel: its processes are the user's
    const { page } = wb;

    const row = await namespaceRow(wb, 'net', net.a.ino);
    let asked = performance.now();
    await showDetailsFromMenu(wb, row);
    const tab = page.locator(EDITOR.activeTab).filter({ hasText: `net ${net.a.ino}` });
    await wb.step('the panel opens', () => tab.waitFor({ state: 'visible', timeout: 15_000 }));
    const view = activeWebview(page);
    const unavailable = view.locator('#unavailable');
    await wb.step('the panel lists what needs root', () => unavailable.waitFor({ state: 'visible', timeout: 20_000 }));
    t.diagnostic(`asked to "Not shown": ${ms(asked)}; ${squeeze(await unavailable.innerText())}`);
    assert.match(squeeze(await view.locator('#subtitle').innerText()), /^read with your rights/);
    assert.match(
      squeeze(await unavailable.innerText()),
      /^Not shown Interfaces, addresses, routes and sockets: .*needs root.*The firewall .*needs root/,
    );
    assert.deepEqual(
      await view.locator('#sections section').evaluateAll((ss) => ss.map((e) => e.getAttribute('data-section'))),
      ['related'],
      'nothing inside could be read, only who owns it',
    );
    assert.match(
      (await fieldsOf(view, 'related'))['Owner user namespace']!,
      new RegExp(`^user ${nsInode('self', 'user')}\\b`),
      'the netns file tells its owner to anyone',
    );
    const button = view.locator('#show-all-button');
    assert.equal(await button.isVisible(), true, 'Show All Namespaces is offered');
    await awayFromHovers(page);
    await wb.screenshot('details-needs-root');

    asked = performance.now();
    await button.click();
    await wb.step("root's details fill the panel", () =>
      view.locator('section[data-section="net-interfaces"]').waitFor({ state: 'attached', timeout: 30_000 }),
    );
    t.diagnostic(`Show All Namespaces (polkit) to root's details: ${ms(asked)}`);
    assert.match(squeeze(await view.locator('#subtitle').innerText()), /^read as root/);
    assert.equal(await unavailable.isHidden(), true);
    assert.deepEqual(await column(view, 'net-interfaces', 'Name'), ['lo', net.a.dev]);
    await awayFromHovers(page);
    await wb.screenshot('details-after-show-all');
    await grant.revoke();
  },
);

test(
  'a filter and a sort of the table after a fields section survive a redraw with new rows, and the focus stays in the filter',
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    // A PID namespace of three sleeps, told apart by their durations.
    const started = await s.start('unshare', [
      '--pid',
      '--fork',
      'sh',
      '-c',
      'sleep 987651 & sleep 987652 & exec sleep 987653',
    ]);
    const init = await s.inNewNamespace(started, 'sleep', 'pid');
    const ino = nsInode(init, 'pid');
    await waitFor(
      'three sleeps in the new PID namespace',
      () => descendants(started.pid).filter((d) => d.comm === 'sleep').length === 3,
    );

    const wb = await open(t, 'redraw');
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;
    const view = await detailsFromPalette(wb, t, 'pid', ino);
    await wb.step("the members table is drawn after the PID namespace's fields", async () => {
      await view.locator('section[data-section="pid-members"] tbody tr').first().waitFor({ timeout: 20_000 });
      assert.deepEqual(
        await view.locator('#sections section').evaluateAll((ss) => ss.map((e) => e.getAttribute('data-section'))),
        ['pid', 'pid-members', 'related'],
      );
    });
    const commands = () => column(view, 'pid-members', 'Command');
    assert.deepEqual((await commands()).sort(), ['sleep 987651', 'sleep 987652', 'sleep 987653']);

    // Sorted by command, down; filtered to two of the three; the focus in the filter.
    const header = view.locator('section[data-section="pid-members"] thead th').filter({ hasText: /^Command$/ });
    await header.locator('button').click();
    await header.locator('button').click();
    assert.equal(await header.getAttribute('aria-sort'), 'descending');
    const field = view.locator('section[data-section="pid-members"] vscode-textfield.filter');
    await field.locator('input').fill('sleep 98765');
    const count = view.locator('section[data-section="pid-members"] .filter-count');
    await waitUntil('the filter counts 3 of 3', async () => squeeze(await count.textContent()) === '3 of 3', 5000);
    assert.deepEqual(await commands(), ['sleep 987653', 'sleep 987652', 'sleep 987651']);

    // New data: a fourth sleep in the namespace, which the filter leaves out, and a second that it keeps.
    await s.start('nsenter', ['--target', String(init), '--pid', 'sleep', '987654']);
    await s.start('nsenter', ['--target', String(init), '--pid', 'sleep', '123456']);
    const redrawn = performance.now();
    await wb.step('the table is drawn again with the new processes', () =>
      waitUntil(
        'the panel lists five processes',
        async () => squeeze(await view.locator('section[data-section="pid-members"] h2').textContent()).includes('(5)'),
        30_000,
      ),
    );
    t.diagnostic(`new processes to the panel redrawn: ${ms(redrawn)}`);
    await wb.step('the filter and the sort are applied to the new rows', async () => {
      assert.equal(
        await field.evaluate((el) => (el as unknown as { value: string }).value),
        'sleep 98765',
        'the filter field keeps its words',
      );
      assert.deepEqual(
        await commands(),
        ['sleep 987654', 'sleep 987653', 'sleep 987652', 'sleep 987651'],
        'filtered (no sleep 123456) and sorted down by command',
      );
      assert.equal(squeeze(await count.textContent()), '4 of 5');
      assert.equal(await header.getAttribute('aria-sort'), 'descending');
    });
    assert.equal(
      await field.evaluate((el) => el.ownerDocument.activeElement === el),
      true,
      'the focus is back in the filter',
    );
    await awayFromHovers(page);
    await wb.screenshot('details-pid-redrawn');
    assert.deepEqual(wb.pageErrors(), [], 'no uncaught error in the workbench or its webviews');
  },
);

test(
  'the Details panel reads well from 500 to 1400 px: no cell, value or heading is cut off, a table too wide shows a block per row',
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const net = await vethPair(s, `nsxe2e-${process.pid}-w`);
    const wb = await open(t, 'widths', { viewport: { width: 1600, height: 1000 } });
    s.defer('close the workbench', () => wb.close());
    const { page } = wb;
    const view = await detailsFromPalette(wb, t, 'net', net.a.ino);
    await view.locator('section[data-section="net-interfaces"] tbody tr').first().waitFor({ timeout: 20_000 });
    await wb.step("close the sidebar: the panel takes the window's width", () =>
      runCommand(page, 'View: Close Primary Side Bar'),
    );
    const link = view.locator(`section[data-section="net-interfaces"] a.ns-link[data-ns="${net.b.ino}"]`);
    for (const width of [500, 800, 1400]) {
      const reached = await wb.step(`make the panel ${width} px wide`, () => resizeWebview(page, width));
      assert.ok(Math.abs(reached - width) <= 2, `the panel is ${reached} px wide, not ${width}`);
      const stacked = await view
        .locator('.table-scroll.stacked')
        .evaluateAll((els) => els.map((e) => e.closest('section')?.getAttribute('data-section')));
      t.diagnostic(`${width} px: tables shown a block per row: ${stacked.join(', ') || 'none'}`);
      await awayFromHovers(page);
      await wb.screenshot(`details-net-${width}`);
      await wb.step(`at ${width} px nothing is cut off`, async () => {
        assert.deepEqual(
          await clippedIn(
            view,
            'html, body, #sections, .table-scroll, table.grid td, table.grid th, .pairs dd, h1, #subtitle',
          ),
          [],
        );
        // The veth's link (the other end, its namespace) is read whole, inside the panel.
        const box = await link.evaluate((a) => {
          const r = a.getBoundingClientRect();
          return { left: r.left, right: r.right, width: a.ownerDocument.defaultView!.innerWidth };
        });
        assert.ok(box.left >= 0 && box.right <= box.width, `the link lies within the panel: ${JSON.stringify(box)}`);
        assert.equal(squeeze(await link.innerText()), `veth ↔ ${net.b.dev} in net ${net.b.ino} (${net.b.name})`);
      });
    }
  },
);

test(
  'a window reload brings the Details panel back, showing the same namespace',
  { skip: needsE2e(), timeout: 4 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const ino = nsInode('self', 'uts');
    const wb = await open(t, 'reload');
    s.defer('close the workbench', () => wb.close());
    await detailsFromPalette(wb, t, 'uts', ino);
    const reloaded = performance.now();
    await wb.step('Developer: Reload Window', () => wb.reload());
    const view = await detailsPanel(wb, 'uts', ino, t, reloaded);
    await wb.screenshot('details-reloaded');
    assert.match(squeeze(await view.locator('#title').innerText()), new RegExp(`^uts ${ino}\\b`));
    assert.deepEqual(wb.pageErrors(), [], 'no uncaught error in the workbench or its webviews');
  },
);
