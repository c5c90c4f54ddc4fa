/**
 * `nsx show INODE --json` for UTS, IPC, time and cgroup namespaces made here, against what
 * the standard tools say from inside them (hostname, ipcs, timens_offsets, /proc/PID/cgroup
 * read through nsenter). Root enters the namespaces from a thread; an unprivileged user is
 * shown what /proc gives it and told what needs root. Needs root; skipped otherwise.
 */
import assert from 'node:assert/strict';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import type {
  CgroupDetails,
  IpcDetails,
  NamespaceDetails,
  PidDetails,
  TimeDetails,
  UserDetails,
  UtsDetails,
} from '../../src/core/details/types';
import {
  CliOptions,
  cliJson,
  CliResult,
  descendants,
  lsns,
  needs,
  nsInode,
  readableCli,
  REPO,
  run,
  runCli,
  Scenario,
  uniqueName,
  waitFor,
} from './helpers';
import { createTestUser, TEST_USER_TOOLS } from './polkit-harness';

function show<T extends NamespaceDetails>(ino: number, opts: CliOptions = {}): T {
  return cliJson<T>(['show', String(ino), '--json'], opts);
}

const enter = (pid: number, flag: string, argv: string[]) => run('nsenter', ['-t', String(pid), flag, ...argv]);

const needsRootOf = (d: NamespaceDetails) => d.unavailable.map((u) => [u.what, u.needsRoot]);

test(
  'uts: hostname and domain name as hostname and domainname say inside',
  { skip: needs({ root: 'makes a UTS namespace', tools: ['unshare', 'nsenter', 'hostname', 'domainname'] }) },
  async (t) => {
    const s = new Scenario(t);
    const sleep = (await s.start('unshare', ['--uts', 'sleep', '1000'])).pid;
    const ino = await waitFor(
      'the new UTS namespace',
      () => nsInode(sleep, 'uts') !== nsInode('self', 'uts') && nsInode(sleep, 'uts'),
    );
    enter(sleep, '-u', ['hostname', uniqueName('h')]);
    enter(sleep, '-u', ['domainname', 'nsxtest.example']);

    const d = show<UtsDetails>(ino);
    assert.equal(d.readAs, 'root');
    assert.equal(d.hostname, enter(sleep, '-u', ['hostname']).trim());
    assert.equal(d.domainname, enter(sleep, '-u', ['domainname']).trim());
    assert.equal(d.hostname, uniqueName('h'));
    assert.match(d.via ?? '', /^entered through PID \d+/);
    assert.deepEqual(d.unavailable, []);
    assert.equal(show<UtsDetails>(nsInode('self', 'uts')).hostname, hostname(), 'the host keeps its name');
  },
);

test(
  'related namespaces: the owner user namespace and the parent PID and user namespaces, as lsns -o PNS,ONS ' +
    'says; the text names them',
  { skip: needs({ root: 'makes user and PID namespaces', tools: ['unshare', 'lsns'] }) },
  async (t) => {
    const s = new Scenario(t);
    const started = await s.start('unshare', [
      '--user',
      '--map-root-user',
      '--pid',
      '--fork',
      '--uts',
      'sleep',
      '1000',
    ]);
    const sleep = await s.inNewNamespace(started, 'sleep', 'pid');
    type LsnsRow = { ns: number; type: string; pns: number; ons: number };
    const rows = lsns<{ namespaces: LsnsRow[] }>(t, ['-J', '-o', 'NS,TYPE,PNS,ONS', '-p', String(sleep)]).namespaces;
    const truth = (type: string) => rows.find((n) => n.type === type)!;
    const [user, pid, uts] = [truth('user'), truth('pid'), truth('uts')];
    assert.deepEqual([user.ns, pid.ns, uts.ns], [nsInode(sleep, 'user'), nsInode(sleep, 'pid'), nsInode(sleep, 'uts')]);
    assert.notEqual(user.ns, nsInode('self', 'user'), 'a new user namespace');

    const userDetails = show<UserDetails>(user.ns);
    assert.equal(userDetails.parentNs?.ns, user.pns);
    assert.equal(userDetails.ownerNs?.ns, user.ons, "a user namespace's owner is its parent");
    const pidDetails = show<PidDetails>(pid.ns);
    assert.deepEqual([pidDetails.parentNs?.ns, pidDetails.ownerNs?.ns], [pid.pns, pid.ons]);
    assert.equal(pidDetails.ownerNs?.ns, user.ns, 'the new PID namespace is owned by the new user namespace');
    assert.equal(show<UtsDetails>(uts.ns).ownerNs?.ns, uts.ons);
    assert.equal(show<UserDetails>(nsInode('self', 'user')).parentNs, null, 'the initial user namespace has no parent');

    const text = runCli(['show', String(pid.ns)]).stdout;
    t.diagnostic(text.slice(text.indexOf('Related namespaces')));
    assert.match(
      text,
      new RegExp(
        `\\nRelated namespaces\\n  Parent PID namespace  pid ${pid.pns}\\b.*\\n  Owner user namespace  ` +
          `user ${user.ns}\\b`,
      ),
    );
  },
);

