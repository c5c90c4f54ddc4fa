/**
 * `nsx debug` and `nsx enter --container`: a shell with the host's tools in a container's
 * namespaces, on a private dockerd (test/engines/docker.ts) with a shell-less image (only
 * /bin/busybox and a sleep link), by PID, name and id prefix, and nothing left behind: no
 * mount on the host, no process in the container. Needs root.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DOCKER_TOOLS, startDocker, type PrivateDocker } from '../engines/docker';
import { PODMAN_TOOLS, startPodman } from '../engines/podman';
import { linkInode, needs, nsInode, readableCli, runCli, Scenario, sleepMs, waitFor } from './helpers';

const skip = needs({
  root: 'starts a dockerd and enters its containers',
  tools: [...DOCKER_TOOLS, 'nsenter', 'unshare', 'runuser', 'script'],
});

/** The shell-less image, in the private dockerd. */
const NO_SHELL = 'nsxtest/noshell:1';

function mountCount(): number {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).length;
}

/** The processes in PID's PID namespace, by host PID. */
function pidNamespaceMembers(pid: number): number[] {
  const ns = nsInode(pid, 'pid');
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number)
    .filter((p) => {
      try {
        return linkInode(`/proc/${p}/ns/pid`) === ns && !/^State:\s*Z/m.test(readFileSync(`/proc/${p}/status`, 'utf8'));
      } catch {
        return false;
      }
    });
}

