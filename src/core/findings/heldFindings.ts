/** Namespaces no process is in, kept alive by a bind mount or an open fd, and how to let them go. */
import { netnsName } from '../discovery/labels';
import type { Holder, NamespaceRecord, Snapshot } from '../model/snapshot';
import { namespaceWords, processWords, shellWord } from './naming';
import type { FindingScope } from './scope';
import type { Finding, FindingAction } from './types';

export function heldFindings(scope: FindingScope): Finding[] {
  const out: Finding[] = [];
  for (const n of scope.snapshot.namespaces) {
    // A PID namespace without processes is one whose PID 1 exited (pidFindings.ts).
    if (n.type === 'pid' || n.ghost || n.nprocs > 0 || !scope.seesAllMembers(n)) continue;
    // A thread in it, or a process that puts its children there (time_for_children), is a process.
    if (n.holders.some((h) => h.kind === 'task' || h.kind === 'process')) continue;
    const held = distinct(
      n.holders.filter((h) => h.kind === 'bindmount' || h.kind === 'fd'),
      scope,
    );
    if (held.length === 0) continue;
    out.push({
      kind: 'held-without-process',
      severity: 'warning',
      ns: n.ns,
      type: n.type,
      text:
        `No process is in ${namespaceWords(n)}: only ${holdersWords(held, scope.snapshot)} ` +
        `${held.length > 1 ? 'keep' : 'keeps'} it alive, and it goes away once released.`,
      actions: releaseActions(held, scope),
      subjects: held.map((h) => holderSubject(h)),
    });
  }
  return out;
}

/**
 * One bind mount seen in several mount namespaces (propagated into them) is one holder:
 * the one the host sees, else the first.
 */
function distinct(held: readonly Holder[], scope: FindingScope): Holder[] {
  const hostMnt = scope.host('mnt')?.ns;
  const byPath = new Map<string, Holder>();
  const out: Holder[] = [];
  for (const h of held) {
    if (h.kind !== 'bindmount') {
      out.push(h);
      continue;
    }
    const before = byPath.get(h.path);
    if (!before || (before.kind === 'bindmount' && before.mntns !== hostMnt && h.mntns === hostMnt))
      byPath.set(h.path, h);
  }
  return [...byPath.values(), ...out];
}

/** `bind mount /run/netns/blue and fd 3 of python3 (4242)`. */
export function holdersWords(held: readonly Holder[], snapshot: Snapshot): string {
  const words = held.slice(0, 3).map((h) => holderWords(h, snapshot));
  if (held.length > 3) words.push(`${held.length - 3} more`);
  return words.length > 1 ? `${words.slice(0, -1).join(', ')} and ${words.at(-1)}` : words[0]!;
}

function holderWords(h: Holder, snapshot: Snapshot): string {
  switch (h.kind) {
    case 'bindmount':
      return `the bind mount ${h.path}`;
    case 'fd':
      return `fd ${h.fd} of ${processWords(h.pid, snapshot)}`;
    case 'task':
      return `thread ${h.tid} of ${processWords(h.pid, snapshot)}`;
    case 'process':
      return `${h.path?.split('/').pop() ?? 'the link'} of ${processWords(h.pid, snapshot)}`;
  }
}

function holderSubject(h: Holder): string {
  return h.kind === 'bindmount' ? h.path : h.kind === 'fd' ? `PID ${h.pid} fd ${h.fd}` : `PID ${h.pid}`;
}

/** The command that lets go of each holder: delete the netns, unmount, end the process. */
export function releaseActions(held: readonly Holder[], scope: FindingScope): FindingAction[] {
  const actions: FindingAction[] = [];
  const hostMnt = scope.host('mnt')?.ns;
  for (const h of held) {
    if (h.kind === 'bindmount') {
      const name = netnsName(h.path);
      const outside = hostMnt !== undefined && h.mntns !== hostMnt;
      // A bind mount seen in another mount namespace is unmounted there.
      const where = outside ? `nsenter --target ${h.pid} --mount ` : '';
      actions.push(
        name && !outside
          ? {
              kind: 'command',
              label: `Delete the named net namespace ${name}`,
              command: `ip netns delete ${shellWord(name)}`,
            }
          : { kind: 'command', label: `Unmount ${h.path}`, command: `${where}umount ${shellWord(h.path)}` },
      );
    } else {
      const why = h.kind === 'fd' ? `, which holds it open as fd ${h.fd}` : '';
      actions.push({
        kind: 'command',
        label: `End ${processWords(h.pid, scope.snapshot)}${why}`,
        command: `kill ${h.pid}`,
      });
    }
  }
  return actions;
}

/** Holders that are not members: what keeps a namespace no process is in. */
export function nonMembers(n: NamespaceRecord): Holder[] {
  return n.holders.filter((h) => h.kind !== 'process' || h.path !== undefined);
}
