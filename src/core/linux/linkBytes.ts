/**
 * Namespace link targets (`net:[4026531833]`) and directory entry names parsed in the
 * Buffer the kernel filled: a scan reads about fifteen of each per process, and a string
 * for every one of them was most of its garbage.
 */
import { NS_TYPES, NsType } from '../model/snapshot';

const COLON = 58;
const OPEN = 91;
const CLOSE = 93;
const ZERO = 48;
const NINE = 57;

const TYPE_BYTES = NS_TYPES.map((type) => [type, Buffer.from(type, 'latin1')] as const);

/**
 * Where `:[` starts in a target of the form `word:[…]` held in BUF[0, LENGTH); -1 for any
 * other form.
 */
export function bracketAt(buf: Uint8Array, length: number): number {
  if (length < 4 || buf[length - 1] !== CLOSE) return -1;
  for (let i = 1; i < length - 2; i++) if (buf[i] === COLON && buf[i + 1] === OPEN) return i;
  return -1;
}

/** The inode of a target `word:[digits]` in BUF[0, LENGTH); NaN for any other form. */
export function linkInode(buf: Uint8Array, length: number): number {
  const open = bracketAt(buf, length);
  return open < 0 ? NaN : decimal(buf, open + 2, length - 1);
}

/** The namespace type a target `type:[…]` names, when it names one; its `:[` is at OPEN. */
export function linkNsType(buf: Uint8Array, open: number): NsType | null {
  for (const [type, bytes] of TYPE_BYTES) {
    if (bytes.length !== open) continue;
    let i = 0;
    while (i < open && buf[i] === bytes[i]) i++;
    if (i === open) return type;
  }
  return null;
}

/** The number written in BUF[START, END); NaN when it is empty or holds anything but digits. */
export function decimal(buf: Uint8Array, start: number, end: number): number {
  if (end <= start) return NaN;
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c < ZERO || c > NINE) return NaN;
    n = n * 10 + c - ZERO;
  }
  return n;
}

/** The NUL-terminated name at BUF[START…] as a number; NaN unless it is all digits. */
export function decimalName(buf: Uint8Array, start: number): number {
  let end = start;
  while (buf[end] !== 0 && end < buf.length) end++;
  return decimal(buf, start, end);
}
