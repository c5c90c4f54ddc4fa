/**
 * An LXC container (Debian's lxc 5) for one test: created from the busybox template into
 * a container path of its own (`-P DIR`), without a network device (no bridge needed) and
 * unconfined (no AppArmor here), started as a daemon. Its monitor is `[lxc monitor] DIR
 * NAME`, its processes in cgroup `/lxc.payload.NAME`.
 *
 * stop() kills and destroys it by name within that path, ends whatever still names the
 * path, and removes the `lxc.pivot` cgroups LXC leaves at the root of each hierarchy
 * when it stops a container (only those that were not there before it started).
 */
import { existsSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { removeTree, sh, tempDir, type Defer } from './system';
import { waitFor } from '../integration/helpers';

export const LXC_TOOLS = [
  'lxc-create',
  'lxc-start',
  'lxc-stop',
  'lxc-destroy',
  'lxc-info',
  '/usr/share/lxc/templates/lxc-busybox',
  '/bin/busybox',
];

export interface LxcContainer {
  name: string;
  /** Its container path (`lxc-* -P`). */
  lxcpath: string;
  /** Host PID of its init. */
  pid: number;
  stop(): Promise<void>;
}

const CGROUP_ROOT = '/sys/fs/cgroup';

/** The `lxc.pivot` cgroups there are now, in every hierarchy. */
function pivots(): string[] {
  if (!existsSync(CGROUP_ROOT)) return [];
  const dirs = [CGROUP_ROOT, ...readdirSync(CGROUP_ROOT).map((h) => path.join(CGROUP_ROOT, h))];
  return dirs.map((d) => path.join(d, 'lxc.pivot')).filter((p) => existsSync(p));
}

export async function startLxc(cleanup: Defer, name: string): Promise<LxcContainer> {
  const lxcpath = tempDir('lxc');
  const before = new Set(pivots());
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (existsSync(path.join(lxcpath, name, 'config'))) {
      const state = sh('lxc-info', ['-P', lxcpath, '-n', name, '-s', '-H']).trim();
      if (state !== 'STOPPED') sh('lxc-stop', ['-P', lxcpath, '-n', name, '--kill']);
      sh('lxc-destroy', ['-P', lxcpath, '-n', name]);
    }
    await removeTree(lxcpath);
    for (const pivot of pivots().filter((p) => !before.has(p))) rmdirSync(pivot);
  };
  cleanup.defer(`lxc container ${name} in ${lxcpath}`, stop);
  const conf = path.join(lxcpath, 'default.conf');
  writeFileSync(conf, 'lxc.net.0.type = empty\nlxc.apparmor.profile = unconfined\n');
  sh('lxc-create', ['-P', lxcpath, '-n', name, '-t', 'busybox', '-f', conf]);
  sh('lxc-start', ['-P', lxcpath, '-n', name, '--logfile', path.join(lxcpath, 'start.log')]);
  const pid = await waitFor(
    `lxc container ${name} to run`,
    () => {
      const text = sh('lxc-info', ['-P', lxcpath, '-n', name, '-p', '-H']).trim();
      return text === '' ? null : Number(text);
    },
    30_000,
  );
  return { name, lxcpath, pid, stop };
}
