/**
 * The running kernel's version, read from uname's release (os.release()), never assumed:
 * what the kernel offers (statmount, fanotify mount events, pidfds) depends on it.
 */
import * as os from 'node:os';

export interface KernelVersion {
  major: number;
  minor: number;
}

/** `6.18.44-fc-v1252` → { major: 6, minor: 18 }; null when the release names no version. */
export function parseKernelRelease(release: string): KernelVersion | null {
  const m = /^(\d+)\.(\d+)/.exec(release);
  return m ? { major: Number(m[1]), minor: Number(m[2]) } : null;
}

/** Whether the kernel of RELEASE is MAJOR.MINOR or newer; false when its version cannot be read. */
export function kernelAtLeast(major: number, minor: number, release = os.release()): boolean {
  const v = parseKernelRelease(release);
  return v !== null && (v.major > major || (v.major === major && v.minor >= minor));
}
