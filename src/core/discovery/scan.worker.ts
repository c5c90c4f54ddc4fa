/** The helper thread of a full scan (scanHelper.ts): one job, then it is ended. */
import { parentPort } from 'node:worker_threads';
import { ProcSource } from '../linux/procfs';
import { nameThisThread } from '../linux/threadName';
import { scanPids } from './scan';
import { HelperJob, helpWith } from './scanHelper';

parentPort?.once('message', (job: HelperJob) => {
  nameThisThread('nsx-scan');
  const proc = new ProcSource(job.procRoot);
  // Users are named by the thread that asked: no passwd read here.
  const users = new Map<number, string>();
  helpWith(job, (pids, into) => scanPids(proc, users, pids, job.viewerUid, job.detail, into));
});
