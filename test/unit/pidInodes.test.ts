import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDirents } from '../../src/core/linux/pidDir';

/** One `struct linux_dirent64` record, padded to 8 bytes as the kernel does. */
function dirent(ino: bigint, name: string, le: boolean): Buffer {
  const reclen = Math.ceil((19 + name.length + 1) / 8) * 8;
  const rec = Buffer.alloc(reclen);
  if (le) {
    rec.writeBigUInt64LE(ino, 0);
    rec.writeUInt16LE(reclen, 16);
  } else {
    rec.writeBigUInt64BE(ino, 0);
    rec.writeUInt16BE(reclen, 16);
  }
  rec.write(name, 19, 'latin1');
  return rec;
}

for (const le of [true, false]) {
  test(`getdents64 records give each numeric entry's inode (${le ? 'little' : 'big'}-endian)`, () => {
    const names: [bigint, string][] = [
      [1n, '.'],
      [4026531841n, 'self'],
      [20784636n, '1'],
      [20784640n, '32768'],
      [7n, '12ab'],
      [8n, '4194304'],
    ];
    const buf = Buffer.concat([...names.map(([ino, name]) => dirent(ino, name, le)), Buffer.alloc(64, 0xff)]);
    const inodes = new Map<number, number>();
    parseDirents(buf, buf.length - 64, inodes, le);
    assert.deepEqual(
      [...inodes],
      [
        [1, 20784636],
        [32768, 20784640],
        [4194304, 8],
      ],
    );
  });
}
