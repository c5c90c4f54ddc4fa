/**
 * `nsx enter` and `nsx new`, what the sidebar's terminals run: real namespaces, real
 * nsenter / unshare / ip, and nothing left behind. Needs root; skipped otherwise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { account } from '../../src/core/linux/account';
import { shellQuote } from '../../src/core/terminals/argv';
import { discover } from '../../src/core/discovery/discover';
import { currentCaller } from '../../src/core/terminals/rootNeeded';
import { EnterPlan, planEnter } from '../../src/core/terminals/enter';
import { ProcSource } from '../../src/core/linux/procfs';
import { runEnter, SessionError } from '../../src/core/terminals/session';
import { NS_TYPES, NsType } from '../../src/core/model/snapshot';
import {
  CLI,
  Scenario,
  type Started,
  readableCli,
  commOf,
  descendants,
  groupMembers,
  needs,
  nsInode,
  run,
  runCli,
  sleepMs,
  waitFor,
} from './helpers';

/** What nsx enter and nsx new run, and what the tests look with. */
const TOOLS = ['unshare', 'nsenter', 'ip', 'hostname'];
const skip = needs({ root: 'makes and enters namespaces', tools: TOOLS });

/** Host interfaces named like nsx's veth ends. */
function nsxInterfaces(): string[] {
  return readdirSync('/sys/class/net').filter((n) => /^nsx\d+[hn]$/.test(n));
}

function netnsNames(): string[] {
  return run('ip', ['netns', 'list'])
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[0]!);
}

/** A process in new namespaces of every type but user: the target the enter tests go into. */
async function target(s: Scenario): Promise<number> {
  const started = await s.start('unshare', [
    '--net',
    '--uts',
    '--ipc',
    '--mount',
    '--cgroup',
    '--time',
    '--pid',
    '--fork',
    'sleep',
    '600',
  ]);
  return s.inNewNamespace(started, 'sleep', 'net');
}

test('nsx enter runs the command inside each type of namespace of the target, and says so', { skip }, async (t) => {
  const s = new Scenario(t);
  const pid = await target(s);
  const owned = await s.start('unshare', ['--user', '--map-root-user', 'sleep', '600']);
  const userPid = await s.inNewNamespace(owned, 'sleep', 'user');
  for (const type of NS_TYPES) {
    const into = type === 'user' ? userPid : pid;
    const r = runCli(['enter', '--pid', String(into), '--type', type, '--', 'readlink', `/proc/self/ns/${type}`]);
    assert.equal(r.status, 0, `${type}: ${r.stderr}`);
    assert.equal(
      r.stdout.trim(),
      `${type}:[${nsInode(into, type)}]`,
      `${type}: the command ran in the target's namespace`,
    );
    assert.match(r.stderr, new RegExp(`^nsx: entering ${type} of sleep \\(${into}\\)$`, 'm'));
  }
});

