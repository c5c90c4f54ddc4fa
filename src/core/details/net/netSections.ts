/** A net namespace's details as sections: its interfaces, routes and listening sockets. */
import { Cell, refName, Section, table, textCell } from '../sectionParts';
import { ListeningSocket, NetDetails, NetInterface, NetRoute } from '../types';

export function netSections(d: NetDetails): Section[] {
  const out: Section[] = [];
  if (d.interfaces) out.push(interfacesSection(d.interfaces));
  if (d.routes) out.push(routesSection(d.routes));
  if (d.sockets) out.push(socketsSection(d.sockets));
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
  } else if (i.kind) parts.push(i.kind);
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
      textCell(s.owners === null ? 'not visible' : s.owners.map((o) => `${o.command} (${o.pid})`).join(', ')),
    ]),
    'nothing listens',
  );
}
