/**
 * The details of a namespace laid out as titled sections of rows: what `nsx show` prints
 * and what the Namespace Details panel draws (its tables sort and filter these rows).
 * A cell may name another namespace (a veth peer's, an owner), which the panel links.
 */
import { plural } from '../text/plural';
import type { NsType } from '../model/snapshot';
import { ALL_KNOWN, CAPABILITY_COUNT, capabilityNames } from './capabilities';
import { ClockOffset, IdMapRange, NamespaceDetails, NamespaceRef, NetInterface, UserDetails } from './types';

export interface Cell {
  text: string;
  /** A namespace this cell names: the panel navigates the tree to it. */
  ns?: number;
}

export interface Section {
  /** Stable key: net-interfaces, uts, ipc-shm… */
  id: string;
  title: string;
  /** 'fields' sections are name / value pairs; 'table' ones have a header row. */
  kind: 'fields' | 'table';
  columns: string[];
  rows: Cell[][];
  /** What an empty table means, in words. */
  empty: string;
}

const text = (v: string | number | null | undefined): Cell => ({
  text: v === null || v === undefined || v === '' ? '-' : String(v),
});

function fields(id: string, title: string, pairs: [string, Cell | string | number | null | undefined][]): Section {
  const rows = pairs
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => [{ text: k }, typeof v === 'object' && v !== null ? v : text(v)]);
  return { id, title, kind: 'fields', columns: ['', ''], rows, empty: 'nothing could be read' };
}

function table(id: string, title: string, columns: string[], rows: Cell[][], empty: string): Section {
  return { id, title, kind: 'table', columns, rows, empty };
}