test("nsx enter with no --type enters every namespace that differs from the caller's", { skip }, async (t) => {
  const s = new Scenario(t);
  const pid = await target(s);
  const r = runCli([
    'enter',
    '--pid',
    String(pid),
    '--',
    'sh',
    '-c',
    'for t in cgroup ipc mnt net pid time uts; do readlink /proc/self/ns/$t; done',
  ]);
  assert.equal(r.status, 0, r.stderr);
  const expected = (['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'uts'] as NsType[]).map(
    (t) => `${t}:[${nsInode(pid, t)}]`,
  );
  assert.deepEqual(r.stdout.trim().split('\n'), expected);
  assert.match(r.stderr, /entering cgroup\+ipc\+mnt\+net\+pid\+time\+uts of sleep/);
});

test('nsx enter --ns goes through the bind mount of a namespace no process is in', { skip }, async (t) => {
  const s = new Scenario(t);
  const ino = s.netns(`nsxtest-${process.pid}-enter`);
  const r = runCli(['enter', '--ns', String(ino), '--', 'readlink', '/proc/self/ns/net']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout.trim(), `net:[${ino}]`);
});

test("with no command, nsx enter starts the user's login shell inside", { skip }, async (t) => {
  const s = new Scenario(t);
  const pid = await target(s);
  const r = spawnSync(process.execPath, [CLI, 'enter', '--pid', String(pid), '--type', 'net,uts'], {
    input: 'echo "shell=$0"; readlink /proc/self/ns/net\n',
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const loginShell = run('getent', ['passwd', 'root']).trim().split(':')[6];
  assert.deepEqual(r.stdout.trim().split('\n'), [`shell=${loginShell}`, `net:[${nsInode(pid, 'net')}]`]);
});

test('nsx enter refuses a PID that is gone or now names another process, and runs nothing', { skip }, async (t) => {
  const s = new Scenario(t);
  const pid = await target(s);
  const reused = runCli(['enter', '--pid', String(pid), '--start-time', '1', '--type', 'net', '--', 'echo', 'RAN']);
  assert.equal(reused.status, 1);
  assert.equal(reused.stdout, '', 'nothing ran');
  assert.match(
    reused.stderr,
    new RegExp(`^nsx: PID ${pid} is now another process: sleep exited and its PID was reused$`, 'm'),
  );

  const gone = await s.start('sleep', ['600']);
  process.kill(gone.pid, 'SIGKILL');
  await waitFor('the sleep to exit', () => gone.child.exitCode !== null || gone.child.signalCode !== null);
  const vanished = runCli(['enter', '--pid', String(gone.pid), '--type', 'net', '--', 'echo', 'RAN']);
  assert.equal(vanished.status, 2, 'a PID no process has is a wrong request');
  assert.equal(vanished.stdout, '');
  assert.match(vanished.stderr, new RegExp(`^nsx: no process with PID ${gone.pid}$`, 'm'));
});

/** runEnter as nsx runs it, in this process, on a plan made from a scan taken before the world changed. */
async function enterPlanned(
  plan: EnterPlan,
  start: number | null,
  command: string[],
): Promise<{ status?: number; error?: Error; said: string[] }> {
  const said: string[] = [];
  try {
    const end = await runEnter(plan, start, {
      command,
      user: account(0),
      root: account(0),
      say: (line) => said.push(line),
    });
    return { status: end.status, said };
  } catch (error) {
    return { error: error as Error, said };
  }
}

test(
  'nsx enter --ns enters the namespace it checked: a bind mount swapped for another namespace after the ' +
    'scan is refused, and nothing runs',
  { skip },
  async (t) => {
    const s = new Scenario(t);
    const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-swap-`));
    s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    const chosen = s.netns(`nsxtest-${process.pid}-chosen`);
    const other = s.netns(`nsxtest-${process.pid}-other`);
    const plan = planEnter(discover(), { ns: chosen, asRoot: true }, currentCaller());
    assert.equal(plan.target.kind, 'file', 'setup: entered through its bind mount');

    // The path now holds another namespace; the one chosen had nothing else and is gone.
    const holder = `/run/netns/nsxtest-${process.pid}-chosen`;
    run('umount', [holder]);
    run('mount', ['--bind', `/run/netns/nsxtest-${process.pid}-other`, holder]);
    const ran = path.join(dir, 'ran');
    const r = await enterPlanned(plan, null, ['sh', '-c', 'readlink /proc/self/ns/net > "$0"', ran]);
    assert.ok(r.error instanceof SessionError, `refused: ${r.error?.message ?? `ran, status ${r.status}`}`);
    assert.match(
      r.error.message,
      new RegExp(`is now net:\\[${other}\\], not the net:\\[${chosen}\\] chosen: nothing was entered$`),
    );
    assert.ok(!existsSync(ran), `nothing ran (it saw ${existsSync(ran) ? readFileSync(ran, 'utf8').trim() : ''})`);
    assert.deepEqual(r.said, [], 'no "entering" line');
  },
);

test(
  'nsx enter --pid enters the namespaces the scan saw: a process that moved to another namespace since is ' +
    'refused, without --start-time too',
  { skip },
  async (t) => {
    const s = new Scenario(t);
    const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-moved-`));
    s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    const fifo = path.join(dir, 'go');
    run('mkfifo', [fifo]);
    // Keeps its PID and start time, and changes its net namespace, when told to.
    const started = await s.start('unshare', [
      '--net',
      'sh',
      '-c',
      'read _ < "$0"; exec unshare --net sleep 600',
      fifo,
    ]);
    const pid = await s.inNewNamespace(started, 'sh', 'net');
    const scanned = nsInode(pid, 'net');
    const plan = planEnter(discover(), { pid, types: ['net'], asRoot: true }, currentCaller());
    const start = new ProcSource().startTime(pid);

    writeFileSync(fifo, 'go\n');
    const now = await waitFor(
      'the process in a net namespace of its own again',
      () => commOf(pid) === 'sleep' && nsInode(pid, 'net') !== scanned && nsInode(pid, 'net'),
    );
    assert.equal(new ProcSource().startTime(pid), start, 'setup: the same process');
    const ran = path.join(dir, 'ran');
    for (const pinned of [start, null]) {
      const r = await enterPlanned(plan, pinned, ['sh', '-c', 'readlink /proc/self/ns/net > "$0"', ran]);
      assert.ok(
        r.error instanceof SessionError,
        `--start-time ${pinned}: refused: ${r.error?.message ?? `ran, status ${r.status}`}`,
      );
      assert.equal(
        r.error.message,
        `PID ${pid} (sh)'s net namespace is now net:[${now}], not the net:[${scanned}] chosen: nothing was entered`,
      );
      assert.ok(!existsSync(ran), `--start-time ${pinned}: nothing ran`);
    }
  },
);

test('nsx enter refuses a namespace that is gone and an unknown type', { skip }, async (t) => {
  const s = new Scenario(t);
  const name = `nsxtest-${process.pid}-gone`;
  const ino = s.netns(name);
  run('ip', ['netns', 'del', name]);
  const gone = runCli(['enter', '--ns', String(ino), '--', 'echo', 'RAN']);
  assert.equal(gone.status, 2, 'an inode no namespace has is a wrong request');
  assert.equal(gone.stdout, '');
  assert.match(gone.stderr, new RegExp(`^nsx: no namespace has inode ${ino}$`, 'm'));

  const unknown = runCli(['enter', '--pid', '1', '--type', 'network', '--', 'echo', 'RAN']);
  assert.equal(unknown.status, 2);
  assert.equal(unknown.stdout, '');
  assert.match(unknown.stderr, /unknown namespace type 'network'/);
});

/** `nsx ARGS` in a terminal of its own (script gives it a pty), held as in the editor (NSX_HOLD=1) or not. */
function nsxInTerminal(s: Scenario, args: string[], held: boolean): Promise<Started> {
  const { NSX_HOLD: _hold, ...env } = process.env;
  return s.start('script', ['-qfec', shellQuote([process.execPath, CLI, ...args]), '/dev/null'], {
    input: true,
    env: held ? { ...env, NSX_HOLD: '1' } : env,
  });
}

test(
  'in a terminal that closes with nsx (NSX_HOLD): a killed shell is told in one line, read before nsx exits ' +
    "with 0; a shell that exits by itself closes it with 0 at once; elsewhere nsx exits with the shell's status",
  { skip: needs({ root: 'makes and enters namespaces', tools: [...TOOLS, 'script'] }) },
  async (t) => {
    const s = new Scenario(t);
    const pid = await target(s);
    const net = nsInode(pid, 'net');
    const shellName = path.basename(run('getent', ['passwd', 'root']).trim().split(':')[6]!);
    const said = `nsx: the shell was killed (SIGKILL); you have left net of sleep (${pid})`;
    const cases = [
      { held: true, end: 'kill', status: 0 },
      { held: true, end: 'exit 3', status: 0 },
      // The terminal closed: nsx passes the hangup on, and there is nobody to hold it for.
      { held: true, end: 'hang up nsx', status: 0 },
      { held: false, end: 'kill', status: 137 },
      { held: false, end: 'exit 3', status: 3 },
      { held: false, end: 'hang up nsx', status: 129 },
    ] as const;
    for (const { held, end, status } of cases) {
      const what = `${held ? 'held' : 'not held'}, ${end}`;
      const term = await nsxInTerminal(s, ['enter', '--pid', String(pid), '--type', 'net'], held);
      const exited = new Promise<number | null>((resolve) => term.child.once('exit', (code) => resolve(code)));
      // nsx's own child (not a subshell of its start-up), once idle: a command its start-up runs would outlive it.
      const shell = await waitFor(`${what}: the shell in the net namespace, idle`, () => {
        const procs = descendants(term.pid);
        return procs.find(
          (d) =>
            d.comm === shellName &&
            procs.some((p) => p.pid === d.ppid && p.comm !== shellName) &&
            nsInode(d.pid, 'net') === net &&
            descendants(d.pid).length === 0,
        );
      });
      if (end === 'kill') process.kill(shell.pid, 'SIGKILL');
      else if (end === 'exit 3') term.child.stdin!.write('exit 3\n');
      else process.kill(shell.ppid, 'SIGHUP'); // nsx: nsenter ran the shell in its place
      if (held && end === 'kill') {
        await waitFor(`${what}: nsx asks for Enter`, () =>
          term.stdout().includes('Press Enter to close this terminal.'),
        );
        assert.ok(term.stdout().includes(`${said}\r\n`), `${what}: nsx's line:\n${term.stdout()}`);
        await sleepMs(300);
        assert.equal(term.child.exitCode, null, `${what}: the terminal stays until Enter`);
        term.child.stdin!.write('\n');
      }
      const ended = await Promise.race([exited, sleepMs(20_000).then(() => 'still running after 20 s')]);
      assert.equal(ended, status, `${what}:\n${term.stdout()}`);
      if (!(held && end === 'kill'))
        assert.doesNotMatch(term.stdout(), /was killed|Press Enter/, `${what}: nothing said`);
    }
  },
);

test(
  'nsx new --veth: the namespace end has its address, the host end answers ping, and nothing remains after exit',
  { skip: needs({ root: 'makes a veth pair', tools: [...TOOLS, 'ping'] }) },
  async () => {
    const before = { links: nsxInterfaces(), netns: netnsNames() };
    const r = runCli([
      'new',
      '--type',
      'net,uts',
      '--hostname',
      'nsx-veth-test',
      '--veth',
      '--',
      'sh',
      '-c',
      'hostname; ip -br addr; ping -c 1 -W 3 "$(ip route | sed -n "s/^default via \\([0-9.]*\\).*/\\1/p")" ' +
        '>/dev/null && echo PING-OK',
    ]);
    assert.equal(r.status, 0, r.stderr);
    const made = /veth (nsx\d+h) (\d+\.\d+\.\d+\.\d+)\/30 <-> (nsx\d+n) (\d+\.\d+\.\d+\.\d+)\/30/.exec(r.stderr);
    assert.ok(made, `nsx said what it made: ${r.stderr}`);
    const [, hostEnd, hostAddress, peer, peerAddress] = made;
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines[0], 'nsx-veth-test');
    assert.ok(
      lines.some((l) => l.startsWith(`${peer}@`) && l.includes(`${peerAddress}/30`) && /\bUP\b/.test(l)),
      `namespace end with its address:\n${r.stdout}`,
    );
    assert.ok(
      lines.some((l) => /^lo\s+UNKNOWN\s+127\.0\.0\.1\/8/.test(l)),
      'loopback is up',
    );
    assert.equal(lines.at(-1), 'PING-OK', `ping to the host end ${hostAddress}`);
    assert.ok(!existsSync(`/sys/class/net/${hostEnd}`), `${hostEnd} was removed`);
    assert.deepEqual(nsxInterfaces(), before.links, 'no veth left');
    assert.deepEqual(netnsNames(), before.netns, 'no named netns made or left');
  },
);

