/**
 * Container images without a registry: a root filesystem of busybox-static's
 * /bin/busybox and its applets as symlinks, and the tar of it that `docker import` and
 * `podman import` take. The shell-less one has only /bin/busybox and `sleep`, the image a
 * debug shell must work with.
 */
import { mkdirSync, symlinkSync, copyFileSync, writeFileSync, chmodSync } from 'node:fs';
import * as path from 'node:path';
import { sh } from './system';

export const BUSYBOX = '/bin/busybox';

/** Applets of the image with a shell: enough to look around inside. */
const SHELL_APPLETS = ['sh', 'sleep', 'ps', 'ls', 'cat', 'echo', 'readlink', 'hostname', 'id', 'init', 'true'];

export interface Rootfs {
  /** The root directory. */
  dir: string;
  /** Its tar (made by busyboxImage). */
  tar: string;
}

/**
 * A busybox root filesystem at `dir` (which must not exist): with a shell and a few
 * applets, or (`shell: false`) only /bin/busybox and /bin/sleep. It has /etc/os-release,
 * which systemd-nspawn asks for, and the directories engines mount over.
 */
export function busyboxRoot(dir: string, { shell = true }: { shell?: boolean } = {}): string {
  for (const sub of ['bin', 'etc', 'proc', 'sys', 'dev', 'tmp', 'usr/lib']) {
    mkdirSync(path.join(dir, sub), { recursive: true });
  }
  chmodSync(dir, 0o755);
  copyFileSync(BUSYBOX, path.join(dir, 'bin', 'busybox'));
  chmodSync(path.join(dir, 'bin', 'busybox'), 0o755);
  for (const applet of shell ? SHELL_APPLETS : ['sleep']) {
    symlinkSync('busybox', path.join(dir, 'bin', applet));
  }
  writeFileSync(path.join(dir, 'etc', 'os-release'), 'ID=busybox\nNAME=busybox\n');
  writeFileSync(path.join(dir, 'etc', 'passwd'), 'root:x:0:0:root:/:/bin/sh\n');
  writeFileSync(path.join(dir, 'etc', 'group'), 'root:x:0:\n');
  return dir;
}

/** busyboxRoot under `parent/name`, and its tar beside it as `parent/name.tar`. */
export function busyboxImage(parent: string, name: string, opts: { shell?: boolean } = {}): Rootfs {
  const dir = busyboxRoot(path.join(parent, name), opts);
  const tar = path.join(parent, `${name}.tar`);
  sh('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', dir, '-cf', tar, '.']);
  chmodSync(tar, 0o644);
  return { dir, tar };
}
