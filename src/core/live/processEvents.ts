/**
 * As root, the live loop hears of processes from the kernel (../linux/procConnector): a
 * start, an exec, an exit, a setuid or a rename wakes it, a process that exec'd, changed
 * its user or renamed itself is read again at once rather than in its turn, and /proc is
 * listed only when a process started or ended. Where that cannot be (not root), ticks
 * find them alone.
 */
import { FdPoller, POLLIN } from '../linux/fdPoller';
import { ProcConnector } from '../linux/procConnector';
import { LiveDiscovery } from './liveDiscovery';

export interface Listening {
  close(): void;
}

export function listenToProcesses(
  poller: FdPoller,
  engine: LiveDiscovery,
  wake: () => void,
): Listening | { error: string } {
  const connector = ProcConnector.open();
  if ('error' in connector) return connector;
  const onReady = () => {
    const events = connector.drain();
    if (events === 'lost') engine.touchAll();
    else for (const e of events) if (e.kind === 'exec' || e.kind === 'status') engine.touch([e.pid]);
    if (events === 'lost' || events.some((e) => e.kind === 'fork' || e.kind === 'exit')) engine.processesChanged();
    if (events === 'lost' || events.length) wake();
    poller.rearm(connector.fd);
  };
  poller.watch(connector.fd, POLLIN, onReady);
  engine.hearProcesses();
  return {
    close: () => {
      poller.forget(connector.fd);
      connector.close();
    },
  };
}
