/**
 * A netlink socket (NETLINK_ROUTE for links, addresses and routes; NETLINK_SOCK_DIAG for
 * sockets), used from the reading thread after setns(): a socket lives in the net
 * namespace of the thread that created it, so its answers are that namespace's.
 * Blocking calls with a receive timeout: the thread does nothing else meanwhile.
 */
import * as os from 'node:os';
import { errorCode, NetlinkError, NLMSG_DONE, NLMSG_ERROR, splitMessages } from './netlink';
import { errnoText, libc } from '../../linux/syscalls';

const AF_NETLINK = 16;
const SOCK_RAW = 3;
const SOCK_CLOEXEC = 0x80000;
export const NETLINK_ROUTE = 0;
export const NETLINK_SOCK_DIAG = 4;
const SOL_SOCKET = 1;
const SO_RCVTIMEO = 20;
const MSG_TRUNC = 0x20;
const EINTR = 4;
const EAGAIN = 11;
const TIMEOUT_S = 5;

export class NetlinkSocket {
  private readonly fd: number;
  private seq = 0;
  /** Larger than any datagram of a dump (the kernel fills at most 32 KiB per reply). */
  private readonly buf = Buffer.alloc(64 * 1024);

  constructor(protocol: typeof NETLINK_ROUTE | typeof NETLINK_SOCK_DIAG) {
    const sys = libc();
    this.fd = sys.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
    if (this.fd < 0) throw new NetlinkError(`cannot open a netlink socket: ${errnoText(sys.errno())}`);
    const timeval = Buffer.alloc(16); // struct timeval on 64-bit Linux: two longs
    if (os.endianness() === 'LE') timeval.writeBigInt64LE(BigInt(TIMEOUT_S), 0);
    else timeval.writeBigInt64BE(BigInt(TIMEOUT_S), 0);
    // Without the timeout a kernel that never answers would hold the reading thread for good.
    if (sys.setsockopt(this.fd, SOL_SOCKET, SO_RCVTIMEO, timeval, timeval.length) !== 0) {
      const err = new NetlinkError(`cannot set the netlink socket's receive timeout: ${errnoText(sys.errno())}`);
      sys.close(this.fd);
      throw err;
    }
  }

  close(): void {
    libc().close(this.fd);
  }

  /**
   * Sends the request BUILD makes with a fresh sequence number and returns the payloads of
   * the replies of type REPLY: all of a dump, or the first for a plain request. An error
   * reply is thrown with WHAT.
   */
  ask(what: string, build: (seq: number) => Buffer, reply: number, dump: boolean): Buffer[] {
    const sys = libc();
    const seq = ++this.seq;
    const req = build(seq);
    if (sys.send(this.fd, req, req.length, 0) !== req.length)
      throw new NetlinkError(`${what}: send failed: ${errnoText(sys.errno())}`);
    const out: Buffer[] = [];
    for (;;) {
      const n = sys.recv(this.fd, this.buf, this.buf.length, MSG_TRUNC);
      if (n < 0) {
        const code = sys.errno();
        if (code === EINTR) continue;
        throw new NetlinkError(
          code === EAGAIN ? `${what}: no answer within ${TIMEOUT_S} s` : `${what}: receive failed: ${errnoText(code)}`,
        );
      }
      if (n > this.buf.length)
        throw new NetlinkError(`${what}: a reply of ${n} bytes did not fit in ${this.buf.length}`);
      for (const msg of splitMessages(this.buf.subarray(0, n))) {
        if (msg.seq !== seq) continue; // a late answer to an earlier request
        if (msg.type === NLMSG_ERROR || msg.type === NLMSG_DONE) {
          const code = errorCode(msg);
          if (code !== 0) throw new NetlinkError(`${what}: ${errnoText(code)}`, code);
          return out;
        }
        if (msg.type === reply) out.push(Buffer.from(msg.payload));
        if (!dump) return out;
      }
    }
  }
}
