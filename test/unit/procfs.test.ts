/** procfs.ts: the parsers, and ProcSource reading fixture trees. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { parseNsLink, parsePasswd, parseStatus, ProcSource } from '../../src/core/linux/procfs';
import { FIXTURES, fixtureSource } from './fixture-probe';

const CAPTURED = path.join(FIXTURES, 'captured', 'proc');
const role = Object.fromEntries(
  fs
    .readFileSync(path.join(FIXTURES, 'captured', 'pids.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => [l.split(' ')[0], Number(l.split(' ')[1])]),
) as Record<string, number>;

test('parseNsLink reads the type and inode of an nsfs link target', () => {
  assert.deepEqual(parseNsLink('net:[4026531833]'), { type: 'net', ino: 4026531833 });
  assert.deepEqual(parseNsLink('pid:[4026532752]'), { type: 'pid', ino: 4026532752 });
  assert.deepEqual(parseNsLink('cgroup:[4026531835]'), { type: 'cgroup', ino: 4026531835 });
});

test('parseNsLink leaves the type as text: callers check it is a namespace type', () => {
  assert.deepEqual(parseNsLink('socket:[20002]'), { type: 'socket', ino: 20002 });
  assert.deepEqual(parseNsLink('pipe:[20001]'), { type: 'pipe', ino: 20001 });
});

test('parseNsLink: null for paths, anon inodes and malformed targets', () => {
  for (const t of [
    '/dev/null',
    'anon_inode:[eventpoll]',
    'net:[]',
    'net:[12] (deleted)',
    'NET:[1]',
    'net:[-1]',
    'net:4026531833',
    '',
    '/home/u/net:[1]',
  ]) {
    assert.equal(parseNsLink(t), null, t);
  }
});

test('parseStatus reads Name, PPid, Uid, NSpid and Threads of a real status file', () => {
  const inner = role['pidchain-inner'];
  const text = fs.readFileSync(path.join(CAPTURED, String(inner), 'status'), 'utf8');
  const st = parseStatus(text);
  assert.equal(st.name, 'sleep');
  assert.equal(st.ppid, Number(/^PPid:\s*(\d+)/m.exec(text)![1]));
  assert.equal(st.uid, 0);
  assert.deepEqual(st.nspid, [inner, 2, 1]);
  assert.equal(st.threads, 1);
});

test('parseStatus: Threads of a multi-threaded process and Uid of nobody', () => {
  assert.equal(parseStatus(fs.readFileSync(path.join(CAPTURED, String(role.threaded), 'status'), 'utf8')).threads, 8);
  assert.equal(parseStatus(fs.readFileSync(path.join(CAPTURED, String(role.userns), 'status'), 'utf8')).uid, 65534);
});

test('parseStatus: the real UID is the first of the four Uid values', () => {
  const st = parseStatus('Name:\tpasswd\nPPid:\t300\nUid:\t1000\t0\t0\t0\nThreads:\t1\n');
  assert.equal(st.uid, 1000);
});

test('parseStatus: a name with spaces and a colon is kept whole', () => {
  assert.equal(parseStatus('Name:\ttmux: server\nPPid:\t1\n').name, 'tmux: server');
});

test('parseStatus: NSpid is not confused with NSpgid, nor PPid with TracerPid', () => {
  const st = parseStatus('Name:\tx\nPid:\t9\nTracerPid:\t77\nNSpgid:\t5\t1\nPPid:\t3\nNSpid:\t9\t4\n');
  assert.deepEqual(st.nspid, [9, 4]);
  assert.equal(st.ppid, 3);
});

test('parseStatus: fields absent from old kernels get defaults (no NSpid, no Threads)', () => {
  const st = parseStatus('Name:\told\nPPid:\t1\nUid:\t0\t0\t0\t0\n');
  assert.deepEqual(st.nspid, []);
  assert.equal(st.threads, 1);
});

test('parsePasswd maps UIDs to names', () => {
  const users = parsePasswd(
    'root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n',
  );
  assert.deepEqual(
    [...users],
    [
      [0, 'root'],
      [65534, 'nobody'],
    ],
  );
});

test('parsePasswd: the first entry of a UID wins', () => {
  assert.equal(parsePasswd('root:x:0:0::/root:/bin/bash\ntoor:x:0:0::/root:/bin/sh\n').get(0), 'root');
});

test('parsePasswd skips blank, malformed, NIS and non-numeric lines', () => {
  const users = parsePasswd(
    [
      '',
      'garbage',
      '+::::::',
      '+@admins',
      'bad:x:abc:0::/:/bin/sh',
      'short:x',
      'ok:x:1000:1000::/home/ok:/bin/bash',
      '',
    ].join('\n'),
  );
  assert.deepEqual([...users], [[1000, 'ok']]);
});

test('ProcSource.listPids lists numeric entries in numeric order only', () => {
  assert.deepEqual(fixtureSource('vanished').listPids(), [1, 101, 102]);
  const pids = fixtureSource('captured').listPids();
  assert.deepEqual(
    pids,
    [...pids].sort((a, b) => a - b),
  );
  assert.equal(pids[0], 2);
});

test('ProcSource.cmdline joins arguments with spaces and drops trailing NULs', () => {
  assert.equal(fixtureSource('bindmounts').cmdline(603), 'ping -c 100 192.0.2.1');
  assert.equal(fixtureSource('users').cmdline(200), 'nginx: worker process');
});

test('ProcSource.cmdline of a kernel thread is empty', () => {
  assert.equal(fixtureSource('captured').cmdline(2), '');
});

test('ProcSource.nsInode reads ns links of processes and threads', () => {
  const proc = fixtureSource('threads');
  assert.equal(proc.nsInode(400, 'uts'), 4026531838);
  assert.equal(proc.nsInode(400, 'uts', 402), 4026532310);
  assert.equal(proc.nsInode(400, 'pid_for_children'), 4026531836);
});

test('ProcSource.nsInode throws the fs error with its code for a missing link', () => {
  assert.throws(() => fixtureSource('vanished').nsInode(102, 'net'), { code: 'ENOENT' });
});

test('ProcSource.fds and fdTarget list and read fd links', () => {
  const proc = fixtureSource('fds');
  assert.deepEqual(proc.fds(500), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  assert.equal(proc.fdTarget(500, 3), 'net:[4026532410]');
  assert.equal(proc.fdTarget(500, 2), 'socket:[20002]');
});

test('ProcSource.users reads the passwd file it was given, and is empty without one', () => {
  assert.equal(fixtureSource('users').users().get(33), 'www-data');
  assert.equal(new ProcSource(path.join(FIXTURES, 'users', 'proc'), path.join(FIXTURES, 'nope')).users().size, 0);
});

test('ProcSource reads a file longer than its 64 KiB buffer without breaking a UTF-8 character', (t) => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-procfs-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  fs.mkdirSync(path.join(root, '7'));
  // 2-byte characters from byte 1 on: one of them straddles every 64 KiB boundary.
  const args = ['x' + 'ü'.repeat(100_000), 'end'];
  fs.writeFileSync(path.join(root, '7', 'cmdline'), args.join('\0') + '\0');
  const got = new ProcSource(root).cmdline(7);
  const expected = args.join(' ');
  let at = 0;
  while (at < expected.length && got[at] === expected[at]) at++;
  // Reported as the first difference, so that a failure prints a short message.
  assert.equal(at, expected.length, `first difference at ${at}: ${JSON.stringify(got.slice(at - 2, at + 3))}`);
  assert.equal(got.length, expected.length);
});
