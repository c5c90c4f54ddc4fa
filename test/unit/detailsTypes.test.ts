/** The UTS, IPC, cgroup and time details: the kernel's texts parsed, and what a user is shown without root. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { cgroupNsRoot, cgroupTexts, cgroupV2Path, readCgroup } from '../../src/core/details/cgroup';
import { DetailsContext } from '../../src/core/details/context';
import {
  formatKey,
  parseMessageQueues,
  parseQueueSize,
  parseSemaphores,
  parseSharedMemory,
  parseSysvipcTable,
  posixQueues,
  readIpc,
} from '../../src/core/details/ipc';
import { parseTimensOffsets, readTime } from '../../src/core/details/time';
import { readUts } from '../../src/core/details/uts';
import { ProcSource } from '../../src/core/linux/procfs';
import { NsType, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { HOST } from './fixture-probe';
import { nsRecord } from './records';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'details');
const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const USERS = new Map([
  [0, 'root'],
  [1000, 'ann'],
]);

test('System V message queues: key as 8 hex digits, owner named, messages and bytes queued', () => {
  assert.deepEqual(parseMessageQueues(fixture('sysvipc-msg'), USERS), [
    { key: '0x0000002a', id: 0, ownerUid: 0, owner: 'root', perms: '660', messages: 2, bytes: 10 },
    { key: '0x00000000', id: 1, ownerUid: 0, owner: 'root', perms: '600', messages: 0, bytes: 0 },
  ]);
});

test('System V semaphore sets: a key the kernel prints negative is its unsigned hex', () => {
  assert.deepEqual(parseSemaphores(fixture('sysvipc-sem'), USERS), [
    { key: '0xdeadbeef', id: 0, ownerUid: 0, owner: 'root', perms: '640', nsems: 5 },
  ]);
});

test('System V shared memory: size and attaches; a removed segment keeps its permissions without the kernel state bits', () => {
  assert.deepEqual(parseSharedMemory(fixture('sysvipc-shm'), USERS), [
    { key: '0x12345678', id: 0, ownerUid: 0, owner: 'root', perms: '644', bytes: 65536, attached: 1 },
    { key: '0x00000000', id: 1, ownerUid: 0, owner: 'root', perms: '600', bytes: 4096, attached: 1 },
  ]);
});

test('System V tables: no objects is an empty list; an unknown owner UID has no name', () => {
  const header = fixture('sysvipc-sem').split('\n')[0]! + '\n';
  assert.deepEqual(parseSemaphores(header, USERS), []);
  const line = '      1234          7   600          1  4242     0     0     0          0 1795969792\n';
  assert.deepEqual(parseSemaphores(header + line, USERS), [
    { key: '0x000004d2', id: 7, ownerUid: 4242, owner: null, perms: '600', nsems: 1 },
  ]);
});

test('System V tables: malformed text is refused with what is wrong', () => {
  const header = fixture('sysvipc-msg').split('\n')[0]!;
  const row = fixture('sysvipc-msg').split('\n')[1]!;
  assert.throws(
    () => parseMessageQueues('', USERS),
    /\/proc\/sysvipc\/msg has no header line naming key, perms and uid/,
  );
  assert.throws(() => parseMessageQueues('garbage\n1 2 3\n', USERS), /no header line/);
  assert.throws(() => parseMessageQueues(`${header}\n${row} 99\n`, USERS), /line 2 has 15 fields, the header 14/);
  assert.throws(
    () => parseMessageQueues(`${header}\n${row.replace(' 660 ', ' 6x0 ')}\n`, USERS),
    /perms '6x0' is not octal/,
  );
  assert.throws(
    () => parseMessageQueues(`${header}\n${row.replace('        42 ', '       4.2 ')}\n`, USERS),
    /key '4.2' is not an integer/,
  );
  assert.throws(
    () => parseMessageQueues(`${header}\n${row.replace('        42 ', '9999999999 ')}\n`, USERS),
    /IPC key 9999999999 is out of range/,
  );
  assert.throws(() => parseSemaphores(fixture('sysvipc-msg'), USERS), /\/proc\/sysvipc\/sem has no column semid/);
  assert.throws(() => parseSysvipcTable('key perms uid\n1 2\n', 'x'), /x: line 2 has 2 fields, the header 3/);
});

test('formatKey prints every 32-bit key as ipcs does, signed or not', () => {
  fc.assert(
    fc.property(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }), (key) => {
      const hex = formatKey(key);
      assert.match(hex, /^0x[0-9a-f]{8}$/);
      assert.equal(parseInt(hex.slice(2), 16) | 0, key);
    }),
  );
  assert.equal(formatKey(-1), '0xffffffff');
  assert.equal(formatKey(0xffffffff), '0xffffffff');
  assert.throws(() => formatKey(2 ** 32), /out of range/);
});

test('hostile text: every parser returns or throws an Error saying what it refused, never a TypeError', () => {
  const parsers: ((text: string) => unknown)[] = [
    (t) => parseMessageQueues(t, USERS),
    (t) => parseSemaphores(t, USERS),
    (t) => parseSharedMemory(t, USERS),
    parseQueueSize,
    cgroupV2Path,
    parseTimensOffsets,
  ];
  const headerish = fc.constantFrom(
    '',
    'key msqid perms cbytes qnum uid\n',
    'key semid perms nsems uid\n',
    'monotonic 1 2\n',
    '0::/',
  );
  fc.assert(
    fc.property(headerish, fc.string({ unit: 'binary', maxLength: 200 }), (head, tail) => {
      for (const parse of parsers) {
        try {
          parse(head + tail);
        } catch (err) {
          assert.ok(err instanceof Error && !(err instanceof TypeError) && err.message.length > 0, String(err));
        }
      }
    }),
  );
});

test('POSIX queues: bytes queued from QSIZE, names as mq_open takes them, sorted; an unreadable file has no size', () => {
  assert.equal(parseQueueSize(fixture('mqueue-status')), 15);
  assert.throws(() => parseQueueSize('QSIZE:lots NOTIFY:0'), /unexpected POSIX queue status 'QSIZE:lots NOTIFY:0'/);
  assert.throws(() => parseQueueSize(''), /unexpected POSIX queue status/);
  const files = [
    { name: 'work', uid: 1000, mode: 0o100600, status: null },
    { name: 'jobs', uid: 0, mode: 0o100644, status: fixture('mqueue-status') },
  ];
  assert.deepEqual(posixQueues(files, USERS), [
    { name: '/jobs', ownerUid: 0, owner: 'root', perms: '644', bytes: 15 },
    { name: '/work', ownerUid: 1000, owner: 'ann', perms: '600', bytes: null },
  ]);
});

test('cgroupV2Path: the 0:: line, from the host and from inside; cgroup v1 only has none; malformed lines are refused', () => {
  assert.equal(cgroupV2Path(fixture('cgroup-outside-host')), '/nsxcap-out');
  assert.equal(cgroupV2Path(fixture('cgroup-outside-inside')), '/../nsxcap-out');
  assert.equal(cgroupV2Path('0::/system.slice/a:b.service\n'), '/system.slice/a:b.service');
  assert.equal(cgroupV2Path('12:pids:/user.slice\n1:name=systemd:/user.slice/x.scope\n'), null);
  assert.throws(() => cgroupV2Path('0::relative\n'), /unexpected \/proc\/PID\/cgroup line '0::relative'/);
  assert.throws(() => cgroupV2Path('hello\n0::/\n'), /unexpected \/proc\/PID\/cgroup line 'hello'/);
});

test('cgroupTexts: the thread reads only a list of PIDs; one that exited is marked gone', () => {
  const proc = new ProcSource(FIXTURES);
  assert.throws(() => cgroupTexts('1; rm', proc), /cgroup: expected a list of PIDs/);
  assert.throws(() => cgroupTexts([1, -2], proc), /expected a list of PIDs/);
  assert.deepEqual(
    cgroupTexts([999999999], proc).map((r) => 'gone' in r && r.gone),
    [true],
  );
});

test('cgroupNsRoot: the host path with the inside suffix removed; a process outside the root does not tell it', () => {
  assert.equal(cgroupNsRoot('/nsxcap', '/'), '/nsxcap');
  assert.equal(cgroupNsRoot('/nsxcap/sub/deeper', '/sub/deeper'), '/nsxcap');
  assert.equal(cgroupNsRoot('/sub', '/sub'), '/');
  assert.equal(
    cgroupNsRoot(cgroupV2Path(fixture('cgroup-outside-host'))!, cgroupV2Path(fixture('cgroup-outside-inside'))!),
    null,
  );
  assert.equal(cgroupNsRoot('/a/xsub', '/sub'), null, 'a suffix that is not a whole path component');
  assert.equal(cgroupNsRoot('/a/b', '/c'), null);
});

test('parseTimensOffsets: seconds and nanoseconds per clock, by name or clock id; anything else is refused', () => {
  assert.deepEqual(parseTimensOffsets(fixture('timens_offsets')), {
    monotonic: { seconds: -100, nanoseconds: 0 },
    boottime: { seconds: 86400, nanoseconds: 0 },
  });
  assert.deepEqual(parseTimensOffsets('1 -3 500000000\n7 0 1\n'), {
    monotonic: { seconds: -3, nanoseconds: 500000000 },
    boottime: { seconds: 0, nanoseconds: 1 },
  });
  assert.throws(() => parseTimensOffsets('monotonic 1 0\n'), /lacks the monotonic or boottime offset/);
  assert.throws(() => parseTimensOffsets('monotonic 1 0\nmonotonic 2 0\nboottime 0 0\n'), /names monotonic twice/);
  assert.throws(() => parseTimensOffsets('realtime 1 0\n'), /unexpected timens_offsets line 'realtime 1 0'/);
  assert.throws(() => parseTimensOffsets('monotonic 1 -5\nboottime 0 0\n'), /unexpected timens_offsets line/);
  assert.throws(() => parseTimensOffsets('monotonic 1 1000000000\nboottime 0 0\n'), /offset out of range/);
});

// ---------------------------------------------------------------------------------
// Read as a user from a /proc made by the test

const NEW = { uts: 4026532601, ipc: 4026532602, cgroup: 4026532603, time: 4026532604, time2: 4026532605 };

function proc(
  pid: number,
  name: string,
  ns: Partial<Record<NsType, number>>,
  forChildren?: ProcessRecord['forChildren'],
): ProcessRecord {
  return {
    pid,
    ppid: 1,
    uid: 1000,
    user: 'ann',
    name,
    command: `${name} 1000`,
    nspid: [pid],
    ns: { ...HOST, ...ns },
    ...(forChildren ? { forChildren } : {}),
  };
}

/**
 * A /proc in a directory the test removes, whose entry for this process says nsx is in
 * the namespaces READER gives (ns links are symlinks with the kernel's text).
 */
