/**
 * A private dockerd for one test file (its data, exec root and socket under a temporary
 * directory, no bridge, no iptables), and the shell-less image a debug shell must work
 * with: /bin/busybox and a sleep link to it, nothing else.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { waitFor } from './helpers';

const DOCKERD = '/usr/sbin/dockerd';
const DOCKER = '/usr/bin/docker';
const BUSYBOX = '/bin/busybox';
/** What it runs: from docker.io and busybox-static. */
export const DOCKER_FILES = [DOCKERD, DOCKER, BUSYBOX];

/** A dockerd of this test's own: its paths under DIR, no bridge, no iptables. */
export class PrivateDocker {
  readonly dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-docker-`));
  private daemon = 0;

  async start(): Promise<void> {
    const d = this.dir;
    const child = spawn(
      DOCKERD,
      [
        `--data-root=${d}/data`,
        `--exec-root=${d}/exec`,
        `-H`,
        `unix://${d}/docker.sock`,
        `--pidfile=${d}/pid`,
        '--bridge=none',
        '--iptables=false',
        '--ip-masq=false',
      ],
      { detached: true, stdio: 'ignore' },
    );
    child.unref();
    this.daemon = child.pid!;
    await waitFor(
      'the private dockerd to answer',
      () => existsSync(`${d}/docker.sock`) && this.tryDocker(['info']),
      60_000,
    );
  }

  docker(args: string[]): string {
    const r = spawnSync(DOCKER, ['-H', `unix://${this.dir}/docker.sock`, ...args], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr}`);
    return r.stdout.trim();
  }

  private tryDocker(args: string[]): boolean {
    return spawnSync(DOCKER, ['-H', `unix://${this.dir}/docker.sock`, ...args], { stdio: 'ignore' }).status === 0;
  }

  pid(id: string): number {
    return Number(this.docker(['inspect', '-f', '{{.State.Pid}}', id]));
  }

  /** Its containers removed, dockerd and its containerd stopped by PID, its mounts and directory gone. */
  async stop(): Promise<void> {
    if (this.daemon && this.tryDocker(['info'])) {
      const ids = this.docker(['ps', '-aq']).split('\n').filter(Boolean);
      if (ids.length) this.docker(['rm', '-f', ...ids]);
    }
    const containerd = Number(readOr(`${this.dir}/exec/containerd/containerd.pid`, '0'));
    for (const pid of [this.daemon, containerd].filter((p) => p > 0)) {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        continue;
      }
      await waitFor(`PID ${pid} to exit`, () => !existsSync(`/proc/${pid}`), 30_000);
    }
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .map((l) => l.split(' ')[4] ?? '')
      .filter((m) => m.startsWith(this.dir))
      .reverse();
    for (const m of mounts) spawnSync('umount', ['-l', m]);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function readOr(file: string, fallback: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return fallback;
  }
}

/** The shell-less image: /bin/busybox and a sleep link to it, nothing else. */
export function shellLessImage(docker: PrivateDocker): string {
  const root = path.join(docker.dir, 'rootfs');
  mkdirSync(path.join(root, 'bin'), { recursive: true });
  copyFileSync(BUSYBOX, path.join(root, 'bin', 'busybox'));
  chmodSync(path.join(root, 'bin', 'busybox'), 0o755);
  symlinkSync('busybox', path.join(root, 'bin', 'sleep'));
  const tar = path.join(docker.dir, 'sleep.tar');
  spawnSync('tar', ['--numeric-owner', '-C', root, '-cf', tar, '.']);
  const image = `nsxtest-sleep-${process.pid}:1`;
  docker.docker(['import', tar, image]);
  return image;
}
