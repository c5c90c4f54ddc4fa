import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bracketAt, decimal, decimalName, linkInode, linkNsType } from '../../src/core/linux/linkBytes';
import { nsLinkInode } from '../../src/core/linux/nsLink';

const bytes = (text: string) => Buffer.from(text, 'latin1');

test('a link target read into a buffer gives the inode nsLinkInode gives its text', () => {
  const targets = ['net:[4026531833]', 'pid_for_children:[4026531836]', 'socket:[123]', 'net:[]', 'net:[12a]'];
  for (const t of [...targets, 'net:4026531833', ':[1]', '/dev/null', 'anon_inode:[eventpoll]', 'x:[1]]']) {
    const buf = Buffer.concat([bytes(t), Buffer.alloc(8, 0x5d)]);
    assert.deepEqual(linkInode(buf, t.length), nsLinkInode(t), t);
  }
});

test('the type of an fd target is told only for namespace types', () => {
  const typeOf = (t: string) => {
    const buf = bytes(t);
    const open = bracketAt(buf, buf.length);
    return open < 0 ? null : linkNsType(buf, open);
  };
  assert.equal(typeOf('net:[4026531833]'), 'net');
  assert.equal(typeOf('cgroup:[4026531835]'), 'cgroup');
  assert.equal(typeOf('time:[4026531834]'), 'time');
  assert.equal(typeOf('pipe:[5312]'), null);
  assert.equal(typeOf('socket:[5312]'), null);
  assert.equal(typeOf('netx:[1]'), null);
  assert.equal(typeOf('/run/netns/a'), null);
});

test('directory entry names are numbers only when they are all digits', () => {
  const at = (name: string) => decimalName(Buffer.concat([bytes(`..${name}`), Buffer.from([0, 0x31])]), 2);
  assert.equal(at('4194304'), 4194304);
  assert.equal(at('0'), 0);
  assert.ok(Number.isNaN(at('.')));
  assert.ok(Number.isNaN(at('12ab')));
  assert.ok(Number.isNaN(at('')));
  assert.ok(Number.isNaN(decimal(bytes('12'), 1, 1)));
  assert.equal(decimalName(bytes('42'), 0), 42, 'a name that ends with the buffer');
});