function userContext(
  t: { after: (fn: () => void) => void },
  reader: Partial<Record<NsType, number>> = {},
): DetailsContext {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-details-types-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  fs.mkdirSync(path.join(root, String(process.pid), 'ns'), { recursive: true });
  for (const [type, ino] of Object.entries({ ...HOST, ...reader }))
    fs.symlinkSync(`${type}:[${ino}]`, path.join(root, String(process.pid), 'ns', type));
  write('sys/kernel/hostname', 'build-7\n');
  write('sys/kernel/domainname', '(none)\n');
  for (const f of ['msg', 'sem', 'shm']) write(`sysvipc/${f}`, fixture(`sysvipc-${f}`));
  write('300/timens_offsets', '!!\n'); // never read: 300 puts its children in another time namespace
  write('301/timens_offsets', fixture('timens_offsets'));
  write('302/timens_offsets', fixture('timens_offsets'));
  write('1/cgroup', '0::/\n');
  write('400/cgroup', '0::/nsxcap\n');
  write('401/cgroup', fixture('cgroup-outside-host'));
  const processes = [
    proc(1, 'init', {}),
    proc(200, 'sleep', { uts: NEW.uts, ipc: NEW.ipc }),
    proc(300, 'unshare', { time: NEW.time }, { time: NEW.time2 }),
    proc(301, 'unshare', {}, { time: NEW.time }),
    proc(302, 'sleep', { time: NEW.time }),
    proc(400, 'sleep', { cgroup: NEW.cgroup }),
    proc(401, 'sleep', { cgroup: NEW.cgroup }),
  ];
  const members = (type: NsType, ino: number) => processes.filter((p) => p.ns[type] === ino);
  const snapshot: Snapshot = {
    version: 1,
    takenAt: '2026-01-01T00:00:00.000Z',
    scanner: { uid: 1000, procRoot: root, durationMs: 1 },
    capabilities: { hierarchy: true },
    hidden: { total: 2, byReason: { EACCES: 2, vanished: 0 } },
    namespaces: [
      nsRecord(HOST.uts, 'uts', members('uts', HOST.uts)),
      nsRecord(HOST.ipc, 'ipc', members('ipc', HOST.ipc)),
      nsRecord(HOST.cgroup, 'cgroup', members('cgroup', HOST.cgroup)),
      nsRecord(NEW.uts, 'uts', members('uts', NEW.uts)),
      nsRecord(NEW.ipc, 'ipc', members('ipc', NEW.ipc)),
      nsRecord(NEW.cgroup, 'cgroup', members('cgroup', NEW.cgroup)),
      nsRecord(NEW.time, 'time', members('time', NEW.time)),
      nsRecord(NEW.time2, 'time', [], {
        holders: [{ kind: 'process', pid: 300, path: '/proc/300/ns/time_for_children' }],
      }),
    ],
    processes,
  };
  return { snapshot, proc: new ProcSource(root), users: USERS, threads: null };
}

