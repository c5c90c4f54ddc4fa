/**
 * fanotify mount events (Linux 6.15, root): a group marked on a mount namespace reports
 * each mount attached to or detached from it (a move is both), by mount ID. Measured on
 * 6.18, it reports neither a remount (`mount -o remount,ro`) nor a propagation change
 * (`mount --make-shared`); poll() on mountinfo reports the remount, nothing reports the
 * propagation change.
 */
import * as fs from 'node:fs';
import { kernelAtLeast } from '../linux/kernelVersion';
import { waitCallFailed, WaitCalls } from '../linux/waitCalls';

// include/uapi/linux/fanotify.h
const FAN_CLOEXEC = 0x1;
const FAN_NONBLOCK = 0x2;
const FAN_CLASS_NOTIF = 0x0;
const FAN_REPORT_MNT = 0x4000;
const FAN_MARK_ADD = 0x1;
const FAN_MARK_MNTNS = 0x110;
const FAN_MNT_ATTACH = 0x01000000;
const FAN_MNT_DETACH = 0x02000000;
const O_RDONLY = 0;

/** Why fanotify mount events cannot be used here, from the kernel version and who we are; undefined when they may. */
export function fanotifyUnsupported(release: string, euid: number): string | undefined {
  if (!kernelAtLeast(6, 15, release)) return `kernel ${release} has no fanotify mount events (Linux 6.15 and later)`;
  if (euid !== 0) return 'fanotify mount events need root (CAP_SYS_ADMIN)';
  return undefined;
}

/** A fanotify group for mount events, non-blocking; throws with the errno when the kernel refuses. */
export function mountEventGroup(calls: WaitCalls): number {
  const fd = calls.fanotifyInit(FAN_CLASS_NOTIF | FAN_REPORT_MNT | FAN_CLOEXEC | FAN_NONBLOCK, O_RDONLY);
  if (fd < 0) throw new Error(waitCallFailed('fanotify_init(FAN_REPORT_MNT)', calls.errno()));
  return fd;
}

/**
 * A group that reports the mounts attached to and detached from the mount namespace of
 * NSFILE (`/proc/PID/ns/mnt`), which must be namespace INO. The mark holds no reference:
 * the namespace still goes when its last process does (its mounts are then reported detached).
 */
export function watchMountNamespace(calls: WaitCalls, nsFile: string, ino: number): number {
  const nsFd = fs.openSync(nsFile, 'r');
  try {
    if (fs.fstatSync(nsFd).ino !== ino) throw new Error(`${nsFile} is no longer mount namespace ${ino}`);
    const group = mountEventGroup(calls);
    if (calls.fanotifyMark(group, FAN_MARK_ADD | FAN_MARK_MNTNS, FAN_MNT_ATTACH | FAN_MNT_DETACH, nsFd, null) < 0) {
      const why = waitCallFailed('fanotify_mark(FAN_MARK_MNTNS)', calls.errno());
      calls.close(group);
      throw new Error(why);
    }
    return group;
  } finally {
    fs.closeSync(nsFd);
  }
}

/** Reads every queued event of GROUP: which mounts they name does not matter, only that the table changed. */
export function drainEvents(calls: WaitCalls, group: number, scratch: Buffer): void {
  // Non-blocking: -1 (EAGAIN) once the queue is empty.
  while (calls.read(group, scratch, scratch.length) > 0);
}
