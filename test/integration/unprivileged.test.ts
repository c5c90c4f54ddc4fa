/**
 * The same CLI run as an unprivileged user (`runuser -u nobody`): other users'
 * processes are counted as hidden, never dropped; the user's own namespaces are
 * fully visible. Needs root (to switch user); when not root the test is skipped.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  Scenario,
  descendants,
  describeNs,
  findNs,
  findProc,
  needs,
  nsInode,
  readableCli,
  snapshotJson,
  waitFor,
} from './helpers';

const NOBODY = 65534;

test(
  "as nobody: root processes are listed as hidden EACCES and counted, and nobody's own user+net namespace " +
    'is fully visible',
  { skip: needs({ root: 'runs the CLI as the user nobody through runuser', tools: ['runuser', 'unshare'] }) },
  async (t) => {
    const s = new Scenario(t);
    const cli = readableCli(s);
    const dir = path.dirname(path.dirname(cli));

    const rootSleeps: number[] = [];
    for (let i = 0; i < 3; i++) rootSleeps.push((await s.start('sleep', ['1000'])).pid);

    const own = await s.start('runuser', [
      '-u',
      'nobody',
      '--',
      'unshare',
      '--user',
      '--map-root-user',
      '--net',
      'sleep',
      '1000',
    ]);
    const ownSleep = await waitFor(
      "nobody's sleep in its own user namespace",
      () => descendants(own.pid).find((d) => d.comm === 'sleep')?.pid,
    );
    const ownNet = nsInode(ownSleep, 'net');
    assert.notEqual(ownNet, nsInode('self', 'net'), 'setup: nobody made a new net namespace');

    const snap = snapshotJson({ cli, wrapper: ['runuser', '-u', 'nobody', '--'], cwd: dir });
    assert.equal(snap.scanner.uid, NOBODY, 'the scan ran as nobody');

    for (const pid of rootSleeps) {
      const rec = findProc(snap, pid);
      assert.ok(rec, `root-owned sleep ${pid} was silently dropped from processes`);
      assert.equal(rec.hidden, 'EACCES', `root-owned sleep ${pid}: ${JSON.stringify(rec)}`);
      assert.equal(rec.uid, 0, 'uid is still readable from status');
      assert.deepEqual(rec.ns, {}, 'no namespaces for a hidden process');
    }

    const hiddenProcs = snap.processes.filter((p) => p.hidden !== undefined);
    // Processes that exited mid-scan are counted (vanished) but have no record to list.
    assert.equal(
      snap.hidden.total - snap.hidden.byReason.vanished,
      hiddenProcs.length,
      'hidden.total = processes with a hidden field + vanished',
    );
    assert.ok(snap.hidden.total >= rootSleeps.length, `hidden.total ${snap.hidden.total} < ${rootSleeps.length}`);
    assert.ok(snap.hidden.byReason.EACCES > 0, 'byReason.EACCES > 0');
    assert.equal(
      snap.hidden.byReason.EACCES,
      hiddenProcs.filter((p) => p.hidden === 'EACCES').length,
      'byReason.EACCES = processes hidden with EACCES',
    );
    assert.equal(snap.hidden.byReason.EACCES + snap.hidden.byReason.vanished, snap.hidden.total);

    // nobody's own namespaces: fully visible.
    const proc = findProc(snap, ownSleep);
    assert.ok(proc, `nobody's sleep ${ownSleep} missing`);
    assert.equal(proc.hidden, undefined, 'nobody can read its own process');
    assert.equal(proc.ns.net, ownNet);
    const net = findNs(snap, ownNet);
    assert.ok(net, `nobody's net namespace ${ownNet} missing from nobody's scan`);
    assert.equal(net.type, 'net');
    assert.ok(net.nprocs >= 1, `nprocs: ${describeNs(net)}`);
    assert.equal(net.pid, ownSleep);
    assert.equal(net.ons, nsInode(ownSleep, 'user'), "owned by nobody's user namespace");
  },
);