const nsOf = (ctx: DetailsContext, ino: number) => ctx.snapshot.namespaces.find((n) => n.ns === ino)!;

test('readUts as a user: the names of the namespace nsx runs in; another one needs root', async (t) => {
  const ctx = userContext(t);
  const own = await readUts(nsOf(ctx, HOST.uts), ctx);
  assert.deepEqual([own.hostname, own.domainname, own.readAs, own.unavailable], ['build-7', '(none)', 'user', []]);
  const other = await readUts(nsOf(ctx, NEW.uts), ctx);
  assert.equal(other.hostname, undefined);
  assert.deepEqual(
    other.unavailable.map((u) => [u.what, u.needsRoot]),
    [['hostname and domain name', true]],
  );
});

test('readIpc as a user: System V objects of the namespace nsx runs in; another one needs root', async (t) => {
  const ctx = userContext(t);
  const own = await readIpc(nsOf(ctx, HOST.ipc), ctx);
  assert.deepEqual(
    own.messageQueues!.map((q) => q.key),
    ['0x0000002a', '0x00000000'],
  );
  assert.deepEqual(
    own.semaphores!.map((s) => s.key),
    ['0xdeadbeef'],
  );
  assert.deepEqual(
    own.sharedMemory!.map((m) => m.bytes),
    [65536, 4096],
  );
  // The POSIX queues come from this machine's /dev/mqueue, or are said to be missing.
  assert.ok(own.posixQueues || own.unavailable.some((u) => u.what === 'POSIX message queues' && u.needsRoot));
  const other = await readIpc(nsOf(ctx, NEW.ipc), ctx);
  assert.equal(other.messageQueues, undefined);
  assert.deepEqual(
    other.unavailable.map((u) => u.needsRoot),
    [true],
  );
});

