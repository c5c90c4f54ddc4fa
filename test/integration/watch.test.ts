/**
 * `nsx watch` against the real kernel: each change a test makes (a named net namespace, a
 * process that unshares, one that execs into new namespaces under its PID, an fd that holds
 * a namespace, mounts in a watched mount namespace) gives exactly the events it must, about
 * the inodes read from /proc and /run/netns, with their labels; --type keeps to its types;
 * the text format says the same in words; the watch ends with status 0 on SIGINT and
 * SIGTERM and when its reader goes away; a bad --interval is a usage error.
 *
 * As root, and as an ordinary user for what a user can make (its own user namespace and
 * what it owns). Deadlines are generous: how fast events come is `npm run bench`'s.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import type { NsType } from '../../src/core/model/snapshot';
import { USER_TOOLS } from '../engines/users';
import { commOf, needs, nsInode, run, runCli, Scenario, sleepMs, uniqueName, waitFor, type Started } from './helpers';
import {
  asRoot,
  asUser,
  assertEvents,
  commandLabel,
  EVENT_DEADLINE_MS,
  mountId,
  startAs,
  startWatch,
  type Expected,
  type Watch,
  type WatchEvent,
  type Who,
} from './watch-harness';

const TOOLS = ['ip', 'unshare', 'nsenter', 'mount', 'umount', 'setpriv'];
const ROOT = needs({ root: 'makes namespaces and mounts, and watches them', tools: TOOLS });
const ROOT_AND_USER = needs({ root: 'makes a test user and watches as it', tools: [...TOOLS, ...USER_TOOLS] });
const TIMEOUT = 180_000;

const PEOPLE: [string, string | false, (s: Scenario) => Who][] = [
  ['root', ROOT, () => asRoot()],
  ['an ordinary user', ROOT_AND_USER, (s) => asUser(s)],
];

/** Runs BODY once as root and once as an ordinary user, each its own test. */
function asEach(name: string, body: (s: Scenario, who: Who, t: TestContext) => Promise<void>): void {
  for (const [whom, skip, who] of PEOPLE) {
    test(`${name} (as ${whom})`, { skip, timeout: TIMEOUT }, async (t) => {
      const s = new Scenario(t);
      await body(s, who(s), t);
    });
  }
}

/** The inodes of the namespaces of TYPES that PID is in. */
function inodes(pid: number, types: NsType[]): Map<NsType, number> {
  return new Map(types.map((type) => [type, nsInode(pid, type)]));
}

