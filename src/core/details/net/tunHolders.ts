/**
 * The processes holding a net namespace's tun and tap devices open. A process that opened
 * /dev/net/tun and attached a device (TUNSETIFF) has an fd whose /proc/PID/fdinfo names
 * it (`iff:\tNAME`). Device names are per namespace, so holders are looked for among the
 * processes of the namespace, by name; a device moved away from its holder's namespace
 * is not matched (tunWords says what that means).
 */
import type { NamespaceRecord } from '../../model/snapshot';
import { DetailsContext, hiddenWithoutRoot, visibleMembers } from '../context';
import type { NetInterface, TunHolder } from '../types';
import { eachOpenFile } from './openFiles';

const TUN = '/dev/net/tun';

/** The device a /dev/net/tun fd is attached to, from its fdinfo; null when none yet. */
export function parseTunIff(fdinfo: string): string | null {
  return /^iff:\t(.+)$/m.exec(fdinfo)?.[1] ?? null;
}

/** Device name → the member PIDs holding it, and how many members' fds could not be read. */
function tunFds(
  pids: readonly number[],
  ctx: DetailsContext,
): { byName: Map<string, Set<number>>; unreadable: number } {
  const byName = new Map<string, Set<number>>();
  const { unreadable } = eachOpenFile(pids, ctx, (pid, fd, target) => {
    if (target !== TUN) return;
    let name: string | null;
    try {
      name = parseTunIff(ctx.proc.pidFile(pid, `fdinfo/${fd}`));
    } catch {
      return; // closed meanwhile
    }
    if (name !== null) byName.set(name, (byName.get(name) ?? new Set()).add(pid));
  });
  return { byName, unreadable };
}

/**
 * Sets the holders of NS's tun devices. Root knows which interfaces are tun devices; a user
 * (who reads /proc/PID/net, which does not say) learns it only from a holder it can see.
 */
export function addTunHolders(interfaces: NetInterface[], ns: NamespaceRecord, ctx: DetailsContext): void {
  const root = ctx.threads !== null;
  if (root && !interfaces.some((i) => i.kind === 'tun')) return;
  const byPid = new Map(ctx.snapshot.processes.map((p) => [p.pid, p]));
  // A user reads the fds of its own processes only: others' would each cost a refusal.
  const mine = (pid: number) => byPid.get(pid)?.uid === ctx.snapshot.scanner.uid;
  const members = visibleMembers(ns, ctx);
  const { byName, unreadable } = tunFds(root ? members : members.filter(mine), ctx);
  const unsure = unreadable > 0 || hiddenWithoutRoot(ctx) > 0;
  const holders = (pids: Set<number>): TunHolder[] =>
    [...pids].sort((a, b) => a - b).map((pid) => ({ pid, comm: byPid.get(pid)?.name ?? '' }));
  for (const i of interfaces) {
    const found = byName.get(i.name);
    if (i.kind === 'tun') {
      const held = found ? holders(found) : unsure ? null : [];
      i.tun = { ...(i.tun ?? { mode: null, persistent: null }), holders: held };
    } else if (!root && found) i.tun = { mode: null, persistent: null, holders: holders(found) };
  }
}