test('readTime: offsets from a process whose children go to the namespace, not from one whose children go elsewhere', async (t) => {
  const ctx = userContext(t);
  const d = await readTime(nsOf(ctx, NEW.time), ctx);
  assert.equal(d.via, '/proc/301/timens_offsets');
  assert.deepEqual(
    [d.monotonic, d.boottime],
    [
      { seconds: -100, nanoseconds: 0 },
      { seconds: 86400, nanoseconds: 0 },
    ],
  );
  fs.rmSync(path.join(ctx.proc.procRoot, '301'), { recursive: true });
  assert.equal(
    (await readTime(nsOf(ctx, NEW.time), ctx)).via,
    '/proc/302/timens_offsets',
    'an exited process leaves it to the next',
  );
});

test('readTime: a namespace only a vanished process led to says why; a user is told root may see more', async (t) => {
  const ctx = userContext(t);
  fs.rmSync(path.join(ctx.proc.procRoot, '300'), { recursive: true });
  const d = await readTime(nsOf(ctx, NEW.time2), ctx);
  assert.equal(d.monotonic, undefined);
  assert.deepEqual(
    d.unavailable.map((u) => [u.what, u.needsRoot]),
    [['the monotonic and boottime offsets', true]],
  );
  assert.match(d.unavailable[0]!.reason, /^the processes to read them from exited \(ENOENT/);
  const garbled = userContext(t);
  fs.writeFileSync(path.join(garbled.proc.procRoot, '301', 'timens_offsets'), 'monotonic x\n');
  const bad = await readTime(nsOf(garbled, NEW.time), garbled);
  assert.deepEqual(
    bad.unavailable.map((u) => [u.reason, u.needsRoot]),
    [["/proc/301/timens_offsets: unexpected timens_offsets line 'monotonic x'", false]],
  );
});

test('readCgroup as a user in the initial cgroup namespace: host paths; the inside paths and root need root', async (t) => {
  const ctx = userContext(t);
  const d = await readCgroup(nsOf(ctx, NEW.cgroup), ctx);
  assert.deepEqual(d.members, [
    { pid: 400, command: 'sleep 1000', hostPath: '/nsxcap' },
    { pid: 401, command: 'sleep 1000', hostPath: '/nsxcap-out' },
  ]);
  assert.equal(d.root, undefined);
  assert.deepEqual(
    d.unavailable.map((u) => [u.what, u.needsRoot]),
    [['the cgroup paths seen inside, and the cgroup that is / inside', true]],
  );
  // nsx is in the initial namespace too: there both paths are the same. Members without a cgroup file exited.
  const host = await readCgroup(nsOf(ctx, HOST.cgroup), ctx);
  assert.equal(host.root, '/');
  assert.deepEqual(host.members, [{ pid: 1, command: 'init 1000', hostPath: '/', insidePath: '/' }]);
  assert.deepEqual(host.unavailable, []);
});

test('readCgroup as a user inside the namespace: /proc shows inside paths, and says it cannot show host paths', async (t) => {
  const ctx = userContext(t, { cgroup: NEW.cgroup });
  const d = await readCgroup(nsOf(ctx, NEW.cgroup), ctx);
  assert.deepEqual(
    d.members!.map((m) => [m.pid, m.hostPath, m.insidePath]),
    [
      [400, undefined, '/nsxcap'],
      [401, undefined, '/nsxcap-out'],
    ],
  );
  assert.equal(d.root, undefined);
  assert.deepEqual(
    d.unavailable.map((u) => [u.what, u.needsRoot]),
    [["the host paths of its processes' cgroups", false]],
  );
  assert.match(d.unavailable[0]!.reason, new RegExp(`nsx runs in cgroup namespace ${NEW.cgroup}, not the initial one`));
});