/** Waits until PID runs `sleep` in namespaces of TYPES other than ours, and returns them. */
async function sleepingApart(pid: number, types: NsType[]): Promise<Map<NsType, number>> {
  return waitFor(`${pid} to sleep in new ${types.join(' and ')} namespaces`, () => {
    if (commOf(pid) !== 'sleep') return false;
    const ns = inodes(pid, types);
    return types.every((type) => ns.get(type) !== nsInode('self', type)) && ns;
  });
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const about = (inos: Iterable<number>) => {
  const set = new Set(inos);
  return (e: WatchEvent) => set.has((e.ns ?? e.mntns) as number);
};

/** A process that unshared and sleeps: its namespaces appeared and it entered them. */
async function unsharedSleep(s: Scenario, w: Watch, who: Who): Promise<{ pid: number; ns: Map<NsType, number> }> {
  const mark = w.mark();
  const { pid } = await startAs(s, who, ['unshare', ...who.own, '--net', 'sleep', '100']);
  const ns = await sleepingApart(pid, who.made);
  const got = await w.settle('the new namespaces', mark, about(ns.values()), 2 * ns.size);
  const label = commandLabel('sleep', pid);
  assertEvents(
    got,
    [...ns].flatMap(([type, ino]) => [
      { event: 'namespace-appeared', ns: ino, type, label, heldBy: `process sleep 100 (${pid})` },
      { event: 'process-entered', pid, command: 'sleep 100', ns: ino, type, label },
    ]),
    `unshare ${[...who.own, '--net'].join(' ')} sleep 100`,
  );
  return { pid, ns };
}

/** PID left NS (its namespaces, by type); those in GONE went away with it. */
function leftEvents(pid: number, ns: Map<NsType, number>, gone: NsType[]): Expected[] {
  return [...ns].flatMap(([type, ino]) => {
    const label = commandLabel('sleep', pid);
    const left = { event: 'process-left', pid, command: 'sleep 100', ns: ino, type, label };
    return gone.includes(type) ? [left, { event: 'namespace-gone', ns: ino, type, label }] : [left];
  });
}

async function killed(p: Started | number): Promise<void> {
  const pid = typeof p === 'number' ? p : p.pid;
  process.kill(pid, 'SIGKILL');
  await waitFor(`${pid} to be gone`, () => commOf(pid) === null);
}

test('nsx watch: an --interval under 100 ms or not a number is a usage error, in one line', () => {
  for (const value of ['5', 'x']) {
    const r = runCli(['watch', '--interval', value], { timeoutMs: 20_000 });
    assert.equal(r.status, 2, `--interval ${value}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    const message = `--interval must be a number of ms from 100 to 3600000, not '${value}'`;
    assert.equal(r.stderr, `nsx: ${message} (see 'nsx --help')\n`);
  }
});

asEach(
  'nsx watch: ip netns add is a namespace appeared held by its bind mount, ip netns del its end',
  async (s, who) => {
    const w = await startWatch(s, ['--json'], who);
    const name = uniqueName(`watch-${who.as.length}`);
    let mark = w.mark();
    const ns = s.netns(name);
    const label = name;
    let got = await w.settle(`${name} appeared`, mark, about([ns]), 1);
    const heldBy = `bind mount /run/netns/${name}`;
    assertEvents(got, [{ event: 'namespace-appeared', ns, type: 'net', label, heldBy }], `ip netns add ${name}`);
    mark = w.mark();
    run('ip', ['netns', 'del', name]);
    got = await w.settle(`${name} gone`, mark, about([ns]), 1);
    assertEvents(got, [{ event: 'namespace-gone', ns, type: 'net', label }], `ip netns del ${name}`);
  },
);

asEach(
  'nsx watch: a process that unshares appears with its namespaces; killed, it leaves them and they go',
  async (s, who) => {
    const w = await startWatch(s, ['--json'], who);
    const { pid, ns } = await unsharedSleep(s, w, who);
    const mark = w.mark();
    await killed(pid);
    const got = await w.settle('the sleep left', mark, about(ns.values()), 2 * ns.size);
    assertEvents(got, leftEvents(pid, ns, who.made), `kill ${pid}`);
  },
);

asEach(
  'nsx watch: a process that execs into new namespaces under its PID leaves the old ones, enters the new',
  async (s, who) => {
    const w = await startWatch(s, ['--json'], who);
    // Half a tick off the watch's ticks: the exec 2 s on then falls between two ticks, not on one.
    await sleepMs(500);
    const mark = w.mark();
    const script = `sleep 2; exec unshare ${[...who.own, '--net'].join(' ')} sleep 100`;
    const { pid } = await startAs(s, who, ['sh', '-c', script]);
    const host = inodes(pid, who.made);
    const ns = await sleepingApart(pid, who.made);
    const got = await w.settle(`${pid} moved`, mark, (e) => e.pid === pid || about(ns.values())(e), 3 * ns.size);
    const label = commandLabel('sleep', pid);
    // Should a tick still fall between sh's exec of unshare and unshare's own call, it sees unshare leave.
    const before = new RegExp(`^(${escaped(`sh -c ${script}`)}|unshare( .*)?)$`);
    assertEvents(
      got,
      who.made.flatMap((type) => [
        { event: 'namespace-appeared', ns: ns.get(type), type, label, heldBy: `process sleep 100 (${pid})` },
        { event: 'process-left', pid, command: before, ns: host.get(type), type, label: 'host' },
        { event: 'process-entered', pid, command: 'sleep 100', ns: ns.get(type), type, label },
      ]),
      `${script} (PID ${pid})`,
    );
  },
);

asEach(
  'nsx watch: an fd on a namespace is a holder added, and removed when closed; the last one ends it',
  async (s, who) => {
    const w = await startWatch(s, ['--json'], who);
    const { pid, ns } = await unsharedSleep(s, w, who);
    const net = ns.get('net')!;
    const shell = await startAs(s, who, ['sh'], true);
    const label = commandLabel('sleep', pid);
    const holder = { kind: 'fd', pid: shell.pid, fd: 3, path: `/proc/${shell.pid}/fd/3` };
    const fdEvent = (event: string) => ({
      event,
      ns: net,
      type: 'net',
      label,
      holder,
      what: `fd 3 of sh (${shell.pid})`,
    });
    const step = async (line: string, what: string, want: Expected[]) => {
      const mark = w.mark();
      shell.child.stdin!.write(`${line}\n`);
      assertEvents(await w.settle(what, mark, about(ns.values()), want.length), want, `${what}: ${line}`);
    };
    await step(`exec 3</proc/${pid}/ns/net`, 'fd opened', [fdEvent('holder-added')]);
    await step('exec 3<&-', 'fd closed', [fdEvent('holder-removed')]);
    await step(`exec 3</proc/${pid}/ns/net`, 'fd opened again', [fdEvent('holder-added')]);
    // Its process gone, the namespace lives on in the fd (and an owning user namespace in it).
    const mark = w.mark();
    await killed(pid);
    const got = await w.settle('the sleep left', mark, about(ns.values()), ns.size);
    assertEvents(got, leftEvents(pid, ns, []), `kill ${pid} while fd 3 of ${shell.pid} holds its net namespace`);
    // Named now after what holds it; its owning user namespace, which only it kept, after nothing.
    const gone = [...ns].map(([type, ino]) => ({
      event: 'namespace-gone',
      ns: ino,
      type,
      label: type === 'net' ? 'sh (fd 3)' : null,
    }));
    await step('exec 3<&-', 'the last holder closed', gone);
  },
);

asEach(
  'nsx watch --mounts: a mount added, its propagation changed and the mount removed, in a watched mount namespace',
  async (s, who) => {
    const w = await startWatch(s, ['--json', '--mounts'], who);
    let mark = w.mark();
    const { pid } = await startAs(s, who, [
      'unshare',
      ...who.own,
      '--mount',
      '--propagation',
      'private',
      'sleep',
      '100',
    ]);
    const mntns = (await sleepingApart(pid, ['mnt'])).get('mnt')!;
    await w.settle('the mount namespace appeared', mark, about([mntns]), 2);
    const label = commandLabel('sleep', pid);
    const enter = [
      ...who.as,
      'nsenter',
      '-t',
      String(pid),
      ...(who.own.length ? ['-U', '--preserve-credentials'] : []),
      '-m',
    ];
    const step = async (argv: string[], want: Expected) => {
      const before = argv[0] === 'umount' ? mountId(pid, '/mnt') : null;
      mark = w.mark();
      run(enter[0]!, [...enter.slice(1), ...argv]);
      const id = before ?? mountId(pid, '/mnt');
      const got = await w.settle(argv.join(' '), mark, about([mntns]), 1);
      assertEvents(got, [{ mntns, label, id, target: '/mnt', ...want }], argv.join(' '));
    };
    const tmpfs = { fstype: 'tmpfs', source: 'tmpfs' };
    await step(['mount', '-t', 'tmpfs', 'tmpfs', '/mnt'], { event: 'mount-added', ...tmpfs, propagation: 'private' });
    await step(['mount', '--make-shared', '/mnt'], { event: 'propagation-changed', from: 'private', to: 'shared' });
    await step(['umount', '/mnt'], { event: 'mount-removed', ...tmpfs, propagation: 'shared' });
  },
);

test(
  'nsx watch --type uts: no event about net namespaces, the uts ones told',
  { skip: ROOT, timeout: TIMEOUT },
  async (t) => {
    const s = new Scenario(t);
    const w = await startWatch(s, ['--json', '--type', 'uts']);
    const mark = w.mark();
    s.netns(uniqueName('watch-uts'));
    const net = await s.start('unshare', ['--net', 'sleep', '100']);
    await sleepingApart(net.pid, ['net']);
    const { pid } = await s.start('unshare', ['--uts', 'sleep', '100']);
    const uts = (await sleepingApart(pid, ['uts'])).get('uts')!;
    await w.settle('the uts namespace', mark, about([uts]), 2);
    const label = commandLabel('sleep', pid);
    const events = w.events().slice(mark);
    assertEvents(
      events.filter((e) => e.pid === pid || e.ns === uts),
      [
        { event: 'namespace-appeared', ns: uts, type: 'uts', label, heldBy: `process sleep 100 (${pid})` },
        { event: 'process-entered', pid, command: 'sleep 100', ns: uts, type: 'uts', label },
      ],
      'unshare --uts sleep 100',
    );
    assert.deepEqual(
      events.filter((e) => e.type !== 'uts'),
      [],
      'only uts events',
    );
  },
);

test(
  'nsx watch without --json: one line a person reads per event, with its time',
  { skip: ROOT, timeout: TIMEOUT },
  async (t) => {
    const s = new Scenario(t);
    const w = await startWatch(s, []);
    assert.match(
      w.lines()[0]!,
      /^\d\d:\d\d:\d\d\.\d{3} watching \d+ namespaces and \d+ processes, every 1000 ms \(Ctrl-C ends\)$/,
    );
    const name = uniqueName('watch-text');
    const ns = s.netns(name);
    const { pid } = await s.start('unshare', ['--net', 'sleep', '100']);
    const own = (await sleepingApart(pid, ['net'])).get('net')!;
    await waitFor(`${name} seen`, () => w.lines().some((l) => l.includes(` net ${ns} `)), EVENT_DEADLINE_MS);
    run('ip', ['netns', 'del', name]);
    const time = String.raw`\d\d:\d\d:\d\d\.\d{3}`;
    const label = `"sleep(?: \\(${pid}\\))?"`;
    const want = [
      new RegExp(`^${time} \\+ net ${ns} "${name}" appeared, held by bind mount /run/netns/${name}$`),
      new RegExp(`^${time} - net ${ns} "${name}" went away$`),
      new RegExp(`^${time} \\+ net ${own} ${label} appeared, held by process sleep 100 \\(${pid}\\)$`),
      new RegExp(`^${time} > sleep 100 \\(${pid}\\) entered net ${own} ${label}$`),
    ];
    const mine = () => w.lines().filter((l) => l.includes(` net ${ns} `) || l.includes(` net ${own} `));
    await waitFor(`4 lines about ${ns} and ${own}`, () => mine().length >= 4, EVENT_DEADLINE_MS).catch((err) =>
      assert.fail(`${String(err)}; it printed:\n${w.lines().join('\n')}`),
    );
    for (const re of want)
      assert.equal(mine().filter((l) => re.test(l)).length, 1, `one line ${re}: ${mine().join('\n')}`);
  },
);

asEach('nsx watch ends with status 0, at once, on SIGINT and on SIGTERM', async (s, who, t) => {
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const w = await startWatch(s, ['--json'], who);
    const sent = Date.now();
    process.kill(w.pid, signal);
    const ended = await Promise.race([w.exited, sleepMs(5000).then(() => 'still running')]);
    assert.deepEqual(ended, { code: 0, signal: null }, `${signal}: ${w.stderr()}`);
    assert.equal(w.stderr(), '', signal);
    t.diagnostic(`${signal}: ended ${Date.now() - sent} ms after it`);
  }
});

asEach('nsx watch | head -1 ends soon after head, with no event to write', async (s, who, t) => {
  const script = `"$0" "$1" watch --json --type time | head -1; echo "watch exited \${PIPESTATUS[0]}"`;
  const started = await startAs(s, who, ['bash', '-c', script, process.execPath, who.cli]);
  await waitFor('the watching line', () => started.stdout().split('\n').length > 1, 60_000);
  const headEnded = Date.now();
  await waitFor('the pipeline to end', () => /^watch exited \d+$/m.test(started.stdout()), 10_000);
  const after = Date.now() - headEnded;
  t.diagnostic(`nsx watch ended ${after} ms after head`);
  assert.match(started.stdout(), /^\{"time":"[^"]+","event":"watching",.*\}\nwatch exited 0\n$/);
  assert.ok(after < 5000, `nsx watch ended ${after} ms after head, not at its next tick`);
});
