/**
 * The kernel's process events (the proc connector, NETLINK_CONNECTOR): a process forked,
 * exec'd or exited, as it happens. Only root may listen (CAP_NET_ADMIN in the initial
 * user namespace). An exec is how most processes change namespaces under the same PID
 * (`exec unshare --net …`, nsenter, runc), so the live engine reads such a process again
 * at once instead of in its turn.
 */
import { libc } from './syscalls';

/** `status`: its user or group (setuid, setgid) or its name (prctl PR_SET_NAME) changed, under the same program. */
export type ProcEvent = { kind: 'fork' | 'exec' | 'exit' | 'status'; pid: number };

const AF_NETLINK = 16;
const SOCK_DGRAM = 2;
const SOCK_NONBLOCK = 0o4000;
const SOCK_CLOEXEC = 0o2000000;
const NETLINK_CONNECTOR = 11;
const CN_IDX_PROC = 1;
const CN_VAL_PROC = 1;
const NLMSG_DONE = 3;
const PROC_CN_MCAST_LISTEN = 1;
const SOL_SOCKET = 1;
const SO_RCVBUFFORCE = 33;
const EAGAIN = 11;
const ENOBUFS = 105;

const PROC_EVENT_FORK = 0x1;
const PROC_EVENT_EXEC = 0x2;
const PROC_EVENT_UID = 0x4;
const PROC_EVENT_GID = 0x40;
const PROC_EVENT_COMM = 0x200;
const PROC_EVENT_EXIT = 0x80000000;

/** nlmsghdr (16 bytes) + cn_msg (20 bytes): the proc_event starts here. */
const EVENT = 36;

export class ProcConnector {
  private readonly buf = Buffer.alloc(64 * 1024);

  private constructor(readonly fd: number) {}

  /** Listens to process events, or says why it cannot (not root, no connector in this kernel). */
  static open(): ProcConnector | { error: string } {
    const c = libc();
    const fd = c.socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
    if (fd < 0) return { error: `no proc connector (errno ${c.errno()})` };
    const address = Buffer.alloc(12); // sockaddr_nl: family, pad, pid (0: the kernel picks), groups
    address.writeUInt16LE(AF_NETLINK, 0);
    address.writeUInt32LE(CN_IDX_PROC, 8);
    const size = Buffer.alloc(4);
    size.writeInt32LE(4 << 20);
    c.setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, size, 4); // fewer lost events in a burst; best effort
    if (c.bind(fd, address, address.length) < 0 || c.send(fd, listenRequest(), 40, 0) < 0) {
      const error = `cannot listen to process events (errno ${c.errno()})`;
      c.close(fd);
      return { error };
    }
    return new ProcConnector(fd);
  }

  /** The events that arrived since the last call; 'lost' when the kernel dropped some. */
  drain(): ProcEvent[] | 'lost' {
    const c = libc();
    const events: ProcEvent[] = [];
    for (;;) {
      const n = c.recv(this.fd, this.buf, this.buf.length, 0);
      if (n < 0) {
        const errno = c.errno();
        if (errno === EAGAIN) return events;
        if (errno === ENOBUFS) return 'lost';
        throw new Error(`reading process events failed (errno ${errno})`);
      }
      const event = parseProcEvent(this.buf.subarray(0, Number(n)));
      if (event) events.push(event);
    }
  }

  close(): void {
    libc().close(this.fd);
  }
}

/** PROC_CN_MCAST_LISTEN, in a cn_msg in a netlink message. */
function listenRequest(): Buffer {
  const b = Buffer.alloc(40);
  b.writeUInt32LE(40, 0); // nlmsg_len
  b.writeUInt16LE(NLMSG_DONE, 4);
  b.writeUInt32LE(CN_IDX_PROC, 16);
  b.writeUInt32LE(CN_VAL_PROC, 20);
  b.writeUInt16LE(4, 32); // cn_msg len: the u32 that follows
  b.writeUInt32LE(PROC_CN_MCAST_LISTEN, 36);
  return b;
}

/**
 * One message: what happened to which process (thread group). Threads starting and ending
 * are left out: they are reported with their own IDs, and the engine looks at processes.
 */
export function parseProcEvent(msg: Buffer): ProcEvent | null {
  if (msg.length < EVENT + 16 + 16) return null;
  const what = msg.readUInt32LE(EVENT);
  const data = EVENT + 16; // what, cpu, timestamp
  switch (what) {
    case PROC_EVENT_FORK: {
      const [childPid, childTgid] = [msg.readUInt32LE(data + 8), msg.readUInt32LE(data + 12)];
      return childPid === childTgid ? { kind: 'fork', pid: childTgid } : null;
    }
    case PROC_EVENT_EXEC:
      return { kind: 'exec', pid: msg.readUInt32LE(data + 4) };
    // Each thread's change is told: the process's record is read again once for any.
    case PROC_EVENT_UID:
    case PROC_EVENT_GID:
    case PROC_EVENT_COMM:
      return { kind: 'status', pid: msg.readUInt32LE(data + 4) };
    case PROC_EVENT_EXIT: {
      const [pid, tgid] = [msg.readUInt32LE(data), msg.readUInt32LE(data + 4)];
      return pid === tgid ? { kind: 'exit', pid: tgid } : null;
    }
    default:
      return null;
  }
}
