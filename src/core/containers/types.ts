/**
 * Containers, pods and sandboxes: what made a set of namespaces, in the words people use
 * for it. A leaf: the snapshot names these types, and the modules that find containers
 * name the snapshot.
 */
import type { NsType } from '../model/nsTypes';

/** What made a container: its engine or runtime. Kubernetes pods run under containerd or cri-o. */
export const ENGINES = [
  'docker',
  'podman',
  'containerd',
  'cri-o',
  'lxc',
  'incus',
  'lxd',
  'nspawn',
  'flatpak',
  'bwrap',
] as const;
export type Engine = (typeof ENGINES)[number];

/** What `nsx list --json` gives a namespace that belongs to a container (its `container` field). */
export interface ContainerRef {
  engine: Engine;
  /** The id the engine knows it by (a 64-digit hex id, a machine name, a Flatpak instance). */
  id: string;
  /** Its name; its short id where no name could be learned (then `unnamed` says why). */
  name: string;
  image?: string;
  /** The pod it is a member of (a Podman pod, a Kubernetes pod). */
  pod?: string;
  /** The Kubernetes namespace of its pod. */
  k8sNamespace?: string;
}

/**
 * How a container has one of its namespaces: its `own`, the `host`'s (the initial
 * namespace, as with `--network host`), or `shared` with the container or pod that owns
 * it (pod members, `--network container:X`).
 */
export type Sharing = 'own' | 'host' | 'shared';

export interface ContainerNamespace {
  type: NsType;
  ns: number;
  sharing: Sharing;
  /** For `shared`: the display name of the owner (`dweb`, `pod pod1`). */
  with?: string;
  /** For `shared`: the owner's key (see ContainerRecord.key). */
  withKey?: string;
}

/** Where a container's name was learned. */
export type NameSource = 'api' | 'annotations' | 'state' | 'argv' | 'cgroup';

export interface ContainerRecord extends Omit<ContainerRef, 'engine'> {
  /** Null for a sandbox: no engine made it. */
  engine: Engine | null;
  /** `engine/id`, or `sandbox/PID` for a sandbox: unique within a snapshot. */
  key: string;
  /** A container; a pod (the namespaces its members share); a sandbox no engine made. */
  kind: 'container' | 'pod' | 'sandbox';
  /** As the engine says it (`running`, `paused`); `running` when only its processes tell. */
  state: string;
  /** The Kubernetes container name inside its pod. */
  k8sContainer?: string;
  /** Its first process (the container's init; a sandbox's senior process), host PID; null when none runs. */
  pid: number | null;
  /** Its processes, host PIDs, ascending. */
  pids: number[];
  /** All eight of its namespaces (as its first process has them), each with how it has it. */
  namespaces: ContainerNamespace[];
  /** Where its name came from; absent when it has only its short id. */
  nameSource?: NameSource;
  /** Why only the short id is shown (the engine refused us, its state is root's …). */
  unnamed?: string;
  /** For a pod: the keys of its member containers. */
  members?: string[];
  /** For a sandbox: what made it (`unshare`, `bwrap`, `nginx.service`, `Namespace Explorer terminal`). */
  madeBy?: string;
}

/** An engine's API socket that refused the scanning user, and what would help. */
export interface EngineRefusal {
  engine: Engine;
  socket: string;
  /** `join the docker group (sudo usermod -aG docker $USER), or Show All Namespaces`. */
  hint: string;
}
