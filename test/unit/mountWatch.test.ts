/** The pure parts of the mount table watch: kernel versions, the pollfd array, which method is taken. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kernelAtLeast, parseKernelRelease } from '../../src/core/linux/kernelVersion';
import { fanotifyUnsupported } from '../../src/core/mounts/fanotifyMounts';
import { chooseMethod } from '../../src/core/mounts/mountWatch';
import { pollBuffer, POLLERR, POLLIN, POLLPRI, readyEntries } from '../../src/core/linux/pollSet';

test('a kernel release gives its major and minor version, whatever follows them', () => {
  assert.deepEqual(parseKernelRelease('6.18.44-fc-v1252'), { major: 6, minor: 18 });
  assert.deepEqual(parseKernelRelease('5.10.0-28-amd64'), { major: 5, minor: 10 });
  assert.deepEqual(parseKernelRelease('6.15'), { major: 6, minor: 15 });
  assert.equal(parseKernelRelease('unknown'), null);
  assert.equal(parseKernelRelease(''), null);
});

test('kernelAtLeast compares major first, then minor, and says no when the version cannot be read', () => {
  assert.equal(kernelAtLeast(6, 15, '6.15.0'), true);
  assert.equal(kernelAtLeast(6, 15, '6.14.9'), false);
  assert.equal(kernelAtLeast(6, 15, '7.0.1'), true);
  assert.equal(kernelAtLeast(6, 15, '5.19.0'), false);
  assert.equal(kernelAtLeast(6, 15, 'garbage'), false);
});

test('fanotify mount events need kernel 6.15 and root, and say which is missing', () => {
  assert.equal(fanotifyUnsupported('6.18.1', 0), undefined);
  assert.match(fanotifyUnsupported('6.14.2', 0)!, /^kernel 6\.14\.2 has no fanotify mount events \(Linux 6\.15/);
  assert.match(fanotifyUnsupported('6.18.1', 1000)!, /need root/);
});

test('the watch polls unless fanotify is asked for and available, and says why not', () => {
  assert.deepEqual(chooseMethod('fanotify', '6.18.1', 0), { kind: 'fanotify' });
  assert.equal(chooseMethod('fanotify', '6.1.0', 0).kind, 'poll');
  assert.match(chooseMethod('fanotify', '6.1.0', 0).why!, /6\.15/);
  assert.match(chooseMethod('fanotify', '6.18.1', 1000).why!, /root/);
  assert.deepEqual(chooseMethod('poll', '6.18.1', 0), { kind: 'poll', why: 'poll was asked for' });
  for (const asked of ['auto', undefined] as const) {
    const m = chooseMethod(asked, '6.18.1', 0);
    assert.equal(m.kind, 'poll');
    assert.match(m.why!, /remounts/);
  }
});

test('a pollfd array holds fd and events per entry, and gives back the entries with revents', () => {
  const buf = pollBuffer([
    { fd: 7, events: POLLIN },
    { fd: 12, events: POLLPRI },
    { fd: 40000, events: POLLPRI },
  ]);
  assert.equal(buf.length, 24);
  assert.equal(buf.readInt32LE(8), 12);
  assert.equal(buf.readInt16LE(12), POLLPRI);
  assert.deepEqual(readyEntries(buf), []);
  buf.writeUInt16LE(POLLPRI | POLLERR, 14); // as the kernel writes revents
  buf.writeUInt16LE(POLLIN, 22);
  assert.deepEqual(readyEntries(buf), [
    { index: 1, revents: POLLPRI | POLLERR },
    { index: 2, revents: POLLIN },
  ]);
});