interface IpcsRow {
  key: string;
  id: number;
  owner: string;
  perms: string;
  /** The columns after perms. */
  rest: number[];
}

/** The rows of `ipcs -q`, `-s` or `-m` run inside the IPC namespace of PID. */
function ipcs(pid: number, kind: '-q' | '-s' | '-m'): IpcsRow[] {
  return enter(pid, '-i', ['ipcs', kind])
    .split('\n')
    .filter((l) => /^0x[0-9a-f]{8} /.test(l))
    .map((l) => {
      const [key, id, owner, perms, ...rest] = l.trim().split(/\s+/);
      return {
        key: key!,
        id: Number(id),
        owner: owner!,
        perms: perms!,
        rest: rest.filter((x) => /^\d+$/.test(x)).map(Number),
      };
    });
}

test(
  'ipc: System V objects as ipcs lists them inside, POSIX queues as an mqueue mounted inside shows them, ' +
    'and no mount reaches the host',
  {
    skip: needs({
      root: 'makes an IPC namespace and mounts mqueue inside it',
      tools: ['unshare', 'nsenter', 'ipcs', 'ipcmk', 'mount', 'umount', 'findmnt'],
    }),
  },
  async (t) => {
    const s = new Scenario(t);
    const sleep = (await s.start('unshare', ['--ipc', 'sleep', '1000'])).pid;
    const ino = await waitFor(
      'the new IPC namespace',
      () => nsInode(sleep, 'ipc') !== nsInode('self', 'ipc') && nsInode(sleep, 'ipc'),
    );
    enter(sleep, '-i', ['ipcmk', '-Q', '-p', '600']);
    enter(sleep, '-i', ['ipcmk', '-S', '3', '-p', '640']);
    enter(sleep, '-i', ['ipcmk', '-M', '4096']);
    const koffi = JSON.stringify(path.join(REPO, 'node_modules', 'koffi'));
    const makeQueue = `const rt = require(${koffi}).load('librt.so.1');
    const q = rt.func('int mq_open(const char *, int, unsigned int, void *)')('/nsxtest-jobs', 0o102, 0o640, null);
    const send = rt.func('int mq_send(int, const char *, size_t, unsigned int)');
    if (q < 0 || send(q, 'hello', 5, 0) !== 0) process.exit(1);`;
    enter(sleep, '-i', [process.execPath, '-e', makeQueue]);

    const mnt = mkdtempSync(path.join(tmpdir(), `${uniqueName('mq')}-`));
    s.defer(`rmdir ${mnt}`, () => rmdirSync(mnt));
    const listQueues =
      `mount -t mqueue none ${mnt} && cd ${mnt} && ` +
      `for f in *; do printf '/%s %s ' "$f" "$(stat -c '%u %a' "$f")"; cat "$f"; done`;
    const queuesInside = enter(sleep, '-i', ['unshare', '--mount', '--propagation', 'private', 'sh', '-c', listQueues])
      .split('\n')
      .filter(Boolean)
      .map((line) => /^(\S+) (\d+) (\d+) QSIZE:(\d+) /.exec(line)!.slice(1).join(' '));

    // nsx mounts its mqueue in a directory under TMPDIR. Made a shared mount, that would carry a
    // leaked mount over to the host, where findmnt watches; its own mount and unmount show the watch is on.
    const poll = await s.start('findmnt', ['--poll', '-o', 'ACTION,TARGET,FSTYPE']);
    await waitFor('findmnt to open the mount table', () =>
      readdirSync(`/proc/${poll.pid}/fd`).some((fd) =>
        readlinkSync(`/proc/${poll.pid}/fd/${fd}`).endsWith('/mountinfo'),
      ),
    );
    const tmp = mkdtempSync(path.join(tmpdir(), `${uniqueName('tmp')}-`));
    s.defer(`rmdir ${tmp}`, () => rmdirSync(tmp));
    const seen = (action: string) => new RegExp(`^${action}\\s+${tmp}\\s`, 'm').test(poll.stdout());
    run('mount', ['-t', 'tmpfs', 'nsxtest', tmp]);
    s.defer(`umount ${tmp}`, () => void (seen('umount') || run('umount', [tmp])));
    run('mount', ['--make-shared', tmp]);
    await waitFor('findmnt to report the mount of TMPDIR', () => seen('mount'));
    const d = show<IpcDetails>(ino, { wrapper: ['env', `TMPDIR=${tmp}`] });
    const own = show<IpcDetails>(nsInode('self', 'ipc'), { wrapper: ['env', `TMPDIR=${tmp}`] });
    assert.deepEqual(readdirSync(tmp), [], 'nsx removed the directory it mounted on');
    run('umount', [tmp]);
    await waitFor('findmnt to report the unmount of TMPDIR', () => seen('umount'));
    assert.doesNotMatch(poll.stdout(), /mqueue/, `findmnt saw on the host:\n${poll.stdout()}`);

    assert.equal(d.readAs, 'root');
    assert.deepEqual(d.unavailable, []);
    const name = (o: { owner: string | null; ownerUid: number }) => o.owner ?? String(o.ownerUid);
    assert.deepEqual(
      d.messageQueues!.map((q) => ({
        key: q.key,
        id: q.id,
        owner: name(q),
        perms: q.perms,
        rest: [q.bytes, q.messages],
      })),
      ipcs(sleep, '-q'),
    );
    assert.deepEqual(
      d.semaphores!.map((q) => ({ key: q.key, id: q.id, owner: name(q), perms: q.perms, rest: [q.nsems] })),
      ipcs(sleep, '-s'),
    );
    assert.deepEqual(
      d.sharedMemory!.map((q) => ({
        key: q.key,
        id: q.id,
        owner: name(q),
        perms: q.perms,
        rest: [q.bytes, q.attached],
      })),
      ipcs(sleep, '-m'),
    );
    assert.deepEqual([d.messageQueues!.length, d.semaphores!.length, d.sharedMemory!.length], [1, 1, 1]);
    assert.deepEqual(
      d.posixQueues!.map((q) => `${q.name} ${q.ownerUid} ${q.perms} ${q.bytes}`),
      queuesInside,
    );
    assert.deepEqual(
      d.posixQueues!.map((q) => [q.name, q.bytes]),
      [['/nsxtest-jobs', 5]],
    );
    assert.ok(
      !own.posixQueues!.some((q) => q.name === '/nsxtest-jobs'),
      'the host IPC namespace does not have the queue',
    );
  },
);

