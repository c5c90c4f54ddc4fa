/**
 * mountNamespaces.ts on a fixture /proc tree: a mount namespace whose processes exit
 * between the scan and the reading of its mounts is gone, not "could not be read".
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { discover } from '../../src/core/discovery/discover';
import { allTables, MountReadError, tableOfNamespace } from '../../src/core/mounts/mountNamespaces';
import { ProcSource } from '../../src/core/linux/procfs';
import { FIXTURES, FixtureProbe, fixtureSource } from './fixture-probe';

const MNT_A = 4026533400;
const MNT_B = 4026533401;

/** The launchers fixture as it is once the processes EXITED have exited: their /proc entries are gone. */
class AfterExit extends ProcSource {
  constructor(private readonly exited: ReadonlySet<number>) {
    const dir = path.join(FIXTURES, 'launchers');
    super(path.join(dir, 'proc'), path.join(dir, 'etc', 'passwd'));
  }

  override mountinfo(pid: number, tid?: number): string {
    if (this.exited.has(pid))
      throw Object.assign(new Error(`ENOENT: no such file or directory, open '${this.pidDir(pid)}/mountinfo'`), {
        code: 'ENOENT',
      });
    return super.mountinfo(pid, tid);
  }

  override nsInode(...args: Parameters<ProcSource['nsInode']>): number {
    if (this.exited.has(args[0]))
      throw Object.assign(
        new Error(`ENOENT: no such file or directory, readlink '${this.nsPath(args[0], args[1], args[2])}'`),
        { code: 'ENOENT' },
      );
    return super.nsInode(...args);
  }
}

const scanned = () =>
  discover({
    proc: fixtureSource('launchers'),
    probe: FixtureProbe.of(path.join(FIXTURES, 'launchers')),
    viewerUid: 0,
  });

test('a mount namespace whose processes all exited after the scan is left out, not listed as unreadable', async () => {
  const set = await allTables(scanned(), new AfterExit(new Set([400, 401])));
  assert.deepEqual(set.unreadable, []);
  assert.ok(!set.tables.some((t) => t.ns === MNT_A), 'no table for the namespace that is gone');
  assert.ok(
    set.tables.some((t) => t.ns === MNT_B),
    'the others are read as before',
  );
});

test('asked for by inode, a mount namespace that is gone says so', async () => {
  await assert.rejects(tableOfNamespace(scanned(), MNT_A, new AfterExit(new Set([400, 401]))), (err: unknown) => {
    assert.ok(err instanceof MountReadError);
    assert.equal(err.gone, true);
    assert.equal(err.message, `mount namespace ${MNT_A} is gone: the processes in it have exited`);
    return true;
  });
});

test('one member left is enough: the namespace is read through it', async () => {
  const table = await tableOfNamespace(scanned(), MNT_A, new AfterExit(new Set([400])));
  assert.equal(table.ns, MNT_A);
  assert.equal(table.via, '/proc/401/mountinfo');
});
