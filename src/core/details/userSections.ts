/** A user namespace's details as sections: its identity and ID maps, and the capabilities of its processes. */
import { plural } from '../text/plural';
import { ALL_KNOWN, CAPABILITY_COUNT, capabilityNames } from './capabilities';
import { fields, Section, table, textCell } from './sectionParts';
import { CapabilitySet, IdMapRange, UserDetails } from './types';

export function userSections(d: UserDetails): Section[] {
  const out: Section[] = [
    fields('user', 'Identity', [
      ['Owner', d.ownerUid === undefined ? undefined : d.owner ? `${d.owner} (${d.ownerUid})` : d.ownerUid],
      ['Depth', d.depth === undefined ? undefined : d.depth === 0 ? '0 (the initial user namespace)' : d.depth],
      ['UID map', mapText(d.uidMap)],
      ['GID map', mapText(d.gidMap)],
      ['setgroups', d.setgroups],
    ]),
  ];
  if (d.capabilities) out.push(capabilitiesSection(d.capabilities, initialUserNamespace(d)));
  return out;
}

function capabilitiesSection(sets: CapabilitySet[], initial: boolean): Section {
  return table(
    'user-capabilities',
    'Capabilities of its processes',
    ['Processes', 'Effective', 'Permitted', 'Bounding'],
    sets.map((c) => [
      textCell(processesText(c.processes)),
      textCell(capsText(c.effective, initial)),
      textCell(capsText(c.permitted, initial)),
      textCell(capsText(c.bounding, initial)),
    ]),
    'no process is in it',
  );
}

/** Up to three processes by command and PID; more as their count and the first three PIDs. */
function processesText(processes: CapabilitySet['processes']): string {
  if (processes.length > 3) {
    const first = processes
      .slice(0, 3)
      .map((p) => p.pid)
      .join(', ');
    return `${plural(processes.length, 'process', 'processes')}: ${first}, …`;
  }
  return processes.map((p) => `${p.command.split(' ')[0]} (${p.pid})`).join(', ');
}

/** ID map ranges as `inside → outside`; a range of one ID said to be one. */
function mapText(map: IdMapRange[] | undefined): string | undefined {
  if (!map) return undefined;
  if (!map.length) return 'none (unmapped)';
  const range = (from: number, count: number) => (count === 1 ? String(from) : `${from}–${from + count - 1}`);
  return map
    .map((r) => `${range(r.inside, r.count)} → ${range(r.outside, r.count)}${r.count === 1 ? ' (one ID)' : ''}`)
    .join(', ');
}

/**
 * Short names; a set with most capabilities as what it lacks. Outside the initial user
 * namespace, "all" is said to hold only inside: a process there is no root of the machine.
 */
function capsText(names: string[], initial: boolean): string {
  const short = (list: string[]) => list.map((n) => n.replace(/^cap_/, '')).join(' ');
  const missing = capabilityNames(ALL_KNOWN).filter((n) => !names.includes(n));
  const scope = initial ? '' : ', inside this user namespace only';
  if (!missing.length) return `all ${names.length}${scope}`;
  if (names.length > CAPABILITY_COUNT / 2) return `all but ${short(missing)}${scope}`;
  return names.length ? short(names) : 'none';
}

/**
 * Whether it is the initial user namespace: depth 0, or, where the kernel gave no depth,
 * the map of every ID to itself that only it has.
 */
function initialUserNamespace(d: Pick<UserDetails, 'depth' | 'uidMap'>): boolean {
  if (d.depth !== undefined) return d.depth === 0;
  return (
    d.uidMap?.length === 1 &&
    d.uidMap[0]!.inside === 0 &&
    d.uidMap[0]!.outside === 0 &&
    d.uidMap[0]!.count === 4294967295
  );
}
