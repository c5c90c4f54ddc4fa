/**
 * Sandboxes no container engine made, named by what made them, and a Flatpak app found
 * through the state file Flatpak leaves in its bubblewrap sandbox (/.flatpak-info). Real
 * namespaces made by unshare, ip netns exec, nsx new and bwrap, as root.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { ContainerRecord } from '../../src/core/containers/types';
import type { NsType } from '../../src/core/model/nsTypes';
import {
  CLI,
  cliJson,
  commOf,
  descendants,
  describeNs,
  findNs,
  listJson,
  needs,
  nsInode,
  Scenario,
  uniqueName,
  waitFor,
} from './helpers';

interface ContainersOutput {
  containers: ContainerRecord[];
}

const containers = () => cliJson<ContainersOutput>(['containers', '--json']).containers;

/** The record holding PID, with what was found when there is none. */
function holding(records: ContainerRecord[], pid: number): ContainerRecord {
  const rec = records.find((r) => r.pids.includes(pid));
  assert.ok(rec, `a record holds PID ${pid}; found: ${records.map((r) => `${r.key} [${r.pids}]`).join('; ')}`);
  return rec;
}

const sharing = (rec: ContainerRecord, type: NsType) => rec.namespaces.find((n) => n.type === type)?.sharing;

const rootUnshare = needs({ root: 'makes net and mount namespaces', tools: ['unshare', 'ip'] });

test(
  'a sandbox per set of namespaces no container holds, named by what made it: unshare, ip netns, nsx new',
  { skip: rootUnshare, timeout: 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const viaUnshare = await s.start('unshare', ['--net', '--mount', '--fork', 'sleep', '100000']);
    const sleep1 = await s.inNewNamespace(viaUnshare, 'sleep', 'net');
    const name = uniqueName('sbx');
    s.netns(name);
    const viaIp = await s.start('ip', ['netns', 'exec', name, 'sleep', '100000']);
    const sleep2 = await s.inNewNamespace(viaIp, 'sleep', 'net');
    const viaNsx = await s.start(process.execPath, [CLI, 'new', '--type', 'uts,ipc', '--', 'sleep', '100000']);
    const sleep3 = await s.inNewNamespace(viaNsx, 'sleep', 'uts');

    const records = containers();
    const a = holding(records, sleep1);
    assert.equal(a.kind, 'sandbox');
    assert.equal(a.engine, null);
    assert.equal(a.madeBy, 'unshare');
    assert.deepEqual([sharing(a, 'net'), sharing(a, 'mnt'), sharing(a, 'pid')], ['own', 'own', 'host']);
    assert.equal(a.namespaces.find((n) => n.type === 'net')?.ns, nsInode(sleep1, 'net'));
    assert.equal(holding(records, sleep2).madeBy, `ip netns (${name})`);
    const c = holding(records, sleep3);
    assert.equal(c.madeBy, 'Namespace Explorer terminal');
    assert.deepEqual([sharing(c, 'uts'), sharing(c, 'ipc'), sharing(c, 'net')], ['own', 'own', 'host']);
    const uts = findNs(listJson(), nsInode(sleep3, 'uts'));
    assert.equal(uts?.container, undefined, `a sandbox gives no container field: ${describeNs(uts)}`);
  },
);

test(
  "a sandbox made inside another shares the outer one's namespaces, marked shared with it",
  { skip: rootUnshare, timeout: 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const script = 'sleep 100000 & exec unshare --uts sleep 100001';
    const outer = await s.start('unshare', ['--net', '--fork', 'sh', '-c', script]);
    const hostUts = nsInode('self', 'uts');
    // Both sleeps are in the new net namespace; only the inner one has a uts namespace of its own.
    const sleepsOf = () => descendants(outer.pid).filter((d) => commOf(d.pid) === 'sleep');
    const inner = await waitFor(
      'the inner sleep',
      () => sleepsOf().find((d) => nsInode(d.pid, 'uts') !== hostUts)?.pid,
    );
    const outerSleep = await waitFor('the outer sleep', () => sleepsOf().find((d) => d.pid !== inner)?.pid);
    assert.notEqual(nsInode(outerSleep, 'net'), nsInode('self', 'net'));

    const records = containers();
    const o = holding(records, outerSleep);
    const i = holding(records, inner);
    assert.notEqual(o.key, i.key);
    assert.equal(sharing(i, 'uts'), 'own');
    const net = i.namespaces.find((n) => n.type === 'net');
    assert.deepEqual([net?.sharing, net?.withKey], ['shared', o.key], JSON.stringify(i.namespaces));
  },
);

const rootBwrap = needs({ root: 'runs bubblewrap with a Flatpak state file', tools: ['bwrap'] });

test(
  "a Flatpak app in its bubblewrap sandbox is named by the app id in /.flatpak-info, with Flatpak's instance id",
  { skip: rootBwrap, timeout: 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-flatpak-'));
    s.defer(`rm ${dir}`, () => fs.rmSync(dir, { recursive: true, force: true }));
    const info = path.join(dir, 'flatpak-info');
    // The sections and keys Flatpak writes (flatpak-run.c: [Application] name, [Instance] instance-id).
    const text = '[Application]\nname=org.example.Nsx\nruntime=runtime/org.example.Platform/x86_64/1\n\n';
    fs.writeFileSync(info, `${text}[Instance]\ninstance-id=1234567890\napp-path=/app\n`);
    const bwrap = await s.start('bwrap', [
      ...['--unshare-pid', '--unshare-net', '--unshare-uts', '--die-with-parent'],
      // A root of its own, as Flatpak builds one: the host's /usr, and the app's state file.
      ...['--tmpfs', '/', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin'],
      ...['--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64'],
      ...['--ro-bind', info, '/.flatpak-info', '--proc', '/proc', '--dev', '/dev'],
      ...['sleep', '100000'],
    ]);
    const sleep = await s.inNewNamespace(bwrap, 'sleep', 'net');

    const rec = holding(containers(), sleep);
    assert.deepEqual(
      [rec.engine, rec.name, rec.id, rec.kind],
      ['flatpak', 'org.example.Nsx', '1234567890', 'container'],
    );
    const net = findNs(listJson(), nsInode(sleep, 'net'));
    assert.equal(net?.label, 'org.example.Nsx (flatpak)', describeNs(net));
    assert.deepEqual(net?.container, { engine: 'flatpak', id: '1234567890', name: 'org.example.Nsx' });
  },
);
