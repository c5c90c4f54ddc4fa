/**
 * Load builder for benchmarks (root only).
 *
 * A Tracker spawns detached process groups and remembers every PGID and every named
 * resource it made, so teardown is exact: processes are killed by PGID (leaves first, so
 * each parent reaps its children and nothing is orphaned to PID 1) and netns bind mounts
 * are deleted by their exact names. Nothing here kills or deletes by a broad name.
 *
 * buildNamespaceLoad() uses it to create N processes in M namespaces of every type, plus
 * namespaces that only `nsx` reports: netns bind mounts without a process, namespaces held
 * only by an open fd (and their owning user namespace, a "ghost"), and threads in their
 * own namespaces.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';

const SLEEP = 'sleep 3600';
const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------
// /proc helpers

/** Every process under /proc as { pid, ppid, pgid, state, comm }; vanished ones skipped. */
export function readProcs() {
  const procs = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue;
    }
    const close = stat.lastIndexOf(')');
    const [state, ppid, pgid] = stat.slice(close + 2).split(' ');
    procs.push({
      pid: Number(name),
      ppid: Number(ppid),
      pgid: Number(pgid),
      state,
      comm: stat.slice(stat.indexOf('(') + 1, close),
    });
  }
  return procs;
}

/** Inode of a namespace link such as `net:[4026532000]`, or null. */
export function nsInode(path) {
  try {
    const m = /\[(\d+)\]$/.exec(readlinkSync(path));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Distinct namespaces reachable through /proc/PID/ns of every readable process. */
export function countProcessNamespaces() {
  const seen = new Set();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let links;
    try {
      links = readdirSync(`/proc/${name}/ns`);
    } catch {
      continue;
    }
    for (const link of links) {
      const ino = nsInode(`/proc/${name}/ns/${link}`);
      if (ino !== null && !link.endsWith('_for_children')) seen.add(ino);
    }
  }
  return seen.size;
}

function isMountPoint(path) {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .some((line) => line.split(' ')[4] === path);
}

// ---------------------------------------------------------------------------------------
// Tracker: spawns, remembers, tears down

export class Tracker {
  /** PGID -> number of processes expected in the group once it is up. */
  groups = new Map();
  /** Names given to `ip netns add`. */
  netns = [];
  #runNetnsWasMount = isMountPoint('/run/netns');

  /** Spawns `cmd args` as the leader of a new process group (its PID is the PGID). */
  async spawnGroup(cmd, args, { expect = 1, stdout = 'ignore', env = process.env } = {}) {
    const child = spawn(cmd, args, { detached: true, stdio: ['ignore', stdout, 'inherit'], env });
    if (child.pid !== undefined) this.groups.set(child.pid, expect); // before any await: Ctrl-C safe
    await new Promise((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
    child.unref();
    return child;
  }

  /** `ip netns add NAME`: a network namespace held only by a bind mount. */
  addNetns(name) {
    this.netns.push(name);
    const r = spawnSync('ip', ['netns', 'add', name], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip netns add ${name}: ${r.stderr || r.error}`);
    return statSync(`/run/netns/${name}`).ino;
  }

  /** Processes currently in our process groups. */
  members(procs = readProcs()) {
    return procs.filter((p) => this.groups.has(p.pgid));
  }

  expectedProcesses() {
    let n = 0;
    for (const count of this.groups.values()) n += count;
    return n;
  }

  /** Waits until every expected process exists (children forked, namespaces made). */
  async waitUntilUp(timeoutMs = 60_000) {
    const expected = this.expectedProcesses();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const live = this.members().filter((p) => p.state !== 'Z').length;
      if (live >= expected) return live;
      if (Date.now() > deadline) {
        throw new Error(`load did not come up: ${live} of ${expected} processes after ${timeoutMs} ms`);
      }
      await sleepMs(100);
    }
  }

  /**
   * Kills our processes leaves first: a killed leaf is reaped by its parent (sh's `wait`,
   * unshare --fork), which then exits by itself, so no orphan is left for PID 1 to reap.
   * Whatever is left after a few rounds gets SIGKILL by PGID.
   */
  async teardown() {
    for (let round = 0; round < 8; round++) {
      const members = this.members().filter((p) => p.state !== 'Z');
      if (members.length === 0) break;
      const parents = new Set(members.map((p) => p.ppid));
      const leaves = members.filter((p) => !parents.has(p.pid));
      for (const p of leaves) tryKill(p.pid);
      await this.#waitGone(new Set(leaves.map((p) => p.pid)), 3000);
    }
    this.killGroups();
    await this.#waitGone(null, 10_000);
    this.deleteNetns();
  }

  /** Synchronous last resort (process 'exit'): SIGKILL every group, delete every netns. */
  teardownSync() {
    this.killGroups();
    this.deleteNetns();
  }

  /** SIGKILL by PGID, only to groups that still have a process (a PGID is never reused while it does). */
  killGroups() {
    for (const pgid of new Set(this.members().map((p) => p.pgid))) tryKill(-pgid);
  }

  deleteNetns() {
    for (const name of this.netns) {
      if (existsSync(`/run/netns/${name}`)) spawnSync('ip', ['netns', 'delete', name]);
    }
    // The first `ip netns add` on a machine turns /run/netns into a mount point; undo that
    // only if we caused it and nobody else has a netns there now.
    if (!this.#runNetnsWasMount && this.netns.length && isMountPoint('/run/netns')) {
      if (readdirSync('/run/netns').length === 0) spawnSync('umount', ['/run/netns']);
    }
  }

  /** What is still there: processes (any state) in our groups, our netns names, their mounts. */
  leftovers() {
    const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
    return {
      processes: this.members(),
      netns: this.netns.filter((n) => existsSync(`/run/netns/${n}`)),
      mounts: this.netns.filter((n) => mountinfo.includes(`/run/netns/${n} `)),
    };
  }

  async #waitGone(pids, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const left = this.members().filter((p) => (pids ? pids.has(p.pid) : true));
      if (left.length === 0) return;
      await sleepMs(50);
    }
  }
}

function tryKill(pid) {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

// ---------------------------------------------------------------------------------------
// The namespace load

/**
 * The mix of `unshare` groups, cycled. `fork` groups are unshare --fork -> sh -> sleeps
 * (pid and time namespaces need it: only children enter them); the others exec sh directly.
 */
const GROUP_KINDS = [
  { flags: ['--net', '--uts', '--ipc'], fork: true },
  { flags: ['--mount'], fork: false },
  { flags: ['--pid'], fork: true },
  { flags: ['--user'], fork: false },
  { flags: ['--net'], fork: false },
  { flags: ['--cgroup'], fork: true },
  { flags: ['--time'], fork: true },
  { flags: ['--uts', '--ipc'], fork: false },
  { flags: ['--user', '--map-root-user', '--net'], fork: true },
  { flags: ['--mount', '--pid'], fork: true },
];
const nsCount = (kind) => kind.flags.filter((f) => f !== '--map-root-user').length;

/** Splits the targets into groups: each { flags, fork, sleeps, procs, namespaces }. */
export function planNamespaceGroups({ procs, namespaces }) {
  const groups = [];
  let nsLeft = namespaces;
  for (let i = 0; nsLeft > 0; i++) {
    let kind = GROUP_KINDS[i % GROUP_KINDS.length];
    if (nsCount(kind) > nsLeft) kind = { flags: ['--uts'], fork: false };
    groups.push({ ...kind, namespaces: nsCount(kind), sleeps: 1 });
    nsLeft -= nsCount(kind);
  }
  // Each group costs sh (+ unshare when forking) + at least one sleep; spread the rest.
  const overhead = groups.reduce((n, g) => n + (g.fork ? 3 : 2), 0);
  const extra = Math.max(0, procs - overhead);
  groups.forEach((g, i) => {
    g.sleeps += Math.floor(extra / groups.length) + (i < extra % groups.length ? 1 : 0);
    g.procs = g.sleeps + (g.fork ? 2 : 1);
  });
  return groups;
}

function groupArgs(group) {
  const script = `${`${SLEEP} & `.repeat(group.sleeps)}wait`;
  return [...group.flags, ...(group.fork ? ['--fork'] : []), '--', 'sh', '-c', script];
}

/** Starts the groups in parallel batches. */
async function spawnGroups(tracker, groups, batchSize) {
  for (let i = 0; i < groups.length; i += batchSize) {
    const batch = groups.slice(i, i + batchSize);
    await Promise.all(batch.map((g) => tracker.spawnGroup('unshare', groupArgs(g), { expect: g.procs })));
  }
}

/** Resolves with the first line the child prints (its readiness signal); rejects if it ends first. */
export function firstLine(child, what = 'helper') {
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      buf += chunk;
      if (buf.includes('\n')) resolve(buf.slice(0, buf.indexOf('\n')));
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`${what} ${child.pid} ended (${signal ?? `exit ${code}`}) before it was ready`)),
    );
  });
}

/**
 * One sleep holding fds 3-5 on net/uts/ipc namespaces in which no process is left; those
 * are owned by a user namespace that nothing but them keeps alive (a ghost).
 */
const FD_HOLDER = `
unshare --user --map-root-user --net --uts --ipc ${SLEEP} & c=$!
while [ "$(cat /proc/$c/comm 2>/dev/null)" != sleep ]; do sleep 0.01; done
u=$(readlink /proc/$c/ns/user)
exec 3</proc/$c/ns/net 4</proc/$c/ns/uts 5</proc/$c/ns/ipc
{ kill -9 $c; wait $c; } 2>/dev/null
echo "ready $u"
exec ${SLEEP} >/dev/null`;

async function addFdHolder(tracker) {
  const child = await tracker.spawnGroup('sh', ['-c', FD_HOLDER], { stdout: 'pipe' });
  const line = await firstLine(child);
  const held = [3, 4, 5].map((fd) => nsInode(`/proc/${child.pid}/fd/${fd}`));
  return { fd: held, ghost: [Number(/\[(\d+)\]/.exec(line)?.[1])] };
}

/** A python process whose two threads each unshare a namespace (net, uts) of their own. */
const THREADED = `
import ctypes, os, threading, time
libc = ctypes.CDLL(None, use_errno=True)
done = []
def thread(flag):
    if libc.unshare(flag) != 0:
        os._exit(1)
    done.append(flag)
    time.sleep(3600)
for flag in (0x40000000, 0x04000000):
    threading.Thread(target=thread, args=(flag,), daemon=True).start()
while len(done) < 2:
    time.sleep(0.01)
print("ready", flush=True)
os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
time.sleep(3600)`;

async function addThreadedProcess(tracker) {
  const python = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p));
  if (!python) return { task: [], note: 'no python3: multi-threaded holder skipped' };
  const child = await tracker.spawnGroup(python, ['-c', THREADED], { stdout: 'pipe' });
  await firstLine(child);
  const own = { net: nsInode(`/proc/${child.pid}/ns/net`), uts: nsInode(`/proc/${child.pid}/ns/uts`) };
  const task = [];
  for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
    for (const type of ['net', 'uts']) {
      const ino = nsInode(`/proc/${child.pid}/task/${tid}/ns/${type}`);
      if (ino !== null && ino !== own[type]) task.push(ino);
    }
  }
  return { task };
}

/**
 * Builds the whole load. Returns a summary and `special`: namespace inodes by how they are
 * held (bindmount, fd, task, ghost), to check which tool reports them.
 */
export async function buildNamespaceLoad(tracker, { procs, namespaces, netns = 3, fdHolders = 2, batchSize = 64 }) {
  const started = process.hrtime.bigint();
  const special = { bindmount: [], fd: [], task: [], ghost: [] };
  const notes = [];

  for (let i = 0; i < netns; i++) special.bindmount.push(tracker.addNetns(`nsxbench-${process.pid}-${i}`));
  for (let i = 0; i < fdHolders; i++) {
    const held = await addFdHolder(tracker);
    special.fd.push(...held.fd);
    special.ghost.push(...held.ghost);
  }
  const threaded = await addThreadedProcess(tracker);
  special.task.push(...threaded.task);
  if (threaded.note) notes.push(threaded.note);

  const extraNs = Object.values(special).reduce((n, list) => n + list.length, 0);
  const extraProcs = tracker.expectedProcesses();
  const groups = planNamespaceGroups({
    procs: Math.max(0, procs - extraProcs),
    namespaces: Math.max(0, namespaces - extraNs),
  });
  await spawnGroups(tracker, groups, batchSize);
  const live = await tracker.waitUntilUp();

  return {
    processes: live,
    namespaces: groups.reduce((n, g) => n + g.namespaces, 0) + extraNs,
    groups: groups.length,
    special,
    notes,
    seconds: Number(process.hrtime.bigint() - started) / 1e9,
  };
}