test('nsx new: a killed shell, or a hung-up nsx, leaves no veth behind', { skip }, async (t) => {
  for (const how of ['kill the command', 'hang up nsx'] as const) {
    const s = new Scenario(t);
    const before = nsxInterfaces();
    const nsx = await s.start(process.execPath, [CLI, 'new', '--type', 'net,pid', '--veth', '--', 'sleep', '600']);
    const sleep = await waitFor(
      `${how}: the sleep in the new namespaces`,
      () => descendants(nsx.pid).find((d) => d.comm === 'sleep')?.pid,
    );
    const made = await waitFor(`${how}: the host end`, () => nsxInterfaces().find((n) => !before.includes(n)));
    assert.notEqual(nsInode(sleep, 'net'), nsInode('self', 'net'));
    if (how === 'kill the command') process.kill(sleep, 'SIGKILL');
    else process.kill(nsx.pid, 'SIGHUP');
    await waitFor(`${how}: nsx to exit`, () => nsx.child.exitCode !== null || nsx.child.signalCode !== null, 10_000);
    assert.ok(!existsSync(`/sys/class/net/${made}`), `${how}: ${made} removed`);
    assert.equal(descendants(nsx.pid).length, 0, `${how}: nothing of it still runs`);
    await s.cleanup();
  }
});

