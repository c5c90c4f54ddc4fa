/**
 * A net namespace's sockets with the member processes holding them: the listening ones,
 * one per protocol, family, address and port (several sockets may share one with
 * SO_REUSEPORT), and the connected ones, each with its other end and state. Owners are
 * null when none was found while some process that could hold one was not looked at: a
 * member whose fds could not be read, or a process hidden from the reader.
 */
import type { NamespaceRecord } from '../../model/snapshot';
import { parseNsLink } from '../../linux/procfs';
import { plural } from '../../text/plural';
import { commands, DetailsContext, hiddenWithoutRoot, visibleMembers } from '../context';
import type { ConnectedSocket, ListeningSocket, SocketOwner, Unavailable } from '../types';
import { eachOpenFile } from './openFiles';
import type { ConnectionRow, SocketRow } from './procNet';

/** Socket inode → the member PIDs whose fds hold it, and how many members' fds could not be read. */
function holdersOf(
  wanted: Set<number>,
  ns: NamespaceRecord,
  ctx: DetailsContext,
): { holders: Map<number, Set<number>>; unreadable: number } {
  const holders = new Map<number, Set<number>>();
  if (!wanted.size) return { holders, unreadable: 0 };
  const { unreadable } = eachOpenFile(visibleMembers(ns, ctx), ctx, (pid, _fd, link) => {
    const target = parseNsLink(link);
    if (target?.type !== 'socket' || !wanted.has(target.ino)) return;
    holders.set(target.ino, (holders.get(target.ino) ?? new Set()).add(pid));
  });
  return { holders, unreadable };
}

function listening(rows: SocketRow[], holders: Map<number, Set<number>>) {
  const byKey = new Map<string, { socket: Omit<ListeningSocket, 'owners'>; pids: Set<number> }>();
  for (const r of rows) {
    const key = `${r.protocol} ${r.family} ${r.address} ${r.port}`;
    const entry = byKey.get(key) ?? {
      socket: { protocol: r.protocol, family: r.family, address: r.address, port: r.port },
      pids: new Set(),
    };
    for (const pid of holders.get(r.inode) ?? []) entry.pids.add(pid);
    byKey.set(key, entry);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      a.socket.protocol.localeCompare(b.socket.protocol) ||
      a.socket.family.localeCompare(b.socket.family) ||
      a.socket.port - b.socket.port ||
      a.socket.address.localeCompare(b.socket.address),
  );
}

function connected(rows: ConnectionRow[], holders: Map<number, Set<number>>) {
  return rows
    .map(({ inode, ...socket }) => ({ socket, pids: holders.get(inode) ?? new Set<number>(), held: inode !== 0 }))
    .sort(
      (a, b) =>
        a.socket.protocol.localeCompare(b.socket.protocol) ||
        a.socket.family.localeCompare(b.socket.family) ||
        a.socket.local.port - b.socket.local.port ||
        a.socket.remote.address.localeCompare(b.socket.remote.address) ||
        a.socket.remote.port - b.socket.remote.port,
    );
}

export function socketsOf(
  listen: SocketRow[],
  connections: ConnectionRow[],
  ns: NamespaceRecord,
  ctx: DetailsContext,
): { sockets: ListeningSocket[]; connections: ConnectedSocket[]; unavailable: Unavailable[] } {
  const wanted = new Set([...listen, ...connections].map((r) => r.inode).filter((i) => i !== 0));
  const { holders, unreadable } = holdersOf(wanted, ns, ctx);
  const hidden = hiddenWithoutRoot(ctx);
  const command = commands(ctx);
  const unsure = unreadable > 0 || hidden > 0;
  const ownersOf = (pids: Set<number>): SocketOwner[] =>
    [...pids].sort((a, b) => a - b).map((pid) => ({ pid, command: command.get(pid) ?? '' }));
  const sockets = listening(listen, holders).map(({ socket, pids }) => ({
    ...socket,
    owners: pids.size || !unsure ? ownersOf(pids) : null,
  }));
  const conns = connected(connections, holders).map(({ socket, pids, held }) => ({
    ...socket,
    // A socket no file holds (TIME-WAIT) has no owner to look for.
    owners: pids.size || !unsure || !held ? ownersOf(pids) : null,
  }));
  const unknown = [
    sockets.some((s) => s.owners === null) &&
      plural(sockets.filter((s) => s.owners === null).length, 'listening socket', 'listening sockets'),
    conns.some((s) => s.owners === null) &&
      plural(conns.filter((s) => s.owners === null).length, 'connected socket', 'connected sockets'),
  ].filter(Boolean);
  if (!unknown.length) return { sockets, connections: conns, unavailable: [] };
  const why = [
    unreadable ? `the open files of ${plural(unreadable, 'member process', 'member processes')} could not be read` : '',
    hidden ? `${plural(hidden, 'process is', 'processes are')} hidden from this reader, and could be members` : '',
  ].filter(Boolean);
  return {
    sockets,
    connections: conns,
    unavailable: [
      {
        what: `the processes holding ${unknown.join(' and ')}`,
        reason: why.join('; '),
        needsRoot: ctx.threads === null,
      },
    ],
  };
}
