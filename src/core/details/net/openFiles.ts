/** The open files of a namespace's processes: what sockets and tun devices are found by. */
import type { DetailsContext } from '../context';

/**
 * Calls VISIT with each fd's target (the readlink of /proc/PID/fd/N) of each of PIDS, and
 * counts the processes whose fds could not be listed: an owner found among the others is
 * then not the only one there may be. A process gone meanwhile is not counted; an fd
 * closed meanwhile is skipped.
 */
export function eachOpenFile(
  pids: readonly number[],
  ctx: DetailsContext,
  visit: (pid: number, fd: number, target: string) => void,
): { unreadable: number } {
  let unreadable = 0;
  for (const pid of pids) {
    let fds: number[];
    try {
      fds = ctx.proc.fds(pid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') unreadable++;
      continue;
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = ctx.proc.fdTarget(pid, fd);
      } catch {
        continue;
      }
      visit(pid, fd, target);
    }
  }
  return { unreadable };
}