test(
  'time: offsets as timens_offsets says inside; a namespace only a bind mount keeps says why it cannot be read',
  { skip: needs({ root: 'makes time namespaces', tools: ['unshare', 'nsenter', 'umount'] }) },
  async (t) => {
    const s = new Scenario(t);
    const started = await s.start('unshare', [
      '--time',
      '--fork',
      '--monotonic',
      '3600',
      '--boottime',
      '7200',
      'sleep',
      '1000',
    ]);
    const sleep = await s.inNewNamespace(started, 'sleep', 'time');
    const d = show<TimeDetails>(nsInode(sleep, 'time'));
    const inside = enter(sleep, '-T', ['cat', '/proc/self/timens_offsets']);
    assert.equal(readFileSync(`/proc/${sleep}/timens_offsets`, 'utf8'), inside);
    const offset = (clock: string) => {
      const [, seconds, nanoseconds] = new RegExp(`^${clock}\\s+(-?\\d+)\\s+(\\d+)$`, 'm').exec(inside)!;
      return { seconds: Number(seconds), nanoseconds: Number(nanoseconds) };
    };
    assert.deepEqual([d.monotonic, d.boottime], [offset('monotonic'), offset('boottime')]);
    assert.deepEqual([d.monotonic!.seconds, d.boottime!.seconds], [3600, 7200]);
    assert.match(d.via ?? '', /^\/proc\/\d+\/timens_offsets$/);

    const dir = mkdtempSync(path.join(tmpdir(), `${uniqueName('time')}-`));
    const pin = path.join(dir, 'time');
    writeFileSync(pin, '');
    s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true }));
    s.defer(`umount ${pin}`, () => void run('umount', [pin]));
    run('unshare', [`--time=${pin}`, '--monotonic', '5', 'true']);
    const pinned = show<TimeDetails>(statSync(pin).ino);
    assert.equal(pinned.monotonic, undefined);
    assert.deepEqual(needsRootOf(pinned), [['the monotonic and boottime offsets', false]]);
    assert.match(pinned.unavailable[0]!.reason, /a thread cannot enter a time namespace/);
  },
);

