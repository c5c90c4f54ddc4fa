/**
 * Naming containers in a snapshot: which namespaces belong to which container, pod or
 * sandbox, under what name. Runtimes' traces first (cheap, and enough as root); an
 * engine's API only for what they left unnamed, or when the user cannot see the
 * engine's processes.
 */
import { discover, DiscoverOptions, initialInodes } from '../discovery/discover';
import { ProcSource, ReadOnce } from '../linux/procfs';
import type { NamespaceRecord, Snapshot } from '../model/snapshot';
import { containerLabel, containerRecords, fillNamespaces, Found, keyOf, refOf } from './assemble';
import { ApiContainer, engineSockets, listContainers, listedRecord } from './engineApi';
import { Identifier } from './identify';
import { containerInCgroup } from './cgroupIds';
import { CgroupPaths } from '../discovery/labels';
import { NameReader } from './names';
import { sandboxRecords } from './sandboxes';
import type { ContainerRecord, EngineRefusal } from './types';

export interface NamingOptions {
  proc?: ProcSource;
  /** The cgroup paths the scan already read (discoverNamed shares them). */
  cgroups?: CgroupPaths;
  /** Ask engines' API sockets where traces are not enough (default true). */
  api?: boolean;
  /** List sandboxes among the containers (default true); `nsx list` shows none. */
  sandboxes?: boolean;
}

export async function discoverNamed(options: DiscoverOptions & NamingOptions = {}): Promise<Snapshot> {
  // One scan asks for the same processes' files several times (faces, parents, makers).
  const proc = options.proc ?? new ReadOnce();
  const shared = { ...options, proc, cgroups: options.cgroups ?? new CgroupPaths(proc) };
  const snapshot = discover(shared);
  await nameContainers(snapshot, shared);
  return snapshot;
}

export async function nameContainers(snapshot: Snapshot, options: NamingOptions = {}): Promise<void> {
  const proc = options.proc ?? new ProcSource(snapshot.scanner.procRoot);
  const byPid = new Map(snapshot.processes.map((p) => [p.pid, p]));
  const host = initialInodes(byPid.get(2));
  const cgroups = options.cgroups ?? new CgroupPaths(proc);
  const identifier = new Identifier(proc, byPid, cgroups);
  const { found, keyOfPid } = sight(identifier, snapshot, host);
  if (snapshot.scanner.uid !== 0) sightHidden(cgroups, identifier, snapshot, found);
  const reader = new NameReader(proc);
  for (const f of found.values()) f.named = reader.read(f.sighting);

  const refusals: EngineRefusal[] = [];
  const listed =
    options.api !== false && needsEngines(snapshot, found) ? await askEngines(proc, snapshot, found, refusals) : [];
  for (const f of found.values()) {
    const nameless = f.named.unnamed || (f.named.sandbox && !f.named.pod);
    if (f.hiddenPids && nameless) f.named.unnamed = hiddenReason(f, refusals);
  }

  const bySighting = containerRecords(found);
  const namespaces = new Map(snapshot.namespaces.map((n) => [n.ns, n]));
  const ownerOf = (n: NamespaceRecord) => {
    const key = n.pid === null ? undefined : keyOfPid.get(n.pid);
    return key === undefined ? undefined : bySighting.get(key);
  };
  fillNamespaces(bySighting, byPid, namespaces, host, ownerOf);
  for (const [key, f] of found) if (f.hiddenPids) bySighting.get(key)!.pids = f.hiddenPids;
  const records = [...bySighting.values()];
  relabel(snapshot.namespaces, ownerOf);
  const contained = new Set(records.flatMap((r) => r.pids));
  records.sort(byEngineThenName);
  records.push(...unseen(listed, bySighting));
  const sandboxes =
    options.sandboxes === false ? [] : sandboxRecords(proc, snapshot.processes, contained, host, namespaces);
  snapshot.containers = [...records, ...sandboxes];
  if (refusals.length) snapshot.engineRefusals = refusals;
}

/** The container of each non-initial namespace's senior process. */
function sight(identifier: Identifier, snapshot: Snapshot, host: Set<number>) {
  const found = new Map<string, Found>();
  const keyOfPid = new Map<number, string>();
  for (const n of snapshot.namespaces) {
    if (n.ghost || n.pid === null || host.has(n.ns)) continue;
    const s = identifier.of(n.pid);
    if (!s) continue;
    const key = keyOf(s.engine, s.id);
    keyOfPid.set(n.pid, key);
    const known = found.get(key);
    if (!known) found.set(key, { sighting: s, named: {}, pid: s.init ?? n.pid });
    else if (known.sighting.init === undefined && s.init !== undefined)
      found.set(key, { ...known, sighting: s, pid: s.init });
    else if (known.sighting.init === undefined) known.pid = Math.min(known.pid, n.pid);
  }
  return { found, keyOfPid };
}

