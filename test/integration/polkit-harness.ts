/**
 * Real polkit for the integration tests, on a machine without systemd (so nothing
 * starts the system bus or polkitd for us, and there is no logind session either).
 *
 * - ensurePolkit(s): use the running system bus + polkitd, or start what is missing.
 * - withoutPolkit(s, bus): no polkitd to ask, with or without a system bus.
 * - createTestUser(s): a fresh unprivileged user, removed at cleanup.
 * - grantAction(s, user, actionId?): a polkit rule saying YES for that user, returned
 *   once polkitd applies it; `revoke()` (also run at cleanup) undoes it the same way.
 * - runAsUser(user, argv, opts): run a command as that user the way pkexec sees a
 *   non-interactive caller: clean environment, stdin /dev/null, no controlling tty.
 *
 * Everything is undone through the Scenario: only the PIDs, user and file made here.
 * Daemons started for one test are stopped at its end, so test files must not run in
 * parallel (package.json runs them with --test-concurrency=1).
 */
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { run, uniqueName, waitFor, type CliResult, type Scenario } from './helpers';

const POLKITD = '/usr/lib/polkit-1/polkitd';

/** What createTestUser and runAsUser run: a test's needs({ tools }) names them. */
export const TEST_USER_TOOLS = ['useradd', 'userdel', 'runuser', 'setsid'];
/** What ensurePolkit, grantAction and pkexec's callers run, test users included. */
export const POLKIT_TOOLS = [...TEST_USER_TOOLS, 'pkexec', 'pkcheck', POLKITD, 'dbus-daemon', 'dbus-send'];
const DBUS_PIDFILE = '/run/dbus/pid'; // from /usr/share/dbus-1/system.conf
const RULES_DIR = '/etc/polkit-1/rules.d';
/** polkitd re-reads rules.d on inotify events (measured: well under a second); generous. */
const RULES_TIMEOUT_MS = 15_000;

/** Whether org.freedesktop.PolicyKit1 has an owner; null when no system bus answers. */
function polkitOnBus(): boolean | null {
  const r = spawnSync(
    'dbus-send',
    [
      '--system',
      '--print-reply',
      '--reply-timeout=2000',
      '--dest=org.freedesktop.DBus',
      '/org/freedesktop/DBus',
      'org.freedesktop.DBus.NameHasOwner',
      'string:org.freedesktop.PolicyKit1',
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 5_000 },
  );
  return r.status === 0 ? /boolean true/.test(r.stdout) : null;
}

/** Alive (not a zombie) and still the program we started, so a recycled PID is never signalled. */
function living(pid: number, comm: string): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  const close = stat.lastIndexOf(')');
  return stat.slice(stat.indexOf('(') + 1, close) === comm && stat[close + 2] !== 'Z';
}

/** SIGTERM first (dbus-daemon handles it; polkitd keeps no state), SIGKILL if it lingers. */
async function stop(pid: number, comm: string): Promise<void> {
  for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
    if (!living(pid, comm)) return;
    process.kill(pid, signal);
    try {
      await waitFor(`${comm} ${pid} to exit after ${signal}`, () => !living(pid, comm), 3_000);
      return;
    } catch (err) {
      if (signal === 'SIGKILL') throw err;
    }
  }
}

function pidInPidfile(): number | null {
  return existsSync(DBUS_PIDFILE) ? Number(readFileSync(DBUS_PIDFILE, 'utf8').trim()) : null;
}

function startSystemBus(s: Scenario, config: string[] = ['--system']): void {
  // dbus-daemon 1.14 leaves its pidfile and socket behind even after a clean SIGTERM exit,
  // and refuses to start while the pidfile exists (the stale socket it simply replaces).
  const stale = pidInPidfile();
  if (stale !== null && !living(stale, 'dbus-daemon')) rmSync(DBUS_PIDFILE);
  mkdirSync('/run/dbus', { recursive: true });
  // --fork returns once the bus listens; the daemon is reparented away from us, so it is
  // stopped by PID rather than through Scenario.start's process group. A polkitd the bus
  // activated by itself (dbus-daemon-launch-helper) exits when the bus does.
  const pid = Number(run('dbus-daemon', [...config, '--fork', '--print-pid']).trim());
  s.defer(`stop dbus-daemon ${pid}`, async () => {
    await stop(pid, 'dbus-daemon');
    // So that starting the system bus by hand afterwards works too.
    if (pidInPidfile() === pid) rmSync(DBUS_PIDFILE);
  });
}

/**
 * Makes sure polkitd cannot be asked, as on a machine where it is stopped: with BUS false
 * no system bus runs at all; with BUS true one runs (started here, stopped at cleanup) that
 * has no polkitd and cannot start one (no service files). Returns why not, when a system
 * bus of someone else's runs already: not ours to stop.
 */
export function withoutPolkit(s: Scenario, bus: boolean): string | null {
  const owned = polkitOnBus();
  if (owned !== null)
    return `a system bus runs here already${owned ? ' with polkitd on it' : ''}: not stopped by a test`;
  if (!bus) return null;
  const dir = mkdtempSync(path.join(tmpdir(), uniqueName('bus-')));
  s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  const config = path.join(dir, 'system-without-services.conf');
  const system = readFileSync('/usr/share/dbus-1/system.conf', 'utf8');
  if (!system.includes('<standard_system_servicedirs/>'))
    throw new Error('/usr/share/dbus-1/system.conf names no <standard_system_servicedirs/> to leave out');
  writeFileSync(config, system.replace('<standard_system_servicedirs/>', ''));
  startSystemBus(s, ['--config-file', config]);
  return null;
}

