/**
 * The eight namespace types, the words every layer shares. A leaf: the snapshot and the
 * details' types both name them without naming each other's modules.
 */
export const NS_TYPES = ['cgroup', 'ipc', 'mnt', 'net', 'pid', 'time', 'user', 'uts'] as const;
export type NsType = (typeof NS_TYPES)[number];

export function isNsType(value: string): value is NsType {
  return (NS_TYPES as readonly string[]).includes(value);
}
