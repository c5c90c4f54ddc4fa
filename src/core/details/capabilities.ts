/** Capability masks of /proc/PID/status (CapEff: 000001ffffffffff) decoded to names. */

// In bit order, as in linux/capability.h.
const NAMES = [
  'chown',
  'dac_override',
  'dac_read_search',
  'fowner',
  'fsetid',
  'kill',
  'setgid',
  'setuid',
  'setpcap',
  'linux_immutable',
  'net_bind_service',
  'net_broadcast',
  'net_admin',
  'net_raw',
  'ipc_lock',
  'ipc_owner',
  'sys_module',
  'sys_rawio',
  'sys_chroot',
  'sys_ptrace',
  'sys_pacct',
  'sys_admin',
  'sys_boot',
  'sys_nice',
  'sys_resource',
  'sys_time',
  'sys_tty_config',
  'mknod',
  'lease',
  'audit_write',
  'audit_control',
  'setfcap',
  'mac_override',
  'mac_admin',
  'syslog',
  'wake_alarm',
  'block_suspend',
  'audit_read',
  'perfmon',
  'bpf',
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

type CapabilityField = 'effective' | 'permitted' | 'bounding';

const FIELDS: Record<CapabilityField, { name: string; line: RegExp }> = {
  effective: { name: 'CapEff', line: /^CapEff:\s*([0-9a-fA-F]+)\s*$/m },
  permitted: { name: 'CapPrm', line: /^CapPrm:\s*([0-9a-fA-F]+)\s*$/m },
  bounding: { name: 'CapBnd', line: /^CapBnd:\s*([0-9a-fA-F]+)\s*$/m },
};

/** The CapEff, CapPrm and CapBnd masks of a /proc/PID/status text, as the kernel writes them. */
export function statusMasks(status: string): Record<CapabilityField, string> {
  const mask = (field: CapabilityField) => {
    const m = FIELDS[field].line.exec(status);
    if (!m) throw new Error(`no ${FIELDS[field].name} line in the status`);
    return m[1]!;
  };
  return { effective: mask('effective'), permitted: mask('permitted'), bounding: mask('bounding') };
}
