/**
 * A PID namespace's PID 1 and its zombie children. The kernel kills every process of a PID
 * namespace when its PID 1 exits, so one with members has its PID 1; one without is asked
 * (NS_GET_TGID_FROM_PIDNS through the file that holds it) whether PID 1 still runs.
 */
import { pidNamespaceInit } from '../linux/nsfs';
import type { ProcSource } from '../linux/procfs';
import { holderFile, type NamespaceRecord } from '../model/snapshot';
import type { PidFacts } from './facts';
import type { FindingScope } from './scope';

export function readPidFacts(proc: ProcSource, n: NamespaceRecord, scope: FindingScope): PidFacts | undefined {
  const found = initOf(proc, n, scope);
  if (found === undefined) return undefined;
  // A PID 1 that is a zombie has exited; whoever should reap it has not yet.
  const init = found !== null && stateOf(proc, found) === 'Z' ? null : found;
  return { init, zombies: init === null ? [] : zombieChildren(proc, init) };
}

function initOf(proc: ProcSource, n: NamespaceRecord, scope: FindingScope): number | null | undefined {
  if (n.nprocs > 0) return memberInit(n, scope);
  for (const h of n.holders) {
    try {
      const init = pidNamespaceInit(holderFile(h, 'pid', proc.procRoot), n.ns);
      if (init !== undefined) return init;
    } catch {
      // That holder is gone or closed to us: the next may do.
    }
  }
  // Without the ioctl (before Linux 6.7, or no koffi): with every member seen, none means PID 1 exited.
  return n.holders.length && scope.seesAllMembers(n) ? null : undefined;
}

/** The member whose PID in its own namespace is 1 (host PID); undefined when it is another user's. */
function memberInit(n: NamespaceRecord, scope: FindingScope): number | undefined {
  return scope.pidInits().get(n.ns);
}

function stateOf(proc: ProcSource, pid: number): string | undefined {
  try {
    return proc.state(pid);
  } catch {
    return undefined;
  }
}

function zombieChildren(proc: ProcSource, init: number): number[] {
  const zombies: number[] = [];
  for (const child of proc.children(init)) {
    if (stateOf(proc, child) === 'Z') zombies.push(child);
  }
  return zombies;
}
