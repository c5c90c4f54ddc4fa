/**
 * Reading a mount namespace that no process is in runs nothing inside it (root). A program
 * started in there would take its loader and libraries from that namespace's files, which
 * whoever made it chooses: here they are all covered by empty tmpfs, and the read must
 * still succeed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { cliJson, needs, nsInode, readableCli, run, Scenario, unshareMountAt, waitFor } from './helpers';

interface MountsOutput {
  namespace: { ns: number; via: string };
  mounts: { target: string; source: string; fstype: string }[];
}

/** Debian 12 and most distributions merged /bin, /lib and /lib64 into /usr: covering it leaves no program and no loader. */
const MERGED_USR = ['/bin', '/lib', '/lib64'].every((d) => lstatSync(d, { throwIfNoEntry: false })?.isSymbolicLink() ?? true);
const skip = needs({ root: 'makes mounts and a mount namespace', tools: ['mount', 'umount', 'unshare', 'nsenter', 'taskset'] }) || (MERGED_USR ? false : 'needs a merged /usr (/bin, /lib and /lib64 links into /usr)');

test('a namespace without programs or a loader of its own is read by entering it from a thread', { skip }, (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-noexec-`));
  // Undone newest first: the namespace's bind mount, the directory's, the directory.
  const undo: (() => void)[] = [() => rmSync(dir, { recursive: true, force: true })];
  t.after(() => {
    for (const step of undo.reverse()) step();
  });
  // The nsfs file sits on a private bind mount of the directory, so its mount does not propagate.
  run('mount', ['--bind', dir, dir]);
  undo.push(() => void run('umount', [dir]));
  run('mount', ['--make-private', dir]);
  const file = path.join(dir, 'mnt');
  writeFileSync(file, '');
  const tag = `nsxtest-${process.pid}-empty`;
  unshareMountAt(file, ['--propagation', 'private', 'mount', '-t', 'tmpfs', '-o', 'size=64k', tag, '/usr']);
  undo.push(() => void run('umount', [file]));
  const ino = statSync(file).ino;
  assert.notEqual(ino, nsInode('self', 'mnt'), 'setup: a new mount namespace');
  const tried = spawnSync('nsenter', [`--mount=${file}`, '--', '/usr/bin/true']);
  assert.notEqual(tried.status, 0, 'setup: nothing can be run inside it');

  const out = cliJson<MountsOutput>(['mounts', '--ns', String(ino), '--json']);
  assert.equal(out.namespace.ns, ino);
  assert.match(out.namespace.via, /^entered through bind mount /);
  const cover = out.mounts.find((m) => m.source === tag);
  assert.equal(cover?.target, '/usr', `the tmpfs over /usr is listed: ${JSON.stringify(cover)}`);
  assert.equal(cover?.fstype, 'tmpfs');
});

test('as an ordinary user, the mount namespaces of other users\' processes are read through their mountinfo: a peer there is named', { skip: needs({ root: 'makes mounts and a namespace of root\'s', tools: ['mount', 'umount', 'unshare', 'runuser'] }) }, async (t) => {
  const s = new Scenario(t);
  const cli = readableCli(s);
  const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-others-`));
  chmodSync(dir, 0o755);
  s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  run('mount', ['-t', 'tmpfs', '-o', 'size=64k', `nsxtest-${process.pid}-others`, dir]);
  s.defer(`umount ${dir}`, () => void run('umount', [dir]));
  run('mount', ['--make-shared', dir]);
  // Root's process in a copy of this namespace: its mount of DIR is a peer of ours.
  const holder = await s.start('unshare', ['--mount', '--propagation', 'unchanged', 'sleep', '600']);
  // unshare execs sleep: the same PID, once it is in its new namespace.
  const pid = await waitFor('the sleep in its own mount namespace', () => nsInode(holder.pid, 'mnt') !== nsInode('self', 'mnt') && holder.pid);

  const answer = cliJson<{ sendsTo: { ns: number | null; label: string | null; path: string; via: string }[] }>(['propagation', '--path', `${dir}/x`, '--json'], {
    cli,
    wrapper: ['runuser', '-u', 'nobody', '--'],
    cwd: path.dirname(cli),
  });
  const there = answer.sendsTo.find((p) => p.label === `PID ${pid} (root)`);
  assert.ok(there, `the peer in root's namespace is named: ${JSON.stringify(answer.sendsTo)}`);
  assert.equal(there.ns, null, 'its inode cannot be read by nobody');
  assert.equal(there.path, `${dir}/x`);
  assert.match(there.via, /^peer group \d+$/);
});
