/**
 * nsx check against the real kernel: each situation made with the standard tools
 * (unshare, ip netns, mount, python3 holding an fd), checked to be reported on the right
 * namespace, and the same namespaces made the right way reported on not at all. As root,
 * and as the user nobody (runuser) where a user can make the situation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../src/core/findings/types';
import {
  type CliOptions,
  cliJson,
  linkInode,
  needs,
  nsInode,
  readableCli,
  run,
  Scenario,
  uniqueName,
  waitFor,
} from './helpers';

interface CheckJson {
  findings: (Pick<Finding, 'kind' | 'severity' | 'ns' | 'type' | 'text' | 'actions'> & { command: string | null })[];
}

function check(opts: CliOptions = {}): CheckJson['findings'] {
  return cliJson<CheckJson>(['check', '--json'], opts).findings;
}

function about(found: CheckJson['findings'], ns: number): string[] {
  return found.filter((f) => f.ns === ns).map((f) => f.kind);
}

const AS_NOBODY = ['runuser', '-u', 'nobody', '--'];
const ROOT = {
  root: 'makes namespaces, mounts and named netns with root-only tools',
  tools: ['unshare', 'nsenter', 'ip', 'mount'],
};

test(
  'unshare --pid --fork --mount without --mount-proc: ps there lists the host; with it, nothing',
  { skip: needs(ROOT) },
  async (t) => {
    const s = new Scenario(t);
    const bad = await s.inNewNamespace(
      await s.start('unshare', ['--pid', '--fork', '--mount', 'sleep', '1000']),
      'sleep',
      'pid',
    );
    const good = await s.inNewNamespace(
      await s.start('unshare', ['--pid', '--fork', '--mount', '--mount-proc', 'sleep', '1000']),
      'sleep',
      'pid',
    );
    const found = check();
    const f = found.find((x) => x.ns === nsInode(bad, 'pid'));
    assert.equal(
      f?.kind,
      'proc-of-other-pidns',
      JSON.stringify(
        found.filter((x) => x.type === 'pid'),
        null,
        1,
      ),
    );
    assert.match(f!.text, /lists the processes of the host's pid namespace/);
    assert.equal(f!.command, `nsenter --target ${bad} --pid --mount mount -t proc proc /proc`);
    assert.deepEqual(about(found, nsInode(good, 'pid')), [], 'made with --mount-proc');
    assert.deepEqual(about(found, nsInode(good, 'mnt')), [], 'its mount namespace is private');
  },
);

test(
  'unshare --net: lo down; once lo is up, no route out; with a routed veth, nothing',
  { skip: needs(ROOT) },
  async (t) => {
    const s = new Scenario(t);
    const sleep = await s.inNewNamespace(await s.start('unshare', ['--net', 'sleep', '1000']), 'sleep', 'net');
    const net = nsInode(sleep, 'net');
    const wired = await s.inNewNamespace(
      await s.start('unshare', [
        '--net',
        'sh',
        '-c',
        'ip link set lo up && ip link add v0 type veth peer name v1 && ip addr add 10.251.0.1/30 dev v0 && ' +
          'ip link set v1 up && ip link set v0 up && exec sleep 1000',
      ]),
      'sleep',
      'net',
    );
    let found = check();
    const lo = found.find((f) => f.ns === net);
    assert.equal(lo?.kind, 'loopback-down');
    assert.equal(lo!.command, 'ip link set lo up');
    assert.deepEqual(about(found, nsInode(wired, 'net')), [], 'lo up and a route through v0');
    run('nsenter', ['--target', String(sleep), '--net', 'ip', 'link', 'set', 'lo', 'up']);
    found = check();
    assert.deepEqual(about(found, net), ['no-route-out']);
  },
);

test('ip netns add with no process: held by its bind mount, ip netns delete NAME', { skip: needs(ROOT) }, (t) => {
  const s = new Scenario(t);
  const name = uniqueName('held');
  const ino = s.netns(name);
  const f = check().find((x) => x.ns === ino);
  assert.equal(f?.kind, 'held-without-process');
  assert.match(f!.text, new RegExp(`only the bind mount /run/netns/${name} keeps it alive`));
  assert.equal(f!.command, `ip netns delete ${name}`);
});

/**
 * python3 holding an fd on /proc/PID/ns/TYPE of a child it then kills (with FORKED=1, of that
 * child's first child: unshare --fork's): prints the inode, then sleeps.
 */
