/** src/core/pin.ts on this process's own namespaces: what nsx enter opens and checks before nsenter. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { pinFile, pinProcess } from '../../src/core/terminals/pin';
import { ProcSource } from '../../src/core/linux/procfs';

const proc = new ProcSource();
const own = (type: 'net' | 'uts') => proc.nsInode(process.pid, type);
const inodeOf = (file: string) => fs.statSync(file).ino;

test('pinProcess opens each namespace of the process, as files of this process that name the same namespaces', () => {
  const pinned = pinProcess(proc, process.pid, ['net', 'uts'], {
    inodes: { net: own('net'), uts: own('uts') },
    start: proc.startTime(process.pid),
    name: 'node',
  });
  assert.ok(typeof pinned !== 'string', String(pinned));
  try {
    assert.deepEqual(Object.keys(pinned.files), ['net', 'uts']);
    for (const type of ['net', 'uts'] as const) {
      assert.match(pinned.files[type]!, new RegExp(`^/proc/${process.pid}/fd/\\d+$`));
      assert.equal(inodeOf(pinned.files[type]!), own(type), type);
    }
  } finally {
    pinned.close();
  }
});

test('pinProcess refuses a process no longer in the namespace the plan names, naming both', () => {
  const other = own('net') + 1;
  assert.equal(
    pinProcess(proc, process.pid, ['net'], { inodes: { net: other }, start: null, name: 'node' }),
    `PID ${process.pid} (node)'s net namespace is now net:[${own('net')}], not the net:[${other}] chosen: ` +
      `nothing was entered`,
  );
});

test('pinProcess refuses a PID whose start time is not the one pinned', () => {
  const start = proc.startTime(process.pid);
  assert.equal(
    pinProcess(proc, process.pid, ['net'], { inodes: {}, start: start + 1, name: 'node' }),
    `PID ${process.pid} is now another process: node exited and its PID was reused`,
  );
});

test('pinProcess says a process that has exited is gone', async () => {
  const child = spawn('true', { stdio: 'ignore' });
  const pid = child.pid!;
  await new Promise((resolve) => child.on('exit', resolve));
  await new Promise((resolve) => setImmediate(resolve)); // reaped
  assert.equal(
    pinProcess(proc, pid, ['net'], { inodes: {}, start: null, name: 'true' }),
    `PID ${pid} (true) is gone: the process exited`,
  );
});

test('pinFile opens a namespace file that is the namespace asked for', () => {
  const pinned = pinFile('/proc/self/ns/net', 'net', own('net'));
  assert.ok(typeof pinned !== 'string', String(pinned));
  try {
    assert.equal(inodeOf(pinned.files.net!), own('net'));
  } finally {
    pinned.close();
  }
});

test('pinFile refuses a file that holds another namespace, one that is no namespace file, and one that is gone', (t) => {
  assert.equal(
    pinFile('/proc/self/ns/net', 'net', 12),
    `/proc/self/ns/net is now net:[${own('net')}], not the net:[12] chosen: nothing was entered`,
  );
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-pin-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const plain = path.join(dir, 'netns');
  fs.writeFileSync(plain, '');
  // The same inode number on another file system is not the namespace.
  assert.equal(pinFile(plain, 'net', inodeOf(plain)), `${plain} is not a namespace file: nothing was entered`);
  assert.equal(
    pinFile(path.join(dir, 'gone'), 'net', 1),
    `${path.join(dir, 'gone')} is gone: the namespace it held may no longer exist`,
  );
});
