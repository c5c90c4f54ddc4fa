/**
 * The engine's threads by name: `top -H`, `ps -L` and /proc/PID/task/TID/comm tell them
 * apart from the host's own threads (Node names every thread `node`).
 */
import { libc } from './syscalls';

const PR_SET_NAME = 15;
/** The kernel keeps 15 characters of a thread's name. */
const NAME_MAX = 15;

export type EngineThread = 'nsx-discovery' | 'nsx-scan' | 'nsx-poller' | 'nsx-details';

/** Names the calling thread; a name is a nicety, so a failure changes nothing. */
export function nameThisThread(name: EngineThread): void {
  try {
    libc().prctl(PR_SET_NAME, name.slice(0, NAME_MAX), 0, 0, 0);
  } catch {
    // koffi missing or prctl refused: the thread keeps its name.
  }
}
