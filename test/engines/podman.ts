/**
 * Podman for one test, as root and rootless.
 *
 * As root: its own storage, run root and tmpdir under a temporary directory (so the
 * machine's own containers and pods are never listed, let alone removed) and a
 * containers.conf with what this host needs: runc (crun refuses hybrid cgroups), the
 * cgroupfs manager, ulimits runc can set, and no network (`netns = "none"`: no CNI bridge,
 * no iptables rules, no address leases to leave behind). Pods need catatonit (the infra
 * container's pause image is built from it).
 *
 * Rootless: a test user (useradd gives it /etc/subuid and /etc/subgid ranges), its
 * XDG_RUNTIME_DIR in our temporary directory, its storage where rootless Podman keeps it
 * (~/.local/share/containers), the same containers.conf. Its container processes sit in
 * no container cgroup there; conmon's argv carries the id and name. stop() removes its
 * containers, ends every process of that user by PID (conmon, the pause process), and
 * deletes the user with its home.
 */
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { busyboxImage } from './image';
import { killAll, processesOf, removeTree, sh, tempDir, type Defer } from './system';
import { createUser, hasSubordinateIds, USER_TOOLS, type TestUser } from './users';

export const PODMAN = '/usr/bin/podman';

/** The programs a root Podman test needs (for needs({tools})). */
export const PODMAN_TOOLS = ['/usr/bin/podman', 'runc', 'catatonit', '/bin/busybox'];
/** What a rootless Podman test needs besides. */
export const ROOTLESS_TOOLS = [...PODMAN_TOOLS, 'newuidmap', 'newgidmap', 'slirp4netns', ...USER_TOOLS];

const CONTAINERS_CONF = `[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
netns = "none"

[engine]
cgroup_manager = "cgroupfs"
runtime = "runc"
`;

export interface PodmanInspect {
  Id: string;
  Name: string;
  ImageName: string;
  Pod: string;
  State: { Pid: number; Status: string; Running: boolean };
}

export interface PodInspect {
  Id: string;
  Name: string;
  InfraContainerID: string;
  Containers: { Id: string; Name: string }[];
}

export interface Podman {
  /** The temporary directory of its configuration (and, as root, its storage). */
  dir: string;
  /** `podman … ARGS` (as the test user when rootless); stdout, trimmed. */
  podman(args: readonly string[]): string;
  /** `podman import TAR REF`. */
  importImage(tar: string, ref: string): void;
  /** A busybox image (image.ts; `shell: false` the shell-less one) built under its directory, imported as REF. */
  importBusybox(ref: string, opts?: { shell?: boolean }): void;
  /** `podman run -d --name NAME FLAGS IMAGE CMD`; the container's full id. */
  run(name: string, image: string, cmd: readonly string[], flags?: readonly string[]): string;
  /** `podman pod create --name NAME`; the pod's full id. */
  createPod(name: string, flags?: readonly string[]): string;
  inspect(nameOrId: string): PodmanInspect;
  inspectPod(nameOrId: string): PodInspect;
  /** Removes everything it made; safe to call twice. */
  stop(): Promise<void>;
}

export interface RootlessPodman extends Podman {
  user: TestUser;
  /** The user's environment for Podman (HOME, XDG_RUNTIME_DIR, CONTAINERS_CONF …). */
  env: Record<string, string>;
  /** argv prefix that runs a command as the user in that environment (a runCli wrapper). */
  asUser: string[];
}

function podmanApi(dir: string, exec: (args: readonly string[]) => string): Omit<Podman, 'stop'> {
  let images = 0;
  const importImage = (tar: string, ref: string): void => void exec(['import', '--quiet', tar, ref]);
  return {
    dir,
    podman: exec,
    importImage,
    importBusybox: (ref, opts) => importImage(busyboxImage(dir, `image-${++images}`, opts).tar, ref),
    run: (name, image, cmd, flags = []) => exec(['run', '-d', '--name', name, ...flags, image, ...cmd]),
    createPod: (name, flags = []) => exec(['pod', 'create', '--name', name, ...flags]),
    inspect: (nameOrId) => (JSON.parse(exec(['container', 'inspect', nameOrId])) as PodmanInspect[])[0]!,
    inspectPod: (nameOrId) => {
      const parsed = JSON.parse(exec(['pod', 'inspect', nameOrId])) as PodInspect | PodInspect[];
      return Array.isArray(parsed) ? parsed[0]! : parsed;
    },
  };
}

/** Removes every container and pod the Podman of `exec` knows; the errors, as text. */
function removeAll(exec: (args: readonly string[]) => string): string[] {
  const errors: string[] = [];
  for (const args of [
    ['pod', 'rm', '--all', '--force', '--time', '0'],
    ['rm', '--all', '--force', '--time', '0'],
  ]) {
    try {
      exec(args);
    } catch (err) {
      errors.push(String(err));
    }
  }
  return errors;
}

/** Root Podman with storage of its own. With `cleanup` its stop() is registered there. */
export function startPodman(cleanup?: Defer): Podman {
  const dir = tempDir('podman');
  const conf = path.join(dir, 'containers.conf');
  writeFileSync(conf, CONTAINERS_CONF);
  const env = { ...process.env, CONTAINERS_CONF: conf };
  const exec = (args: readonly string[]): string =>
    sh(
      PODMAN,
      [
        `--root=${path.join(dir, 'storage')}`,
        `--runroot=${path.join(dir, 'run')}`,
        `--tmpdir=${path.join(dir, 'libpod')}`,
        ...args,
      ],
      { env },
    ).trim();
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const errors = removeAll(exec);
    await removeTree(dir);
    if (errors.length > 0) throw new Error(errors.join('\n'));
  };
  cleanup?.defer(`root podman in ${dir}`, stop);
  return { ...podmanApi(dir, exec), stop };
}

/**
 * Rootless Podman as a new test user. With `cleanup` its stop() is registered there.
 * Images for it must be readable by that user (tempDir() makes such directories).
 */
export function startRootlessPodman(cleanup: Defer): RootlessPodman {
  const dir = tempDir('rootless');
  const user = createUser(cleanup, 'p');
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    const errors = removeAll(exec);
    await killAll(processesOf(user.uid));
    await removeTree(dir);
    if (errors.length > 0) throw new Error(errors.join('\n'));
  };
  cleanup.defer(`rootless podman of ${user.name}`, stop);
  if (!hasSubordinateIds(user.name)) {
    throw new Error(`useradd gave ${user.name} no range in /etc/subuid or /etc/subgid (SUB_UID_COUNT in login.defs)`);
  }
  const runtime = path.join(dir, 'xdg');
  mkdirSync(runtime, { mode: 0o700 });
  chownSync(runtime, user.uid, user.gid);
  const conf = path.join(dir, 'containers.conf');
  writeFileSync(conf, CONTAINERS_CONF, { mode: 0o644 });
  const env: Record<string, string> = {
    HOME: user.home,
    USER: user.name,
    LOGNAME: user.name,
    PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    XDG_RUNTIME_DIR: runtime,
    CONTAINERS_CONF: conf,
  };
  const asUser = ['runuser', '-u', user.name, '--', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  const exec = (args: readonly string[]): string => sh(asUser[0]!, [...asUser.slice(1), PODMAN, ...args]).trim();
  return { ...podmanApi(dir, exec), stop, user, env, asUser };
}
