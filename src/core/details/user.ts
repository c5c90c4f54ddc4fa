/**
 * A user namespace: its ID maps, setgroups, owner, depth, and what its member processes
 * may do in it (their capabilities). /proc/PID/{uid_map,gid_map,setgroups,status} are
 * readable by everyone, so a user sees as much as root of any process it knows is inside.
 */
import { NamespaceRecord } from '../model/snapshot';
import { capabilityNames, statusMasks } from './capabilities';
import {
  baseOf,
  commands,
  DetailsContext,
  depthOf,
  fromFirstProcess,
  hiddenWithoutRoot,
  visibleMembers,
} from './context';
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

export async function readUser(ns: NamespaceRecord, ctx: DetailsContext): Promise<UserDetails> {
  const details: UserDetails = { ...baseOf(ns, ctx), type: 'user' };
  const { proc, snapshot } = ctx;
  if (ns.ownerUid !== undefined) {
    details.ownerUid = ns.ownerUid;
    details.owner = ctx.users.get(ns.ownerUid) ?? null;
  } else {
    details.unavailable.push({
      what: 'owner',
      reason: snapshot.capabilities.hierarchyError ?? 'the kernel did not say',
      needsRoot: false,
    });
  }
  if (snapshot.capabilities.hierarchy) details.depth = depthOf(ns, ctx);

  const members = visibleMembers(ns, ctx);
  const maps = fromFirstProcess(members, (pid) => ({
    uidMap: parseIdMap(proc.pidFile(pid, 'uid_map')),
    gidMap: parseIdMap(proc.pidFile(pid, 'gid_map')),
    setgroups: parseSetgroups(proc.pidFile(pid, 'setgroups')),
  }));
  if ('value' in maps) {
    Object.assign(details, maps.value);
    details.via = `/proc/${maps.pid}`;
  } else {
    const reason =
      maps.error === null
        ? 'no process is in it to read them from'
        : `every member process exited, or could not be read (${maps.error})`;
    details.unavailable.push({ what: 'ID maps and setgroups', reason, needsRoot: false });
  }

  // Keyed by the masks as written: most processes share a few sets, each decoded once.
  const sets = new Map<string, CapabilitySet>();
  const command = commands(ctx);
  for (const pid of members) {
    let masks;
    try {
      masks = statusMasks(proc.pidFile(pid, 'status'));
    } catch {
      continue; // exited since the scan
    }
    const key = `${masks.effective}|${masks.permitted}|${masks.bounding}`;
    let set = sets.get(key);
    if (!set)
      sets.set(
        key,
        (set = {
          effective: capabilityNames(masks.effective),
          permitted: capabilityNames(masks.permitted),
          bounding: capabilityNames(masks.bounding),
          processes: [],
        }),
      );
    set.processes.push({ pid, command: command.get(pid) ?? '' });
  }
  details.capabilities = [...sets.values()].sort((a, b) => b.processes.length - a.processes.length);
  if (hiddenWithoutRoot(ctx) > 0) {
    details.unavailable.push({
      what: "other users' processes in it",
      reason: 'which user namespace they are in cannot be read without root',
      needsRoot: true,
    });
  }
  return details;
}
