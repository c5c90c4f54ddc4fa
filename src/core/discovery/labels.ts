/**
 * Names a person recognises a namespace by: `ip netns` names, container ids from cgroup
 * paths, systemd units, and the command of the senior process.
 */
import { containerInCgroup } from '../containers/cgroupIds';
import { ProcSource } from '../linux/procfs';
import { NsType } from '../model/snapshot';

/**
 * Inodes the kernel gives its initial namespaces (PROC_*_INIT_INO). Net and mnt got fixed
 * inodes only in recent kernels; elsewhere the namespaces of kthreadd (PID 2) tell.
 */
export const INITIAL_NS_INODES: Readonly<Record<NsType, number>> = {
  ipc: 0xefffffff,
  uts: 0xeffffffe,
  user: 0xeffffffd,
  pid: 0xeffffffc,
  cgroup: 0xeffffffb,
  time: 0xeffffffa,
  net: 0xeffffff9,
  mnt: 0xeffffff8,
};

const NETNS_DIRS = ['/run/netns/', '/var/run/netns/'];

/** The `ip netns` name of a bind-mount path, or null. */
export function netnsName(path: string): string | null {
  for (const dir of NETNS_DIRS) {
    if (path.startsWith(dir) && !path.slice(dir.length).includes('/') && path.length > dir.length)
      return path.slice(dir.length);
  }
  return null;
}

const SYSTEMD_SERVICE = /^(?!user@\d+\.service$)[^/]+\.service$/;

/**
 * Each process's cgroup path, read once: the labels of discovery and the naming of
 * containers ask for the same senior processes' in one scan.
 */
export class CgroupPaths {
  private readonly paths = new Map<number, string>();

  constructor(private readonly proc: ProcSource) {}

  /** '' when the process has exited or its cgroup cannot be read. */
  of(pid: number): string {
    let path = this.paths.get(pid);
    if (path === undefined) {
      try {
        path = cgroupPath(this.proc.cgroup(pid));
      } catch {
        path = '';
      }
      this.paths.set(pid, path);
    }
    return path;
  }
}

/** The cgroup path of /proc/PID/cgroup's unified (v2) line, else its first line's. */
export function cgroupPath(cgroupFile: string): string {
  const lines = cgroupFile.split('\n').filter(Boolean);
  const unified = lines.find((l) => l.startsWith('0::'));
  const line = unified ?? lines[0] ?? '';
  return line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
}

/**
 * `docker 0123456789ab`, `kubepods pod 1b2c… containerd 0123456789ab`, or null: what the
 * cgroup path alone says, for a scan that does not ask the engines (see ../containers).
 */
export function containerLabel(cgroup: string): string | null {
  const found = containerInCgroup(cgroup);
  if (!found || found.engine === 'lxc' || found.engine === 'nspawn') return null;
  const kubePod = /kubepods/.test(cgroup) ? found.podId : undefined;
  const label = `${found.engine ?? 'container'} ${found.id.slice(0, 12)}`;
  return kubePod ? `kubepods pod ${kubePod} ${label}` : label;
}

/**
 * The innermost systemd service of a cgroup path (`nginx.service`), or null. Scopes and
 * the per-user manager say less than the command and are passed over.
 */
export function systemdUnit(cgroup: string): string | null {
  const parts = cgroup.split('/').filter(Boolean);
  for (let i = parts.length - 1; i >= 0; i--) {
    if (SYSTEMD_SERVICE.test(parts[i])) return parts[i];
  }
  return null;
}
