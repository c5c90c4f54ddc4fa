/**
 * A user namespace: its ID maps, setgroups, owner, depth, and what its member processes
 * may do in it (their capabilities). /proc/PID/{uid_map,gid_map,setgroups,status} are
 * readable by everyone, so a user sees as much as root of any process it knows is inside.
 */
import { NamespaceRecord } from '../snapshot';
import { statusCapabilities } from './capabilities';
import { baseOf, DetailsContext, visibleMembers } from './context';
import { CapabilitySet, IdMapRange, UserDetails } from './types';

/** An uid_map / gid_map: "inside outside count" per line. */
export function parseIdMap(text: string): IdMapRange[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((line) => {
      const f = line.trim().split(/\s+/);
      if (f.length !== 3 || !f.every((x) => /^\d+$/.test(x))) throw new Error(`malformed ID map line '${line.trim()}'`);
      return { inside: Number(f[0]), outside: Number(f[1]), count: Number(f[2]) };
    });
}

export function parseSetgroups(text: string): 'allow' | 'deny' {
  const word = text.trim();
  if (word !== 'allow' && word !== 'deny') throw new Error(`unexpected setgroups '${word}'`);
  return word;
}

/** How many user namespaces are above this one, by the parents the snapshot knows. */
export function depthOf(ns: NamespaceRecord, byIno: Map<number, NamespaceRecord>): number {
  let depth = 0;
  for (let p = ns.pns; p !== null && depth < 64; p = byIno.get(p)?.pns ?? null) depth++;
  return depth;
}

export async function readUser(ns: NamespaceRecord, ctx: DetailsContext): Promise<UserDetails> {
  const details: UserDetails = { ...baseOf(ns, ctx), type: 'user' };
  const { proc, snapshot } = ctx;
  if (ns.ownerUid !== undefined) {
    details.ownerUid = ns.ownerUid;
    details.owner = ctx.users.get(ns.ownerUid) ?? null;
  } else {
    details.unavailable.push({ what: 'owner', reason: snapshot.capabilities.hierarchyError ?? 'the kernel did not say', needsRoot: false });
  }
  if (snapshot.capabilities.hierarchy) details.depth = depthOf(ns, new Map(snapshot.namespaces.map((n) => [n.ns, n])));

  const members = visibleMembers(ns, ctx);
  let mapsFrom: number | undefined;
  for (const pid of members) {
    try {
      details.uidMap = parseIdMap(proc.pidFile(pid, 'uid_map'));
      details.gidMap = parseIdMap(proc.pidFile(pid, 'gid_map'));
      details.setgroups = parseSetgroups(proc.pidFile(pid, 'setgroups'));
      mapsFrom = pid;
      break;
    } catch {
      // Exited since the scan, or an unreadable map: try the next member.
    }
  }
  if (mapsFrom !== undefined) details.via = `/proc/${mapsFrom}`;
  else details.unavailable.push({ what: 'ID maps and setgroups', reason: members.length ? 'every member process exited' : 'no process is in it to read them from', needsRoot: false });

  const sets = new Map<string, CapabilitySet>();
  for (const pid of members) {
    let caps;
    try {
      caps = statusCapabilities(proc.pidFile(pid, 'status'));
    } catch {
      continue; // exited since the scan
    }
    const key = `${caps.effective.join()}|${caps.permitted.join()}|${caps.bounding.join()}`;
    const command = snapshot.processes.find((p) => p.pid === pid)?.command ?? '';
    const set = sets.get(key) ?? { ...caps, processes: [] };
    set.processes.push({ pid, command });
    sets.set(key, set);
  }
  details.capabilities = [...sets.values()].sort((a, b) => b.processes.length - a.processes.length);
  if (snapshot.scanner.uid !== 0 && snapshot.hidden.byReason.EACCES > 0) {
    details.unavailable.push({ what: "other users' processes in it", reason: 'which user namespace they are in cannot be read without root', needsRoot: true });
  }
  return details;
}
