/**
 * Whose rights a command needs: the kernel's capability rules for user namespaces
 * (user_namespaces(7)), decided from what discovery saw, so that the sidebar and `nsx`
 * ask for a password in exactly the same cases.
 */
import { ProcSource } from '../linux/procfs';
import { NamespaceRecord, NsType } from '../model/snapshot';

/**
 * - `none`: the caller's own rights are enough (it is root, or makes a new user namespace).
 * - `userns`: enter the target's user namespace first, which the caller owns: no password.
 * - `root`: needs root, through pkexec.
 */
export type Privilege = 'none' | 'userns' | 'root';

export interface Caller {
  /** Effective UID. */
  uid: number;
  /** Inode of the caller's own user namespace. */
  userns: number;
}

/** This process, as the rules below see it. */
export function currentCaller(proc = new ProcSource()): Caller {
  return { uid: process.geteuid?.() ?? 0, userns: proc.nsInode(process.pid, 'user') };
}

type UserNamespaces = ReadonlyMap<number, Pick<NamespaceRecord, 'pns' | 'ownerUid'>>;

/**
 * Whether the caller holds every capability in user namespace `target`: it is root in an
 * ancestor of it, or it created (owns) the namespace on the path down from its own.
 */
export function holdsCapabilitiesIn(target: number, caller: Caller, userns: UserNamespaces): boolean {
  for (let ns: number | null = target; ns !== null;) {
    if (ns === caller.userns) return caller.uid === 0;
    const rec = userns.get(ns);
    if (!rec) return false;
    if (rec.pns === caller.userns && rec.ownerUid === caller.uid) return true;
    ns = rec.pns;
  }
  return false;
}

/** Whether user namespace `ancestor` is `ns` or one of its ancestors. */
function isWithin(ns: number | null, ancestor: number, userns: UserNamespaces): boolean {
  for (let cur = ns; cur !== null; cur = userns.get(cur)?.pns ?? null) {
    if (cur === ancestor) return true;
  }
  return false;
}

/**
 * Entering `chosen`, namespaces of a process in user namespace `targetUserns`: root needs
 * nothing; a user who owns that user namespace enters it first and so gains the rights
 * over every namespace it owns (`nsenter --user --preserve-credentials`); anything else
 * needs root.
 */
export function enterPrivilege(
  chosen: readonly Pick<NamespaceRecord, 'type' | 'ns' | 'ons'>[],
  targetUserns: number | null,
  caller: Caller,
  userns: UserNamespaces,
): Privilege {
  if (caller.uid === 0) return 'none';
  if (targetUserns === null || targetUserns === caller.userns) return 'root';
  if (!holdsCapabilitiesIn(targetUserns, caller, userns)) return 'root';
  const owned = chosen.every((n) =>
    n.type === 'user' ? n.ns === targetUserns : isWithin(n.ons, targetUserns, userns),
  );
  return owned ? 'userns' : 'root';
}

/**
 * Making new namespaces: a new user namespace gives its creator the rights to make the
 * others inside it, but a veth pair needs root on the host's side.
 */
export function newPrivilege(types: readonly NsType[], veth: boolean, caller: Pick<Caller, 'uid'>): Privilege {
  if (caller.uid === 0) return 'none';
  return types.includes('user') && !veth ? 'none' : 'root';
}
