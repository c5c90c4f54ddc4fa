/**
 * A systemd-nspawn machine for one test, on a busybox root filesystem of ours. Here PID 1
 * is not systemd and no system bus runs, so it runs with `--register=no --keep-unit`
 * (without --keep-unit nspawn asks systemd for a scope and fails: "Failed to open system
 * bus: Connection refused"). It then makes `supervisor` and `payload` cgroups below its own;
 * so that they are ours to remove, it is started in a cgroup the test makes.
 *
 * stop() kills the machine's init (a PID namespace's init ignores what it does not
 * handle; nspawn exits when it dies), then nspawn by PID, and removes the cgroups and the
 * root filesystem.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { busyboxRoot } from './image';
import { endProcess, removeTree, startDaemon, tempDir, type Defer } from './system';
import { waitFor } from '../integration/helpers';

export const NSPAWN = '/usr/bin/systemd-nspawn';
export const NSPAWN_TOOLS = ['/usr/bin/systemd-nspawn', '/bin/busybox'];

export interface NspawnMachine {
  name: string;
  root: string;
  /** systemd-nspawn's PID. */
  nspawnPid: number;
  /** Host PID of the machine's init (its `sleep`). */
  pid: number;
  stop(): Promise<void>;
}

/** Where nspawn places itself: the named systemd hierarchy and the unified one (or cgroup2 alone). */
function cgroupHierarchies(): string[] {
  if (existsSync('/sys/fs/cgroup/cgroup.controllers')) return ['/sys/fs/cgroup'];
  return ['/sys/fs/cgroup/systemd', '/sys/fs/cgroup/unified'].filter((d) => existsSync(d));
}

/** Removes cgroup `dir` and those below it, deepest first (each must be empty of processes). */
function removeCgroup(dir: string): void {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir)) {
    const sub = path.join(dir, entry);
    if (statSync(sub).isDirectory()) removeCgroup(sub);
  }
  rmdirSync(dir);
}

export async function startNspawn(cleanup: Defer, name: string): Promise<NspawnMachine> {
  const dir = tempDir('nspawn');
  const cgroups = cgroupHierarchies().map((h) => path.join(h, path.basename(dir)));
  let nspawnPid = 0;
  let pid = 0;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    if (pid > 0) await endProcess(pid, 'SIGKILL');
    if (nspawnPid > 0) await endProcess(nspawnPid, 'SIGTERM');
    await removeTree(dir);
    for (const cg of cgroups) await waitFor(`cgroup ${cg} removed`, () => (removeCgroup(cg), true), 10_000);
  };
  cleanup.defer(`systemd-nspawn machine ${name}`, stop);
  for (const cg of cgroups) mkdirSync(cg);
  const root = busyboxRoot(path.join(dir, 'root'));
  const join = cgroups.map((cg) => `echo $$ > ${cg}/cgroup.procs`).join(' && ');
  nspawnPid = startDaemon(
    '/bin/sh',
    [
      '-c',
      `${join} && exec ${NSPAWN} --quiet -D "$1" --register=no --keep-unit -M "$2" /bin/sleep 100000`,
      'sh',
      root,
      name,
    ],
    path.join(dir, 'nspawn.log'),
  );
  pid = await waitFor(
    `the init of machine ${name}`,
    () => {
      const children = readdirSync(`/proc/${nspawnPid}/task`).flatMap((t) =>
        readFileText(`/proc/${nspawnPid}/task/${t}/children`).split(' ').filter(Boolean).map(Number),
      );
      return children.find((c) => readFileText(`/proc/${c}/comm`).trim() === 'sleep');
    },
    30_000,
  );
  return { name, root, nspawnPid, pid, stop };
}

function readFileText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
