/**
 * Names a person recognises a namespace by: `ip netns` names, container ids from cgroup
 * paths, systemd units, and the command of the senior process.
 */
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

const HEX64 = '([0-9a-f]{64})';
const CONTAINER_PATTERNS: { runtime: string; re: RegExp }[] = [
  { runtime: 'docker', re: new RegExp(`(?:/docker/|docker-)${HEX64}`) },
  { runtime: 'podman', re: new RegExp(`libpod-(?:conmon-)?${HEX64}`) },
  { runtime: 'cri-o', re: new RegExp(`crio-(?:conmon-)?${HEX64}`) },
  { runtime: 'containerd', re: new RegExp(`(?:cri-containerd-|/containerd/|/k8s\\.io/)${HEX64}`) },
];
const KUBE_POD = /kubepods[^\n]*?pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/;
const SYSTEMD_SERVICE = /^(?!user@\d+\.service$)[^/]+\.service$/;

/** The cgroup path of /proc/PID/cgroup's unified (v2) line, else its first line's. */
export function cgroupPath(cgroupFile: string): string {
  const lines = cgroupFile.split('\n').filter(Boolean);
  const unified = lines.find((l) => l.startsWith('0::'));
  const line = unified ?? lines[0] ?? '';
  return line.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
}

/** A bare container id as the last path component: kubelet's cgroupfs driver. */
const BARE_ID = new RegExp(`/${HEX64}$`);

/** `docker 0123456789ab`, `kubepods pod 1b2c… containerd 0123456789ab`, or null. */
export function containerLabel(cgroup: string): string | null {
  const pod = KUBE_POD.exec(cgroup);
  const inPod = (id: string) => (pod ? `kubepods pod ${pod[1].replaceAll('_', '-')} ${id}` : id);
  for (const { runtime, re } of CONTAINER_PATTERNS) {
    const m = re.exec(cgroup);
    if (m) return inPod(`${runtime} ${m[1].slice(0, 12)}`);
  }
  const bare = pod && BARE_ID.exec(cgroup);
  return bare ? inPod(`container ${bare[1].slice(0, 12)}`) : null;
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
