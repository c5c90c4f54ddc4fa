/**
 * The namespaces nsx itself is in. Some files of /proc show the reading thread's own
 * namespace (/proc/sys/kernel/hostname, /proc/sysvipc/*, the paths in /proc/PID/cgroup),
 * so without root they describe only these.
 */
import { NsType } from '../snapshot';
import { DetailsContext } from './context';

/** The inode of this process's TYPE namespace; null when /proc does not say (a fixture tree). */
export function ownNamespace(ctx: DetailsContext, type: NsType): number | null {
  try {
    return ctx.proc.nsInode(process.pid, type);
  } catch {
    return null;
  }
}
