/**
 * Group By Containers in a real VS Code, with a dockerd of the test's own (root): a
 * container shows by name with its namespaces marked own and the host's in one row, a
 * `--network host` container has its net there, the Details panel names the container,
 * and Group by Type labels its namespaces `NAME (docker)`. The dockerd is
 * test/engines/docker.ts's: its own data root, exec root and socket, no bridge and no
 * iptables rules; its containers, processes, mounts and directory are removed afterwards
 * by id, PID and path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DOCKER_TOOLS, startDocker } from '../engines/docker';
import {
  activeWebview,
  containerRow,
  expand,
  groupBy,
  HOVER,
  hoverForTooltip,
  needsE2e,
  nsRow,
  openWithNamespaces,
  parentOf,
  pickQuickItem,
  pointerAway,
  QUICK_INPUT,
  revealRow,
  runCommand,
} from './workbench';
import { nsInode } from '../integration/helpers';

const skip = needsE2e({ root: 'starts a dockerd of its own', tools: DOCKER_TOOLS });

/** A row's finding mark, where it has one: `⚠ no route out · `, `ⓘ host namespace shared +1 · `. */
const FINDING_MARK = '(?:[⚠ⓘ][^·]* · )?';

test(
  'Group By Containers shows a docker container by name, its namespaces marked own and the host’s in one row',
  { skip, timeout: 6 * 60_000 },
  async (t) => {
    const d = await startDocker();
    t.after(() => d.stop());
    const image = `nsx-e2e-busybox:${process.pid}`;
    d.importBusybox(image);
    const web = `nsx-e2e-web-${process.pid}`;
    const hostNet = `nsx-e2e-hostnet-${process.pid}`;
    d.run(web, image, ['/bin/sleep', '1000']);
    d.run(hostNet, image, ['/bin/sleep', '1000'], ['--network', 'host']);
    const pid = (name: string) => d.inspect(name).State.Pid;
    const webNet = nsInode(pid(web), 'net');
    const webUts = nsInode(pid(web), 'uts');
    assert.equal(nsInode(pid(hostNet), 'net'), nsInode('self', 'net'), 'a --network host container has the host’s net');

    const wb = await openWithNamespaces(t, { name: 'containers', sidebarWidth: 700 });
    t.after(() => wb.close());
    const { page } = wb;
    const row = await containerRow(wb, { name: web, engine: 'docker', image, net: webNet });
    await wb.step('expand it', () => expand(row));
    // A finding's mark comes first where there is one: the test's container has only lo, no route out.
    const net = await wb.step('its net namespace, marked own', () =>
      revealRow(page, new RegExp(`^net namespace ${webNet}, net ${webNet}, ${FINDING_MARK}own · `)),
    );
    assert.match((await parentOf(page, net)).label, new RegExp(`^container ${web},`));
    await wb.step('its uts namespace, marked own', () =>
      revealRow(page, new RegExp(`^uts namespace ${webUts}, uts ${webUts}, ${FINDING_MARK}own · `)),
    );
    await wb.step('the host’s namespaces in one row', () =>
      revealRow(page, /^shared with the host: cgroup, time, user namespaces$/),
    );
    const tooltip = page.locator(HOVER).filter({ hasText: `Id: ` }).filter({ hasText: web }).first();
    await wb.step('hover the container: the tooltip names engine, id and image', () =>
      hoverForTooltip(page, row, tooltip),
    );
    const text = (await tooltip.innerText()).replace(/\s+/g, ' ');
    assert.ok(text.includes('Engine: docker') && text.includes(`Image: ${image}`), text);
    await wb.screenshot('containers');
    await pointerAway(page);

    const other = await wb.step(`find ${hostNet}`, () => revealRow(page, new RegExp(`^container ${hostNet}, docker`)));
    await wb.step('expand it', () => expand(other));
    await wb.step('its net is the host’s: in the host row', () =>
      revealRow(page, /^shared with the host: cgroup, net, time, user namespaces$/),
    );
    await wb.screenshot('containers-host-network', { parkMouse: true });

    await wb.step(`Show Details of net ${webNet} from the palette`, async () => {
      await runCommand(page, 'Namespace Explorer: Show Details');
      await page.locator(QUICK_INPUT.input).fill(String(webNet));
      await pickQuickItem(page, `net ${webNet}`);
    });
    const header = activeWebview(page).locator('#container');
    await wb.step('the Details header names the container and its engine', () =>
      header.filter({ hasText: `Container ${web} · docker · image ${image}` }).waitFor(),
    );
    await wb.screenshot('containers-details', { parkMouse: true });

    await wb.step('group by type', () => groupBy(page, 'type'));
    await wb.step('expand net', async () => expand(await revealRow(page, /^net \(\d+\)$/)));
    const typed = await wb.step(`the net namespace is labelled ${web} (docker)`, () =>
      revealRow(page, new RegExp(`^net namespace ${webNet}, ${web} \\(docker\\), ${FINDING_MARK}net ${webNet} · `)),
    );
    assert.ok(nsRow(webNet).test((await typed.getAttribute('aria-label'))!));
    await wb.screenshot('containers-by-type', { parkMouse: true });
  },
);
