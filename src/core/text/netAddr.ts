/**
 * Addresses as `ip` and `ss` print them, from the bytes netlink and /proc/net hand over or
 * the numbers nsx computes with: dotted IPv4, IPv6 compressed as inet_ntop(3) does it,
 * colon-separated MACs.
 */

/** Dotted quads, from an address's bytes in network order or from the address as a 32-bit number. */
export function formatIPv4(address: Uint8Array | number): string {
  const bytes =
    typeof address === 'number'
      ? [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256)
      : Array.from(address);
  if (bytes.length !== 4) throw new RangeError(`an IPv4 address has 4 bytes, not ${bytes.length}`);
  return bytes.join('.');
}

/** RFC 5952 as glibc's inet_ntop: the longest run of two or more zero groups becomes "::". */
export function formatIPv6(bytes: Uint8Array): string {
  if (bytes.length !== 16) throw new RangeError(`an IPv6 address has 16 bytes, not ${bytes.length}`);
  const words = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  if (best.len < 2) best = { start: -1, len: 0 };
  // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses end in dotted form.
  if (best.start === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
    return `::${best.len === 5 ? 'ffff:' : ''}${formatIPv4(bytes.subarray(12))}`;
  }
  const hex = (from: number, to: number) =>
    words
      .slice(from, to)
      .map((w) => w.toString(16))
      .join(':');
  if (best.start < 0) return hex(0, 8);
  return `${hex(0, best.start)}::${hex(best.start + best.len, 8)}`;
}

export function formatMac(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
}

/** The network address (as a number) of IPv4 `addr` under a prefix length. */
export function ipv4Network(addr: number, prefixlen: number): number {
  return addr - (addr % 2 ** (32 - prefixlen));
}

/** How `ip route` names a destination: "default", a host without its full-length prefix, else a prefix. */
export function routeDst(address: string, prefixlen: number, family: 'inet' | 'inet6'): string {
  if (prefixlen === 0) return 'default';
  return prefixlen === (family === 'inet' ? 32 : 128) ? address : `${address}/${prefixlen}`;
}
