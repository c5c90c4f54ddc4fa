/**
 * Group By Containers in a real VS Code, with a dockerd of the test's own (root): a
 * container shows by name with its namespaces marked own and the host's in one row, a
 * `--network host` container has its net there, the Details panel names the container,
 * and Group by Type labels its namespaces `NAME (docker)`. The dockerd has its own data
 * root, exec root and socket, no bridge and no iptables rules; its containers, image,
 * processes, mounts and directory are removed afterwards by id, PID and path.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import {
  activeWebview,
  expand,
  groupBy,
  HOVER,
  hoverForTooltip,
  namespaceIn,
  needsE2e,
  nsRow,
  openWithNamespaces,
  parentOf,
  pickQuickItem,
  pointerAway,
  QUICK_INPUT,
  revealRow,
  runCommand,
  waitUntil,
} from './workbench';
import { nsInode } from '../integration/helpers';

const DOCKERD = '/usr/sbin/dockerd';
const DOCKER = '/usr/bin/docker';

const skip = needsE2e({
  root: 'starts a dockerd of its own',
  tools: [DOCKERD, DOCKER, 'containerd', 'runc', '/bin/busybox'],
});

/** A dockerd for this test alone, under DIR. */
interface PrivateDocker {
  dir: string;
  docker(args: readonly string[]): string;
}

function run(cmd: string, args: readonly string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.error?.message ?? r.stderr.trim()}`);
  return r.stdout.trim();
}

/** Starts it, and registers its removal (containers, dockerd, its containerd, mounts, directory) with T. */
async function startDocker(t: TestContext): Promise<PrivateDocker> {
  const dir = mkdtempSync('/tmp/nsx-e2e-docker-');
  const socket = path.join(dir, 'docker.sock');
  const docker = (args: readonly string[]) => run(DOCKER, ['-H', `unix://${socket}`, ...args]);
  const log = openSync(path.join(dir, 'dockerd.log'), 'a');
  const daemon = spawn(
    DOCKERD,
    [
      `--data-root=${dir}/data`,
      `--exec-root=${dir}/exec`,
      `--host=unix://${socket}`,
      `--pidfile=${dir}/dockerd.pid`,
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
    ],
    { stdio: ['ignore', log, log] },
  );
  t.after(() => stopDocker(dir, daemon, docker));
  await waitUntil(`dockerd ${daemon.pid} answers on ${socket}`, async () => {
    if (daemon.exitCode !== null)
      throw new Error(`dockerd exited: ${readFileSync(path.join(dir, 'dockerd.log'), 'utf8')}`);
    return existsSync(socket) && spawnSync(DOCKER, ['-H', `unix://${socket}`, 'version']).status === 0;
  });
  return { dir, docker };
}

async function stopDocker(dir: string, daemon: ChildProcess, docker: PrivateDocker['docker']): Promise<void> {
  if (daemon.exitCode === null) {
    const ids = docker(['ps', '-aq', '--no-trunc']).split('\n').filter(Boolean);
    if (ids.length) docker(['rm', '-f', '-v', ...ids]);
    const images = docker(['images', '-q', '--no-trunc']).split('\n').filter(Boolean);
    if (images.length) docker(['rmi', '-f', ...images]);
    const exited = new Promise((resolve) => daemon.once('exit', resolve));
    daemon.kill('SIGTERM');
    await exited;
  }
  // dockerd stops the containerd it started; one that outlived it is ended by its PID.
  const containerd = Number(readIfThere(path.join(dir, 'exec/containerd/containerd.pid')));
  if (containerd > 0 && isAlive(containerd)) {
    process.kill(containerd, 'SIGTERM');
    await waitUntil(`containerd ${containerd} exits`, async () => !isAlive(containerd));
  }
  // What is still mounted under the directory, deepest first.
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((line) => line.split(' ')[4] ?? '')
    .filter((m) => m.startsWith(`${dir}/`))
    .reverse();
  for (const m of mounts) spawnSync('umount', ['-l', m]);
  rmSync(dir, { recursive: true, force: true });
}

function readIfThere(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
}

function isAlive(pid: number): boolean {
  // A zombie is dead too: /proc/PID/stat's state Z.
  return / [^Z] /.test(readIfThere(`/proc/${pid}/stat`).replace(/^.*\)/, ''));
}

/** A busybox image with a shell, imported as REF. */
function importBusybox(d: PrivateDocker, ref: string): void {
  const root = path.join(d.dir, 'rootfs');
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  copyFileSync('/bin/busybox', path.join(root, 'bin/busybox'));
  chmodSync(path.join(root, 'bin/busybox'), 0o755);
  for (const applet of ['sh', 'sleep']) symlinkSync('busybox', path.join(root, 'bin', applet));
  const tar = path.join(d.dir, 'rootfs.tar');
  run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', root, '-cf', tar, '.']);
  d.docker(['import', tar, ref]);
}

test(
  'Group By Containers shows a docker container by name, its namespaces marked own and the host’s in one row',
  { skip, timeout: 6 * 60_000 },
  async (t) => {
    const d = await startDocker(t);
    const image = `nsx-e2e-busybox:${process.pid}`;
    importBusybox(d, image);
    const web = `nsx-e2e-web-${process.pid}`;
    const hostNet = `nsx-e2e-hostnet-${process.pid}`;
    d.docker(['run', '-d', '--name', web, image, '/bin/sleep', '1000']);
    d.docker(['run', '-d', '--name', hostNet, '--network', 'host', image, '/bin/sleep', '1000']);
    const pid = (name: string) => Number(d.docker(['inspect', '--format', '{{.State.Pid}}', name]));
    const webNet = nsInode(pid(web), 'net');
    const webUts = nsInode(pid(web), 'uts');
    assert.equal(nsInode(pid(hostNet), 'net'), nsInode('self', 'net'), 'a --network host container has the host’s net');

    const wb = await openWithNamespaces(t, { name: 'containers', sidebarWidth: 700 });
    t.after(() => wb.close());
    const { page } = wb;
    await wb.step(`the scan names ${web}`, () =>
      wb.waitForState((s) => namespaceIn(s, webNet)?.label === `${web} (docker)`, `net ${webNet} is ${web} (docker)`),
    );

    await wb.step('group by containers', () => groupBy(page, 'containers'));
    const row = await wb.step(`find ${web}`, () =>
      revealRow(page, new RegExp(`^container ${web}, docker · ${image} · running · 1 process$`)),
    );
    await wb.step('expand it', () => expand(row));
    const net = await wb.step('its net namespace, marked own', () =>
      revealRow(page, new RegExp(`^net namespace ${webNet}, net ${webNet}, own · `)),
    );
    assert.match((await parentOf(page, net)).label, new RegExp(`^container ${web},`));
    await wb.step('its uts namespace, marked own', () =>
      revealRow(page, new RegExp(`^uts namespace ${webUts}, uts ${webUts}, own · `)),
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
      revealRow(page, new RegExp(`^net namespace ${webNet}, ${web} \\(docker\\), net ${webNet} · `)),
    );
    assert.ok(nsRow(webNet).test((await typed.getAttribute('aria-label'))!));
    await wb.screenshot('containers-by-type', { parkMouse: true });
  },
);
