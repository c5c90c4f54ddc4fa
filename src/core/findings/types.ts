/**
 * Findings: what a person looking at a snapshot would miss, said in words, with the fix.
 * A leaf: `nsx check`, the Namespaces view's Findings group, the row marks and the
 * Details panel all show these records.
 */
import type { NsType } from '../model/nsTypes';

/** Every kind of finding, as `nsx check --json` and the `findings.disabled` setting name them. */
export const FINDING_KINDS = [
  /** A process's /proc belongs to another PID namespace than its own: ps shows someone else's PIDs. */
  'proc-of-other-pidns',
  /** A net namespace whose loopback is down: even `ping 127.0.0.1` fails. */
  'loopback-down',
  /** A net namespace with interfaces up but no route out of it. */
  'no-route-out',
  /** A namespace no process is in, kept alive by a bind mount or an open fd. */
  'held-without-process',
  /** A PID namespace whose PID 1 has exited: nothing new can start in it. */
  'pid-init-gone',
  /** A PID namespace whose PID 1 leaves its zombie children unreaped. */
  'zombies-unreaped',
  /** A mount namespace with mounts in a peer group of the initial mount namespace. */
  'mounts-propagate-with-host',
  /** A user namespace that maps root inside to an unprivileged user outside. */
  'root-is-unprivileged-outside',
  /** A container that has the host's net, pid or user namespace. */
  'container-shares-host-ns',
  /** A user's count of one type of namespace near /proc/sys/user/max_TYPE_namespaces. */
  'namespace-limit-near',
] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export type FindingSeverity = 'warning' | 'info';

/** What fixes or explains a finding. */
export type FindingAction =
  /** A shell command to copy or run (in the namespace when `inNamespace` is set). */
  | { kind: 'command'; label: string; command: string; inNamespace?: boolean }
  /** Another namespace to reveal in the tree (the host's, the parent, the one that holds it). */
  | { kind: 'reveal'; label: string; ns: number; type: NsType };

export interface Finding {
  kind: FindingKind;
  severity: FindingSeverity;
  /** The namespace the finding is about: its inode and type. */
  ns: number;
  type: NsType;
  /** One sentence, in plain words, that names the namespace and says what it means. */
  text: string;
  /** The fix or the way to see it for oneself, first the one to offer first. */
  actions: FindingAction[];
  /** The things the finding names (mount points, PID and fd, interface names), for tooltips and JSON. */
  subjects?: string[];
}
