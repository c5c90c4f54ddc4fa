/**
 * Real namespaces made with unshare / ip netns, checked against what `nsx` reports.
 * Needs root; when not root every test is reported as skipped.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { NS_TYPES, type Holder, type NamespaceRecord, type NsType } from '../../src/core/model/snapshot';
import {
  REPO,
  Scenario,
  commOf,
  descendants,
  describeNs,
  findNs,
  findProc,
  linkInode,
  listJson,
  nsInode,
  nspidOf,
  lsns,
  snapshotJson,
  uniqueName,
  waitFor,
  needs,
  needsRoot,
} from './helpers';

function holdersOf<K extends Holder['kind']>(rec: NamespaceRecord, kind: K): Extract<Holder, { kind: K }>[] {
  return rec.holders.filter((h): h is Extract<Holder, { kind: K }> => h.kind === kind);
}

test(
  'nested PID namespaces 3 deep: the innermost process has a 4-entry nspid chain and the pid namespaces chain by pns',
  { skip: needs({ root: 'creates PID namespaces with unshare --pid', tools: ['unshare'] }) },
  async (t) => {
    const s = new Scenario(t);
    const unshare = ['unshare', '--pid', '--fork', '--mount-proc'];
    // host: unshare(A) -> ns1: unshare(B, pid 1) -> ns2: unshare(C, pid 1) -> ns3: sleep(D, pid 1)
    const a = await s.start(unshare[0]!, [...unshare.slice(1), ...unshare, ...unshare, 'sleep', '1000']);
    const [b, c, d] = await waitFor('the innermost sleep', () => {
      const ds = descendants(a.pid);
      const last = ds[2];
      if (ds.length !== 3 || last?.comm !== 'sleep') return undefined;
      return nspidOf(last.pid).length === 4 ? ds.map((x) => x.pid) : undefined;
    });
    assert.ok(b !== undefined && c !== undefined && d !== undefined);

    const host = nsInode('self', 'pid');
    const ns1 = nsInode(b, 'pid');
    const ns2 = nsInode(c, 'pid');
    const ns3 = nsInode(d, 'pid');
    assert.equal(new Set([host, ns1, ns2, ns3]).size, 4, 'setup: four distinct pid namespaces');
    assert.equal(nspidOf(d).at(-1), 1, 'setup: the innermost sleep is PID 1 of its namespace');

    const snap = snapshotJson();

    // nspid chains, outermost first, as /proc/PID/status NSpid says.
    for (const pid of [b, c, d]) {
      const rec = findProc(snap, pid);
      assert.ok(rec, `process ${pid} missing from snapshot --json`);
      assert.deepEqual(rec.nspid, nspidOf(pid), `nspid of process ${pid}`);
      assert.equal(rec.ns.pid, nsInode(pid, 'pid'), `ns.pid of process ${pid}`);
    }
    const inner = findProc(snap, d)!;
    assert.equal(inner.nspid.length, 4, 'innermost sleep: host + 3 nested PID namespaces');
    assert.equal(inner.nspid[0], d, 'nspid starts with the host PID');
    assert.equal(inner.nspid.at(-1), 1, 'nspid ends with PID 1 in the innermost namespace');

    // pns links: ns3 -> ns2 -> ns1 -> host (the top has no visible parent).
    const r3 = findNs(snap, ns3);
    const r2 = findNs(snap, ns2);
    const r1 = findNs(snap, ns1);
    const r0 = findNs(snap, host);
    for (const [name, rec] of [
      ['ns3', r3],
      ['ns2', r2],
      ['ns1', r1],
      ['host', r0],
    ] as const) {
      assert.ok(rec, `${name} pid namespace missing from snapshot`);
      assert.equal(rec.type, 'pid', `${name} type`);
    }
    assert.equal(r3!.pns, ns2, `innermost.pns must be the middle namespace: ${describeNs(r3)}`);
    assert.equal(r2!.pns, ns1, `middle.pns must be the outer namespace: ${describeNs(r2)}`);
    assert.equal(r1!.pns, host, `outer.pns must be the host pid namespace: ${describeNs(r1)}`);
    assert.equal(r0!.pns, null, 'the host pid namespace has no visible parent');
    assert.equal(r3!.nprocs, 1, 'only the sleep is in the innermost pid namespace');
    assert.equal(r3!.pid, d, 'innermost pid namespace: lowest member PID (host numbering)');
    // A process's pid link names its own namespace only, so ns1 has exactly B as member.
    assert.equal(r1!.nprocs, 1, `outer pid namespace members: ${describeNs(r1)}`);
    assert.equal(r1!.pid, b);

    // `list --type pid` keeps only pid namespaces and includes all three.
    const pidOnly = listJson(['--type', 'pid']);
    assert.ok(pidOnly.namespaces.length > 0);
    assert.ok(
      pidOnly.namespaces.every((n) => n.type === 'pid'),
      'list --type pid returned other types',
    );
    for (const ino of [ns1, ns2, ns3, host]) assert.ok(findNs(pidOnly, ino), `list --type pid lacks ${ino}`);

    // `list --pid D` lists exactly the namespaces of D.
    const ofD = listJson(['--pid', String(d)]);
    const truth = new Map<NsType, number>();
    for (const type of NS_TYPES) {
      if (existsSync(`/proc/${d}/ns/${type}`)) truth.set(type, nsInode(d, type));
    }
    const got = new Map(ofD.namespaces.map((n) => [n.type, n.ns] as const));
    assert.deepEqual(
      Object.fromEntries([...got].sort()),
      Object.fromEntries([...truth].sort()),
      `list --pid ${d} must list the namespaces of that process`,
    );
  },
);

test(
  'a user namespace owns the net namespace created with it: ons, ownerUid 0 and pns = the initial user namespace',
  { skip: needs({ root: 'creates user and net namespaces with unshare', tools: ['unshare'] }) },
  async (t) => {
    const s = new Scenario(t);
    const p = await s.start('unshare', ['--user', '--map-root-user', '--net', 'sleep', '1000']);
    await waitFor('unshare to exec sleep', () => commOf(p.pid) === 'sleep');
    const userIno = nsInode(p.pid, 'user');
    const netIno = nsInode(p.pid, 'net');
    const hostUser = nsInode('self', 'user');
    assert.notEqual(userIno, hostUser, 'setup: a new user namespace');

    const list = listJson();
    const net = findNs(list, netIno);
    assert.ok(net, `net namespace ${netIno} missing from list --json`);
    assert.equal(net.type, 'net');
    assert.equal(net.ons, userIno, `net.ons must be the new user namespace: ${describeNs(net)}`);
    assert.equal(net.nprocs, 1);
    assert.equal(net.pid, p.pid);
    assert.equal(net.pns, null, 'pns is only for pid and user namespaces');

    const user = findNs(list, userIno);
    assert.ok(user, `user namespace ${userIno} missing from list --json`);
    assert.equal(user.type, 'user');
    assert.equal(user.ownerUid, 0, `created by root: ${describeNs(user)}`);
    assert.equal(user.pns, hostUser, 'parent is the initial user namespace');
    assert.equal(user.ons, hostUser, 'owner of a user namespace is its parent (NS_GET_USERNS)');
    assert.equal(user.nprocs, 1);
    assert.equal(user.pid, p.pid);
    assert.equal(user.ghost, false);

    const initial = findNs(list, hostUser);
    assert.ok(initial, 'the initial user namespace is listed');
    assert.equal(initial.pns, null, 'the initial user namespace has no parent');
    assert.equal(initial.ownerUid, 0);
  },
);

test(
  'a user namespace known only as the parent of another is listed as a ghost',
  { skip: needs({ root: 'creates nested user namespaces with unshare', tools: ['unshare', 'lsns'] }) },
  async (t) => {
    const s = new Scenario(t);
    // unshare execs unshare execs sleep: the middle user namespace keeps no process.
    const p = await s.start('unshare', [
      '--user',
      '--map-root-user',
      'unshare',
      '--user',
      '--map-root-user',
      'sleep',
      '1000',
    ]);
    await waitFor('unshare to exec sleep', () => commOf(p.pid) === 'sleep');
    const inner = nsInode(p.pid, 'user');
    const hostUser = nsInode('self', 'user');
    // Truth for the middle namespace: lsns asks the kernel (NS_GET_PARENT).
    const users = lsns<{ namespaces: { ns: number; pns: number }[] }>(t, ['-J', '-t', 'user', '-o', 'NS,PNS']);
    const middle = users.namespaces.find((n) => Number(n.ns) === inner)?.pns;
    assert.ok(middle && Number(middle) !== hostUser, `setup: lsns gives the middle namespace (${middle})`);

    const list = listJson();
    const rin = findNs(list, inner);
    assert.ok(rin, 'inner user namespace listed');
    assert.equal(rin.pns, Number(middle));
    assert.equal(rin.ghost, false);
    const rmid = findNs(list, Number(middle));
    assert.ok(rmid, `middle user namespace ${middle} (parent only) must be listed`);
    assert.equal(rmid.type, 'user');
    assert.equal(rmid.ghost, true, `known only as a parent: ${describeNs(rmid)}`);
    assert.equal(rmid.nprocs, 0);
    assert.equal(rmid.pid, null);
    assert.equal(rmid.pns, hostUser, 'the middle namespace chains to the initial one');
  },
);

test(
  'an `ip netns add` namespace with no process is listed with nprocs 0, its bind mount as holder and its name as label',
  { skip: needs({ root: 'creates a named network namespace with ip netns add', tools: ['ip'] }) },
  async (t) => {
    const s = new Scenario(t);
    const name = uniqueName('netns');
    const nsPath = `/run/netns/${name}`;
    const ino = s.netns(name);
    assert.ok(
      readFileSync('/proc/self/mountinfo', 'utf8').includes(`net:[${ino}] ${nsPath} `),
      'setup: the bind mount is in mountinfo',
    );
    const myMnt = nsInode('self', 'mnt');

    const list = listJson();
    const rec = findNs(list, ino);
    assert.ok(rec, `net namespace ${ino} (${nsPath}) missing from list --json`);
    assert.equal(rec.type, 'net');
    assert.equal(rec.nprocs, 0, 'no process is in it');
    assert.equal(rec.pid, null);
    assert.equal(rec.ghost, false, 'a bind mount is a visible holder, not a ghost');
    assert.equal(rec.label, name, 'the ip netns name is the label');
    assert.ok(rec.nsfs.includes(nsPath), `nsfs must contain ${nsPath}: ${JSON.stringify(rec.nsfs)}`);
    const mounts = holdersOf(rec, 'bindmount');
    assert.ok(
      mounts.some((h) => h.path === nsPath && h.mntns === myMnt && Number.isInteger(h.pid)),
      `a bindmount holder at ${nsPath} in mount namespace ${myMnt}: ${JSON.stringify(rec.holders)}`,
    );
    assert.deepEqual(holdersOf(rec, 'process'), [], 'no process holders');
    assert.equal(rec.ons, nsInode('self', 'user'), 'owned by the initial user namespace');

    const netOnly = listJson(['--type', 'net']);
    assert.ok(netOnly.namespaces.every((n) => n.type === 'net'));
    assert.equal(findNs(netOnly, ino)?.label, name, 'list --type net shows it too');
  },
);

test(
  'a net namespace held only by an open fd after its last member exited is listed with nprocs 0 and an fd holder',
  { skip: needs({ root: 'creates a network namespace with unshare --net', tools: ['unshare'] }) },
  async (t) => {
    const s = new Scenario(t);
    const script = [
      'unshare --net sleep 1000 & C=$!',
      'me=$(readlink /proc/$$/ns/net)',
      'i=0; while [ "$(readlink /proc/$C/ns/net)" = "$me" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done',
      'exec 9< /proc/$C/ns/net',
      '{ kill -KILL $C; wait $C; } 2>/dev/null',
      'echo ready',
      'exec sleep 1000',
    ].join('\n');
    const p = await s.start('bash', ['-c', script]);
    await s.waitLine(p, 'ready');
    await waitFor('bash to exec sleep', () => commOf(p.pid) === 'sleep');
    const ino = linkInode(`/proc/${p.pid}/fd/9`);
    assert.notEqual(ino, nsInode('self', 'net'), 'setup: fd 9 is on a new net namespace');
    assert.equal(descendants(p.pid).length, 0, 'setup: the member process is gone');

    const list = listJson();
    const rec = findNs(list, ino);
    assert.ok(rec, `net namespace ${ino} held by fd 9 of ${p.pid} missing from list --json`);
    assert.equal(rec.type, 'net');
    assert.equal(rec.nprocs, 0, `no member process: ${describeNs(rec)}`);
    assert.equal(rec.pid, null);
    assert.equal(rec.ghost, false, 'an fd is a visible holder, not a ghost');
    const fds = holdersOf(rec, 'fd');
    assert.ok(
      fds.some((h) => h.pid === p.pid && h.fd === 9),
      `an fd holder {pid: ${p.pid}, fd: 9}: ${JSON.stringify(rec.holders)}`,
    );
    const fd9 = fds.find((h) => h.pid === p.pid && h.fd === 9);
    assert.ok(fd9?.path.endsWith('/fd/9'), `fd holder path: ${fd9?.path}`);
    assert.deepEqual(holdersOf(rec, 'process'), []);
  },
);

test(
  'a thread that unshared its UTS namespace is a task holder of that namespace and listed in its process tasks',
  { skip: needsRoot('calls unshare(CLONE_NEWUTS) in a worker thread') },
  async (t) => {
    const s = new Scenario(t);
    const koffi = path.join(REPO, 'node_modules', 'koffi');
    const worker = `
      const { parentPort } = require('node:worker_threads');
      let msg;
      try {
        const koffi = require(${JSON.stringify(koffi)});
        const lib = koffi.load('libc.so.6');
        const unshare = lib.func('int unshare(int)');
        const gettid = lib.func('int gettid()');
        msg = 'tid ' + gettid() + ' rc ' + unshare(0x04000000);
      } catch (err) { msg = 'error ' + String(err); }
      parentPort.postMessage(msg);
      setInterval(() => {}, 1 << 30);
    `;
    const main = `
      const { Worker } = require('node:worker_threads');
      const w = new Worker(${JSON.stringify(worker)}, { eval: true });
      w.on('message', (m) => process.stdout.write(m + '\\n'));
      setInterval(() => {}, 1 << 30);
    `;
    const p = await s.start(process.execPath, ['-e', main]);
    const line = await waitFor('the worker thread to unshare', () =>
      p
        .stdout()
        .split('\n')
        .find((l) => l.startsWith('tid ') || l.startsWith('error ')),
    );
    const m = /^tid (\d+) rc (-?\d+)$/.exec(line);
    assert.ok(m && m[2] === '0', `setup: unshare(CLONE_NEWUTS) in a worker: ${line}`);
    const tid = Number(m[1]);
    const taskUts = linkInode(`/proc/${p.pid}/task/${tid}/ns/uts`);
    const procUts = nsInode(p.pid, 'uts');
    assert.notEqual(taskUts, procUts, 'setup: the thread is in another UTS namespace');

    const snap = snapshotJson();
    const proc = findProc(snap, p.pid);
    assert.ok(proc, `process ${p.pid} missing from snapshot`);
    assert.equal(proc.ns.uts, procUts);
    const task = proc.tasks?.find((x) => x.tid === tid);
    assert.ok(task, `process ${p.pid} tasks must list thread ${tid}: ${JSON.stringify(proc.tasks)}`);
    assert.equal(task.ns.uts, taskUts);

    const rec = findNs(snap, taskUts);
    assert.ok(rec, `uts namespace ${taskUts} of thread ${tid} missing from snapshot`);
    assert.equal(rec.type, 'uts');
    assert.equal(rec.ghost, false);
    assert.ok(
      holdersOf(rec, 'task').some((h) => h.pid === p.pid && h.tid === tid),
      `a task holder {pid: ${p.pid}, tid: ${tid}}: ${JSON.stringify(rec.holders)}`,
    );
    assert.equal(rec.nprocs, 0, 'threads are not counted as member processes');
    assert.equal(rec.pid, null);
    assert.deepEqual(holdersOf(rec, 'process'), []);

    // The process itself is still a member of its own UTS namespace.
    const own = findNs(snap, procUts);
    assert.ok(own && own.holders.some((h) => h.kind === 'process' && h.pid === p.pid));
  },
);
