/**
 * Worker thread of ThreadRunner (threads.ts): for each job it enters one namespace with
 * setns() — this thread only — checks it is the one asked for, and runs that type's
 * reader from inside. Readers only read files and ask the kernel; they never exec.
 */
import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { cgroupInside, CgroupText } from './cgroup';
import { ipcInside, IpcSeen } from './ipc';
import { netInside, NetInside } from './net/net';
import { callFailed, libc } from '../linux/syscalls';
import { UtsNames, utsNames } from './uts';

/** The CLONE_NEW* flag setns() checks the file against. */
const FLAGS = {
  net: 0x40000000,
  uts: 0x04000000,
  ipc: 0x08000000,
  cgroup: 0x02000000,
} as const;

export type ThreadKind = keyof typeof FLAGS;

/** What each kind's reader returns from inside, as its type's module defines it. */
export interface ThreadResults {
  net: NetInside;
  uts: UtsNames;
  ipc: IpcSeen;
  cgroup: CgroupText[];
}

export interface ThreadJob {
  id: number;
  kind: ThreadKind;
  file: string;
  ino: number;
  /** Reader-specific input (e.g. the PIDs whose cgroup paths to read). */
  args?: unknown;
}

export type ThreadReply = { id: number; value: unknown } | { id: number; error: string };

const READERS: Record<ThreadKind, (args: unknown) => unknown> = {
  net: () => netInside(),
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
  let reply: ThreadReply;
  try {
    enter(job);
    reply = { id: job.id, value: READERS[job.kind](job.args) };
  } catch (err) {
    reply = { id: job.id, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
