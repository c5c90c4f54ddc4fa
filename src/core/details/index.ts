/**
 * The details of namespaces, each read by its type's module with the reader's own rights:
 * as a user from what /proc shows, as root also from inside (threads.ts). Used by
 * `nsx show`, by the elevated helper for Show All Namespaces (every namespace in one
 * call), and by the editor for the rows and the panel it shows.
 */
import { ProcSource } from '../linux/procfs';
import { NamespaceRecord, NsType, Snapshot } from '../model/snapshot';
import { readCgroup } from './cgroup';
import { baseOf, DetailsContext } from './context';
import { readIpc } from './ipc';
import { readMnt } from './mnt';
import { readNet } from './net/net';
import { readPid } from './pid';
import { ThreadRunner } from './threads';
import { readTime } from './time';
import { DetailsOf, NamespaceDetails } from './types';
import { readUser } from './user';
import { readUts } from './uts';

export class DetailsError extends Error {}

const READERS: { [T in NsType]: (ns: NamespaceRecord, ctx: DetailsContext) => Promise<DetailsOf<T>> } = {
  cgroup: readCgroup,
  ipc: readIpc,
  mnt: readMnt,
  net: readNet,
  pid: readPid,
  time: readTime,
  user: readUser,
  uts: readUts,
};

export interface ReadOptions {
  proc?: ProcSource;
  /** Enter namespaces from a thread; needs root. Defaults to whether we are root. */
  asRoot?: boolean;
  /** Net namespaces read for the map only: no sockets, no firewall (see DetailsContext.topology). */
  topology?: boolean;
}

/**
 * The details of the namespaces INOS (all of the snapshot's when omitted). An inode the
 * snapshot does not know is an error; a part that cannot be read is in `unavailable`.
 */
export async function readDetails(
  snapshot: Snapshot,
  inos?: number[],
  opts: ReadOptions = {},
): Promise<NamespaceDetails[]> {
  const proc = opts.proc ?? new ProcSource();
  const asRoot = opts.asRoot ?? process.geteuid?.() === 0;
  const byIno = new Map(snapshot.namespaces.map((n) => [n.ns, n]));
  const wanted = (inos ?? snapshot.namespaces.map((n) => n.ns)).map((ino) => {
    const ns = byIno.get(ino);
    if (!ns) throw new DetailsError(`no namespace ${snapshot.scanner.uid === 0 ? '' : 'you can see '}has inode ${ino}`);
    return ns;
  });
  const ctx: DetailsContext = {
    snapshot,
    proc,
    users: proc.users(),
    threads: asRoot ? new ThreadRunner() : null,
    ...(opts.topology ? { topology: true } : {}),
  };
  try {
    const out: NamespaceDetails[] = [];
    for (const ns of wanted) out.push(await readOne(ns, ctx));
    return out;
  } finally {
    ctx.threads?.close();
  }
}

/** One namespace's details. A reader that fails costs its namespace only, not root's scan of them all. */
async function readOne(ns: NamespaceRecord, ctx: DetailsContext): Promise<NamespaceDetails> {
  try {
    return await (READERS[ns.type] as (ns: NamespaceRecord, ctx: DetailsContext) => Promise<NamespaceDetails>)(ns, ctx);
  } catch (err) {
    const details = { ...baseOf(ns, ctx), type: ns.type } as NamespaceDetails;
    details.unavailable.push({ what: 'what is inside', reason: (err as Error).message, needsRoot: false });
    return details;
  }
}
