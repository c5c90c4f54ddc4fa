/**
 * PID namespaces: PID 1 gone, PID 1 not reaping its zombies, and processes whose /proc is
 * another PID namespace's procfs (ps lists someone else's processes).
 */
import type { NamespaceRecord } from '../model/snapshot';
import type { ProcView } from './facts';
import { holdersWords, nonMembers, releaseActions } from './heldFindings';
import { namespaceWords, processWords } from './naming';
import type { FindingScope } from './scope';
import type { Finding, FindingAction } from './types';

const MOUNT_PROC = 'unshare --pid --fork --mount-proc';

export function pidFindings(scope: FindingScope): Finding[] {
  const out: Finding[] = [];
  for (const n of scope.snapshot.namespaces) {
    if (n.type !== 'pid' || n.ghost) continue;
    const facts = scope.facts.pid.get(n.ns);
    if (!facts) continue;
    if (facts.init === null) out.push(initGone(n, scope));
    else if (facts.zombies.length) out.push(zombies(n, facts.init, facts.zombies, scope));
  }
  for (const view of scope.facts.procViews) {
    const f = procOfOther(view, scope);
    if (f) out.push(f);
  }
  return out;
}

function initGone(n: NamespaceRecord, scope: FindingScope): Finding {
  const held = nonMembers(n);
  const by = held.length ? `; only ${holdersWords(held, scope.snapshot)} keeps it` : '';
  // A process whose children go into it: unshare --pid without --fork made it so.
  const why = held.some((h) => h.kind === 'process') ? ', as unshare --pid without --fork leaves it' : '';
  return {
    kind: 'pid-init-gone',
    severity: 'warning',
    ns: n.ns,
    type: 'pid',
    text:
      `PID 1 of ${namespaceWords(n)} has exited, so nothing new can start in it ` +
      `(fork fails with "Cannot allocate memory")${by}${why}.`,
    actions: [
      ...releaseActions(held, scope),
      { kind: 'command', label: 'Start a PID namespace the right way', command: `${MOUNT_PROC} bash` },
    ],
    subjects: held.map((h) => `PID ${h.pid}`),
  };
}

function zombies(n: NamespaceRecord, init: number, zombiePids: readonly number[], scope: FindingScope): Finding {
  const who = processWords(init, scope.snapshot);
  const count = zombiePids.length === 1 ? 'a zombie child' : `${zombiePids.length} zombie children`;
  return {
    kind: 'zombies-unreaped',
    severity: 'warning',
    ns: n.ns,
    type: 'pid',
    text:
      `In ${namespaceWords(n)}, PID 1 (${who}) leaves ${count} unreaped ` +
      `(${zombiePids.slice(0, 5).join(', ')}): ` +
      `as PID 1 it must wait for orphans, so run it under an init that does (tini, docker run --init).`,
    actions: [
      {
        kind: 'command',
        label: `End ${who} and with it every process of the namespace`,
        command: `kill ${init}`,
      },
    ],
    subjects: zombiePids.map((pid) => `PID ${pid}`),
  };
}

function procOfOther(view: ProcView, scope: FindingScope): Finding | undefined {
  // Only a procfs of an outer namespace shows others' processes: a launcher such as
  // unshare --mount-proc, outside the namespace it made, sees that namespace's procfs, which is fine.
  if (view.own || view.level === null) return undefined;
  const n = scope.namespace(view.pidns);
  if (!n) return undefined;
  const shown = shownNamespace(view, n, scope);
  const whose = shown ? namespaceWords(shown) : 'another PID namespace';
  const mnt = scope.namespace(view.mntns);
  const actions: FindingAction[] = [];
  // Mounting over /proc is safe only in a mount namespace of its own; in the host's it would hide the host's.
  if (mnt && !scope.isHost(mnt))
    actions.push({
      kind: 'command',
      label: 'Mount its own /proc there',
      command: `nsenter --target ${view.pid} --pid --mount mount -t proc proc /proc`,
    });
  actions.push({ kind: 'command', label: 'Start it again with its own /proc', command: `${MOUNT_PROC} bash` });
  if (shown) actions.push({ kind: 'reveal', label: `Show ${whose}`, ns: shown.ns, type: 'pid' });
  return {
    kind: 'proc-of-other-pidns',
    severity: 'warning',
    ns: n.ns,
    type: 'pid',
    text:
      `ps in ${namespaceWords(n)} lists the processes of ${whose}, not its own: ` +
      `the /proc that ${processWords(view.pid, scope.snapshot)} sees is the procfs of that outer namespace ` +
      `(unshare --pid without --mount-proc).`,
    actions,
    subjects: [`PID ${view.pid}`],
  };
}

/** The PID namespace whose procfs it is: the ancestor at that level. */
function shownNamespace(view: ProcView, n: NamespaceRecord, scope: FindingScope): NamespaceRecord | undefined {
  if (view.level === null) return undefined;
  const own = scope.pidLevel(n);
  if (own === null || view.level > own) return view.level === 0 ? scope.host('pid') : undefined;
  let at: NamespaceRecord | undefined = n;
  for (let i = own; i > view.level && at; i--) at = scope.namespace(at.pns);
  return at;
}
