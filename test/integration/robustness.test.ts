/**
 * Discovery on the live /proc under conditions that break naive scanners: processes
 * exiting mid-scan, fds that must be closed, koffi missing. None needs root.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { discover } from '../../src/core/discovery/discover';
import { CLI, runCli } from './helpers';

test('processes exiting mid-scan are counted as vanished and never crash the scan', async (t) => {
  // A shell forking short-lived children as fast as it can, in its own process group.
  const churn = spawn('sh', ['-c', 'while :; do /bin/true & /bin/true & wait; done'], {
    detached: true,
    stdio: 'ignore',
  });
  t.after(() => process.kill(-churn.pid!, 'SIGKILL'));
  await new Promise((r) => setTimeout(r, 200));
  let vanished = 0;
  for (let i = 0; i < 15; i++) {
    const snapshot = discover();
    vanished += snapshot.hidden.byReason.vanished;
    assert.equal(snapshot.hidden.total, snapshot.hidden.byReason.EACCES + snapshot.hidden.byReason.vanished);
    assert.ok(snapshot.namespaces.length >= 8, 'the initial namespaces are always found');
  }
  t.diagnostic(`${vanished} processes vanished during 15 scans`);
});

test('a scan leaves no file descriptor open', () => {
  const openFds = () => readdirSync('/proc/self/fd').length;
  discover(); // koffi loads once and keeps its library handle
  const before = openFds();
  for (let i = 0; i < 5; i++) discover();
  assert.equal(openFds(), before);
});

test('without koffi the scan still lists every namespace and says the hierarchy is unavailable', (t) => {
  // The bundle alone, without the native module copied beside it.
  const dir = mkdtempSync(path.join(tmpdir(), 'nsx-nokoffi-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cli = path.join(dir, 'cli.js');
  copyFileSync(CLI, cli);
  const r = runCli(['list', '--json'], { cli });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as {
    namespaces: { type: string; pns: unknown; ons: unknown }[];
    capabilities: { hierarchy: boolean; hierarchyError?: string };
  };
  assert.equal(out.capabilities.hierarchy, false);
  assert.match(out.capabilities.hierarchyError ?? '', /koffi/);
  assert.deepEqual(new Set(out.namespaces.map((n) => n.type)).size, 8, 'all eight types found');
  assert.ok(out.namespaces.every((n) => n.pns === null && n.ons === null));
  const table = runCli(['list'], { cli });
  assert.match(table.stderr, /parent and owner namespaces are unavailable: koffi/);
});
