/** A tun or tap device's holders in words, the same in nsx net, the map and the Details panel. */
import type { TunDevice } from '../types';

/** `held by openvpn (812)`; where no holder was found, what that means. */
export function tunWords(t: TunDevice): string {
  if (t.holders === null) return 'held by: unknown (the open files of some of its processes could not be read)';
  if (t.holders.length) return `held by ${t.holders.map((h) => `${h.comm} (${h.pid})`).join(', ')}`;
  // A device that is not persistent goes away with its last holder: someone holds it, from elsewhere.
  if (t.persistent === false) return 'held by a process of another namespace';
  return t.persistent ? 'persistent, held by no process' : 'held by no process of its namespace';
}
