/**
 * From sightings and names to ContainerRecords: one per container, pods made of their
 * sandbox (pause / infra) container, each container's processes and its eight
 * namespaces marked own, host or shared with the container or pod that owns them.
 */
import { NS_TYPES, type NamespaceRecord, type ProcessRecord } from '../model/snapshot';
import type { Sighting } from './identify';
import type { Named } from './names';
import type { ContainerNamespace, ContainerRecord, ContainerRef } from './types';

export interface Found {
  sighting: Sighting;
  named: Named;
  /** Its first process: the runtime's child, else the lowest PID seen. */
  pid: number;
  /** Its processes, when the user may not read their namespaces (another user's): known by their cgroup. */
  hiddenPids?: number[];
}

export const keyOf = (engine: string, id: string): string => `${engine}/${id}`;

/** A record per container, by the key of its sighting; a pod's sandbox becomes the pod's record. */
export function containerRecords(found: Map<string, Found>): Map<string, ContainerRecord> {
  const records = new Map<string, ContainerRecord>();
  for (const [key, f] of found) {
    const { sighting: s, named: n } = f;
    const engine = n.engine ?? s.engine;
    const id = n.id ?? s.id;
    const recordId = n.sandbox && n.podId ? n.podId : id;
    const r: ContainerRecord = {
      key: keyOf(engine, recordId),
      kind: n.sandbox ? 'pod' : 'container',
      engine,
      id: recordId,
      name: n.sandbox ? (n.pod ?? (n.podId ?? id).slice(0, 12)) : (n.name ?? id.slice(0, 12)),
      state: n.state ?? 'running',
      pid: f.pid,
      pids: [],
      namespaces: [],
    };
    if (n.image && !n.sandbox) r.image = n.image;
    if (n.k8sNamespace) r.k8sNamespace = n.k8sNamespace;
    if (n.nameSource && (!n.sandbox || n.pod)) r.nameSource = n.nameSource;
    if (n.unnamed || (n.sandbox && !n.pod)) r.unnamed = n.unnamed ?? `the pod's name could not be read`;
    records.set(key, r);
  }
  joinPods(found, records);
  return records;
}

/** Members point at their sandbox by its container id; they take the pod's name. */
function joinPods(found: Map<string, Found>, records: Map<string, ContainerRecord>): void {
  const sandboxes = new Map<string, ContainerRecord>();
  for (const [key, f] of found)
    if (f.named.sandbox) sandboxes.set(keyOf(f.sighting.engine, f.sighting.id), records.get(key)!);
  for (const [key, f] of found) {
    const sandboxId = f.named.sandboxId;
    const pod = sandboxId ? sandboxes.get(keyOf(f.sighting.engine, sandboxId)) : undefined;
    const member = records.get(key)!;
    if (!pod || pod === member) continue;
    member.pod = pod.name;
    if (pod.k8sNamespace) member.k8sNamespace = pod.k8sNamespace;
    if (f.named.k8sNamespace || pod.k8sNamespace) member.k8sContainer = member.name;
    (pod.members ??= []).push(member.key);
  }
}

/**
 * Each container's namespaces (its first process's) and processes (those in its mount
 * namespace, or with `--pid host`… still its own mount namespace; the host's never).
 */
export function fillNamespaces(
  records: Map<string, ContainerRecord>,
  processes: Map<number, ProcessRecord>,
  namespaces: Map<number, NamespaceRecord>,
  host: Set<number>,
  ownerOf: (ns: NamespaceRecord) => ContainerRecord | undefined,
): void {
  const byMnt = new Map<number, number[]>();
  for (const p of processes.values()) {
    const mnt = p.ns.mnt;
    if (mnt !== undefined && !host.has(mnt)) (byMnt.get(mnt) ?? byMnt.set(mnt, []).get(mnt)!).push(p.pid);
  }
  for (const r of records.values()) {
    const init = r.pid === null ? undefined : processes.get(r.pid);
    if (!init) continue;
    const mnt = init.ns.mnt;
    r.pids = mnt !== undefined && !host.has(mnt) ? (byMnt.get(mnt) ?? [init.pid]) : [init.pid];
    for (const type of NS_TYPES) {
      const ino = init.ns[type];
      if (ino === undefined) continue;
      r.namespaces.push(sharing(r, type, ino, host, namespaces.get(ino), ownerOf));
    }
  }
}

function sharing(
  r: ContainerRecord,
  type: ContainerNamespace['type'],
  ns: number,
  host: Set<number>,
  record: NamespaceRecord | undefined,
  ownerOf: (ns: NamespaceRecord) => ContainerRecord | undefined,
): ContainerNamespace {
  if (host.has(ns)) return { type, ns, sharing: 'host' };
  const owner = record && ownerOf(record);
  if (!owner || owner.key === r.key) return { type, ns, sharing: 'own' };
  return { type, ns, sharing: 'shared', with: displayName(owner), withKey: owner.key };
}

/** `dweb`, `pod pod1`. */
export function displayName(r: ContainerRecord): string {
  return r.kind === 'pod' ? `pod ${r.name}` : r.name;
}

/** What a namespace's `container` field says of its owner. */
export function refOf(r: ContainerRecord): ContainerRef | undefined {
  if (r.engine === null) return undefined;
  const ref: ContainerRef = { engine: r.engine, id: r.id, name: r.name };
  if (r.image) ref.image = r.image;
  const pod = r.kind === 'pod' ? r.name : r.pod;
  if (pod) ref.pod = pod;
  if (r.k8sNamespace) ref.k8sNamespace = r.k8sNamespace;
  return ref;
}

/**
 * `dweb (docker)`; a pod's `pod pod1 (podman)`; Kubernetes' `web-0/nginx (containerd, k8s shop)`
 * and `pod web-0 (containerd, k8s shop)`.
 */
export function containerLabel(r: ContainerRecord): string {
  const where = r.k8sNamespace ? `${r.engine}, k8s ${r.k8sNamespace}` : `${r.engine}`;
  if (r.kind === 'pod') return `pod ${r.name} (${where})`;
  if (r.pod && r.k8sNamespace) return `${r.pod}/${r.name} (${where})`;
  if (r.pod) return `${r.name} (${where}, pod ${r.pod})`;
  return `${r.name} (${where})`;
}
