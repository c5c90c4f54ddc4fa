/**
 * A private dockerd (Debian's docker.io) for one test: its own data root, exec root, API
 * socket and PID file under a temporary directory, no bridge and no iptables rules, so it
 * touches nothing of the machine's own dockerd or network. It starts its own containerd
 * (socket at EXEC/containerd/containerd.sock, which containerd.ts uses for `ctr`).
 *
 * Several run side by side (checked with two at once beside the machine's own dockerd):
 * each has its own containerd, shims (their sockets are named from that containerd's
 * address) and network namespaces (under its exec root), so no lock is needed.
 *
 * stop() removes its containers, stops dockerd by PID (which stops its containerd), ends
 * whatever process still names the directory (a shim of a container that would not die),
 * undoes the mounts under it and removes it.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { busyboxImage } from './image';
import { endProcess, isAlive, removeTree, sh, startDaemon, tempDir, type Defer } from './system';
import { waitFor } from '../integration/helpers';

export const DOCKER_CLI = '/usr/bin/docker';
export const DOCKERD = '/usr/sbin/dockerd';

/** The programs a test of the private dockerd needs (for needs({tools})). */
export const DOCKER_TOOLS = ['/usr/sbin/dockerd', '/usr/bin/docker', 'containerd', 'runc', '/bin/busybox'];

export interface DockerInspect {
  Id: string;
  Name: string;
  State: { Pid: number; Status: string; Running: boolean };
  Config: { Image: string; Hostname: string };
  HostConfig: { NetworkMode: string; PidMode: string; IpcMode: string };
}

export interface PrivateDocker {
  /** dockerd's PID. */
  pid: number;
  /** The temporary directory everything of it lives under. */
  dir: string;
  /** Its API socket. */
  socket: string;
  execRoot: string;
  dataRoot: string;
  /** The socket of the containerd it started. */
  containerdSocket: string;
  /** `docker -H unix://SOCKET ARGS`; its stdout, trimmed. */
  docker(args: readonly string[], opts?: { input?: string | Buffer }): string;
  /** `docker import TAR REF`. */
  importImage(tar: string, ref: string): void;
  /** A busybox image (image.ts; `shell: false` the shell-less one) built under its directory, imported as REF. */
  importBusybox(ref: string, opts?: { shell?: boolean }): void;
  /** `docker run -d --name NAME FLAGS IMAGE CMD`; the new container's full id. */
  run(name: string, image: string, cmd: readonly string[], flags?: readonly string[]): string;
  inspect(nameOrId: string): DockerInspect;
  /** Removes everything it made; safe to call twice. */
  stop(): Promise<void>;
}

/** How long dockerd gets to answer its first request. */
const START_TIMEOUT_MS = 60_000;

/**
 * Starts a private dockerd and resolves once it answers. With `cleanup` its stop() is
 * registered there; otherwise the caller calls stop() in an after hook.
 */
export async function startDocker(cleanup?: Defer): Promise<PrivateDocker> {
  const dir = tempDir('docker');
  const paths = {
    dataRoot: path.join(dir, 'data'),
    execRoot: path.join(dir, 'exec'),
    socket: path.join(dir, 'docker.sock'),
    pidfile: path.join(dir, 'dockerd.pid'),
  };
  let stopped = false;
  let pid = 0;
  const docker = (args: readonly string[], opts: { input?: string | Buffer } = {}): string =>
    sh(DOCKER_CLI, ['-H', `unix://${paths.socket}`, ...args], opts).trim();
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopDocker(dir, pid, docker, paths.socket);
  };
  cleanup?.defer(`private dockerd in ${dir}`, stop);
  pid = startDaemon(
    DOCKERD,
    [
      `--data-root=${paths.dataRoot}`,
      `--exec-root=${paths.execRoot}`,
      `--host=unix://${paths.socket}`,
      `--pidfile=${paths.pidfile}`,
      '--bridge=none',
      '--iptables=false',
      '--ip-masq=false',
    ],
    path.join(dir, 'dockerd.log'),
  );
  try {
    await waitFor(
      `dockerd ${pid} to answer on ${paths.socket}`,
      () => {
        if (!isAlive(pid)) throw new Error(`dockerd exited: ${logTail(dir)}`);
        return existsSync(paths.socket) && docker(['version', '--format', '{{.Server.Version}}']) !== '';
      },
      START_TIMEOUT_MS,
    );
  } catch (err) {
    await stop();
    throw new Error(`${String(err)}\n${logTail(dir)}`);
  }
  let images = 0;
  const importImage = (tar: string, ref: string): void => void docker(['import', tar, ref]);
  return {
    pid,
    dir,
    ...paths,
    containerdSocket: path.join(paths.execRoot, 'containerd', 'containerd.sock'),
    docker,
    importImage,
    importBusybox: (ref, opts) => importImage(busyboxImage(dir, `image-${++images}`, opts).tar, ref),
    run: (name, image, cmd, flags = []) => docker(['run', '-d', '--name', name, ...flags, image, ...cmd]),
    inspect: (nameOrId) => (JSON.parse(docker(['inspect', '--type', 'container', nameOrId])) as DockerInspect[])[0]!,
    stop,
  };
}

function logTail(dir: string): string {
  try {
    return readFileSync(path.join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no dockerd.log)';
  }
}

async function stopDocker(
  dir: string,
  pid: number,
  docker: (args: readonly string[]) => string,
  socket: string,
): Promise<void> {
  const errors: string[] = [];
  if (pid > 0 && isAlive(pid) && existsSync(socket)) {
    try {
      const ids = docker(['ps', '-aq', '--no-trunc']).split('\n').filter(Boolean);
      if (ids.length > 0) docker(['rm', '-f', '-v', ...ids]);
    } catch (err) {
      errors.push(`removing its containers: ${String(err)}`);
    }
  }
  const containerd = readPid(path.join(dir, 'exec', 'containerd', 'containerd.pid'));
  if (pid > 0) await endProcess(pid, 'SIGTERM', 30_000);
  if (containerd !== null) await endProcess(containerd, 'SIGTERM', 15_000);
  await removeTree(dir);
  if (errors.length > 0) throw new Error(errors.join('\n'));
}

function readPid(file: string): number | null {
  try {
    const pid = Number(readFileSync(file, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
