/** A net namespace's details as sections: its interfaces, routes, sockets and firewall. */
import { Cell, refName, Section, table, textCell } from '../sectionParts';
import {
  ConnectedSocket,
  FirewallTable,
  ListeningSocket,
  NetDetails,
  NetFirewall,
  NetInterface,
  NetRoute,
  SocketOwner,
} from '../types';
import { tunWords } from './tunWords';

export function netSections(d: NetDetails): Section[] {
  const out: Section[] = [];
  if (d.interfaces) out.push(interfacesSection(d.interfaces));
  if (d.routes) out.push(routesSection(d.routes));
  if (d.sockets) out.push(socketsSection(d.sockets));
  if (d.connections) out.push(connectionsSection(d.connections));
  if (d.firewall) out.push(...firewallSections(d.firewall));
  return out;
}

function interfacesSection(interfaces: NetInterface[]): Section {
  return table(
    'net-interfaces',
    'Interfaces',
    ['Name', 'State', 'MTU', 'MAC', 'Addresses', 'Link'],
    interfaces.map((i) => [
      textCell(i.name),
      textCell(i.state),
      textCell(i.mtu),
      textCell(i.mac),
      textCell(i.addresses.map((a) => `${a.address}/${a.prefixlen}`).join(', ')),
      interfaceLink(i),
    ]),
    'no interfaces',
  );
}

/** What an interface is linked to: a veth's peer (a link to its namespace), a bridge's members, its master. */
function interfaceLink(i: NetInterface): Cell {
  const parts: string[] = [];
  let ns: number | undefined;
  if (i.peer) {
    const where = i.peer.ns === null ? 'in a namespace not found' : `in ${refName('net', i.peer.ns, i.peer.label)}`;
    parts.push(`veth ↔ ${i.peer.name ?? `ifindex ${i.peer.ifindex}`} ${where}`);
    if (i.peer.ns !== null) ns = i.peer.ns;
  } else if (i.tun) parts.push(i.tun.mode ?? 'tun', tunWords(i.tun));
  else if (i.kind) parts.push(i.kind);
  if (i.members) parts.push(i.members.length ? `members: ${i.members.join(', ')}` : 'no members');
  if (i.master) parts.push(`master ${i.master}`);
  return { text: parts.join(' · ') || '-', ...(ns !== undefined ? { ns } : {}) };
}

function routesSection(routes: NetRoute[]): Section {
  return table(
    'net-routes',
    'Routes',
    ['Destination', 'Gateway', 'Device', 'Protocol', 'Scope', 'Source', 'Metric'],
    routes.map((r) => [
      textCell(r.dst),
      textCell(r.gateway),
      textCell(r.dev),
      textCell(r.protocol),
      textCell(r.scope),
      textCell(r.prefsrc),
      textCell(r.metric),
    ]),
    'no routes',
  );
}

function socketsSection(sockets: ListeningSocket[]): Section {
  return table(
    'net-sockets',
    'Listening sockets',
    ['Protocol', 'Address', 'Port', 'Processes'],
    sockets.map((s) => [
      textCell(s.family === 'inet6' ? `${s.protocol}6` : s.protocol),
      textCell(s.address),
      textCell(s.port),
      textCell(owners(s.owners)),
    ]),
    'nothing listens',
  );
}

function owners(list: SocketOwner[] | null): string {
  return list === null ? 'not visible' : list.map((o) => `${o.command} (${o.pid})`).join(', ');
}

/** "10.0.0.1:80", "[fd00::1]:80": as ss writes an end. */
function end(e: { address: string; port: number }, family: 'inet' | 'inet6'): string {
  return family === 'inet6' ? `[${e.address}]:${e.port}` : `${e.address}:${e.port}`;
}

function connectionsSection(connections: ConnectedSocket[]): Section {
  return table(
    'net-connections',
    'Connected sockets',
    ['Protocol', 'Local', 'Remote', 'State', 'Processes'],
    connections.map((c) => [
      textCell(c.family === 'inet6' ? `${c.protocol}6` : c.protocol),
      textCell(end(c.local, c.family)),
      textCell(end(c.remote, c.family)),
      textCell(c.state),
      textCell(owners(c.owners)),
    ]),
    'no connections',
  );
}

/** One row per chain (a table without chains has one row of its own), its hook, policy and rule count. */
function chainRows(tables: FirewallTable[], priority: boolean): Cell[][] {
  return tables.flatMap((t) => {
    const name = textCell(`${t.family} ${t.name}`);
    if (!t.chains.length)
      return [
        [
          name,
          textCell('no chains'),
          ...(priority ? [textCell(null)] : []),
          textCell(null),
          textCell(null),
          textCell(0),
        ],
      ];
    return t.chains.map((c) => [
      name,
      textCell(c.name),
      textCell(c.hook ? `${c.type ?? ''} ${c.hook}`.trim() : 'regular chain'),
      ...(priority ? [textCell(c.priority)] : []),
      textCell(c.policy),
      textCell(c.rules),
    ]);
  });
}

/**
 * nftables and legacy iptables chains, and the NAT and port-forward rules of both in words:
 * a section for each that has something; a firewall with nothing at all is one line saying so.
 */
function firewallSections(fw: NetFirewall): Section[] {
  const out: Section[] = [];
  if (fw.nftables?.tables.length)
    out.push(
      table(
        'net-nftables',
        'Firewall: nftables',
        ['Table', 'Chain', 'Hook', 'Priority', 'Policy', 'Rules'],
        chainRows(fw.nftables.tables, true),
        'no nftables tables',
      ),
    );
  if (fw.legacy?.tables.length)
    out.push(
      table(
        'net-iptables-legacy',
        'Firewall: legacy iptables',
        ['Table', 'Chain', 'Hook', 'Policy', 'Rules'],
        chainRows(fw.legacy.tables, false),
        'no legacy iptables tables are loaded',
      ),
    );
  const rules = [
    ...(fw.nftables?.nat ?? []).map((r) => [textCell(r.chain), textCell(r.text)]),
    ...(fw.legacy?.nat ?? []).map((r) => [textCell(`${r.chain} (legacy)`), textCell(r.text)]),
  ];
  if (rules.length) out.push(table('net-nat', 'NAT and port forwards', ['Chain', 'Rule'], rules, 'no NAT rules'));
  const none = [fw.nftables && 'no nftables tables', fw.legacy && 'no legacy iptables tables are loaded'];
  if (!out.length && (fw.nftables || fw.legacy))
    out.push(table('net-firewall', 'Firewall', ['Table'], [], none.filter(Boolean).join(', and ')));
  return out;
}
