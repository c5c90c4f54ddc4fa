/**
 * NETLINK_SOCK_DIAG for inet sockets (include/uapi/linux/{sock_diag,inet_diag}.h): the
 * dump `ss -tuan` asks for, and its replies as the entries /proc/net/{tcp,udp}[6] would
 * give. Reading /proc/net/tcp makes the kernel walk its socket hash tables, shared by all
 * namespaces, for every read; a dump walks them once and is answered in a few datagrams.
 * Pure: bytes in, entries out; the socket is in netlinkSocket.ts.
 */
import * as os from 'node:os';
import { formatIPv4, formatIPv6 } from '../../text/netAddr';
import { AF_INET, AF_INET6, encode, NetlinkError, NLM_F_DUMP, NLM_F_REQUEST } from './netlink';
import type { SocketEntry } from './procNet';

export const SOCK_DIAG_BY_FAMILY = 20;
const IPPROTO_TCP = 6;
const IPPROTO_UDP = 17;

/**
 * Every TCP state the kernel lists in /proc/net/tcp (1 ESTABLISHED … 12 NEW_SYN_RECV);
 * not 13, BOUND_INACTIVE: a socket bound but not listening, which /proc does not show.
 * A UDP socket is in 1 (connected) or 7 (not).
 */
const STATES = 0x1ffe;

/** struct inet_diag_req_v2: family, protocol, ext, pad, states, then a zeroed struct inet_diag_sockid. */
const REQ_SIZE = 56;
/** struct inet_diag_msg, without the attributes that may follow it. */
const MSG_SIZE = 72;

export function inetDiagRequest(seq: number, protocol: 'tcp' | 'udp', family: 'inet' | 'inet6'): Buffer {
  const req = Buffer.alloc(REQ_SIZE);
  req[0] = family === 'inet' ? AF_INET : AF_INET6;
  req[1] = protocol === 'tcp' ? IPPROTO_TCP : IPPROTO_UDP;
  if (os.endianness() === 'LE') req.writeUInt32LE(STATES, 4);
  else req.writeUInt32BE(STATES, 4);
  return encode(SOCK_DIAG_BY_FAMILY, NLM_F_REQUEST | NLM_F_DUMP, seq, req);
}

/**
 * One socket of a dump. Ports and addresses are in network order (struct inet_diag_sockid);
 * an IPv4 socket's addresses are the first 4 of their 16 bytes.
 */
export function parseInetDiag(payload: Buffer): SocketEntry {
  if (payload.length < MSG_SIZE)
    throw new NetlinkError(`malformed socket message: ${payload.length} bytes, its header alone is ${MSG_SIZE}`);
  const family = payload[0];
  if (family !== AF_INET && family !== AF_INET6)
    throw new NetlinkError(`malformed socket message: family ${family} in a dump of inet sockets`);
  const address = (at: number) =>
    family === AF_INET ? formatIPv4(payload.subarray(at, at + 4)) : formatIPv6(payload.subarray(at, at + 16));
  const inode = os.endianness() === 'LE' ? payload.readUInt32LE(68) : payload.readUInt32BE(68);
  return {
    local: { address: address(8), port: payload.readUInt16BE(4) },
    remote: { address: address(24), port: payload.readUInt16BE(6) },
    state: payload[1]!,
    inode,
  };
}
