/**
 * Worker thread of ThreadRunner (threads.ts): for each job it enters one namespace with
 * setns() — this thread only — checks it is the one asked for, and runs that type's
 * reader from inside. Readers only read files and ask the kernel; they never exec.
 */
import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { cgroupInside } from './cgroup';
import { ipcInside } from './ipc';
import { netInside } from './net/net';
import { callFailed, libc } from '../linux/syscalls';
import { nameThisThread } from '../linux/threadName';
import type { NetJobArgs, ThreadJob, ThreadKind, ThreadReply } from './threadProtocol';
import { utsNames } from './uts';

/** The CLONE_NEW* flag setns() checks the file against. */
const FLAGS: Record<ThreadKind, number> = {
  net: 0x40000000,
  uts: 0x04000000,
  ipc: 0x08000000,
  cgroup: 0x02000000,
};

const READERS: Record<ThreadKind, (args: unknown) => unknown> = {
  net: (args) => netInside(args as NetJobArgs | undefined),
  uts: () => utsNames(),
  ipc: () => ipcInside(),
  cgroup: (pids) => cgroupInside(pids),
};

function enter(job: ThreadJob): void {
  const fd = fs.openSync(job.file, 'r');
  try {
    if (fs.fstatSync(fd).ino !== job.ino) throw new Error(`${job.file} now holds another namespace`);
    if (libc().setns(fd, FLAGS[job.kind]) !== 0) throw callFailed('setns');
  } finally {
    fs.closeSync(fd);
  }
}

parentPort?.on('message', (job: ThreadJob) => {
  nameThisThread('nsx-details');
  let reply: ThreadReply;
  try {
    enter(job);
    reply = { id: job.id, value: READERS[job.kind](job.args) };
  } catch (err) {
    reply = { id: job.id, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
