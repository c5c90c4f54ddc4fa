/**
 * Elevation through real polkit and a real pkexec: an ordinary user (made for the test,
 * no tty, no authentication agent) runs `nsx ... --as-root` and `nsx enter` on root's
 * process; polkit rules written by polkit-harness.ts say yes or nothing. Also the
 * installed mode: `nsx install-policy` puts a root-owned helper and its own action in
 * place, and pkexec runs that helper when the user's cli.js is the very same build.
 *
 * Needs root (to make users, write rules and install the policy), and pkexec, polkitd and
 * dbus installed (`npm test` installs them as root); skipped otherwise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import type { NamespaceDetails } from '../../src/core/details/types';
import { shellQuote } from '../../src/core/terminals/argv';
import {
  Scenario,
  type Started,
  descendants,
  readableCli,
  findNs,
  findProc,
  needs,
  nsInode,
  runCli,
  waitFor,
  type CliResult,
  type Snapshot,
} from './helpers';
import {
  createTestUser,
  ensurePolkit,
  grantAction,
  POLKIT_TOOLS,
  runAsUser,
  withoutPolkit,
  type TestUser,
} from './polkit-harness';

const GENERIC_ACTION = 'org.freedesktop.policykit.exec';
const ACTION_ID = 'org.namespaceexplorer.nsx';
const INSTALL_DIR = '/usr/local/lib/namespace-explorer';
const HELPER = `${INSTALL_DIR}/nsx-helper`;
const SCAN_ACTION = `${ACTION_ID}.scan`;
const POLICY_PATH = `/usr/share/polkit-1/actions/${ACTION_ID}.policy`;

const NO_AGENT =
  'nsx: no polkit authentication agent is running to ask for the password (usual in a remote or browser ' +
  'session); run it in a terminal, where pkexec asks there';

const STALE =
  'nsx: the installed polkit helper is from another version of Namespace Explorer, so it is not used; ' +
  'polkit asks for the administrator password instead (to update it: sudo nsx install-policy)';

const NO_POLKIT =
  'nsx: polkit is not running here: pkexec could not reach polkitd on the system bus (start it, or run the ' +
  'command with sudo)';

const SKIP = needs({
  root: 'creates a user, writes polkit rules and installs the polkit policy',
  tools: [...POLKIT_TOOLS, 'pgrep', 'unshare', 'script'],
});

// ---------------------------------------------------------------------------------

interface Setup {
  s: Scenario;
  user: TestUser;
  /**
   * cli.js of a copy of dist/ (and polkit/ beside it) that the test user can read but not
   * write. Root installs the policy from it too, so the installed helper and the user's
   * cli.js are the same build even if dist/ is rebuilt while the test runs.
   */
  cli: string;
}

/** polkit answering, a fresh user, and a root-owned copy of dist/ and polkit/ that user can read. */
async function setUp(t: TestContext, { polkit = true } = {}): Promise<Setup> {
  const s = new Scenario(t);
  if (polkit) await ensurePolkit(s);
  const user = createTestUser(s);
  const cli = readableCli(s);
  // At cleanup, after the test's own processes and grants and before userdel: nothing the user ran is left.
  s.defer(`no process of ${user.name} left`, () => assertNothingRunning(user));
  return { s, user, cli };
}

/** `nsx ARGS` as the test user, through its copy of cli.js. */
function nsxAsUser(setup: Setup, args: string[]): CliResult {
  return runAsUser(setup.user.name, [process.execPath, setup.cli, ...args], { timeoutMs: 60_000 });
}

function show(r: CliResult): string {
  return `exit ${r.status ?? r.signal}\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`;
}

function parseSnapshot(text: string, what: string): Snapshot {
  try {
    return JSON.parse(text) as Snapshot;
  } catch (err) {
    throw new Error(`${what}: not JSON (${String(err)}): ${text.slice(0, 500)}`);
  }
}

/** Exit 127, stdout empty, and stderr exactly nsx's one line about the missing agent. */
function assertRefusedNoAgent(r: CliResult, what: string): void {
  assert.equal(r.status, 127, `${what}: pkexec's status passed on\n${show(r)}`);
  assert.equal(r.stdout, '', `${what}: nothing on stdout\n${show(r)}`);
  assert.equal(r.stderr, `${NO_AGENT}\n`, `${what}: exactly one nsx line naming the missing agent\n${show(r)}`);
}