const HOLD_FD = `
import os, subprocess, sys, time
child = subprocess.Popen(sys.argv[1:])
time.sleep(0.5)
forked = os.environ.get('FORKED') == '1'
pid = int(open(f'/proc/{child.pid}/task/{child.pid}/children').read().split()[0]) if forked else child.pid
fd = os.open(f'/proc/{pid}/ns/{os.environ["NS_TYPE"]}', os.O_RDONLY)
# The namespace's own process first: unshare --fork then reaps it and exits.
os.kill(pid, 9)
child.wait()
print(os.fstat(fd).st_ino, flush=True)
time.sleep(1000)
`;

async function heldByFd(s: Scenario, type: string, argv: string[]): Promise<{ python: number; ino: number }> {
  const forked = argv.includes('--fork') ? '1' : '0';
  const py = await s.start('python3', ['-c', HOLD_FD, ...argv], {
    env: { ...process.env, NS_TYPE: type, FORKED: forked },
  });
  const ino = await waitFor(`python3 ${py.pid} to print the inode`, () => Number(py.stdout().trim()) || undefined);
  return { python: py.pid, ino };
}

test(
  'a net namespace held only by an fd of python3: named with PID and fd, kill PID offered',
  { skip: needs({ ...ROOT, tools: [...ROOT.tools, 'python3'] }) },
  async (t) => {
    const s = new Scenario(t);
    const { python, ino } = await heldByFd(s, 'net', ['unshare', '--net', 'sleep', '1000']);
    const f = check().find((x) => x.ns === ino);
    assert.equal(f?.kind, 'held-without-process');
    assert.match(f!.text, new RegExp(`only fd \\d+ of python3 \\(${python}\\) keeps it alive`));
    assert.equal(f!.command, `kill ${python}`);
  },
);

test(
  'a PID namespace whose PID 1 exited, held by pid_for_children (unshare --pid without --fork) or by an fd',
  { skip: needs({ ...ROOT, tools: [...ROOT.tools, 'python3'] }) },
  async (t) => {
    const s = new Scenario(t);
    // /bin/true is the first child: PID 1 of the new namespace, which exits at once.
    const shell = await s.start('unshare', ['--pid', 'sh', '-c', '/bin/true; exec sleep 1000']);
    const dead = await waitFor('a new pid_for_children', () => {
      const ino = linkInode(`/proc/${shell.pid}/ns/pid_for_children`);
      return ino !== nsInode('self', 'pid') && ino;
    });
    const { python, ino } = await heldByFd(s, 'pid', ['unshare', '--pid', '--fork', 'sleep', '1000']);
    const found = check();
    const byLink = found.find((f) => f.ns === dead);
    assert.equal(
      byLink?.kind,
      'pid-init-gone',
      JSON.stringify(
        found.filter((f) => f.type === 'pid'),
        null,
        1,
      ),
    );
    assert.match(byLink!.text, new RegExp(`pid_for_children of sleep \\(${shell.pid}\\)`));
    const byFd = found.find((f) => f.ns === ino);
    assert.equal(byFd?.kind, 'pid-init-gone');
    assert.match(byFd!.text, new RegExp(`fd \\d+ of python3 \\(${python}\\)`));
  },
);

