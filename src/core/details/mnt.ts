/** A mount namespace: how many mounts it has; `nsx mounts` and the Mounts view show them. */
import { MountReadError, tableOfNamespace } from '../mounts/mountNamespaces';
import { NamespaceRecord } from '../model/snapshot';
import { baseOf, DetailsContext } from './context';
import { MntDetails } from './types';

export async function readMnt(ns: NamespaceRecord, ctx: DetailsContext): Promise<MntDetails> {
  const details: MntDetails = { ...baseOf(ns, ctx), type: 'mnt' };
  try {
    const table = await tableOfNamespace(ctx.snapshot, ns.ns, ctx.proc);
    details.mounts = table.mounts.length;
    details.via = table.via;
  } catch (err) {
    if (!(err instanceof MountReadError)) throw err;
    details.unavailable.push({ what: 'mounts', reason: err.message, needsRoot: err.needsRoot });
  }
  return details;
}
