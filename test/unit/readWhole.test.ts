import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readWhole } from '../../src/core/linux/pidDir';

/** A read that hands TEXT over in pieces of at most STEP bytes, as a file would. */
function reader(text: string, step = Infinity) {
  const bytes = Buffer.from(text, 'utf8');
  let at = 0;
  return (buf: Buffer, offset: number, want: number) => {
    const n = Math.min(want, step, bytes.length - at);
    bytes.copy(buf, offset, at, at + n);
    at += n;
    return n;
  };
}

test('a small file is read whole in one read', () => {
  assert.equal(readWhole(reader('Name:\tsleep\nPPid:\t1\n')), 'Name:\tsleep\nPPid:\t1\n');
  assert.equal(readWhole(reader('')), '');
});

test('a file larger than the buffer is read in pieces, a character split between them kept whole', () => {
  const big = 'x' + 'é'.repeat(50_000); // 100,001 bytes: the 64 KiB boundary falls inside an é
  assert.equal(readWhole(reader(big)), big);
});

test('a failed read answers its negative errno', () => {
  assert.equal(
    readWhole(() => -3),
    -3,
  );
});