describe('nsx debug on a private dockerd', { skip }, () => {
  let docker: PrivateDocker | undefined;
  const name = `nsxtest-${process.pid}-sleep`;
  const hostname = `nsxdebug-${process.pid}`;
  let id = '';
  let pid = 0;

  before(async () => {
    docker = await startDocker();
    docker.importBusybox(NO_SHELL, { shell: false });
    id = docker.run(name, NO_SHELL, ['/bin/sleep', '1000'], ['--hostname', hostname]);
    pid = docker.inspect(id).State.Pid;
  });
  after(() => docker?.stop());

  /** nsx debug TARGET -- CMD, checked to leave no mount on the host and no process in the container. */
  function debug(target: string, command: string[]) {
    const mounts = mountCount();
    const r = runCli(['debug', target, '--', ...command]);
    assert.equal(mountCount(), mounts, 'a mount was left on the host');
    assert.deepEqual(pidNamespaceMembers(pid), [pid], 'a process was left in the container');
    return r;
  }

  test("ps in the debug shell lists the container's sleep as PID 1 and no host process", () => {
    const r = debug(String(pid), ['ps', '-e', '-o', 'pid,comm']);
    assert.equal(r.status, 0, r.stderr);
    const rows = r.stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows[0], ['1', 'sleep']);
    // Besides the container's sleep, only ps itself: the host's tool, in the container's PID namespace.
    assert.deepEqual(
      rows.slice(1).map((r) => r[1]),
      ['ps'],
      r.stdout,
    );
  });

  test("the debug shell's net namespace is the container's", () => {
    const r = debug(String(pid), ['readlink', '/proc/self/ns/net']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), `net:[${nsInode(pid, 'net')}]`);
  });

  test("the banner names where the container's files are, and they are there", () => {
    const r = debug(String(pid), ['ls', '/proc/1/root/bin']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /its files: \/proc\/1\/root\n/);
    assert.match(r.stderr, /the tools are the host's/);
    assert.deepEqual(r.stdout.trim().split('\n').sort(), ['busybox', 'sleep']);
  });

  test('by name and by id prefix', () => {
    for (const target of [name, id.slice(0, 12)]) {
      const r = debug(target, ['readlink', '/proc/self/ns/net']);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout.trim(), `net:[${nsInode(pid, 'net')}]`);
      assert.match(r.stderr, new RegExp(`debug shell in container ${name} \\(docker\\)`));
    }
  });

  test('a name that matches no container, and a PID no process has, are one line each and exit 2', () => {
    for (const [target, message] of [
      [`${name}-nope`, /^nsx: no container matches '.*-nope'/],
      ['4194000', /^nsx: no container matches '4194000': no process has PID 4194000\n$/],
    ] as const) {
      const r = runCli(['debug', target, '--', 'true']);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
    }
  });

  test('a stopped container says it is not running', () => {
    const stopped = `${name}-stopped`;
    docker!.docker(['create', '--name', stopped, NO_SHELL, '/bin/sleep', '1']);
    const r = runCli(['debug', stopped]);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^nsx: ${stopped} \\(docker\\) is not running`));
  });

  test(
    'a name two engines have: the message lists both with their ids and exits 2; an id prefix picks one',
    { skip: needs({ tools: PODMAN_TOOLS }) },
    (t) => {
      const s = new Scenario(t);
      const podman = startPodman(s);
      podman.importBusybox('localhost/nsxtest/noshell:1', { shell: false });
      const twin = `${name}-twin`;
      const dockerId = docker!.run(twin, NO_SHELL, ['/bin/sleep', '1000']);
      const podmanId = podman.run(twin, 'localhost/nsxtest/noshell:1', ['/bin/sleep', '1000']);
      const r = runCli(['debug', twin, '--', 'true']);
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '');
      const listed = [`${twin} (docker, ${dockerId.slice(0, 12)})`, `${twin} (podman, ${podmanId.slice(0, 12)})`];
      const [message] = r.stderr.split('\n');
      assert.equal(r.stderr, `${message}\n`, 'one line');
      assert.match(message!, new RegExp(`^nsx: '${twin}' matches 2 containers: .*; give its id`));
      for (const item of listed) assert.ok(message!.includes(item), `${message} lists ${item}`);

      const picked = debug(podmanId.slice(0, 12), ['readlink', '/proc/self/ns/net']);
      assert.equal(picked.status, 0, picked.stderr);
      assert.equal(picked.stdout.trim(), `net:[${nsInode(podman.inspect(podmanId).State.Pid, 'net')}]`);
      assert.match(picked.stderr, new RegExp(`debug shell in container ${twin} \\(podman\\)`));
    },
  );

  test("nsx enter --container NAME --type uts runs in the container's uts namespace: its hostname", () => {
    assert.equal(docker!.inspect(id).Config.Hostname, hostname);
    const r = runCli(['enter', '--container', name, '--type', 'uts', '--', 'hostname']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), hostname);
  });

  test('an ordinary user is told in one line that root is needed, without a stack trace', (t) => {
    const s = new Scenario(t);
    const cli = readableCli(s);
    const r = runCli(['debug', String(pid), '--', 'true'], {
      cli,
      wrapper: ['runuser', '-u', 'nobody', '--'],
      timeoutMs: 30_000,
    });
    assert.notEqual(r.status, 0);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
    assert.match(r.stderr, /nsx: .*(polkit|root|sudo|pkexec)/);
    assert.deepEqual(pidNamespaceMembers(pid), [pid]);
  });

  test('a terminal closed under the debug shell leaves no process in the container', async () => {
    const mounts = mountCount();
    // script gives nsx a terminal; killing script hangs it up, as closing the editor's terminal does.
    const term = spawn(
      'script',
      ['-qfec', `${process.execPath} ${path.resolve('dist/cli.js')} debug ${pid}`, '/dev/null'],
      {
        stdio: ['pipe', 'pipe', 'pipe'],
        env: { ...process.env, SHELL: '/bin/sh' },
      },
    );
    await waitFor('the debug shell to start', () => pidNamespaceMembers(pid).length > 1, 20_000);
    term.kill('SIGKILL');
    await waitFor('the debug shell to end', () => pidNamespaceMembers(pid).length === 1, 10_000);
    await sleepMs(500);
    assert.deepEqual(pidNamespaceMembers(pid), [pid]);
    assert.equal(mountCount(), mounts);
  });
});
