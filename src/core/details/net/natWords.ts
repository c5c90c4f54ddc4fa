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

/** "from 10.0.0.0/8"; a negated value ("not 10.0.0.0/8") reads "not from 10.0.0.0/8". */
function said(word: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v.startsWith('not ') ? `not ${word} ${v.slice(4)}` : `${word} ${v}`;
}

/** Where the packet comes from and goes, in words; undefined parts left out. */
function where(m: NatMatch): string[] {
  return [said('to', m.daddr), said('from', m.saddr), said('in on', m.iif), said('out of', m.oif)].filter(
    (p): p is string => p !== undefined,
  );
}

/** "TCP 8080 to 192.0.2.1 from 10.0.0.0/8 in on eth0": what arrives; "everything" when nothing is named. */
function incoming(m: NatMatch): string {
  const what = [m.protocol?.toUpperCase(), m.dport].filter(Boolean).join(' ');
  return [what || 'everything', ...where(m)].join(' ');
}

/** "TCP port 22 from 10.0.0.0/8 out of eth0": whose source is rewritten. */
function outgoing(m: NatMatch): string {
  const what = [m.protocol?.toUpperCase(), said('port', m.dport)].filter(Boolean).join(' ');
  return [what, ...where(m)].filter(Boolean).join(' ');
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