function interfaceNotes(i: NetInterface): Cell {
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

function mapText(map: IdMapRange[] | undefined): string | undefined {
  if (!map) return undefined;
  if (!map.length) return 'none (unmapped)';
  const range = (from: number, count: number) => (count === 1 ? String(from) : `${from}–${from + count - 1}`);
  return map
    .map((r) => `${range(r.inside, r.count)} → ${range(r.outside, r.count)}${r.count === 1 ? ' (one ID)' : ''}`)
    .join(', ');
}

function offsetText(o: ClockOffset | undefined): string | undefined {
  if (!o) return undefined;
  return o.nanoseconds ? `${o.seconds} s ${o.nanoseconds} ns` : `${o.seconds} s`;
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

/** Whether it is the initial user namespace: depth 0, or, where the kernel gave no depth, the map of every ID to itself that only it has. */
function initialUserNamespace(d: Pick<UserDetails, 'depth' | 'uidMap'>): boolean {
  if (d.depth !== undefined) return d.depth === 0;
  return (
    d.uidMap?.length === 1 &&
    d.uidMap[0]!.inside === 0 &&
    d.uidMap[0]!.outside === 0 &&
    d.uidMap[0]!.count === 4294967295
  );
}

/** What is inside, then the namespaces it is related to. */
export function detailSections(d: NamespaceDetails): Section[] {
  return [...contentSections(d), relatedSection(d)];
}

/** Another namespace as the sections name it: `user 4026531837 (host)`. */
function refName(type: NsType, ns: number, label: string | null): string {
  return `${type} ${ns}${label ? ` (${label})` : ''}`;
}

/** A cell naming another namespace, linked. */
function refCell(type: 'user' | 'pid', ref: NamespaceRef): Cell {
  return { text: refName(type, ref.ns, ref.label), ns: ref.ns };
}

/**
 * The owning user namespace and, for PID and user namespaces, the parent: links in the
 * panel. A user namespace's owner is its parent, so it is named once.
 */
function relatedSection(d: NamespaceDetails): Section {
  const initial = (d.type === 'pid' || d.type === 'user') && d.depth === 0;
  const parent = (type: 'user' | 'pid'): Cell =>
    d.parentNs
      ? refCell(type, d.parentNs)
      : text(initial ? `none (the initial ${type === 'pid' ? 'PID' : 'user'} namespace)` : 'not visible');
  const owner = d.ownerNs ? refCell('user', d.ownerNs) : text('not visible');
  const rows: [string, Cell][] =
    d.type === 'user'
      ? [['Parent user namespace', parent('user')]]
      : d.type === 'pid'
        ? [
            ['Parent PID namespace', parent('pid')],
            ['Owner user namespace', owner],
          ]
        : [['Owner user namespace', owner]];
  return fields('related', 'Related namespaces', rows);
}

function contentSections(d: NamespaceDetails): Section[] {
  switch (d.type) {
    case 'net': {
      const out: Section[] = [];
      if (d.interfaces) {
        out.push(
          table(
            'net-interfaces',
            'Interfaces',
            ['Name', 'State', 'MTU', 'MAC', 'Addresses', 'Link'],
            d.interfaces.map((i) => [
              text(i.name),
              text(i.state),
              text(i.mtu),
              text(i.mac),
              text(i.addresses.map((a) => `${a.address}/${a.prefixlen}`).join(', ')),
              interfaceNotes(i),
            ]),
            'no interfaces',
          ),
        );
      }
      if (d.routes) {
        out.push(
          table(
            'net-routes',
            'Routes',
            ['Destination', 'Gateway', 'Device', 'Protocol', 'Scope', 'Source', 'Metric'],
            d.routes.map((r) => [
              text(r.dst),
              text(r.gateway),
              text(r.dev),
              text(r.protocol),
              text(r.scope),
              text(r.prefsrc),
              text(r.metric),
            ]),
            'no routes',
          ),
        );
      }
      if (d.sockets) {
        out.push(
          table(
            'net-sockets',
            'Listening sockets',
            ['Protocol', 'Address', 'Port', 'Processes'],
            d.sockets.map((s) => [
              text(s.family === 'inet6' ? `${s.protocol}6` : s.protocol),
              text(s.address),
              text(s.port),
              text(s.owners === null ? 'not visible' : s.owners.map((o) => `${o.command} (${o.pid})`).join(', ')),
            ]),
            'nothing listens',
          ),
        );
      }
      return out;
    }
    case 'uts':
      return [
        fields('uts', 'Names', [
          ['Hostname', d.hostname],
          ['Domain name', d.domainname],
        ]),
      ];
    case 'ipc': {
      const out: Section[] = [];
      const owner = (o: { ownerUid: number; owner: string | null }) => text(o.owner ?? o.ownerUid);
      if (d.messageQueues) {
        out.push(
          table(
            'ipc-msg',
            'System V message queues',
            ['Key', 'ID', 'Owner', 'Perms', 'Messages', 'Bytes'],
            d.messageQueues.map((q) => [
              text(q.key),
              text(q.id),
              owner(q),
              text(q.perms),
              text(q.messages),
              text(q.bytes),
            ]),
            'none',
          ),
        );
      }
      if (d.semaphores) {
        out.push(
          table(
            'ipc-sem',
            'System V semaphore sets',
            ['Key', 'ID', 'Owner', 'Perms', 'Semaphores'],
            d.semaphores.map((s) => [text(s.key), text(s.id), owner(s), text(s.perms), text(s.nsems)]),
            'none',
          ),
        );
      }
      if (d.sharedMemory) {
        out.push(
          table(
            'ipc-shm',
            'System V shared memory',
            ['Key', 'ID', 'Owner', 'Perms', 'Bytes', 'Attached'],
            d.sharedMemory.map((m) => [
              text(m.key),
              text(m.id),
              owner(m),
              text(m.perms),
              text(m.bytes),
              text(m.attached),
            ]),
            'none',
          ),
        );
      }
      if (d.posixQueues) {
        out.push(
          table(
            'ipc-mq',
            'POSIX message queues',
            ['Name', 'Owner', 'Perms', 'Bytes queued'],
            d.posixQueues.map((q) => [text(q.name), owner(q), text(q.perms), text(q.bytes)]),
            'none',
          ),
        );
      }
      return out;
    }
    case 'user': {
      const out: Section[] = [
        fields('user', 'Identity', [
          ['Owner', d.ownerUid === undefined ? undefined : d.owner ? `${d.owner} (${d.ownerUid})` : d.ownerUid],
          ['Depth', d.depth === undefined ? undefined : d.depth === 0 ? '0 (the initial user namespace)' : d.depth],
          ['UID map', mapText(d.uidMap)],
          ['GID map', mapText(d.gidMap)],
          ['setgroups', d.setgroups],
        ]),
      ];
      if (d.capabilities) {
        const initial = initialUserNamespace(d);
        out.push(
          table(
            'user-capabilities',
            'Capabilities of its processes',
            ['Processes', 'Effective', 'Permitted', 'Bounding'],
            d.capabilities.map((c) => [
              text(
                c.processes.length > 3
                  ? `${plural(c.processes.length, 'process', 'processes')}: ${c.processes
                      .slice(0, 3)
                      .map((p) => p.pid)
                      .join(', ')}, …`
                  : c.processes.map((p) => `${p.command.split(' ')[0]} (${p.pid})`).join(', '),
              ),
              text(capsText(c.effective, initial)),
              text(capsText(c.permitted, initial)),
              text(capsText(c.bounding, initial)),
            ]),
            'no process is in it',
          ),
        );
      }
      return out;
    }
    case 'pid': {
      const out: Section[] = [
        fields('pid', 'PID namespace', [
          [
            'PID 1',
            d.init === undefined
              ? undefined
              : d.init === null
                ? 'none (it has exited, or none was started)'
                : `${d.init.command} (PID ${d.init.pid} outside)`,
          ],
          ['Depth', d.depth === undefined ? undefined : d.depth === 0 ? '0 (the initial PID namespace)' : d.depth],
        ]),
      ];
      if (d.members) {
        out.push(
          table(
            'pid-members',
            'Processes',
            ['PID', 'PIDs from the outermost in', 'Command'],
            d.members.map((m) => [text(m.pid), text(m.chain.join(' → ')), text(m.command)]),
            'no process is in it',
          ),
        );
      }
      return out;
    }
    case 'cgroup': {
      const out: Section[] = [fields('cgroup', 'Cgroup namespace', [['Root (host path)', d.root]])];
      if (d.members) {
        out.push(
          table(
            'cgroup-members',
            'Processes',
            ['PID', 'Inside', 'On the host', 'Command'],
            d.members.map((m) => [text(m.pid), text(m.insidePath), text(m.hostPath), text(m.command)]),
            'no process is in it',
          ),
        );
      }
      return out;
    }
    case 'time':
      return [
        fields('time', 'Clock offsets', [
          ['Monotonic', offsetText(d.monotonic)],
          ['Boot time', offsetText(d.boottime)],
        ]),
      ];
    case 'mnt':
      return [fields('mnt', 'Mount namespace', [['Mounts', d.mounts]])];
  }
}