/** "PID name" of each process of the user (pgrep -u -l); none expected. */
function processesOf(user: TestUser): string[] {
  const r = spawnSync('pgrep', ['-u', String(user.uid), '-l'], { encoding: 'utf8' });
  if (r.status === 1) return [];
  if (r.status !== 0) throw new Error(`pgrep -u ${user.uid} exited ${r.status}: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

function assertNothingRunning(user: TestUser): void {
  assert.deepEqual(processesOf(user), [], `processes of ${user.name} (uid ${user.uid}) left running`);
}

/** A root process (the sleep itself, unshare execs it) in a new net namespace of its own. */
async function rootInNewNet(s: Scenario): Promise<{ pid: number; net: number }> {
  const started = await s.start('unshare', ['--net', 'sleep', '600']);
  const pid = await s.inNewNamespace(started, 'sleep', 'net');
  return { pid, net: nsInode(pid, 'net') };
}

/** `nsx ARGS` as root, with the test's copy of the build. */
function nsxAsRoot(setup: Setup, args: string[]): CliResult {
  return runCli(args, { cli: setup.cli, cwd: '/' });
}

/**
 * `nsx install-policy` as root (the real thing: /usr/local/lib and /usr/share/polkit-1);
 * removal is deferred and checked. Returns false (after t.skip) when something is
 * installed already: not ours to clobber.
 */
function installPolicy(t: TestContext, setup: Setup): boolean {
  const { s } = setup;
  const present = [INSTALL_DIR, POLICY_PATH].filter((p) => existsSync(p));
  if (present.length > 0) {
    t.skip(`already installed on this machine, not clobbered by a test: ${present.join(', ')}`);
    return false;
  }
  s.defer('nsx remove-policy, and both paths gone', () => {
    const r = nsxAsRoot(setup, ['remove-policy']);
    assert.equal(r.status, 0, `remove-policy\n${show(r)}`);
    for (const p of [INSTALL_DIR, POLICY_PATH]) assert.ok(!existsSync(p), `${p} still exists after remove-policy`);
  });
  const r = nsxAsRoot(setup, ['install-policy']);
  assert.equal(r.status, 0, `install-policy as root\n${show(r)}`);
  assert.equal(r.stdout, `installed ${INSTALL_DIR}\ninstalled ${POLICY_PATH}\n`, show(r));
  return true;
}

/** Every file and directory at and below `p`, not following symlinks. */
function walk(p: string): string[] {
  const out = [p];
  if (lstatSync(p).isDirectory()) for (const e of readdirSync(p)) out.push(...walk(path.join(p, e)));
  return out;
}

// ---------------------------------------------------------------------------------

test(
  'no grant, no agent: snapshot --as-root exits 127 with one nsx line about the missing agent, nothing left running',
  { skip: SKIP },
  async (t) => {
    const setup = await setUp(t);
    // The premise: polkit asks for a password here (and nobody can give it).
    assert.equal(
      runAsUser(setup.user.name, ['pkexec', '/bin/true']).status,
      127,
      'setup: pkexec is refused to the new user',
    );

    assertRefusedNoAgent(nsxAsUser(setup, ['snapshot', '--as-root']), 'snapshot --as-root');
    assertNothingRunning(setup.user);
  },
);

test(
  'no grant, no agent: list --as-root, which shares the terminal with pkexec, exits 127 and ends with the ' +
    'nsx line about the missing agent',
  { skip: SKIP },
  async (t) => {
    const setup = await setUp(t);
    assert.equal(
      runAsUser(setup.user.name, ['pkexec', '/bin/true']).status,
      127,
      'setup: pkexec is refused to the new user',
    );

    const r = nsxAsUser(setup, ['list', '--as-root']);
    assertNothingRunning(setup.user);
    assert.equal(r.status, 127, show(r));
    assert.equal(r.stdout, '', show(r));
    // pkexec's own complaint reaches the terminal first: nsx cannot hold it back without
    // taking the terminal away from the program it runs.
    assert.equal(r.stderr.trimEnd().split('\n').at(-1), NO_AGENT, show(r));
  },
);

for (const bus of [false, true]) {
  test(
    `polkit not running (${bus ? 'a system bus with no polkitd on it, nor one to start' : 'no system bus'}): ` +
      "--as-root says so, whether pkexec's words were captured or went to the terminal",
    { skip: SKIP },
    async (t) => {
      const setup = await setUp(t, { polkit: false });
      const busy = withoutPolkit(setup.s, bus);
      if (busy) return void t.skip(busy);

      const captured = nsxAsUser(setup, ['snapshot', '--as-root']);
      assert.equal(captured.status, 127, show(captured));
      assert.equal(captured.stdout, '', show(captured));
      assert.equal(captured.stderr, `${NO_POLKIT}\n`, `snapshot --as-root: exactly one nsx line\n${show(captured)}`);

      // Sharing the terminal, pkexec says why there first; nsx's last line must agree with it.
      const shared = nsxAsUser(setup, ['list', '--as-root']);
      assert.equal(shared.status, 127, show(shared));
      assert.match(
        shared.stderr,
        /Error getting authority|Error checking for authorization/,
        `pkexec said it first\n${show(shared)}`,
      );
      assert.equal(shared.stderr.trimEnd().split('\n').at(-1), NO_POLKIT, show(shared));
      assertNothingRunning(setup.user);
    },
  );
}

test(
  "granted: snapshot --as-root scans as root for the user (root's process in its own net namespace is " +
    'visible, hidden without --as-root); --output writes it as the user',
  { skip: SKIP },
  async (t) => {
    const setup = await setUp(t);
    const { s, user } = setup;
    const target = await rootInNewNet(s);
    assert.notEqual(target.net, nsInode('self', 'net'), 'setup: a new net namespace');
    await grantAction(s, user.name);

    const r = nsxAsUser(setup, ['snapshot', '--as-root']);
    assert.equal(r.status, 0, show(r));
    const snap = parseSnapshot(r.stdout, 'snapshot --as-root');
    assert.equal(snap.scanner.uid, 0, 'the scan ran as root');
    assert.equal(snap.scanner.requestedBy, user.uid, 'for the user who asked (PKEXEC_UID)');
    const rec = findProc(snap, target.pid);
    assert.ok(rec, `root's sleep ${target.pid} missing from the root scan`);
    assert.equal(rec.hidden, undefined, JSON.stringify(rec));
    assert.equal(rec.uid, 0);
    assert.equal(rec.ns.net, target.net, 'its net namespace');
    const net = findNs(snap, target.net);
    assert.ok(net, `net namespace ${target.net} missing from the root scan`);
    assert.equal(net.type, 'net');
    assert.equal(snap.details, undefined, 'what is inside each namespace only when asked for');
    const detailed = nsxAsUser(setup, ['snapshot', '--as-root', '--details']);
    assert.equal(detailed.status, 0, show(detailed));
    assert.equal(parseSnapshot(detailed.stdout, 'snapshot --as-root --details').details?.[target.net]?.readAs, 'root');

    // The same scan as the user alone cannot see it.
    const plain = nsxAsUser(setup, ['snapshot']);
    assert.equal(plain.status, 0, show(plain));
    const own = parseSnapshot(plain.stdout, 'snapshot as the user');
    assert.equal(own.scanner.uid, user.uid);
    assert.equal(own.scanner.requestedBy, undefined, 'no pkexec, no requestedBy');
    const hidden = findProc(own, target.pid);
    assert.ok(hidden, `root's sleep ${target.pid} dropped from the user's scan`);
    assert.equal(hidden.hidden, 'EACCES', JSON.stringify(hidden));
    assert.deepEqual(hidden.ns, {});
    assert.equal(findNs(own, target.net), undefined, 'the user alone does not see that net namespace');

    // --output: the root scan, written by nsx as the user.
    const file = path.join(user.home, 'root-scan.json');
    const o = nsxAsUser(setup, ['snapshot', '--as-root', '--output', file]);
    assert.equal(o.status, 0, show(o));
    assert.equal(o.stdout, '', 'the scan went to the file');
    const st = statSync(file);
    assert.equal(st.uid, user.uid, `${file} belongs to the user`);
    assert.equal(st.gid, user.gid, `${file} has the user's group`);
    const written = parseSnapshot(readFileSync(file, 'utf8'), file);
    assert.equal(written.scanner.uid, 0);
    assert.equal(written.scanner.requestedBy, user.uid);
    assert.equal(findProc(written, target.pid)?.ns.net, target.net);
  },
);

