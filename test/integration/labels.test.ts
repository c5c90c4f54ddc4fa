/**
 * Labels and depths of real namespaces made through launchers (`unshare`, `sh -c`, a
 * script that nests itself), and what `nsx list` and `nsx propagation` say while
 * namespaces are made and end faster than a scan. Needs root; each test removes what it
 * made by process group (its temp script directory by path).
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { nestingDepth } from '../../src/core/model/hierarchy';
import { NamespaceRecord } from '../../src/core/model/snapshot';
import {
  cliJson,
  descendants,
  findNs,
  listJson,
  needsRoot,
  nsInode,
  nspidOf,
  Scenario,
  waitFor,
  type ListOutput,
} from './helpers';

const rootOnly = needsRoot('makes mount, PID and user namespaces with unshare');

/** The record of namespace INO, with a readable failure when it is missing. */
function record(list: ListOutput, ino: number): NamespaceRecord {
  const rec = findNs(list, ino);
  assert.ok(rec, `namespace ${ino} is listed`);
  return rec;
}

test(
  'launchers are skipped: unshare and sh -c are named after what they run, equal names told apart by PID, ' +
    'nested PID and user namespaces by depth',
  { skip: rootOnly },
  async (t) => {
    const s = new Scenario(t);
    const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-labels-`));
    s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o755);
    // nest.sh N: this script again in a new PID namespace, N levels deep, then a sleep.
    const nest = path.join(dir, 'nest.sh');
    writeFileSync(
      nest,
      '#!/bin/sh\n' +
        'if [ "$1" -gt 0 ]; then exec unshare --pid --fork --mount-proc "$0" $(($1 - 1)); fi\n' +
        'exec sleep 600\n',
      { mode: 0o755 },
    );

    const twins = [
      await s.start('unshare', ['--mount', '--pid', '--fork', 'sleep', '600']),
      await s.start('unshare', ['--mount', '--pid', '--fork', 'sleep', '600']),
    ];
    const sleeps = await Promise.all(twins.map((u) => s.inNewNamespace(u, 'sleep', 'pid')));
    const shell = await s.start('unshare', ['--uts', 'sh', '-c', `hostname nsx-labels && ${nest} 3`]);
    const deepest = await waitFor('the sleep at the bottom of nest.sh 3', () =>
      [shell.pid, ...descendants(shell.pid).map((d) => d.pid)].find((pid) => nspidOf(pid).length === 4),
    );
    const users = await s.start('unshare', [
      '--user',
      '--map-root-user',
      'unshare',
      '--user',
      '--map-root-user',
      'sleep',
      '600',
    ]);
    const innerUser = await s.inNewNamespace(users, 'sleep', 'user');

    const list = listJson();
    const byIno = new Map(list.namespaces.map((n) => [n.ns, n]));
    const depth = (n: NamespaceRecord) => nestingDepth(n, (ino) => byIno.get(ino));

    // Mount namespaces led by unshare: named after the sleep, told apart by the leader's PID.
    const mounts = twins.map((u) => record(list, nsInode(u.pid, 'mnt')));
    assert.deepEqual(
      mounts.map((m) => m.pid),
      twins.map((u) => u.pid),
      'unshare leads each mount namespace',
    );
    assert.deepEqual(
      mounts.map((m) => m.label),
      twins.map((u) => `sleep (${u.pid})`),
    );
    const pids = sleeps.map((pid) => record(list, nsInode(pid, 'pid')));
    assert.deepEqual(
      pids.map((p) => p.label),
      sleeps.map((pid) => `sleep (${pid})`),
    );

    // The script's three PID namespaces: nest.sh each, told apart, one level deeper each time.
    const chain = nspidOf(deepest);
    const levels: NamespaceRecord[] = [];
    for (
      let rec: NamespaceRecord | undefined = record(list, nsInode(deepest, 'pid'));
      rec && rec.pns !== null;
      rec = byIno.get(rec.pns)
    )
      levels.unshift(rec);
    const described = levels.map((l) => `${l.ns} ${JSON.stringify(l.label)} depth ${depth(l)}`);
    t.diagnostic(`PID namespaces of nest.sh: ${described.join('; ')}`);
    assert.equal(levels.length, chain.length - 1, 'one PID namespace per level below the host');
    assert.deepEqual(levels.map(depth), [1, 2, 3]);
    for (const [i, level] of levels.slice(0, -1).entries())
      assert.equal(level.label, `nest.sh (${level.pid})`, `level ${i + 1}`);
    assert.match(levels.at(-1)!.label ?? '', /^sleep\b/, 'the bottom one runs the sleep');
    assert.equal(new Set(levels.map((l) => l.label)).size, levels.length, 'no two alike');
    // unshare --uts runs sh -c, which runs the script: the UTS namespace is named after nest.sh.
    assert.match(record(list, nsInode(shell.pid, 'uts')).label ?? '', /^nest\.sh\b/);

    const inner = record(list, nsInode(innerUser, 'user'));
    assert.equal(depth(inner), 2, 'a user namespace made inside a new one is two deep');
    assert.equal(depth(byIno.get(inner.pns!)!), 1);

    for (const type of ['mnt', 'pid', 'uts'] as const) {
      const labels = list.namespaces
        .filter((n) => n.type === type && n.label !== null && !n.ghost)
        .map((n) => n.label!);
      const twice = labels.filter((l, i) => labels.indexOf(l) !== i);
      assert.deepEqual(twice, [], `no two ${type} namespaces carry the same label`);
    }
  },
);

test(
  'while namespaces are made and end faster than a scan, no label is blank, none of a namespace with ' +
    'members says "(for children)", and no namespace that ended is listed as unreadable',
  { skip: rootOnly, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    // Processes in new mount, UTS, IPC and PID namespaces, one after the other in each of four
    // loops, living from a moment to a fifth of a second: some end during a scan, some between
    // the scan and the reading of their mounts.
    await s.start('sh', [
      '-c',
      'for d in 0 0 0.05 0.2; do (while :; do unshare --mount --uts --ipc --pid --fork sleep $d; done) & done; wait',
    ]);
    const listed = new Set<string>();
    const unread = new Set<string>();
    let scans = 0;
    let vanished = 0;
    for (let round = 0; round < 12; round++) {
      for (let i = 0; i < 3; i++) {
        const list = listJson();
        scans++;
        vanished += list.hidden.byReason.vanished;
        for (const n of list.namespaces) {
          const what =
            `${n.type} ${n.ns} labelled ${JSON.stringify(n.label)} (${n.nprocs} processes, ` +
            `command ${JSON.stringify(n.command)})`;
          if (n.label !== null && !/^\S/.test(n.label)) listed.add(`${what}: blank or space-led label`);
          if (n.nprocs > 0 && /\(for children\)/.test(n.label ?? ''))
            listed.add(`${what}: "(for children)" though processes are in it`);
          if (n.nprocs > 0 && n.command === null) listed.add(`${what}: members but no command`);
        }
      }
      const answer = cliJson<{ unread: { ns: number; reason: string }[] }>(['propagation', '--path', '/', '--json']);
      for (const u of answer.unread) unread.add(`mount namespace ${u.ns}: ${u.reason}`);
    }
    t.diagnostic(`${scans} scans, ${vanished} processes counted as vanished`);
    assert.ok(vanished > 0, 'the churn made processes vanish during the scans');
    assert.deepEqual(
      { 'nsx list': [...listed].slice(0, 10), 'nsx propagation, unreadable': [...unread].slice(0, 10) },
      { 'nsx list': [], 'nsx propagation, unreadable': [] },
    );
  },
);
