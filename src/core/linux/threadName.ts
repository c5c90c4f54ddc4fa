/**
 * The engine's threads by name: `top -H`, `ps -L` and /proc/PID/task/TID/comm tell them
 * apart from the host's own threads (Node names every thread `node`).
 */
import { libc } from './syscalls';

const PR_SET_NAME = 15;
/** The kernel keeps 15 characters of a thread's name. */
const NAME_MAX = 15;

export type EngineThread = 'nsx-discovery' | 'nsx-scan' | 'nsx-poller' | 'nsx-details';

let named = false;

/**
 * Names the calling thread, once; a name is a nicety, so a failure changes nothing. Call it
 * when the thread is given work, not as it starts: it loads koffi, and a native module
 * loaded in a thread that is being torn down (its program ended while the thread started,
 * as a one-off scan's helper can) aborts the whole process.
 */
export function nameThisThread(name: EngineThread): void {
  if (named) return;
  named = true;
  try {
    libc().prctl(PR_SET_NAME, name.slice(0, NAME_MAX), 0, 0, 0);
  } catch {
    // koffi missing or prctl refused: the thread keeps its name.
  }
}
