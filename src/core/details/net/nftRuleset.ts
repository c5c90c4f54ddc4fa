/**
 * `nft -j list ruleset` as tables, chains with their rule counts, and the NAT rules in
 * words. Pure: nft's JSON text in (libnftables-json(5)), a Ruleset out.
 */
import type { FirewallChain, FirewallTable, NatRule, Ruleset } from '../types';
import { NatMatch, natWords } from './natWords';

type Json = unknown;
type Obj = Record<string, Json>;

const isObj = (v: Json): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: Json): string | null => (typeof v === 'string' || typeof v === 'number' ? String(v) : null);

/** A match's right side as text: 8080, "eth0", a set {53, 5353}, a range, a prefix; null for what has no words. */
function value(v: Json): string | null {
  if (!isObj(v)) return text(v);
  if (Array.isArray(v.set)) {
    const items = v.set.map(value);
    return items.every((i) => i !== null) ? items.join(',') : null;
  }
  if (Array.isArray(v.range) && v.range.length === 2) {
    const [a, b] = v.range.map(text);
    return a && b ? `${a}-${b}` : null;
  }
  if (isObj(v.prefix)) {
    const addr = text(v.prefix.addr);
    const len = text(v.prefix.len);
    return addr && len ? `${addr}/${len}` : null;
  }
  return null;
}

const PORT_PROTOCOLS = new Set(['tcp', 'udp', 'sctp', 'dccp', 'udplite']);

/** Which field of NatMatch a match's left side fills, if any. */
function field(
  left: Json,
): { key: 'dport' | 'saddr' | 'daddr' | 'iif' | 'oif' | 'protocol'; protocol?: string } | null {
  if (!isObj(left)) return null;
  if (isObj(left.payload)) {
    const protocol = text(left.payload.protocol);
    const name = text(left.payload.field);
    if (name === 'dport' && protocol && (PORT_PROTOCOLS.has(protocol) || protocol === 'th'))
      return { key: 'dport', ...(protocol !== 'th' ? { protocol } : {}) };
    if ((protocol === 'ip' || protocol === 'ip6') && (name === 'saddr' || name === 'daddr')) return { key: name };
    if ((protocol === 'ip' && name === 'protocol') || (protocol === 'ip6' && name === 'nexthdr'))
      return { key: 'protocol' };
  }
  if (isObj(left.meta)) {
    const key = text(left.meta.key);
    if (key === 'iifname' || key === 'iif') return { key: 'iif' };
    if (key === 'oifname' || key === 'oif') return { key: 'oif' };
    if (key === 'l4proto') return { key: 'protocol' };
  }
  return null;
}

const NAT_KINDS = new Set<NatRule['kind']>(['dnat', 'snat', 'masquerade', 'redirect']);

/** The NAT statement of a rule's expressions and what it matches; null when it has none. */
export function natOfRule(expr: Json[]): NatMatch | null {
  let found: NatMatch | null = null;
  const m: Omit<NatMatch, 'kind'> = { others: 0 };
  for (const e of expr) {
    if (!isObj(e)) continue;
    const [name, body] = Object.entries(e)[0] ?? [];
    if (name === 'match' && isObj(body)) {
      const f = field(body.left);
      const v = value(body.right);
      const op = text(body.op) ?? '==';
      if (!f || v === null || (op !== '==' && op !== '!=' && op !== 'in')) {
        m.others++;
        continue;
      }
      m[f.key] = op === '!=' ? `not ${v}` : v;
      if (f.protocol) m.protocol = f.protocol;
    } else if (name && NAT_KINDS.has(name as NatRule['kind'])) {
      found = { kind: name as NatRule['kind'], others: 0 };
      if (isObj(body)) {
        // A map lookup (dnat to ip daddr map { … }) has an object here, not an address.
        if (body.addr !== undefined) found.to = value(body.addr) ?? 'an address from a map';
        if (body.port !== undefined) found.toPort = value(body.port) ?? 'a port from a map';
      }
    }
  }
  return found && { ...m, ...found, others: m.others };
}

/** The ruleset of `nft -j list ruleset`; throws when the text is not nft's JSON. */
export function parseNftRuleset(json: string): Ruleset {
  const doc = JSON.parse(json) as Json;
  if (!isObj(doc) || !Array.isArray(doc.nftables)) throw new Error('nft printed JSON without an "nftables" list');
  const tables = new Map<string, FirewallTable>();
  const chains = new Map<string, FirewallChain>();
  const nat: NatRule[] = [];
  const key = (o: Obj, ...more: Json[]) => JSON.stringify([o.family, o.table ?? o.name, ...more]);
  for (const item of doc.nftables) {
    if (!isObj(item)) continue;
    if (isObj(item.table)) {
      const t = item.table;
      tables.set(key(t), { family: text(t.family) ?? '?', name: text(t.name) ?? '?', chains: [] });
    } else if (isObj(item.chain)) {
      const c = item.chain;
      const chain: FirewallChain = {
        name: text(c.name) ?? '?',
        type: text(c.type),
        hook: text(c.hook),
        priority: typeof c.prio === 'number' ? c.prio : null,
        policy: text(c.policy),
        rules: 0,
      };
      tables.get(key(c))?.chains.push(chain);
      chains.set(key(c, c.name), chain);
    } else if (isObj(item.rule)) {
      const r = item.rule;
      const chain = chains.get(key(r, r.chain));
      if (chain) chain.rules++;
      const m = Array.isArray(r.expr) ? natOfRule(r.expr) : null;
      if (m)
        nat.push({ kind: m.kind, chain: `${text(r.family)} ${text(r.table)} ${text(r.chain)}`, text: natWords(m) });
    }
  }
  return { tables: [...tables.values()], nat };
}
