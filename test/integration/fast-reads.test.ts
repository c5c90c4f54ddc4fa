/**
 * The scan's fast reads against the path-based ones: /proc/PID held open and read
 * relative to it through koffi (pidDir.ts) must answer what ProcSource's fs reads answer,
 * on the live /proc, for a process that exits mid-read, and on a fixture tree of plain
 * files and symlinks; a scan shared with a helper thread (scanHelper.ts) must find what
 * one thread finds.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { scanAll, scanPids, scanProcess } from '../../src/core/discovery/scan';
import { ScanHelper } from '../../src/core/discovery/scanHelper';
import { PathPidDir, PidDir, ProcSource } from '../../src/core/linux/procfs';
import { fastReads, NsLink } from '../../src/core/linux/pidDir';
import { NS_TYPES, ProcessRecord } from '../../src/core/model/snapshot';
import { DIST, needs, Scenario, waitFor } from './helpers';

const LINKS: NsLink[] = [...NS_TYPES, 'pid_for_children', 'time_for_children'];
const HELPER = path.join(DIST, 'scan.worker.js');
const FIXTURES = path.join(__dirname, '..', 'fixtures');

/** Everything a PidDir answers about one process, failures as their errno. */
function readAll(dir: PidDir) {
  const fds: [number, string][] = [];
  const fdStatus = dir.nsFds((fd, type, ino) => fds.push([fd, `${type}:[${ino}]`]));
  const tids = dir.tids();
  return {
    task: dir.taskDirStat(),
    ns: LINKS.map((l) => dir.nsInode(l)),
    hasNsDir: dir.hasNsDir(),
    tids: typeof tids === 'number' ? tids : tids.sort((a, b) => a - b),
    threadNs: typeof tids === 'number' ? [] : tids.map((tid) => dir.nsInode('net', tid)),
    fdStatus,
    fds: fds.sort((a, b) => a[0] - b[0]),
  };
}

function viaFds(proc: ProcSource, pid: number) {
  const dir = proc.openPid(pid);
  assert.notEqual(typeof dir, 'number', `open /proc/${pid}`);
  try {
    return readAll(dir as PidDir);
  } finally {
    (dir as PidDir).close();
  }
}

const viaPaths = (proc: ProcSource, pid: number) => readAll(new PathPidDir(proc, pid));

const noKoffi = fastReads() ? false : 'koffi cannot be loaded here';

test(
  'directory-fd reads answer what path reads answer, for processes with namespace fds and threads',
  {
    skip: noKoffi || needs({ root: 'it makes a net namespace', tools: ['unshare', 'python3'] }),
  },
  async (t) => {
    const s = new Scenario(t);
    const proc = new ProcSource();
    // An fd on a net namespace no process is in, and a net namespace of its own.
    const holder = await s.start('unshare', [
      '--net',
      'sh',
      '-c',
      'exec 3</proc/self/ns/net; echo ready; exec sleep 1000',
    ]);
    await s.waitLine(holder, 'ready');
    const threaded = await s.start('python3', [
      '-c',
      'import threading, time\n' +
        'for _ in range(3): threading.Thread(target=time.sleep, args=(1000,), daemon=True).start()\n' +
        'print("ready", flush=True)\ntime.sleep(1000)',
    ]);
    await s.waitLine(threaded, 'ready');
    for (const pid of [holder.pid, threaded.pid, 2]) {
      assert.deepEqual(viaFds(proc, pid), viaPaths(proc, pid), `/proc/${pid}`);
    }
    const held = viaFds(proc, holder.pid).fds.find(([fd]) => fd === 3);
    assert.match(held?.[1] ?? '', /^net:\[\d+\]$/, 'the namespace fd is reported with its target');
    assert.equal((viaFds(proc, threaded.pid).tids as number[]).length, 4);
  },
);

test(
  'directory-fd reads of the namespace links agree with path reads for every process on the machine',
  {
    skip: noKoffi,
  },
  () => {
    const proc = new ProcSource();
    let compared = 0;
    for (const pid of proc.listPids()) {
      if (pid === process.pid) continue; // its own fds change as it reads
      const ns = (read: () => ReturnType<typeof readAll>) => {
        const r = read();
        return { task: r.task, ns: r.ns };
      };
      const fast = ns(() => viaFdsOrGone(proc, pid));
      const slow = ns(() => viaPaths(proc, pid));
      // A process that exited or changed namespaces in between is read again before judging.
      if (JSON.stringify(fast) !== JSON.stringify(slow)) {
        assert.deepEqual(
          ns(() => viaFdsOrGone(proc, pid)),
          ns(() => viaPaths(proc, pid)),
          `/proc/${pid}`,
        );
      }
      compared++;
    }
    assert.ok(compared > 10, `${compared} processes compared`);
  },
);

