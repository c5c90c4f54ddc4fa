/**
 * A PID namespace: its PID 1, how deep it is nested, and its members with the PID each
 * has in every namespace from the outermost in (NSpid), all from the snapshot.
 */
import { NamespaceRecord, ProcessRecord } from '../model/snapshot';
import { baseOf, DetailsContext, depthOf, hiddenWithoutRoot } from './context';
import { PidDetails, PidMember } from './types';

function member(p: ProcessRecord): PidMember {
  return { pid: p.pid, chain: p.nspid, command: p.command || p.name };
}

export async function readPid(ns: NamespaceRecord, ctx: DetailsContext): Promise<PidDetails> {
  const { snapshot } = ctx;
  const details: PidDetails = { ...baseOf(ns, ctx), type: 'pid', via: 'the scan (/proc/PID/status NSpid)' };
  const members = snapshot.processes.filter((p) => !p.hidden && p.ns.pid === ns.ns);
  details.members = members.map(member);
  // A member's NSpid has one entry per level, this namespace's last.
  const chain = members[0]?.nspid.length;
  const depth = chain ? chain - 1 : snapshot.capabilities.hierarchy ? depthOf(ns, ctx) : undefined;
  if (depth !== undefined) details.depth = depth;
  // The initial namespace's PID 1 is the machine's init, whether or not its links could be read.
  const init =
    members.find((p) => p.nspid.at(-1) === 1) ??
    (depth === 0 ? snapshot.processes.find((p) => p.pid === 1) : undefined);
  details.init = init ? member(init) : null;
  if (hiddenWithoutRoot(ctx) > 0) {
    details.unavailable.push(
      init
        ? {
            what: "other users' processes in it",
            reason: 'which PID namespace they are in cannot be read without root',
            needsRoot: true,
          }
        : {
            what: 'PID 1',
            reason: 'it may belong to another user, whose namespaces cannot be read without root',
            needsRoot: true,
          },
    );
  }
  return details;
}