test(
  'a PID 1 that never waits (sleep) leaves its orphan a zombie; sh as PID 1 reaps it',
  { skip: needs(ROOT) },
  async (t) => {
    const s = new Scenario(t);
    const sleeper = await s.inNewNamespace(
      await s.start('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', 'sleep 0.1 & exec sleep 1000']),
      'sleep',
      'pid',
    );
    const reaper = await s.inNewNamespace(
      await s.start('unshare', ['--pid', '--fork', '--mount-proc', 'sh', '-c', 'sleep 0.1 & sleep 1000; true']),
      'sh',
      'pid',
    );
    await new Promise((r) => setTimeout(r, 500));
    const found = check();
    const f = found.find((x) => x.ns === nsInode(sleeper, 'pid'));
    assert.equal(f?.kind, 'zombies-unreaped');
    assert.equal(f!.command, `kill ${sleeper}`);
    assert.deepEqual(about(found, nsInode(reaper, 'pid')), []);
  },
);

test(
  'mount --make-shared, then unshare --mount --propagation unchanged: shared with the host; private: nothing',
  { skip: needs(ROOT) },
  async (t) => {
    const s = new Scenario(t);
    const dir = mkdtempSync(path.join(tmpdir(), `${uniqueName('shared')}-`));
    s.defer(`rmdir ${dir}`, () => rmdirSync(dir));
    run('mount', ['-t', 'tmpfs', 'nsxtest', dir]);
    s.defer(`umount ${dir}`, () => void run('umount', [dir]));
    run('mount', ['--make-shared', dir]);
    const shared = await s.inNewNamespace(
      await s.start('unshare', ['--mount', '--propagation', 'unchanged', 'sleep', '1000']),
      'sleep',
      'mnt',
    );
    const priv = await s.inNewNamespace(await s.start('unshare', ['--mount', 'sleep', '1000']), 'sleep', 'mnt');
    const found = check();
    const f = found.find((x) => x.ns === nsInode(shared, 'mnt'));
    assert.equal(f?.kind, 'mounts-propagate-with-host');
    assert.ok(f!.text.includes(dir), f!.text);
    assert.deepEqual(about(found, nsInode(priv, 'mnt')), []);
  },
);

test(
  'as nobody: a rootless user namespace (info), its lo down and its /proc pitfall; root-made namespaces are not guessed at',
  { skip: needs({ root: 'switches to the user nobody through runuser', tools: ['runuser', 'unshare', 'ip'] }) },
  async (t) => {
    const s = new Scenario(t);
    const cli = readableCli(s);
    const opts = { cli, wrapper: AS_NOBODY, cwd: path.dirname(path.dirname(cli)) };
    const rootless = await s.inNewNamespace(
      await s.start('runuser', [
        ...AS_NOBODY.slice(1),
        'unshare',
        '--user',
        '--map-root-user',
        '--net',
        '--pid',
        '--fork',
        '--mount',
        'sleep',
        '1000',
      ]),
      'sleep',
      'user',
    );
    const proper = await s.inNewNamespace(
      await s.start('runuser', [
        ...AS_NOBODY.slice(1),
        'unshare',
        '--user',
        '--map-root-user',
        '--pid',
        '--fork',
        '--mount-proc',
        'sleep',
        '1000',
      ]),
      'sleep',
      'pid',
    );
    const rootsNetns = s.netns(uniqueName('root'));
    for (const [who, found] of [
      ['nobody', check(opts)],
      ['root', check()],
    ] as const) {
      const user = found.find((f) => f.ns === nsInode(rootless, 'user'));
      assert.equal(user?.kind, 'root-is-unprivileged-outside', who);
      assert.equal(user!.severity, 'info');
      assert.match(user!.text, /is UID 65534 \(nobody\) outside it/);
      assert.deepEqual(about(found, nsInode(rootless, 'net')), ['loopback-down'], who);
      assert.deepEqual(about(found, nsInode(rootless, 'pid')), ['proc-of-other-pidns'], who);
      assert.deepEqual(about(found, nsInode(proper, 'pid')), [], `${who}: made with --mount-proc`);
    }
    assert.deepEqual(about(check(opts), rootsNetns), [], "nobody cannot tell whether root's processes are in it");
  },
);