test(
  "granted: enter root's process as the user (its net namespace, the user's uid) or --as-root (uid 0); a " +
    'vanished PID is refused before anything runs',
  { skip: SKIP },
  async (t) => {
    const setup = await setUp(t);
    const { s, user } = setup;
    const target = await rootInNewNet(s);
    await grantAction(s, user.name);
    const enter = (...rest: string[]): CliResult =>
      nsxAsUser(setup, ['enter', '--pid', String(target.pid), '--type', 'net', ...rest]);

    const ns = enter('--', 'readlink', '/proc/self/ns/net');
    assert.equal(ns.status, 0, show(ns));
    assert.equal(ns.stdout, `net:[${target.net}]\n`, show(ns));

    const id = enter('--', 'id', '-u');
    assert.equal(id.status, 0, show(id));
    assert.equal(id.stdout, `${user.uid}\n`, `without --as-root the command runs as the user\n${show(id)}`);
    const gid = enter('--', 'id', '-g');
    assert.equal(gid.status, 0, show(gid));
    assert.equal(gid.stdout, `${user.gid}\n`, `and with the user's group\n${show(gid)}`);

    const root = enter('--as-root', '--', 'id', '-u');
    assert.equal(root.status, 0, show(root));
    assert.equal(root.stdout, '0\n', `--as-root stays root\n${show(root)}`);
    assertNothingRunning(user);

    // A PID that was a process a moment ago.
    const gone = await s.start('sleep', ['600']);
    const exited = new Promise((resolve) => gone.child.once('exit', resolve));
    process.kill(gone.pid, 'SIGKILL');
    await exited;
    await waitFor(`/proc/${gone.pid} to go`, () => !existsSync(`/proc/${gone.pid}`));
    const r = nsxAsUser(setup, ['enter', '--pid', String(gone.pid), '--type', 'net', '--', 'true']);
    assert.equal(r.status, 2, `a PID no process has is a wrong request\n${show(r)}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`^nsx: no process with PID ${gone.pid}\\b.*\\n$`), show(r));
    assert.equal(r.stderr.split('\n').length, 2, `one line, no "entering"\n${show(r)}`);
    assertNothingRunning(user);
  },
);

test(
  'granted: snapshot --as-root brings a command line of 60,000 "ü" whole, however the pipe cut it',
  { skip: SKIP },
  async (t) => {
    const setup = await setUp(t);
    const { s, user } = setup;
    const text = 'ü'.repeat(60_000);
    // Root's process: only root's scan reads its command line.
    const holder = await s.start(process.execPath, ['-e', 'setInterval(() => {}, 1e6)', text]);
    await grantAction(s, user.name);

    const r = nsxAsUser(setup, ['snapshot', '--as-root']);
    assert.equal(r.status, 0, show(r));
    const command = findProc(parseSnapshot(r.stdout, 'snapshot --as-root'), holder.pid)?.command ?? '';
    const broken = [...command].filter((c) => c === '\ufffd').length;
    assert.equal(broken, 0, `${broken} characters of ${holder.pid}'s command line came through as U+FFFD`);
    assert.ok(
      command.endsWith(` ${text}`),
      `the command line of ${holder.pid} ends with the text (${command.length} characters)`,
    );
  },
);

test(
  'granted, in a terminal that closes with nsx (NSX_HOLD): the helper run as root tells a killed shell and ' +
    'its own failure, and holds the terminal; nsx exits with 0 each time',
  { skip: SKIP },
  async (t) => {
    const setup = await setUp(t);
    const { s, user } = setup;
    const target = await rootInNewNet(s);
    await grantAction(s, user.name);
    const env = [
      'PATH=/usr/bin:/bin',
      'SHELL=/bin/bash',
      `HOME=${user.home}`,
      `USER=${user.name}`,
      `LOGNAME=${user.name}`,
      'LANG=C.UTF-8',
      'TERM=xterm',
      'NSX_HOLD=1',
    ];
    /** nsx enter as the user in a terminal of its own (script gives it a pty, on which pkexec could ask). */
    const enterHeld = (...extra: string[]) =>
      s.start(
        'runuser',
        [
          '-u',
          user.name,
          '--',
          'env',
          '-i',
          ...env,
          'script',
          '-qfec',
          shellQuote([process.execPath, setup.cli, 'enter', '--pid', String(target.pid), '--type', 'net', ...extra]),
          '/dev/null',
        ],
        { input: true },
      );
    const ends = async (term: Started) =>
      new Promise<number | null>((resolve) =>
        term.child.exitCode !== null ? resolve(term.child.exitCode) : term.child.once('exit', (code) => resolve(code)),
      );

    const killed = await enterHeld();
    // The helper's child (not a subshell of its start-up), once idle: a
    // command its start-up runs (dircolors) would outlive it.
    const shell = await waitFor("the user's shell in the net namespace, idle", () => {
      const procs = descendants(killed.pid);
      return procs.find(
        (d) =>
          d.comm === 'bash' &&
          procs.some((p) => p.pid === d.ppid && p.comm !== 'bash') &&
          nsInode(d.pid, 'net') === target.net &&
          descendants(d.pid).length === 0,
      )?.pid;
    });
    process.kill(shell, 'SIGKILL');
    await waitFor('nsx asks for Enter', () => killed.stdout().includes('Press Enter to close this terminal.'));
    assert.ok(
      killed.stdout().includes(`nsx: the shell was killed (SIGKILL); you have left net of sleep (${target.pid})\r\n`),
      killed.stdout(),
    );
    killed.child.stdin!.write('\n');
    assert.equal(await ends(killed), 0, killed.stdout());

    // The helper's own failure (the PID is no longer the process chosen): said, held, 0.
    const refused = await enterHeld('--start-time', '1');
    await waitFor('nsx asks for Enter', () => refused.stdout().includes('Press Enter to close this terminal.'));
    assert.match(
      refused.stdout(),
      new RegExp(`nsx: PID ${target.pid} is now another process: sleep exited and its PID was reused\r\n`),
      refused.stdout(),
    );
    refused.child.stdin!.write('\n');
    assert.equal(await ends(refused), 0, refused.stdout());
    assert.equal(refused.stdout().match(/Press Enter/g)?.length, 1, `held once, by the helper:\n${refused.stdout()}`);
    await waitFor(`no process of ${user.name} left`, () => processesOf(user).length === 0);
  },
);

test('revoked: snapshot --as-root is refused again (127)', { skip: SKIP }, async (t) => {
  const setup = await setUp(t);
  const grant = await grantAction(setup.s, setup.user.name);
  const ok = nsxAsUser(setup, ['snapshot', '--as-root']);
  assert.equal(ok.status, 0, `granted first\n${show(ok)}`);
  assert.equal(parseSnapshot(ok.stdout, 'snapshot --as-root').scanner.uid, 0);

  await grant.revoke();
  assertRefusedNoAgent(nsxAsUser(setup, ['snapshot', '--as-root']), 'snapshot --as-root after revoke');
});

test(
  'installed policy: root-owned launchers; the scan action covers the scan and nothing else, the helper ' +
    'action the rest; a changed cli.js is named stale once and falls back to the generic action (refused)',
  { skip: SKIP },
  async (t) => {
    const setup = await setUp(t);
    const { s, user } = setup;
    if (!installPolicy(t, setup)) return;

    for (const p of [...walk(INSTALL_DIR), POLICY_PATH]) {
      const st = lstatSync(p);
      assert.equal(st.uid, 0, `${p} belongs to root`);
      assert.equal(st.gid, 0, `${p} has root's group`);
      assert.equal(
        st.mode & 0o022,
        0,
        `${p} is not writable by group or others (mode ${(st.mode & 0o7777).toString(8)})`,
      );
    }
    assert.ok(statSync(HELPER).mode & 0o100, `${HELPER} is executable`);
    assert.ok(
      readFileSync(path.join(INSTALL_DIR, 'cli.js')).equals(readFileSync(setup.cli)),
      "the installed cli.js is the user's build",
    );

    // Only the scan action: pkcheck (the harness's check) waits until polkitd has read the .policy.
    await grantAction(s, user.name, SCAN_ACTION);
    const generic = runAsUser(user.name, ['pkexec', '/bin/true']);
    assert.equal(generic.status, 127, `setup: ${GENERIC_ACTION} is not granted\n${show(generic)}`);

    const r = nsxAsUser(setup, ['snapshot', '--as-root']);
    assert.equal(r.status, 0, `through the scan launcher\n${show(r)}`);
    const snap = parseSnapshot(r.stdout, 'snapshot --as-root through the scan launcher');
    assert.equal(snap.scanner.uid, 0);
    assert.equal(snap.scanner.requestedBy, user.uid);
    // The scan's grant is not the helper's: anything else is refused.
    const list = nsxAsUser(setup, ['list', '--as-root', '--json']);
    assert.equal(list.status, 127, `list --as-root needs ${ACTION_ID}\n${show(list)}`);

    await grantAction(s, user.name, ACTION_ID);
    const granted = nsxAsUser(setup, ['list', '--as-root', '--json']);
    assert.equal(granted.status, 0, `through ${HELPER}\n${show(granted)}`);
    assert.ok(Array.isArray((JSON.parse(granted.stdout) as { namespaces: unknown[] }).namespaces));

    // Another build (one more line): the helper is stale, nsx says so once and asks for the generic action.
    chmodSync(setup.cli, 0o644);
    appendFileSync(setup.cli, '// changed by test/integration/polkit.test.ts\n');
    const stale = nsxAsUser(setup, ['snapshot', '--as-root']);
    assert.equal(stale.status, 127, show(stale));
    assert.equal(
      stale.stderr,
      `${STALE}\n${NO_AGENT}\n`,
      `the stale helper named once, then the refusal\n${show(stale)}`,
    );
  },
);

test(
  'installed policy: the installed helper reads inside namespaces as root (snapshot --as-root --details, ' +
    'show --as-root of a net namespace the user cannot see)',
  { skip: SKIP },
  async (t) => {
    const setup = await setUp(t);
    const { s, user } = setup;
    const started = await s.start('unshare', ['--net', '--uts', '--ipc', 'sleep', '600']);
    const pid = await s.inNewNamespace(started, 'sleep', 'net');
    const inside = { net: nsInode(pid, 'net'), uts: nsInode(pid, 'uts'), ipc: nsInode(pid, 'ipc') };
    if (!installPolicy(t, setup)) return;
    // Both actions of the policy, not the generic one: what succeeds ran the installed helper.
    await grantAction(s, user.name, SCAN_ACTION);
    await grantAction(s, user.name, ACTION_ID);
    assert.equal(runAsUser(user.name, ['pkexec', '/bin/true']).status, 127, `setup: ${GENERIC_ACTION} is not granted`);

    /** Read as root from inside, through the thread that enters the namespace. */
    const assertReadInside = (d: NamespaceDetails | undefined, what: string) => {
      assert.ok(d, `${what}: details missing`);
      assert.equal(d.readAs, 'root', `${what}: ${JSON.stringify(d)}`);
      assert.match(d.via ?? '', /^entered through /, `${what}: ${JSON.stringify(d)}`);
      assert.deepEqual(d.unavailable, [], `${what}: everything read`);
    };
    const r = nsxAsUser(setup, ['snapshot', '--as-root', '--details']);
    assert.equal(r.status, 0, show(r));
    const snap = parseSnapshot(r.stdout, 'snapshot --as-root --details');
    for (const [type, ino] of Object.entries(inside))
      assertReadInside(snap.details?.[ino], `snapshot --details: ${type} namespace ${ino}`);
    const uts = snap.details?.[inside.uts];
    assert.equal(
      uts?.type === 'uts' && uts.hostname,
      readFileSync('/proc/sys/kernel/hostname', 'utf8').trim(),
      'the copied hostname of the new UTS namespace',
    );

    const shown = nsxAsUser(setup, ['show', String(inside.net), '--as-root', '--json']);
    assert.equal(shown.status, 0, show(shown));
    const net = JSON.parse(shown.stdout) as NamespaceDetails;
    assertReadInside(net, `show ${inside.net} --as-root`);
    assert.deepEqual(
      net.type === 'net' && net.interfaces?.map((i) => i.name),
      ['lo'],
      'its one interface, read through netlink inside',
    );
  },
);

test(
  'policy removed: the launchers are gone and, with only the scan action granted, snapshot --as-root is refused (127)',
  { skip: SKIP },
  async (t) => {
    const setup = await setUp(t);
    const { s, user } = setup;
    if (!installPolicy(t, setup)) return;
    await grantAction(s, user.name, SCAN_ACTION);
    const ok = nsxAsUser(setup, ['snapshot', '--as-root']);
    assert.equal(ok.status, 0, `through the helper while installed\n${show(ok)}`);

    const r = nsxAsRoot(setup, ['remove-policy']);
    assert.equal(r.status, 0, show(r));
    assert.equal(r.stdout, `removed ${POLICY_PATH}\nremoved ${INSTALL_DIR}\n`, show(r));
    assert.ok(!existsSync(HELPER), `${HELPER} still exists`);
    assert.ok(!existsSync(POLICY_PATH), `${POLICY_PATH} still exists`);

    assertRefusedNoAgent(nsxAsUser(setup, ['snapshot', '--as-root']), 'snapshot --as-root after remove-policy');
  },
);
