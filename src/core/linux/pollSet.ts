/**
 * The array of `struct pollfd` that poll(2) takes: `{ int fd; short events; short revents; }`,
 * 8 bytes each, in the machine's byte order (little-endian on the machines nsx runs on).
 */
export const POLLIN = 0x1;
export const POLLPRI = 0x2;
export const POLLERR = 0x8;
export const POLLHUP = 0x10;
export const POLLNVAL = 0x20;

const SIZE = 8;

export interface PollEntry {
  fd: number;
  events: number;
}

export function pollBuffer(entries: readonly PollEntry[]): Buffer {
  const buf = Buffer.alloc(entries.length * SIZE);
  entries.forEach((e, i) => {
    buf.writeInt32LE(e.fd, i * SIZE);
    buf.writeInt16LE(e.events, i * SIZE + 4);
  });
  return buf;
}

/** The indexes of the entries poll() reported something on, with what it reported. */
export function readyEntries(buf: Buffer): { index: number; revents: number }[] {
  const ready: { index: number; revents: number }[] = [];
  for (let i = 0; i < buf.length / SIZE; i++) {
    const revents = buf.readUInt16LE(i * SIZE + 6);
    if (revents !== 0) ready.push({ index: i, revents });
  }
  return ready;
}
