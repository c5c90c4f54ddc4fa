/**
 * What iptables-legacy-save (or ip6tables-legacy-save) prints, as tables, chains with
 * their rule counts, and the NAT rules in words. Pure: the text in, a Ruleset out.
 */
import type { FirewallChain, FirewallTable, NatRule, Ruleset } from '../types';
import { NatMatch, natWords } from './natWords';

/** Words split as a shell would: iptables-save quotes a comment that has spaces. */
function tokens(line: string): string[] {
  return [...line.matchAll(/"((?:[^"\\]|\\.)*)"|(\S+)/g)].map((m) => m[1] ?? m[2]!);
}

/** Options naming what a rule matches, to the field of NatMatch they fill. */
const MATCHES: Record<string, 'protocol' | 'dport' | 'saddr' | 'daddr' | 'iif' | 'oif'> = {
  '-p': 'protocol',
  '--protocol': 'protocol',
  '--dport': 'dport',
  '--dports': 'dport',
  '--destination-port': 'dport',
  '-s': 'saddr',
  '--source': 'saddr',
  '-d': 'daddr',
  '--destination': 'daddr',
  '-i': 'iif',
  '--in-interface': 'iif',
  '-o': 'oif',
  '--out-interface': 'oif',
};

/** Options that match nothing themselves: a match module's name (its options follow), a comment. */
const SAID_ONLY = new Set(['-m', '--match', '--comment']);

const TARGETS: Record<string, NatRule['kind']> = {
  DNAT: 'dnat',
  SNAT: 'snat',
  MASQUERADE: 'masquerade',
  REDIRECT: 'redirect',
};

/** "10.0.0.2:80", "[fd00::2]:80", "10.0.0.2", ":80": the address and port of --to-destination. */
function splitTo(to: string): { to?: string; toPort?: string } {
  const m = /^\[(.*)\](?::(.+))?$/.exec(to) ?? (to.split(':').length === 2 ? /^(.*):(.+)$/.exec(to) : null);
  if (!m) return { to };
  return { ...(m[1] ? { to: m[1] } : {}), ...(m[2] ? { toPort: m[2] } : {}) };
}

/** The NAT of one `-A CHAIN …` rule's words after the chain name; null when its target is no NAT. */
export function natOfArgs(args: string[]): NatMatch | null {
  const m: Omit<NatMatch, 'kind'> = { others: 0 };
  let kind: NatRule['kind'] | null = null;
  let not = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const next = () => args[++i] ?? '';
    if (a === '!') {
      not = true;
      continue;
    }
    if (SAID_ONLY.has(a)) next();
    else if (a === '-j' || a === '--jump') kind = TARGETS[next()] ?? null;
    else if (a === '--to-destination' || a === '--to-source') Object.assign(m, splitTo(next()));
    else if (a === '--to-ports') m.toPort = next();
    else if (MATCHES[a]) {
      const v = next();
      m[MATCHES[a]] = not ? `not ${v}` : v;
    } else if (a.startsWith('-')) {
      m.others++;
      while (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) i++;
    }
    not = false;
  }
  return kind && { ...m, kind };
}

/** The tables of iptables-save's text, FAMILY ip or ip6. */
export function parseIptablesSave(saved: string, family: 'ip' | 'ip6'): Ruleset {
  const tables: FirewallTable[] = [];
  const nat: NatRule[] = [];
  let table: FirewallTable | null = null;
  for (const line of saved.split('\n')) {
    if (line.startsWith('*')) {
      table = { family, name: line.slice(1).trim(), chains: [] };
      tables.push(table);
    } else if (line.startsWith(':') && table) {
      // ":INPUT ACCEPT [0:0]"; a chain of the user's has "-" for policy.
      const [name = '?', policy = '-'] = line.slice(1).trim().split(/\s+/);
      const builtin = policy !== '-';
      const chain: FirewallChain = {
        name,
        type: builtin ? table.name : null,
        hook: builtin ? name.toLowerCase() : null,
        priority: null,
        policy: builtin ? policy.toLowerCase() : null,
        rules: 0,
      };
      table.chains.push(chain);
    } else if (line.startsWith('-A ') && table) {
      const [, chainName, ...args] = tokens(line);
      const chain = table.chains.find((c) => c.name === chainName);
      if (chain) chain.rules++;
      const m = natOfArgs(args);
      if (m) nat.push({ kind: m.kind, chain: `${family} ${table.name} ${chainName}`, text: natWords(m) });
    }
  }
  return { tables, nat };
}
