/**
 * /proc/PID/mountinfo parser (proc(5)). Tolerant: a malformed line is reported with its
 * line number and skipped, never thrown.
 *
 *   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue
 *   (1)(2)(3)   (4)   (5)         (6)      (7)      (8) (9)   (10)      (11)
 */

export interface Mount {
  id: number;
  parent: number;
  majmin: string;
  root: string;
  target: string;
  options: string;
  /** Optional fields as written (`shared:5`, `master:3`, `propagate_from:2`, `unbindable`). */
  optionalFields: string[];
  fstype: string;
  source: string;
  superOptions: string;
}

export interface MountinfoError {
  line: number;
  message: string;
}

export interface ParsedMountinfo {
  mounts: Mount[];
  errors: MountinfoError[];
}

/** Undoes the kernel's octal escaping of space, tab, newline and backslash. */
export function unescapeMountField(field: string): string {
  return field.includes('\\')
    ? field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)))
    : field;
}

export function parseMountinfoLine(line: string): Mount | string {
  const f = line.split(' ');
  const sep = f.indexOf('-', 6);
  if (f.length < 10 || sep < 0 || f.length < sep + 4) return 'too few fields';
  // Decimal digits only: Number() alone would take '0x1f', '1e3', '-1' or '' as ids.
  if (!/^\d+$/.test(f[0]) || !/^\d+$/.test(f[1])) return 'mount ids are not numbers';
  const id = Number(f[0]);
  const parent = Number(f[1]);
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(parent)) return 'mount ids are not numbers';
  return {
    id,
    parent,
    majmin: f[2],
    root: unescapeMountField(f[3]),
    target: unescapeMountField(f[4]),
    options: f[5],
    optionalFields: f.slice(6, sep),
    fstype: unescapeMountField(f[sep + 1]),
    source: unescapeMountField(f[sep + 2]),
    superOptions: f.slice(sep + 3).join(' '),
  };
}

export function parseMountinfo(text: string, keep?: (line: string) => boolean): ParsedMountinfo {
  const mounts: Mount[] = [];
  const errors: MountinfoError[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line === '' || (keep && !keep(line))) continue;
    const parsed = parseMountinfoLine(line);
    if (typeof parsed === 'string') errors.push({ line: i + 1, message: parsed });
    else mounts.push(parsed);
  }
  return { mounts, errors };
}

/** Mounts of nsfs files: namespaces kept alive by a bind mount (`ip netns add`, `unshare --net=PATH`). */
export function nsfsMounts(text: string): Mount[] {
  return parseMountinfo(text, (line) => line.includes(' - nsfs ')).mounts;
}