/** The mount point of the cgroup v2 hierarchy (its root), or null. */
function cgroup2Mount(): string | null {
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const [left, right] = line.split(' - ');
    const f = left?.split(' ') ?? [];
    if (right?.startsWith('cgroup2 ') && f[3] === '/') return f[4]!;
  }
  return null;
}

const v2Line = (text: string) => /^0::(.*)$/m.exec(text)![1]!;

test(
  'cgroup: the root and each process’s path inside, as /proc/PID/cgroup says through nsenter, against the host paths',
  { skip: needs({ root: 'makes cgroups and a cgroup namespace', tools: ['unshare', 'nsenter'] }) },
  async (t) => {
    const mount = cgroup2Mount();
    if (!mount) return t.skip('no cgroup v2 hierarchy is mounted');
    const s = new Scenario(t);
    const rel = `/${uniqueName('cg')}`;
    const cg = path.join(mount, rel);
    const out = `${cg}-out`;
    for (const dir of [cg, path.join(cg, 'sub'), out]) {
      mkdirSync(dir);
      // After the processes in it are killed (cleanup runs last-registered first); a cgroup
      // just emptied may still be busy.
      s.defer(`rmdir ${dir}`, async () => {
        await waitFor(`rmdir ${dir}`, () => {
          rmdirSync(dir);
          return true;
        });
      });
    }

    const a = (await s.start('sh', ['-c', `echo $$ > ${cg}/cgroup.procs && exec unshare --cgroup sleep 1000`])).pid;
    const ino = await waitFor(
      'the new cgroup namespace',
      () => nsInode(a, 'cgroup') !== nsInode('self', 'cgroup') && nsInode(a, 'cgroup'),
    );
    const b = (await s.start('nsenter', ['-t', String(a), '-C', 'sleep', '1000'])).pid;
    const c = (await s.start('nsenter', ['-t', String(a), '-C', 'sleep', '1000'])).pid;
    await waitFor('both joined it', () => nsInode(b, 'cgroup') === ino && nsInode(c, 'cgroup') === ino);
    writeFileSync(path.join(cg, 'sub', 'cgroup.procs'), String(b));
    writeFileSync(path.join(out, 'cgroup.procs'), String(c));

    const d = show<CgroupDetails>(ino);
    assert.equal(d.readAs, 'root');
    assert.deepEqual(d.unavailable, []);
    assert.equal(d.root, rel);
    const truth = [a, b, c].map((pid) => ({
      pid,
      hostPath: v2Line(readFileSync(`/proc/${pid}/cgroup`, 'utf8')),
      insidePath: v2Line(enter(a, '-C', ['cat', `/proc/${pid}/cgroup`])),
    }));
    assert.deepEqual(
      d.members!.map((m) => ({ pid: m.pid, hostPath: m.hostPath, insidePath: m.insidePath })),
      truth,
    );
    assert.deepEqual(
      truth.map((m) => m.insidePath),
      ['/', '/sub', `/..${rel}-out`],
    );
  },
);