/**
 * Containers among the processes an ordinary user cannot look into: their cgroup and
 * their parent's command line are open to all, their namespaces and bundles are not. One
 * cgroup read per such process; its container is then known by id, and by name where the
 * runtime's command line says it (conmon's `-n`).
 */
function sightHidden(
  cgroups: CgroupPaths,
  identifier: Identifier,
  snapshot: Snapshot,
  found: Map<string, Found>,
): void {
  for (const p of snapshot.processes) {
    if (p.hidden !== 'EACCES') continue;
    const cgroup = containerInCgroup(cgroups.of(p.pid));
    if (!cgroup?.engine) continue;
    const key = keyOf(cgroup.engine, cgroup.id);
    const known = found.get(key);
    if (known?.hiddenPids) known.hiddenPids.push(p.pid);
    else if (!known) {
      // Processes come in PID order: the first is the container's first.
      const s = identifier.of(p.pid) ?? { engine: cgroup.engine, id: cgroup.id };
      found.set(key, { sighting: s, named: {}, pid: p.pid, hiddenPids: [p.pid] });
    }
  }
}

/** Why a container seen only by its cgroup has no name, and what would let the user read it. */
function hiddenReason(f: Found, refusals: EngineRefusal[]): string {
  const refused = refusals.find((r) => r.engine === f.sighting.engine);
  const fix = refused?.hint ?? 'use Show All Namespaces (nsx --as-root) to read it as root through polkit';
  return `its processes and its engine's state are another user's: ${fix}`;
}

/**
 * A namespace of a container's first process is the container's (`dweb (docker)`); one
 * made inside a container keeps its own label and says where it is.
 */
function relabel(namespaces: NamespaceRecord[], ownerOf: (n: NamespaceRecord) => ContainerRecord | undefined): void {
  for (const n of namespaces) {
    const owner = ownerOf(n);
    if (!owner) continue;
    const ref = refOf(owner);
    if (ref) n.container = ref;
    if (owner.unnamed) n.unnamed = owner.unnamed;
    const isOwners = owner.namespaces.some((c) => c.ns === n.ns && c.sharing === 'own');
    n.label = isOwners ? containerLabel(owner) : `${n.label ?? 'namespace'} in ${containerLabel(owner)}`;
  }
}

/**
 * Engines are asked when traces left a Docker or Podman container unnamed, or when the
 * user cannot see others' processes.
 */
function needsEngines(snapshot: Snapshot, found: Map<string, Found>): boolean {
  for (const f of found.values()) {
    const engine = f.named.engine ?? f.sighting.engine;
    if ((engine === 'docker' || engine === 'podman') && (f.named.unnamed || (f.named.sandbox && !f.named.pod)))
      return true;
  }
  return snapshot.scanner.uid !== 0 && snapshot.hidden.byReason.EACCES > 0;
}

/** Fills in what the engines say of the containers found; returns every container they listed. */
async function askEngines(
  proc: ProcSource,
  snapshot: Snapshot,
  found: Map<string, Found>,
  refusals: EngineRefusal[],
): Promise<ApiContainer[]> {
  const sockets = engineSockets(proc, snapshot.processes);
  const answers = await Promise.all(sockets.map((s) => listContainers(s)));
  const listed = new Map<string, ApiContainer>();
  for (const a of answers) {
    if (!Array.isArray(a)) refusals.push(a);
    else for (const c of a) listed.set(keyOf(c.engine, c.id), c);
  }
  for (const [key, f] of found) {
    const c = listed.get(key);
    if (!c) continue;
    f.named = { ...f.named, name: c.name, state: c.state, nameSource: 'api' };
    delete f.named.unnamed;
    if (c.image) f.named.image = c.image;
    if (c.infra) Object.assign(f.named, { sandbox: true, podId: c.podId, pod: c.pod });
    else if (c.podId) f.named.sandboxId = [...listed.values()].find((o) => o.infra && o.podId === c.podId)?.id;
  }
  return [...listed.values()];
}

/**
 * Running containers an engine listed whose processes this scan could not see (they are
 * root's, and the user may use the engine's socket): listed by name, without namespaces.
 */
function unseen(listed: ApiContainer[], records: Map<string, ContainerRecord>): ContainerRecord[] {
  const known = new Set([...records.values()].map((r) => r.key));
  return listed
    .filter((c) => !c.infra && (c.state === 'running' || c.state === 'paused') && !known.has(keyOf(c.engine, c.id)))
    .map(listedRecord);
}

function byEngineThenName(a: ContainerRecord, b: ContainerRecord): number {
  return (a.engine ?? '').localeCompare(b.engine ?? '') || a.name.localeCompare(b.name);
}
