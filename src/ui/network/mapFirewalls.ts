/**
 * The map is drawn first from the topology of the net namespaces (NetDetails.topology:
 * interfaces, addresses, routes), read in one request; their firewalls come after, from
 * the full details, which cost a run of nft inside each namespace. This keeps what the
 * full readings add and says which namespaces still need one. No vscode here.
 */
import type { NetDetails, NetFirewall, Unavailable } from '../../core/details/types';
import { plural } from '../../core/text/plural';

/** What a full reading adds to the map's drawing of a namespace: its firewall, and what it could not read. */
export interface FullParts {
  firewall?: NetFirewall;
  unavailable: Unavailable[];
}

export function fullParts(d: NetDetails): FullParts {
  return d.firewall ? { firewall: d.firewall, unavailable: d.unavailable } : { unavailable: d.unavailable };
}

/**
 * The namespaces of NETS whose full reading is to be asked for: all of them when ALL (the
 * first look, Read Again); else those neither read (KNOWN) nor being read (ASKED), that is
 * the ones that appeared. A firewall changes far less often than a snapshot comes, and
 * reading all of them again would cost a run of nft per namespace every few seconds.
 */
export function firewallsToRead(
  nets: readonly number[],
  known: ReadonlyMap<number, FullParts>,
  asked: ReadonlySet<number>,
  all: boolean,
): number[] {
  return all ? [...nets] : nets.filter((ns) => !known.has(ns) && !asked.has(ns));
}

/** The topology readings with what the full readings added, where there is one. */
export function withFullParts(
  topology: ReadonlyMap<number, NetDetails>,
  full: ReadonlyMap<number, FullParts>,
): Map<number, NetDetails> {
  const out = new Map<number, NetDetails>();
  for (const [ns, d] of topology) {
    const parts = full.get(ns);
    if (!parts) {
      out.set(ns, d);
      continue;
    }
    const seen = new Set(d.unavailable.map((u) => `${u.what}\n${u.reason}`));
    const added = parts.unavailable.filter((u) => !seen.has(`${u.what}\n${u.reason}`));
    const merged: NetDetails = { ...d, unavailable: [...d.unavailable, ...added] };
    if (parts.firewall) merged.firewall = parts.firewall;
    out.set(ns, merged);
  }
  return out;
}

/** The words next to the counts while firewalls are read; '' when none is. */
export function firewallStatus(reading: number): string {
  return reading ? `Reading the firewalls of ${plural(reading, 'namespace', 'namespaces')}…` : '';
}
