/** Capability masks of /proc/PID/status (CapEff: 000001ffffffffff) decoded to names. */

// In bit order, as in linux/capability.h.
const NAMES = [
  'chown', 'dac_override', 'dac_read_search', 'fowner', 'fsetid', 'kill', 'setgid', 'setuid', 'setpcap', 'linux_immutable',
  'net_bind_service', 'net_broadcast', 'net_admin', 'net_raw', 'ipc_lock', 'ipc_owner', 'sys_module', 'sys_rawio', 'sys_chroot', 'sys_ptrace',
  'sys_pacct', 'sys_admin', 'sys_boot', 'sys_nice', 'sys_resource', 'sys_time', 'sys_tty_config', 'mknod', 'lease', 'audit_write',
  'audit_control', 'setfcap', 'mac_override', 'mac_admin', 'syslog', 'wake_alarm', 'block_suspend', 'audit_read', 'perfmon', 'bpf',
  'checkpoint_restore',
];

/** Every capability this build knows by name, and their mask. */
export const CAPABILITY_COUNT = NAMES.length;
export const ALL_KNOWN = ((1n << BigInt(NAMES.length)) - 1n).toString(16);

/** `cap_sys_admin`, …; a bit newer than this list is named by its number (`cap_41`). */
export function capabilityNames(hexMask: string): string[] {
  if (!/^[0-9a-f]{1,16}$/i.test(hexMask)) throw new Error(`'${hexMask}' is not a capability mask`);
  const mask = BigInt(`0x${hexMask}`);
  const names: string[] = [];
  for (let bit = 0; bit < 64; bit++) {
    if ((mask >> BigInt(bit)) & 1n) names.push(`cap_${NAMES[bit] ?? bit}`);
  }
  return names;
}

export interface StatusCapabilities {
  effective: string[];
  permitted: string[];
  bounding: string[];
}

/** CapEff, CapPrm and CapBnd of a /proc/PID/status text. */
export function statusCapabilities(status: string): StatusCapabilities {
  const field = (name: string) => {
    const m = new RegExp(`^${name}:\\s*([0-9a-fA-F]+)\\s*$`, 'm').exec(status);
    if (!m) throw new Error(`no ${name} line in the status`);
    return capabilityNames(m[1]!);
  };
  return { effective: field('CapEff'), permitted: field('CapPrm'), bounding: field('CapBnd') };
}
