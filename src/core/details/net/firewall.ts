/**
 * A net namespace's firewall, as root: nftables through `nft -j list ruleset` and legacy
 * iptables through iptables-legacy-save, each run inside the namespace (inNet.ts). Legacy
 * tables exist in a namespace only once something loaded them there, which its
 * /proc/net/ip_tables_names tells (read from inside by the reading thread), so the legacy
 * tools run only where there is something to list.
 */
import type { NamespaceRecord } from '../../model/snapshot';
import { DetailsContext } from '../context';
import type { LegacyLoaded } from '../threadProtocol';
import type { NetFirewall, Ruleset, Unavailable } from '../types';
import { findTool, ToolMissingError } from '../../linux/tools';
import { runInNet } from './inNet';
import { parseIptablesSave } from './iptablesSave';
import { parseNftRuleset } from './nftRuleset';

/** The names of /proc/net/ip_tables_names (one a line); none when the file is absent (no module loaded). */
export function parseTableNames(text: string | null): string[] {
  return (text ?? '')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

const SAVERS = { ip: 'iptables-legacy-save', ip6: 'ip6tables-legacy-save' } as const;

export const FIREWALL_NEEDS_ROOT: Unavailable = {
  what: 'the firewall (nftables and legacy iptables rules)',
  reason: 'it is listed by running nft and iptables-legacy-save inside the namespace, which needs root',
  needsRoot: true,
};

async function nftables(ns: NamespaceRecord, ctx: DetailsContext): Promise<Ruleset | Unavailable> {
  const what = 'the nftables ruleset';
  const nft = findTool('nft');
  if (!nft) return { what, reason: new ToolMissingError('nft').message, needsRoot: false };
  const got = await runInNet(ns, ctx, [nft, '-j', 'list', 'ruleset']);
  if ('error' in got) return { what, reason: got.error, needsRoot: false };
  try {
    // An empty ruleset is printed as an empty list, or by older nft as nothing at all.
    return got.stdout.trim() ? parseNftRuleset(got.stdout) : { tables: [], nat: [] };
  } catch (err) {
    return { what, reason: `nft -j printed what is not its JSON (${(err as Error).message})`, needsRoot: false };
  }
}

async function legacy(
  ns: NamespaceRecord,
  ctx: DetailsContext,
  loaded: LegacyLoaded,
): Promise<Ruleset | Unavailable[]> {
  const out: Ruleset = { tables: [], nat: [] };
  const problems: Unavailable[] = [];
  for (const family of ['ip', 'ip6'] as const) {
    if (!loaded[family].length) continue;
    const what = `the legacy ${family === 'ip' ? 'iptables' : 'ip6tables'} rules (${loaded[family].join(', ')})`;
    const saver = findTool(SAVERS[family]);
    if (!saver) {
      problems.push({ what, reason: new ToolMissingError(SAVERS[family]).message, needsRoot: false });
      continue;
    }
    const got = await runInNet(ns, ctx, [saver]);
    if ('error' in got) {
      problems.push({ what, reason: got.error, needsRoot: false });
      continue;
    }
    const read = parseIptablesSave(got.stdout, family);
    out.tables.push(...read.tables);
    out.nat.push(...read.nat);
  }
  return problems.length ? problems : out;
}

/** Root only: the firewall of NS and what of it could not be read. */
export async function readFirewall(
  ns: NamespaceRecord,
  ctx: DetailsContext,
  loaded: LegacyLoaded,
): Promise<{ firewall: NetFirewall; unavailable: Unavailable[] }> {
  const [nft, old] = await Promise.all([nftables(ns, ctx), legacy(ns, ctx, loaded)]);
  const firewall: NetFirewall = {};
  const unavailable: Unavailable[] = [];
  if ('tables' in nft) firewall.nftables = nft;
  else unavailable.push(nft);
  if (Array.isArray(old)) unavailable.push(...old);
  else firewall.legacy = old;
  return { firewall, unavailable };
}
