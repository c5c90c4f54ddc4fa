/**
 * The essentials of a namespace's details that its tree row shows: a few words in the
 * description (a hostname, PID 1, clock offsets…) and, for a net namespace, one child row
 * per interface with its addresses. No vscode here, so it is unit-tested.
 */
import { plural } from '../../core/text/plural';
import { ClockOffset, NamespaceDetails, NetInterface } from '../../core/details/types';

export interface DetailRow {
  /** Unique among the namespace's detail rows: part of the row's id. */
  key: string;
  label: string;
  description: string;
  icon: string;
  /** What a screen reader says. */
  ariaLabel: string;
}

const offset = (name: string, o: ClockOffset | undefined) =>
  o && (o.seconds || o.nanoseconds) ? `${name} ${o.seconds >= 0 ? '+' : ''}${o.seconds} s` : undefined;

/** A few words for the namespace's row; undefined when there is nothing worth the room. */
export function detailWords(d: NamespaceDetails): string | undefined {
  switch (d.type) {
    case 'uts':
      return d.hostname === undefined ? undefined : `hostname ${d.hostname}`;
    case 'net': {
      if (!d.interfaces) return undefined;
      const up = d.interfaces.filter((i) => i.name !== 'lo');
      return up.length ? up.map((i) => i.name).join(', ') : 'loopback only';
    }
    case 'ipc': {
      const counts = [
        [d.messageQueues?.length, 'message queue', 'message queues'],
        [d.semaphores?.length, 'semaphore set', 'semaphore sets'],
        [d.sharedMemory?.length, 'shared memory segment', 'shared memory segments'],
        [d.posixQueues?.length, 'POSIX queue', 'POSIX queues'],
      ] as const;
      const parts = counts.filter(([n]) => n).map(([n, one, many]) => plural(n!, one, many));
      return parts.length ? parts.join(', ') : undefined;
    }
    case 'user': {
      const first = d.uidMap?.[0];
      if (!first) return undefined;
      // The initial user namespace's map says nothing.
      if (first.inside === 0 && first.outside === 0 && first.count === 4294967295) return undefined;
      const more = d.uidMap!.length > 1 ? ', …' : '';
      return `uid ${first.inside}→${first.outside} (${first.count > 1 ? first.count : 'one ID'})${more}`;
    }
    case 'pid':
      return d.init
        ? `PID 1: ${d.init.command.split(' ')[0]!.split('/').pop()}`
        : d.init === null
          ? 'no PID 1'
          : undefined;
    case 'cgroup':
      return d.root === undefined || d.root === '/' ? undefined : `root ${d.root}`;
    case 'time':
      return [offset('monotonic', d.monotonic), offset('boottime', d.boottime)].filter(Boolean).join(', ') || undefined;
    case 'mnt':
      return undefined;
  }
}

function interfaceRow(i: NetInterface): DetailRow {
  const parts = [i.addresses.map((a) => `${a.address}/${a.prefixlen}`).join(', ') || 'no address'];
  if (i.state) parts.push(i.state);
  if (i.peer) {
    const where = i.peer.ns !== null ? ` in net ${i.peer.ns}${i.peer.label ? ` (${i.peer.label})` : ''}` : '';
    parts.push(`↔ ${i.peer.name ?? `ifindex ${i.peer.ifindex}`}${where}`);
  }
  if (i.members) parts.push(`bridge of ${i.members.length ? i.members.join(', ') : 'nothing'}`);
  if (i.master) parts.push(`in ${i.master}`);
  const description = parts.join(' · ');
  return {
    key: `if:${i.name}`,
    label: i.name,
    description,
    icon: i.kind === 'bridge' ? 'type-hierarchy' : 'plug',
    ariaLabel: `interface ${i.name}, ${description}`,
  };
}

/** Child rows shown above a namespace's processes. */
export function detailRows(d: NamespaceDetails): DetailRow[] {
  return d.type === 'net' && d.interfaces ? d.interfaces.map(interfaceRow) : [];
}
