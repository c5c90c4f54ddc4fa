/** `nsx containers`: one row per pod, container and sandbox, members under their pod. */
import type { ContainerNamespace, ContainerRecord } from '../core/containers/types';
import type { Snapshot } from '../core/model/snapshot';
import { plural } from '../core/text/plural';
import { dash, table } from './render';

interface Row {
  record: ContainerRecord;
  prefix: string;
}

/** Pods first with their members under them, then the other containers, then sandboxes. */
function rows(records: readonly ContainerRecord[]): Row[] {
  const byKey = new Map(records.map((r) => [r.key, r]));
  const inPod = new Set(records.flatMap((r) => r.members ?? []));
  const out: Row[] = [];
  for (const r of records) {
    if (inPod.has(r.key)) continue;
    out.push({ record: r, prefix: '' });
    const members = (r.members ?? []).flatMap((k) => byKey.get(k) ?? []);
    members.forEach((m, i) => out.push({ record: m, prefix: i === members.length - 1 ? '└─' : '├─' }));
  }
  return out;
}

/** `own: mnt pid · host: user · shared with dweb: net`, types grouped by how they are had. */
export function sharingText(namespaces: readonly ContainerNamespace[]): string {
  const groups = new Map<string, string[]>();
  for (const n of namespaces) {
    const how = n.sharing === 'shared' ? `shared with ${n.with}` : n.sharing;
    (groups.get(how) ?? groups.set(how, []).get(how)!).push(n.type);
  }
  return [...groups].map(([how, types]) => `${how}: ${types.join(' ')}`).join(' · ');
}

export function containerTable(records: readonly ContainerRecord[], width?: number): string {
  return table(
    rows(records),
    [
      { header: 'NAME', value: ({ record: r, prefix }) => prefix + (r.kind === 'pod' ? `pod ${r.name}` : r.name) },
      { header: 'ENGINE', value: ({ record: r }) => r.engine ?? `(${r.madeBy ?? 'sandbox'})` },
      { header: 'STATE', value: ({ record: r }) => r.state },
      { header: 'PID', value: ({ record: r }) => dash(r.pid), right: true },
      { header: 'PROCS', value: ({ record: r }) => String(r.pids.length), right: true },
      { header: 'IMAGE', value: ({ record: r }) => dash(r.image ?? (r.k8sNamespace ? `k8s ${r.k8sNamespace}` : null)) },
      { header: 'NAMESPACES', value: ({ record: r }) => sharingText(r.namespaces) },
    ],
    width,
  );
}

/** Why a name is missing, and which engine refused the user and what would let them in. */
export function containerNotes(snapshot: Snapshot): string[] {
  // One line per reason: the containers of one engine are usually nameless for the same one.
  const byReason = new Map<string, string[]>();
  for (const r of snapshot.containers ?? [])
    if (r.unnamed)
      (byReason.get(r.unnamed) ?? byReason.set(r.unnamed, []).get(r.unnamed)!).push(`${r.name} (${r.engine})`);
  const notes = [...byReason].map(([why, names]) => `no name for ${names.join(', ')}: ${why}`);
  for (const r of snapshot.engineRefusals ?? []) notes.push(`${r.engine}'s socket ${r.socket} refused you: ${r.hint}`);
  const unseen = (snapshot.containers ?? []).filter((r) => r.pid === null).length;
  if (unseen) {
    const who = plural(unseen, 'container', 'containers');
    notes.push(`${who} listed by the engine run as another user: add --as-root for their namespaces`);
  }
  return notes;
}
