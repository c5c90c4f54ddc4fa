/**
 * The container a cgroup path names. Engines put each container in a cgroup of its own,
 * named after its id (`/docker/ID`, `libpod-ID.scope`, `cri-containerd-ID.scope`,
 * `lxc.payload.NAME`, `systemd-nspawn@NAME.service`), with the cgroupfs driver or
 * systemd's. Only what the path says is taken: no id is made up.
 */
import type { Engine } from './types';

export interface CgroupIdentity {
  /** Null for a bare id under kubepods: the path does not say which runtime made it. */
  engine: Engine | null;
  id: string;
  /** The Kubernetes pod UID (kubepods…pod<UID>) or Podman pod id (libpod_parent/<ID>), when the path names one. */
  podId?: string;
}

const HEX64 = '([0-9a-f]{64})';
const BY_ID: { engine: Engine; re: RegExp }[] = [
  { engine: 'docker', re: new RegExp(`(?:/docker/|docker-)${HEX64}`) },
  { engine: 'podman', re: new RegExp(`libpod-(?:conmon-)?${HEX64}`) },
  { engine: 'cri-o', re: new RegExp(`crio-(?:conmon-)?${HEX64}`) },
  { engine: 'containerd', re: new RegExp(`(?:cri-containerd-|/containerd/|/k8s\\.io/)${HEX64}`) },
];
/** Names, not ids: LXC and Incus/LXD payloads, systemd-nspawn machines (unit or scope). */
const BY_NAME: { engine: Engine; re: RegExp }[] = [
  { engine: 'lxc', re: /\/lxc\.payload[./]([^/]+)/ },
  { engine: 'nspawn', re: /\/systemd-nspawn@([^/]+)\.service/ },
  { engine: 'nspawn', re: /\/machine-(?!libpod)([^/]+)\.scope/ },
];
const KUBE_POD = /kubepods[^\n]*?pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})/;
const PODMAN_POD = /(?:libpod_parent\/|machine-libpod_pod_)([0-9a-f]{64})/;
/** A bare container id as the last path component: kubelet's cgroupfs driver. */
const BARE_ID = new RegExp(`/${HEX64}$`);

/** The container a cgroup path names, or null. */
export function containerInCgroup(cgroup: string): CgroupIdentity | null {
  const kubePod = KUBE_POD.exec(cgroup)?.[1]?.replaceAll('_', '-');
  const podmanPod = PODMAN_POD.exec(cgroup)?.[1];
  const identity = (engine: Engine | null, id: string): CgroupIdentity => {
    const podId = kubePod ?? (engine === 'podman' ? podmanPod : undefined);
    return podId ? { engine, id, podId } : { engine, id };
  };
  for (const { engine, re } of BY_ID) {
    const m = re.exec(cgroup);
    if (m) return identity(engine, m[1]!);
  }
  for (const { engine, re } of BY_NAME) {
    const m = re.exec(cgroup);
    if (m) return identity(engine, unescapeUnit(m[1]!));
  }
  const bare = kubePod ? BARE_ID.exec(cgroup) : null;
  return bare ? identity(null, bare[1]!) : null;
}

/** systemd escapes `-` and other bytes in unit names as `\xNN`. */
function unescapeUnit(name: string): string {
  return name.replace(/\\x([0-9a-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}