test(
  'nsx new killed at any moment of its set-up never runs the command half set up, and leaves nothing',
  { skip, timeout: 10 * 60_000 },
  async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-gate-`));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const hostname = 'nsx-gate-test';
    const before = nsxInterfaces();
    const outcomes = { 'never ran': 0, 'ran set up': 0 };
    // From killed at once to killed once the command has run: the sweep ends after three runs
    // in a row in which the command ran, however long set-up takes on this machine.
    let ranInARow = 0;
    for (let delay = 0; ranInARow < 3; delay += 5) {
      assert.ok(delay <= 3000, `the command never ran within 3 s of starting nsx new (${JSON.stringify(outcomes)})`);
      const s = new Scenario(t);
      const file = path.join(dir, `run-${delay}`);
      const nsx = await s.start(process.execPath, [
        CLI,
        'new',
        '--type',
        'uts,net',
        '--hostname',
        hostname,
        '--veth',
        '--',
        'sh',
        '-c',
        'hostname > "$1"; ip -4 -o addr >> "$1"',
        'sh',
        file,
      ]);
      await sleepMs(delay);
      // Through the ChildProcess: once nsx has ended and been reaped its PID is not ours to signal.
      nsx.child.kill('SIGKILL');
      // Whatever nsx had started (unshare, the gate, the command) ends by itself.
      await waitFor(
        `killed at ${delay} ms: everything nsx started to end`,
        () => groupMembers(nsx.pid).length === 0,
        10_000,
      );
      let seen: string | null = null;
      try {
        seen = readFileSync(file, 'utf8');
      } catch {
        // never ran
      }
      if (seen === null) {
        outcomes['never ran']++;
        ranInARow = 0;
      } else {
        const lines = seen.split('\n');
        assert.equal(lines[0], hostname, `killed at ${delay} ms, the command ran with the host's hostname:\n${seen}`);
        assert.ok(
          lines.some((l) => /^\d+: nsx\d+n\s+inet \d+\.\d+\.\d+\.\d+\/30 /.test(l)),
          `killed at ${delay} ms, the command ran without its address:\n${seen}`,
        );
        outcomes['ran set up']++;
        ranInARow++;
      }
      await waitFor(
        `killed at ${delay} ms: no veth left`,
        () => nsxInterfaces().length === before.length,
        10_000,
      ).catch((err: Error) => {
        throw new Error(
          `${err.message}: ${nsxInterfaces()
            .filter((n) => !before.includes(n))
            .join(', ')}`,
        );
      });
      await s.cleanup();
    }
    t.diagnostic(`outcomes: ${JSON.stringify(outcomes)}`);
    assert.ok(outcomes['never ran'] > 0, 'some kills came before the set-up completed');
  },
);

