/** `nsx net`: the network map as text, JSON or Graphviz. */
import type { FirewallSummary, GraphInterface, GraphLink, NetGraph } from '../core/network/graph';
import { printable } from '../core/text/printable';
import { kindWord } from '../core/network/cardContent';
import { tunWords } from '../core/details/net/tunWords';

const title = (n: NetGraph['namespaces'][number]) => `${n.ns} ${n.container ?? n.label ?? '-'}`;

/** One block per namespace (its interfaces), then the wires. */
export function netText(graph: NetGraph): string {
  const lines: string[] = [];
  for (const n of graph.namespaces) {
    lines.push(`net ${title(n)} (${n.nprocs} ${n.nprocs === 1 ? 'process' : 'processes'})`);
    for (const i of n.interfaces) lines.push(`  ${i.name}: ${interfaceText(i)}`);
    const r = n.defaultRoute;
    if (r)
      lines.push(
        `  default route: ${[r.gateway && `via ${r.gateway}`, r.dev && `dev ${r.dev}`].filter(Boolean).join(' ')}`,
      );
    else if (n.interfaces.length) lines.push('  no default route');
    if (n.outside) lines.push(`  to the outside: ${n.outside.join(', ')}`);
    if (n.firewall) lines.push(`  firewall: ${firewallText(n.firewall)}`);
    for (const u of n.unknown ?? []) lines.push(`  unknown: ${u}`);
  }
  const byNs = new Map(graph.namespaces.map((n) => [n.ns, title(n)]));
  const end = (e: GraphLink['a']) => `${e.ifname}@${byNs.get(e.ns) ?? e.ns}`;
  if (graph.links.length) lines.push('', 'links:');
  for (const l of graph.links) lines.push(`  ${l.kind}: ${end(l.a)} — ${end(l.b)}`);
  return lines.map(printable).join('\n') + '\n';
}

/**
 * `veth UP 10.0.0.1/24 in br0` (a plain device is a `device`); what could not be read is said
 * in words: `kind unknown, state unknown; 10.0.0.1/24`, `kind unknown, state UP; in br0`,
 * `tun, state unknown; (held by openvpn (812))`.
 */
export function interfaceText(i: GraphInterface): string {
  const word = kindWord(i);
  const kind = word ?? (i.kindUnknown ? 'kind unknown' : 'device');
  const unknown = i.state === null || (word === null && i.kindUnknown);
  const head = unknown ? `${kind}, state ${i.state ?? 'unknown'}` : `${kind} ${i.state}`;
  const rest = [...i.addresses];
  if (i.master) rest.push(`in ${i.master}`);
  if (i.remote) rest.push(`remote ${i.remote}`);
  if (i.tun) rest.push(`(${tunWords(i.tun)})`);
  return rest.length ? `${head}${unknown ? ';' : ''} ${rest.join(' ')}` : head;
}

/** "filters, forwards/NAT, 12 rules": the map's badges in words. */
function firewallText(f: FirewallSummary): string {
  const parts = [f.filters && 'filters', f.nat && 'forwards/NAT'].filter(Boolean);
  return f.rules ? [...parts, f.rules === 1 ? '1 rule' : `${f.rules} rules`].join(', ') : 'no rules';
}

/** A Graphviz digraph: a cluster per namespace, a node per interface, an edge per wire. */
export function netDot(graph: NetGraph): string {
  const q = (s: string) => JSON.stringify(s);
  const id = (ns: number, ifname: string) => q(`${ns}/${ifname}`);
  const out = ['graph nsx_net {', '  rankdir=LR;', '  node [shape=box, style=rounded];'];
  for (const n of graph.namespaces) {
    out.push(`  subgraph ${q(`cluster_${n.ns}`)} {`, `    label=${q(`net ${title(n)}`)};`);
    for (const i of n.interfaces) {
      const label = [i.name, i.kind ?? '', i.state ?? '', ...i.addresses].filter(Boolean).join('\\n');
      out.push(`    ${id(n.ns, i.name)} [label=${q(label).replaceAll('\\\\n', '\\n')}];`);
    }
    out.push('  }');
  }
  for (const l of graph.links)
    out.push(`  ${id(l.a.ns, l.a.ifname)} -- ${id(l.b.ns, l.b.ifname)} [label=${q(l.kind)}];`);
  out.push('}');
  return out.join('\n') + '\n';
}