function viaFdsOrGone(proc: ProcSource, pid: number) {
  const dir = proc.openPid(pid);
  if (typeof dir === 'number') return viaPaths(proc, pid); // gone before it was opened: both say so
  try {
    return readAll(dir);
  } finally {
    dir.close();
  }
}

test(
  'a process that exits while its directory is held open answers errors, not exceptions',
  {
    skip: noKoffi,
  },
  async (t) => {
    const s = new Scenario(t);
    const proc = new ProcSource();
    const child = await s.start('sleep', ['1000']);
    const dir = proc.openPid(child.pid);
    assert.notEqual(typeof dir, 'number');
    const open = dir as PidDir;
    try {
      assert.ok(open.nsInode('net') > 0, 'readable while it runs');
      process.kill(child.pid, 'SIGKILL');
      await waitFor(`${child.pid} reaped`, () => !existsSync(`/proc/${child.pid}`));
      const after = readAll(open);
      assert.ok(typeof after.task === 'number' && after.task < 0, 'task/ stat fails');
      assert.ok(
        after.ns.every((ino) => ino < 0),
        `every link fails: ${after.ns.join(' ')}`,
      );
      assert.ok(after.fdStatus < 0, 'fd/ cannot be listed');
      assert.equal(after.hasNsDir, false);
    } finally {
      open.close();
    }
    assert.equal(typeof proc.openPid(child.pid), 'number', 'a gone process cannot be opened');
    assert.equal(scanProcess(proc, child.pid, 0, new Map(), 'namespaces'), 'vanished');
  },
);

test(
  'directory-fd reads answer what path reads answer on fixture trees of plain files and symlinks',
  {
    skip: noKoffi,
  },
  () => {
    for (const name of ['fds', 'threads', 'vanished', 'captured']) {
      const proc = new ProcSource(path.join(FIXTURES, name, 'proc'));
      const pids = readdirSync(proc.procRoot).filter((n) => /^\d+$/.test(n));
      assert.ok(pids.length > 0, name);
      for (const pid of pids.map(Number)) {
        const dir = proc.openPid(pid);
        if (typeof dir === 'number') {
          assert.ok(typeof viaPaths(proc, pid).task === 'number', `${name}/${pid} opens by path only`);
          continue;
        }
        dir.close();
        assert.deepEqual(viaFds(proc, pid), viaPaths(proc, pid), `${name}/${pid}`);
      }
    }
  },
);

test(
  'a scan shared with a helper thread finds what one thread finds',
  {
    skip:
      needs({ root: 'it starts 600 processes in new namespaces', tools: ['unshare'] }) ||
      (!existsSync(HELPER) && 'dist/scan.worker.js is missing: npm run build'),
  },
  async (t) => {
    const s = new Scenario(t);
    const group = await s.start('unshare', [
      '--net',
      '--uts',
      'sh',
      '-c',
      `${'sleep 1000 & '.repeat(600)} echo ready; wait`,
    ]);
    await s.waitLine(group, 'ready');
    const proc = new ProcSource();
    const users = proc.users();
    const pids = proc.listPids();
    const net = viaPaths(proc, group.pid).ns[LINKS.indexOf('net')];
    const ours = (records: ProcessRecord[]) => records.filter((p) => p.ns.net === net);
    const alone = scanAll(proc, users, pids, 0, 'namespaces');
    const helper = ScanHelper.start(HELPER);
    assert.ok(helper, 'the helper starts');
    // This thread is slowed down, so that the helper surely takes chunks of its own.
    const here = new Set<number>();
    const shared = helper!.share(
      proc.procRoot,
      pids,
      0,
      'namespaces',
      (some, into) => {
        const until = performance.now() + 5;
        while (performance.now() < until);
        scanPids(proc, users, some, 0, 'namespaces', into);
        for (const pid of some) here.add(pid);
      },
      users,
    );
    assert.ok(here.size < pids.length, `the helper scanned ${pids.length - here.size} of ${pids.length} PIDs`);
    assert.equal(ours(shared.processes).length, 601);
    assert.deepEqual(ours(shared.processes), ours(alone.processes));
    const order = shared.processes.map((p) => p.pid);
    assert.deepEqual(
      order,
      [...order].sort((a, b) => a - b),
      'in PID order',
    );
    assert.ok(
      Math.abs(shared.processes.length - alone.processes.length) < 50,
      'the same processes, give or take churn',
    );
  },
);