test('nsx new refuses bad options before making anything', { skip }, () => {
  const before = nsxInterfaces();
  const cases: [string[], number, RegExp][] = [
    [['--type', 'uts', '--hostname', 'bad_name!'], 2, /'bad_name!' is not a valid hostname/],
    [['--type', 'net', '--veth', '--subnet', '8.8.8.0/24'], 2, /8\.8\.8\.0\/24 is not a private range/],
    [['--type', 'net', '--hostname', 'h'], 2, /a hostname needs a new uts namespace/],
    [['--type', 'net,bogus'], 2, /unknown namespace type 'bogus'/],
    [['--type', 'mnt', '--propagation', 'sideways'], 2, /unknown propagation 'sideways'/],
  ];
  for (const [args, status, message] of cases) {
    const r = runCli(['new', ...args, '--', 'echo', 'RAN']);
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', `${args.join(' ')}: nothing ran`);
    assert.match(r.stderr, message);
  }
  assert.deepEqual(nsxInterfaces(), before);
});

test(
  'as an ordinary user: a new user namespace, and entering one the user owns, need no password',
  { skip: needs({ root: 'runs nsx as the user nobody', tools: [...TOOLS, 'runuser'] }) },
  async (t) => {
    const s = new Scenario(t);
    const cli = readableCli(s);
    const opts = { cli, wrapper: ['runuser', '-u', 'nobody', '--'], cwd: path.dirname(cli) };

    const made = runCli(
      [
        'new',
        '--type',
        'user,net,uts',
        '--map-root',
        '--hostname',
        'nobodys',
        '--',
        'sh',
        '-c',
        'id -u; hostname; ip -br link show lo',
      ],
      opts,
    );
    assert.equal(made.status, 0, made.stderr);
    const [uid, hostname, lo] = made.stdout.trim().split('\n');
    assert.equal(uid, '0', 'mapped to root inside');
    assert.equal(hostname, 'nobodys');
    assert.match(lo ?? '', /^lo\s+UNKNOWN/, 'loopback is up');

    const own = await s.start('runuser', [
      '-u',
      'nobody',
      '--',
      'unshare',
      '--user',
      '--map-root-user',
      '--net',
      'sleep',
      '600',
    ]);
    const pid = await s.inNewNamespace(own, 'sleep', 'net');
    await sleepMs(50);
    const entered = runCli(
      ['enter', '--pid', String(pid), '--type', 'net', '--', 'readlink', '/proc/self/ns/net'],
      opts,
    );
    assert.equal(entered.status, 0, entered.stderr);
    assert.equal(entered.stdout.trim(), `net:[${nsInode(pid, 'net')}]`);
  },
);