/** Makes sure polkitd answers on the system bus, starting dbus-daemon and/or polkitd as needed. */
export async function ensurePolkit(s: Scenario): Promise<void> {
  const owned = polkitOnBus();
  if (owned === true) return;
  if (owned === null) startSystemBus(s);
  const polkitd = await s.start(POLKITD, ['--no-debug']);
  s.defer(`stop polkitd ${polkitd.pid}`, () => stop(polkitd.pid, 'polkitd'));
  const ended = (): number | string | null => polkitd.child.exitCode ?? polkitd.child.signalCode;
  await waitFor(
    'polkitd to own org.freedesktop.PolicyKit1 on the system bus',
    () => ended() !== null || polkitOnBus() === true,
    10_000,
  );
  // Ours exits if a bus-activated polkitd took the name first: that one serves as well.
  if (polkitOnBus() !== true) throw new Error(`${POLKITD} --no-debug exited (${ended()}), polkit not on the bus`);
}

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

function passwd(name: string): TestUser {
  const f = spawnSync('getent', ['passwd', name], { encoding: 'utf8' }).stdout.trim().split(':');
  if (f.length < 7) throw new Error(`no user ${name}`);
  return { name, uid: Number(f[2]), gid: Number(f[3]), home: f[5]! };
}

let users = 0;

/** A new user (own group, no other groups, /bin/bash, home in /tmp), removed with userdel -r. */
export function createTestUser(s: Scenario): TestUser {
  const name = uniqueName(`u${++users}`); // nsxtest-PID-uN: lowercase, far below useradd's 32
  s.defer(`userdel -r ${name}`, () => {
    // userdel fails while the user still has processes: a leak the test should see.
    if (spawnSync('id', [name]).status === 0) run('userdel', ['--remove', name]);
  });
  run('useradd', ['--create-home', '--home-dir', `/tmp/${name}`, '--shell', '/bin/bash', '--user-group', name]);
  return passwd(name);
}

export interface Grant {
  /**
   * Deletes the rules file and resolves once polkit no longer grants; idempotent. Waits
   * in vain if another grant still covers the same user and action.
   */
  revoke(): Promise<void>;
}

let grants = 0;

/** polkitd answering, a new test user, and a rule that grants that user every action. */
export async function grantedTestUser(s: Scenario): Promise<{ user: TestUser; grant: Grant }> {
  await ensurePolkit(s);
  const user = createTestUser(s);
  return { user, grant: await grantAction(s, user.name) };
}

/**
 * Writes a rule returning polkit.Result.YES for `user` (for `actionId` only, when given)
 * and resolves once polkitd applies it, judged by `pkexec /bin/true` as the user, or by
 * `pkcheck --action-id` for a given action (which must be registered by a .policy file).
 */
export async function grantAction(s: Scenario, user: string, actionId?: string): Promise<Grant> {
  passwd(user); // fail now, not after a timeout, when there is no such user
  const file = `${RULES_DIR}/10-${uniqueName(`grant${++grants}`)}.rules`; // before 50-default
  let lastStderr = '';
  const granted = (): boolean => {
    try {
      const r =
        actionId === undefined
          ? runAsUser(user, ['pkexec', '/bin/true'])
          : runAsUser(user, ['sh', '-c', 'exec pkcheck --action-id "$1" --process $$', 'sh', actionId]);
      lastStderr = r.stderr.trim();
      return r.status === 0;
    } catch {
      return false; // e.g. the user is gone already: nothing is granted to it any more
    }
  };
  const condition = actionId === undefined ? '' : ` && action.id === ${JSON.stringify(actionId)}`;
  let revoked = false;
  const grant: Grant = {
    async revoke() {
      if (revoked) return;
      revoked = true;
      rmSync(file, { force: true });
      await waitFor(`polkit to stop granting ${user} (${file} removed)`, () => !granted(), RULES_TIMEOUT_MS);
    },
  };
  s.defer(`revoke ${file}`, () => grant.revoke());
  // Renamed into place so polkitd never parses a half-written file (it ignores *.tmp).
  writeFileSync(
    `${file}.tmp`,
    `// test/integration/polkit-harness.ts, test pid ${process.pid}\n` +
      'polkit.addRule(function (action, subject) {\n' +
      `  if (subject.user === ${JSON.stringify(user)}${condition}) return polkit.Result.YES;\n` +
      '});\n',
  );
  chmodSync(`${file}.tmp`, 0o644);
  renameSync(`${file}.tmp`, file);
  try {
    await waitFor(`polkit to apply ${file}`, granted, RULES_TIMEOUT_MS);
  } catch (err) {
    throw new Error(`${String(err)}; last check said: ${lastStderr}`);
  }
  return grant;
}

export interface RunAsUserOptions {
  /** Added to the clean environment (PATH, SHELL, HOME, USER, LOGNAME, LANG). */
  env?: Record<string, string>;
  /** Written to stdin; otherwise stdin is /dev/null. */
  input?: string;
  timeoutMs?: number;
}

/**
 * Runs `argv` as `user` with a clean environment. setsid drops the controlling tty, so
 * pkexec can never fall back to prompting on the developer's terminal; SHELL must be in
 * /etc/shells or pkexec refuses to run.
 */
export function runAsUser(user: string, argv: string[], opts: RunAsUserOptions = {}): CliResult {
  const { home } = passwd(user);
  const env = {
    PATH: '/usr/bin:/bin',
    SHELL: '/bin/bash',
    HOME: home,
    USER: user,
    LOGNAME: user,
    LANG: 'C.UTF-8',
    ...opts.env,
  };
  const r = spawnSync(
    'setsid',
    ['--wait', 'runuser', '-u', user, '--', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv],
    {
      encoding: 'utf8',
      cwd: '/',
      input: opts.input,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: opts.timeoutMs ?? 30_000,
    },
  );
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}
