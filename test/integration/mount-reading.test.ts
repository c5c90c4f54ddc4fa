/**
 * Reading a mount namespace that no process is in runs nothing inside it (root). A program
 * started in there would take its loader and libraries from that namespace's files, which
 * whoever made it chooses: here they are all covered by empty tmpfs, and the read must
 * still succeed.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, readlinkSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from '../../src/core/discovery/background';
import type { NamespaceDetails } from '../../src/core/details/types';
import { cliJson, DIST, needs, nsInode, readableCli, run, Scenario, unshareMountAt, waitFor } from './helpers';

interface MountsOutput {
  namespace: { ns: number; via: string };
  mounts: { target: string; source: string; fstype: string }[];
}

/**
 * Debian 12 and most distributions merged /bin, /lib and /lib64 into /usr: covering it leaves no program and no loader.
 */
const MERGED_USR = ['/bin', '/lib', '/lib64'].every(
  (d) => lstatSync(d, { throwIfNoEntry: false })?.isSymbolicLink() ?? true,
);
const skip =
  needs({ root: 'makes mounts and a mount namespace', tools: ['mount', 'umount', 'unshare', 'nsenter', 'taskset'] }) ||
  (MERGED_USR ? false : 'needs a merged /usr (/bin, /lib and /lib64 links into /usr)');

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

test(
  "as an ordinary user, the mount namespaces of other users' processes are read through their mountinfo: a " +
    'peer there is named',
  { skip: needs({ root: "makes mounts and a namespace of root's", tools: ['mount', 'umount', 'unshare', 'runuser'] }) },
  async (t) => {
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
    const pid = await waitFor(
      'the sleep in its own mount namespace',
      () => nsInode(holder.pid, 'mnt') !== nsInode('self', 'mnt') && holder.pid,
    );

    const answer = cliJson<{ sendsTo: { ns: number | null; label: string | null; path: string; via: string }[] }>(
      ['propagation', '--path', `${dir}/x`, '--json'],
      {
        cli,
        wrapper: ['runuser', '-u', 'nobody', '--'],
        cwd: path.dirname(cli),
      },
    );
    const there = answer.sendsTo.find((p) => p.label === `PID ${pid} (root)`);
    assert.ok(there, `the peer in root's namespace is named: ${JSON.stringify(answer.sendsTo)}`);
    assert.equal(there.ns, null, 'its inode cannot be read by nobody');
    assert.equal(there.path, `${dir}/x`);
    assert.match(there.via, /^peer group \d+$/);
  },
);

/** What this process's fds point at (workers share them), by fd number. */
function ourFds(): Map<string, string> {
  const fds = new Map<string, string>();
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      fds.set(fd, readlinkSync(`/proc/self/fd/${fd}`));
    } catch {
      // the fd of the directory listing itself, closed by now
    }
  }
  return fds;
}

test(
  "reading namespaces only a bind mount holds, 100 times through the editor's discovery worker, leaves no " +
    'fd open, and nothing keeps them once unmounted',
  { skip: needs({ root: 'makes mounts and namespaces', tools: ['mount', 'umount', 'unshare', 'taskset'] }) },
  async (t) => {
    const s = new Scenario(t);
    const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-fds-`));
    s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    // The nsfs file sits on a private bind mount of the directory, so its mount does not propagate.
    run('mount', ['--bind', dir, dir]);
    s.defer(`umount ${dir}`, () => void run('umount', [dir]));
    run('mount', ['--make-private', dir]);
    const file = path.join(dir, 'mnt');
    writeFileSync(file, '');
    unshareMountAt(file, ['--propagation', 'private', 'true']);
    let mounted = true;
    s.defer(`umount ${file}`, () => void (mounted && run('umount', [file])));
    const mnt = statSync(file).ino;
    // A net namespace is read from the details thread, which enters it and asks netlink.
    const net = s.netns(`nsxtest-${process.pid}-fds`);

    const worker = new Worker(path.join(DIST, 'discovery.worker.js'));
    s.defer('end the discovery worker', () => void worker.terminate());
    const ask = (request: WorkerRequest) =>
      new Promise<WorkerReply>((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
        worker.postMessage(request);
      }).finally(() => worker.removeAllListeners('error'));
    const scanned = await ask({ scan: {} });
    assert.ok('snapshot' in scanned, `a snapshot: ${JSON.stringify(scanned).slice(0, 300)}`);

    const before = ourFds();
    // Each reading of a mount namespace starts a thread that enters it; each of a net
    // namespace, one that enters it and opens a netlink socket there.
    for (let i = 0; i < 100; i++) {
      const reply = await ask({ details: i % 4 ? [mnt] : [mnt, net] });
      assert.ok('details' in reply, JSON.stringify(reply).slice(0, 300));
      const [m, n] = reply.details as NamespaceDetails[];
      assert.match(m?.via ?? '', /^entered through bind mount /, `read ${i}: ${JSON.stringify(m)}`);
      if (n) assert.deepEqual([n.readAs, n.unavailable], ['root', []], `read ${i}: ${JSON.stringify(n)}`);
    }
    // The last reading thread ends a moment after its answer, and its own fds with it.
    let after = ourFds();
    await waitFor(
      `our fds back to ${before.size} (a few more while a thread ends)`,
      () => (after = ourFds()).size <= before.size + 4,
    ).catch((err: Error) => {
      const added = [...after]
        .filter(([fd, target]) => before.get(fd) !== target)
        .map(([fd, target]) => `${fd} -> ${target}`);
      throw new Error(
        `${err.message}: ${after.size} fds, ` +
          `new ones: ${added.slice(0, 10).join(', ')}${added.length > 10 ? ', …' : ''}`,
      );
    });
    await worker.terminate();

    run('umount', [file]);
    mounted = false;
    // What would keep the namespace alive (and readable): its nsfs file, or a mountinfo opened inside it.
    const pins = [...ourFds()].filter(
      ([, target]) => target === `mnt:[${mnt}]` || /^\/proc\/\d+\/(task\/\d+\/)?mountinfo$/.test(target),
    );
    assert.deepEqual(pins, [], 'no fd of ours keeps the unmounted namespace');
  },
);