test(
  'as an unprivileged user: what /proc shows of its own namespaces, the rest marked as needing root',
  {
    skip: needs({
      root: 'makes a test user and runs the CLI as that user',
      tools: [...TEST_USER_TOOLS, 'unshare', 'nsenter', 'hostname', 'ipcs'],
    }),
  },
  async (t) => {
    const s = new Scenario(t);
    const user = createTestUser(s);
    const cli = readableCli(s);
    const asUser: CliOptions = {
      cli,
      wrapper: ['runuser', '-u', user.name, '--'],
      cwd: path.dirname(path.dirname(cli)),
    };
    const started = await s.start('runuser', [
      '-u',
      user.name,
      '--',
      'unshare',
      '--user',
      '--map-root-user',
      '--uts',
      '--ipc',
      '--cgroup',
      '--time',
      '--fork',
      '--monotonic',
      '3600',
      'sleep',
      '1000',
    ]);
    const sleep = await s.inNewNamespace(started, 'sleep', 'time');
    const ns = (type: 'uts' | 'ipc' | 'cgroup' | 'time') => nsInode(sleep, type);

    const uts = show<UtsDetails>(ns('uts'), asUser);
    assert.equal(uts.readAs, 'user');
    assert.equal(uts.hostname, undefined);
    assert.deepEqual(needsRootOf(uts), [['hostname and domain name', true]]);
    assert.equal(
      show<UtsDetails>(nsInode('self', 'uts'), asUser).hostname,
      hostname(),
      'the UTS namespace nsx runs in is read from /proc',
    );

    const ipc = show<IpcDetails>(ns('ipc'), asUser);
    assert.equal(ipc.messageQueues, undefined);
    assert.deepEqual(needsRootOf(ipc), [['System V IPC objects and POSIX message queues', true]]);
    const ownIpc = show<IpcDetails>(nsInode('self', 'ipc'), asUser);
    assert.deepEqual(
      ownIpc.semaphores!.map((x) => x.key),
      ipcs(process.pid, '-s').map((x) => x.key),
      'the IPC namespace nsx runs in is read from /proc/sysvipc',
    );

    const time = show<TimeDetails>(ns('time'), asUser);
    assert.deepEqual(
      [time.monotonic, time.boottime, time.unavailable],
      [{ seconds: 3600, nanoseconds: 0 }, { seconds: 0, nanoseconds: 0 }, []],
    );

    // Its members: unshare, which made the namespaces, and the sleep it forked.
    const members = [started.pid, ...descendants(started.pid).map((p) => p.pid)]
      .filter((pid) => nsInode(pid, 'cgroup') === ns('cgroup'))
      .sort((x, y) => x - y);
    assert.equal(members.length, 2);
    const cgroup = show<CgroupDetails>(ns('cgroup'), asUser);
    assert.deepEqual(
      cgroup.members!.map((m) => [m.pid, m.hostPath, m.insidePath]),
      members.map((pid) => [pid, v2Line(readFileSync(`/proc/${pid}/cgroup`, 'utf8')), undefined]),
    );
    assert.equal(cgroup.root, undefined);
    assert.deepEqual(needsRootOf(cgroup), [['the cgroup paths seen inside, and the cgroup that is / inside', true]]);

    // Root reads the same namespaces from inside.
    const asRoot = show<UtsDetails>(ns('uts'));
    assert.equal(asRoot.hostname, enter(sleep, '-u', ['hostname']).trim());
    assert.deepEqual(
      show<CgroupDetails>(ns('cgroup')).members!.map((m) => m.insidePath),
      ['/', '/'],
    );
  },
);

test(
  'nsx show says what is wrong in one line: a bad argument, an inode no namespace has, one gone, one hidden ' +
    'from a user',
  { skip: needs({ root: 'makes namespaces and a test user', tools: [...TEST_USER_TOOLS, 'unshare'] }) },
  async (t) => {
    const s = new Scenario(t);
    const refused = (what: string, r: CliResult, status: number, message: RegExp) => {
      assert.equal(r.status, status, `${what}: ${r.stderr}`);
      assert.equal(r.stdout, '', `${what}: nothing on stdout`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line: ${r.stderr}`);
      assert.match(r.stderr.trim(), message, what);
    };
    for (const json of [[], ['--json']]) {
      refused('no inode', runCli(['show', ...json]), 2, /^nsx: show needs a namespace inode/);
      refused('not a number', runCli(['show', 'abc', ...json]), 2, /^nsx: 'abc' is not a namespace inode/);
      refused('two inodes', runCli(['show', '1', '2', ...json]), 2, /^nsx: unexpected argument '2'/);
      refused('an inode no namespace has', runCli(['show', '1', ...json]), 2, /^nsx: no namespace has inode 1$/);
    }

    // nsfs hands a freed inode to the next namespace made anywhere: a run that met one under it is done again.
    for (let attempt = 1; ; attempt++) {
      const sleep = (await s.start('unshare', ['--uts', 'sleep', '1000'])).pid;
      const ino = await waitFor(
        'the new UTS namespace',
        () => nsInode(sleep, 'uts') !== nsInode('self', 'uts') && nsInode(sleep, 'uts'),
      );
      process.kill(sleep, 'SIGKILL');
      await waitFor(`PID ${sleep} to go`, () => !existsSync(`/proc/${sleep}`));
      const r = runCli(['show', String(ino)]);
      if (r.status === 0 && attempt < 5) continue;
      refused('a namespace gone', r, 2, new RegExp(`^nsx: no namespace has inode ${ino}$`));
      break;
    }

    const user = createTestUser(s);
    const cli = readableCli(s);
    const asUser: CliOptions = {
      cli,
      wrapper: ['runuser', '-u', user.name, '--'],
      cwd: path.dirname(path.dirname(cli)),
    };
    const rootOnly = (await s.start('unshare', ['--uts', 'sleep', '1000'])).pid;
    const hidden = await waitFor(
      'the new UTS namespace',
      () => nsInode(rootOnly, 'uts') !== nsInode('self', 'uts') && nsInode(rootOnly, 'uts'),
    );
    refused(
      'a namespace only root sees',
      runCli(['show', String(hidden)], asUser),
      2,
      new RegExp(`^nsx: no namespace you can see has inode ${hidden} \\(add --as-root\\)$`),
    );
  },
);
