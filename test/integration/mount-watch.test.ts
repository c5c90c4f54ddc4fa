/**
 * The mount table watch on the real kernel (root): mount namespaces made here
 * (`unshare --mount --propagation private sleep`), changed from inside through nsenter,
 * and the listener told the inode of exactly the namespace that changed. Each method is
 * tested where the kernel has it; poll is forced as root through the same option
 * `nsx watch --mounts` can pass. Everything made lives in those namespaces and goes with
 * their processes, killed by process group at cleanup.
 */
import assert from 'node:assert/strict';
import { readdirSync, readlinkSync } from 'node:fs';
import * as os from 'node:os';
import { test, type TestContext } from 'node:test';
import { kernelAtLeast } from '../../src/core/linux/kernelVersion';
import { MountWatch, watchMounts } from '../../src/core/mounts/mountWatch';
import { needs, nsInode, run, Scenario, sleepMs, waitFor } from './helpers';

const TOOLS = ['unshare', 'nsenter', 'mount', 'umount'];
const skip = needs({ root: 'makes mount namespaces and mounts in them', tools: TOOLS });
const noFanotify = skip || (kernelAtLeast(6, 15) ? false : `kernel ${os.release()} has no fanotify mount events`);
/** How long a change the kernel reports may take to reach the listener (it takes ~10 ms here). */
const REPORTED_WITHIN_MS = 2000;
/** How long to wait before saying a namespace was not reported. */
const QUIET_MS = 300;

interface Table {
  pid: number;
  ns: number;
}

/** A sleep in a new mount namespace whose mounts are private copies of ours. */
async function mountNamespace(s: Scenario): Promise<Table> {
  const started = await s.start('unshare', ['--mount', '--propagation', 'private', 'sleep', '600']);
  const own = nsInode('self', 'mnt');
  // unshare execs sleep: the same PID, once it is in its new namespace.
  const ns = await waitFor('the sleep in its own mount namespace', () => {
    const n = nsInode(started.pid, 'mnt');
    return n !== own && n;
  });
  return { pid: started.pid, ns };
}

/** Runs the shell command CMD inside TABLE's mount namespace only. */
function inside(table: Table, cmd: string): void {
  run('nsenter', [`--target=${table.pid}`, '--mount', '--', 'sh', '-c', cmd]);
}

/** Every call of the watch's listener, in order. */
class Heard {
  readonly calls: number[][] = [];
  constructor(watch: MountWatch) {
    watch.onChange((mntns) => this.calls.push(mntns));
  }

  clear(): void {
    this.calls.length = 0;
  }

  has(ns: number): boolean {
    return this.calls.some((c) => c.includes(ns));
  }

  async reported(ns: number, what: string): Promise<void> {
    await waitFor(`${what} reported for mount namespace ${ns}`, () => this.has(ns), REPORTED_WITHIN_MS);
  }
}

function open(t: TestContext, method: 'poll' | 'fanotify'): { watch: MountWatch; heard: Heard } {
  const watch = watchMounts('/proc', { method });
  t.after(() => watch.close());
  assert.equal(watch.method.kind, method, `the ${method} method is used: ${JSON.stringify(watch.method)}`);
  return { watch, heard: new Heard(watch) };
}

/** Targets of this process's open fds that are the mountinfo of PID. */
function openMountinfo(pid: number): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target === `/proc/${pid}/mountinfo` ? [`fd ${fd}`] : [];
    } catch {
      return [];
    }
  });
}

for (const method of ['poll', 'fanotify'] as const) {
  test(
    `${method}: a mount and an unmount in a watched namespace are reported with its inode, a namespace not ` +
      'watched is not',
    { skip: method === 'poll' ? skip : noFanotify },
    async (t) => {
      const s = new Scenario(t);
      const watched = await mountNamespace(s);
      const other = await mountNamespace(s);
      const { watch, heard } = open(t, method);
      watch.watch(new Map([[watched.ns, watched.pid]]));
      await sleepMs(QUIET_MS);
      assert.deepEqual(heard.calls, [], 'nothing is reported while nothing changes');

      inside(watched, 'mkdir -p /mnt/nsxw && mount -t tmpfs -o size=64k nsxtest-watch /mnt/nsxw');
      await heard.reported(watched.ns, 'a mount');
      inside(other, 'mkdir -p /mnt/nsxw && mount -t tmpfs -o size=64k nsxtest-other /mnt/nsxw');
      heard.clear();
      inside(watched, 'umount /mnt/nsxw');
      await heard.reported(watched.ns, 'an unmount');
      inside(other, 'umount /mnt/nsxw');
      await sleepMs(QUIET_MS);
      assert.ok(!heard.has(other.ns), `namespace ${other.ns}, not watched, is never reported: ${heard.calls}`);

      // What else the kernel reports differs by method (see mountWatch.ts): said, not asserted.
      heard.clear();
      inside(watched, 'mount -t tmpfs -o size=64k nsxtest-watch /mnt/nsxw');
      await heard.reported(watched.ns, 'a mount');
      for (const [what, cmd] of [
        ['a remount', 'mount -o remount,ro /mnt/nsxw'],
        ['a propagation change', 'mount --make-shared /mnt/nsxw'],
      ]) {
        heard.clear();
        inside(watched, cmd);
        await sleepMs(QUIET_MS);
        t.diagnostic(`${method}: ${what} (${cmd}) is ${heard.has(watched.ns) ? '' : 'not '}reported`);
      }
    },
  );
}

test(
  'poll: after watch() without a namespace its mountinfo is closed at once, and the namespace goes when its ' +
    'process exits',
  { skip: noFanotify },
  async (t) => {
    const s = new Scenario(t);
    const table = await mountNamespace(s);
    const { watch } = open(t, 'poll');
    watch.watch(new Map([[table.ns, table.pid]]));
    assert.equal(openMountinfo(table.pid).length, 1, 'the watch holds its mountinfo open');
    watch.watch(new Map());
    // The poll under way returns first; that is the next turn of the event loop.
    await waitFor(`the mountinfo of ${table.pid} closed`, () => openMountinfo(table.pid).length === 0, 200);

    // The witness: a fanotify mark holds no reference, and reports every mount of the
    // namespace detached when the namespace itself is torn down.
    const witness = open(t, 'fanotify');
    witness.watch.watch(new Map([[table.ns, table.pid]]));
    process.kill(-table.pid, 'SIGKILL');
    await witness.heard.reported(table.ns, 'the namespace torn down (its mounts detached)');
  },
);

test(
  'poll: when the process lending its mountinfo exits, the namespace is reported and let go',
  { skip: noFanotify },
  async (t) => {
    const s = new Scenario(t);
    const table = await mountNamespace(s);
    const { watch, heard } = open(t, 'poll');
    watch.watch(new Map([[table.ns, table.pid]]));
    const witness = open(t, 'fanotify');
    witness.watch.watch(new Map([[table.ns, table.pid]]));
    process.kill(-table.pid, 'SIGKILL');
    await heard.reported(table.ns, 'its process exited');
    assert.deepEqual(openMountinfo(table.pid), [], 'its mountinfo is closed');
    await witness.heard.reported(table.ns, 'the namespace torn down (its mounts detached)');
  },
);

test('the default method is poll, and says why fanotify is not used', { skip }, (t) => {
  const watch = watchMounts();
  t.after(() => watch.close());
  t.diagnostic(`method: ${JSON.stringify(watch.method)}`);
  assert.equal(watch.method.kind, 'poll');
  assert.ok(watch.method.why, 'it says why');
});
