/** Worker-thread entry of BackgroundDiscovery: one scan per message. */
import { parentPort } from 'node:worker_threads';
import { scanOnce, ScanRequest } from './background';

parentPort?.on('message', (request: ScanRequest) => {
  try {
    parentPort!.postMessage(scanOnce(request));
  } catch (err) {
    parentPort!.postMessage({ error: (err as Error).message, name: (err as Error).name });
  }
});
