/**
 * A load of running containers for `npm run bench` (root): COUNT containers of a busybox
 * image on a private dockerd (test/engines/docker.ts, loaded through tsx), to time what
 * naming them adds to a scan. The load has the shape bench/run.mjs's withLoad() takes:
 * teardown(), teardownSync() (on exit) and leftovers().
 *
 *   const load = await containerLoad({ count: 50 });
 *   ... time nsx list --json ...
 *   await load.teardown();
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { tsImport } from 'tsx/esm/api';

const engine = (file) => tsImport(`../test/engines/${file}`, import.meta.url);

/** Starts COUNT busybox containers (`sleep`, own namespaces, no network) on a private dockerd. */
export async function containerLoad({ count = 50 } = {}) {
  const [{ startDocker }, { busyboxImage }, system] = await Promise.all([
    engine('docker.ts'),
    engine('image.ts'),
    engine('system.ts'),
  ]);
  const docker = await startDocker();
  try {
    const image = busyboxImage(docker.dir, 'busybox');
    docker.importImage(image.tar, 'nsxbench/busybox:1');
    const ids = [];
    for (let i = 0; i < count; i++) {
      ids.push(docker.run(`nsxbench-${process.pid}-${i}`, 'nsxbench/busybox:1', ['/bin/sleep', '100000']));
    }
    return loadOf(docker, ids, system);
  } catch (err) {
    await docker.stop();
    throw err;
  }
}

function loadOf(docker, ids, { processesUnder, mountsUnder }) {
  return {
    /** The containers' full ids, and the dockerd they run on. */
    ids,
    docker,
    teardown: () => docker.stop(),
    /** Last resort on exit: SIGKILL whatever names its directory, unmount, remove. */
    teardownSync() {
      for (const pid of processesUnder(docker.dir)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already
        }
      }
      for (const target of mountsUnder(docker.dir)) spawnSync('umount', ['--lazy', target], { stdio: 'ignore' });
      rmSync(docker.dir, { recursive: true, force: true });
    },
    leftovers() {
      const processes = processesUnder(docker.dir);
      const mounts = mountsUnder(docker.dir);
      const problems = [
        ...(processes.length ? [`processes of the private dockerd: ${processes.join(' ')}`] : []),
        ...(mounts.length ? [`mounts: ${mounts.join(' ')}`] : []),
        ...(existsSync(docker.dir) ? [`${docker.dir} still exists`] : []),
      ];
      return { problems, summary: `${ids.length} containers and their dockerd removed, nothing left` };
    },
  };
}
