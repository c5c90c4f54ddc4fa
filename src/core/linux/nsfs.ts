/**
 * The namespace ioctls (ioctl_ns(2)) through koffi: owner user namespace, parent
 * namespace and owner UID. Node has no binding for them. koffi loads lazily, and when it
 * cannot, discovery carries on without the hierarchy and says why.
 */
import * as fs from 'node:fs';
import { NsType } from '../model/snapshot';

const NS_GET_USERNS = 0xb701;
const NS_GET_PARENT = 0xb702;
const NS_GET_OWNER_UID = 0xb704;
const EPERM = 1;

/** What the kernel says about one namespace's place in the hierarchy. */
export interface NsRelations {
  type: NsType;
  /** Parent namespace (pid and user only); null at the top of what the caller may see. */
  pns: number | null;
  /** Owning user namespace; null at the top of what the caller may see. */
  ons: number | null;
  /** UID of the creator, user namespaces only. */
  ownerUid?: number;
}

/** Finds the relations of a namespace and of every ancestor and owner above it. */
export interface HierarchyProbe {
  /**
   * Adds to `known` the relations of namespace `ino`, whose nsfs file is at `path`, and of
   * each parent/owner not yet in `known`. Throws when `path` cannot be opened.
   */
  probe(path: string, type: NsType, ino: number, known: Map<number, NsRelations>): void;
}

interface Libc {
  ioctl: (fd: number, request: number, ...args: unknown[]) => number;
  openat: (dirfd: number, path: string, flags: number) => number;
  statx: (dirfd: number, path: string, flags: number, mask: number, buf: Buffer) => number;
  /** Closes the fds the ioctls return: Node did not open them, so Node must not close them. */
  close: (fd: number) => number;
  errno: () => number;
}

let libc: Libc | undefined;
let loadError: string | undefined;

function loadLibc(): Libc | undefined {
  if (libc || loadError) return libc;
  try {
    // Required here, not imported, so that a missing native module only costs the hierarchy.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const koffi = require('koffi') as typeof import('koffi');
    const lib = koffi.load('libc.so.6');
    libc = {
      ioctl: lib.func('int ioctl(int fd, unsigned long request, ...)'),
      openat: lib.func('int openat(int dirfd, const char *path, int flags)'),
      statx: lib.func('int statx(int dirfd, const char *path, int flags, unsigned int mask, void *buf)'),
      close: lib.func('int close(int fd)'),
      errno: () => koffi.errno(),
    };
  } catch (err) {
    loadError = `koffi could not be loaded: ${(err as Error).message}`;
  }
  return libc;
}

/** The kernel-backed probe, or the reason there is none. */
export function kernelProbe(): HierarchyProbe | { error: string } {
  const c = loadLibc();
  return c ? new IoctlProbe(c) : { error: loadError ?? 'koffi could not be loaded' };
}

const AT_FDCWD = -100;
const AT_EMPTY_PATH = 0x1000;
const O_RDONLY = 0;
const O_CLOEXEC = 0o2000000;
const STATX_INO = 0x100;
/** struct statx's stx_ino (u64), read as two halves: no BigInt per namespace. */
const STX_INO = 32;

/**
 * Opens, stats and closes through koffi: one namespace after another, with none of fs's
 * Stats objects, and fds Node never saw closed by the same hand that opened them.
 */
class IoctlProbe implements HierarchyProbe {
  private readonly ownerUidBuf = Buffer.alloc(4);
  private readonly statBuf = Buffer.alloc(256);

  constructor(private readonly c: Libc) {}

  probe(path: string, type: NsType, ino: number, known: Map<number, NsRelations>): void {
    if (known.has(ino)) return;
    const fd = this.c.openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw Object.assign(new Error(`cannot open ${path} (errno ${this.c.errno()})`), { path });
    try {
      // The holder may have moved on since the scan; describe only what was asked for.
      if (this.inode(fd) === ino) this.walk(fd, ino, type, known);
    } finally {
      this.c.close(fd);
    }
  }

  /** The inode of what `fd` is open on; NaN when it cannot be told. */
  private inode(fd: number): number {
    if (this.c.statx(fd, '', AT_EMPTY_PATH, STATX_INO, this.statBuf) < 0) return NaN;
    return this.statBuf.readUInt32LE(STX_INO) + this.statBuf.readUInt32LE(STX_INO + 4) * 2 ** 32;
  }

  /** Describes namespace INO, open on `fd`, then climbs to its owner and parent. */
  private walk(fd: number, ino: number, type: NsType, known: Map<number, NsRelations>): number {
    if (known.has(ino)) return ino;
    const rel: NsRelations = { type, pns: null, ons: null };
    known.set(ino, rel);
    rel.ons = this.follow(fd, NS_GET_USERNS, 'user', known);
    if (type === 'pid' || type === 'user') rel.pns = this.follow(fd, NS_GET_PARENT, type, known);
    if (type === 'user' && this.c.ioctl(fd, NS_GET_OWNER_UID, 'void *', this.ownerUidBuf) === 0) {
      rel.ownerUid = this.ownerUidBuf.readUInt32LE(0);
    }
    return ino;
  }

  private follow(fd: number, request: number, type: NsType, known: Map<number, NsRelations>): number | null {
    const related = this.c.ioctl(fd, request);
    if (related < 0) {
      const errno = this.c.errno();
      // EPERM: the relative lies outside the caller's user namespace: the top for us.
      if (errno === EPERM) return null;
      throw Object.assign(new Error(`namespace ioctl 0x${request.toString(16)} failed (errno ${errno})`), { errno });
    }
    try {
      const ino = this.inode(related);
      if (Number.isNaN(ino)) throw new Error(`statx of a related namespace failed (errno ${this.c.errno()})`);
      return this.walk(related, ino, type, known);
    } finally {
      this.c.close(related);
    }
  }
}

/** NS_GET_TGID_FROM_PIDNS, _IOR(0xb7, 0x7, int) (Linux 6.7): a PID of that namespace, as the caller sees it. */
const NS_GET_TGID_FROM_PIDNS = 0x8004b707;
const ESRCH = 3;

/**
 * PID 1 of the PID namespace whose nsfs file is at PATH, as this process sees it: its PID
 * here, null when it has exited (ESRCH), undefined where the kernel or koffi cannot say or
 * PATH is no longer namespace INO. Throws when PATH cannot be opened.
 */
export function pidNamespaceInit(path: string, ino: number): number | null | undefined {
  const c = loadLibc();
  if (!c) return undefined;
  const fd = fs.openSync(path, 'r');
  try {
    // The holder may have moved on since the scan.
    if (fs.fstatSync(fd).ino !== ino) return undefined;
    const pid = c.ioctl(fd, NS_GET_TGID_FROM_PIDNS, 'unsigned long', 1);
    if (pid > 0) return pid;
    return pid < 0 && c.errno() === ESRCH ? null : undefined;
  } finally {
    fs.closeSync(fd);
  }
}
