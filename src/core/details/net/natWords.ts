/**
 * A NAT rule in words, whichever tool it was read from (nft's JSON, iptables-save): what
 * it matches and where it sends or disguises the packet. Pure.
 */
import { plural } from '../../text/plural';
import type { NatRule } from '../types';

/** What a NAT rule matches and does, as the parsers gather it. Values are already text. */
export interface NatMatch {
  kind: NatRule['kind'];
  /** tcp, udp, sctp… */
  protocol?: string;
  dport?: string;
  saddr?: string;
  daddr?: string;
  iif?: string;
  oif?: string;
  /** The new address (dnat, snat), if any. */
  to?: string;
  /** The new port or ports (dnat, redirect), if any. */
  toPort?: string;
  /** Conditions these words do not name (marks, connection states, sets by name…). */
  others: number;
}

/** An address with a port after it, bracketed when IPv6. */
function hostPort(address: string, port: string | undefined): string {
  if (port === undefined) return address;
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** "TCP 8080 to 192.0.2.1 from 10.0.0.0/8 in on eth0": what arrives; "everything" when nothing is named. */
function incoming(m: NatMatch): string {
  const what = [m.protocol?.toUpperCase(), m.dport].filter(Boolean).join(' ');
  const parts = [what || 'everything'];
  if (m.daddr) parts.push(`to ${m.daddr}`);
  if (m.saddr) parts.push(`from ${m.saddr}`);
  if (m.iif) parts.push(`in on ${m.iif}`);
  if (m.oif) parts.push(`out of ${m.oif}`);
  return parts.join(' ');
}

/** "from 10.0.0.0/8 out of eth0": whose source is rewritten. */
function outgoing(m: NatMatch): string {
  const what = [m.protocol?.toUpperCase(), m.dport && `port ${m.dport}`].filter(Boolean).join(' ');
  return [
    what,
    m.saddr && `from ${m.saddr}`,
    m.daddr && `to ${m.daddr}`,
    m.iif && `in on ${m.iif}`,
    m.oif && `out of ${m.oif}`,
  ]
    .filter(Boolean)
    .join(' ');
}

export function natWords(m: NatMatch): string {
  let text: string;
  switch (m.kind) {
    case 'dnat':
      text = `${incoming(m)} → ${m.to ? hostPort(m.to, m.toPort) : `port ${m.toPort ?? '?'}`}`;
      break;
    case 'redirect':
      text = `${incoming(m)} → this namespace${m.toPort ? ` port ${m.toPort}` : ''}`;
      break;
    case 'masquerade':
      text = ['masquerade', outgoing(m)].filter(Boolean).join(' ');
      break;
    case 'snat':
      text = ['source NAT', outgoing(m)].filter(Boolean).join(' ') + ` → ${m.to ? hostPort(m.to, m.toPort) : '?'}`;
      break;
  }
  if (m.others) text += ` (and ${plural(m.others, 'more condition', 'more conditions')})`;
  return text;
}
