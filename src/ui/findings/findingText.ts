/**
 * How findings read in the editor: the short mark on a namespace's row, the tooltip that
 * explains one, and which are shown (not dismissed, not switched off). No vscode here, so
 * the tree, the Details panel and the unit tests share it.
 */
import type { Finding, FindingAction, FindingKind } from '../../core/findings/types';
import { markdownCode, markdownText } from '../shared/markdown';

/** The few words a namespace's row shows for a finding, after its type and inode. */
export const FINDING_MARK: Readonly<Record<FindingKind, string>> = {
  'proc-of-other-pidns': '/proc of another PID namespace',
  'loopback-down': 'lo down',
  'no-route-out': 'no route out',
  'held-without-process': 'no process, held',
  'pid-init-gone': 'PID 1 gone',
  'zombies-unreaped': 'zombies unreaped',
  'mounts-propagate-with-host': 'mounts shared with host',
  'root-is-unprivileged-outside': 'root inside only',
  'container-shares-host-ns': 'host namespace shared',
  'namespace-limit-near': 'near the namespace limit',
};

/** What a kind means, beyond the finding's own sentence: the tooltip's second paragraph. */
export const FINDING_MEANING: Readonly<Record<FindingKind, string>> = {
  'proc-of-other-pidns':
    '`ps`, `top` and `kill` read `/proc`. Here it was mounted for another PID namespace, so they show ' +
    'that namespace’s processes and PIDs, not the ones of this namespace. A new PID namespace needs its own ' +
    '`/proc` (`unshare --mount-proc`, or `mount -t proc proc /proc` in a new mount namespace).',
  'loopback-down':
    'A new net namespace has only `lo`, and it starts DOWN: nothing can reach 127.0.0.1 or ::1, ' +
    'not even `ping` or a server talking to itself.',
  'no-route-out':
    'Its interfaces are up, but no route leads out of the namespace: only the addresses on its own ' +
    'links answer. A default route (via a veth pair to the host) lets packets out.',
  'held-without-process':
    'No process is in this namespace; it stays alive only because a bind mount or an open file ' +
    'descriptor refers to it. Removing that mount or closing that fd frees it.',
  'pid-init-gone':
    'The first process of a PID namespace is its init. Once it exits the kernel kills the rest and ' +
    'refuses new processes there (fork fails with ENOMEM), although the namespace is still held.',
  'zombies-unreaped':
    'Orphans in a PID namespace become children of its PID 1, which must wait() for them. This one ' +
    'does not, so exited processes stay as zombies and keep their PIDs. An init such as `tini` or ' +
    '`unshare --fork` reaps them.',
  'mounts-propagate-with-host':
    'These mounts are in a peer group shared with the initial mount namespace: a mount made under ' +
    'them here appears on the host too, and the host’s appear here. `--propagation private` ' +
    '(or `mount --make-rprivate /`) cuts the link.',
  'root-is-unprivileged-outside':
    'Inside this user namespace the process is root, with every capability, but only over what the ' +
    'namespace owns; outside it is the unprivileged user its UID map names.',
  'container-shares-host-ns':
    'The container uses the host’s namespace instead of its own, so it sees (and can act on) the ' +
    'host’s network, processes or users.',
  'namespace-limit-near':
    'The kernel limits how many namespaces of a type each user may hold ' +
    '(`/proc/sys/user/max_*_namespaces`); near it, `unshare` and container starts fail with ENOSPC.',
};

/** Plain characters, not `$(warning)`: a tooltip with theme icons on would render them from system text too. */
function symbol(f: Finding): string {
  return f.severity === 'warning' ? '⚠' : 'ⓘ';
}

/** Up to this many findings the group starts expanded; more would push the namespaces out of sight. */
export const FINDINGS_EXPANDED_MAX = 10;

/** Kept per namespace: the same kind on another namespace is another finding. */
export function findingKey(f: Pick<Finding, 'ns' | 'kind'>): string {
  return `${f.ns}:${f.kind}`;
}

/** The findings to show: those of a kind not switched off, and not dismissed. */
export function shownFindings(
  findings: readonly Finding[],
  dismissed: ReadonlySet<string>,
  disabled: ReadonlySet<string>,
): Finding[] {
  return findings.filter((f) => !disabled.has(f.kind) && !dismissed.has(findingKey(f)));
}

/** Warnings first, then by namespace, as the group lists them. */
export function byImportance(a: Finding, b: Finding): number {
  return (a.severity === b.severity ? 0 : a.severity === 'warning' ? -1 : 1) || a.ns - b.ns;
}

/** `⚠ lo down` (or `ⓘ …`): the mark a namespace's row shows for its findings, worst first. */
export function findingMark(findings: readonly Finding[]): string | undefined {
  const [first, ...rest] = [...findings].sort(byImportance);
  if (!first) return undefined;
  const more = rest.length ? ` +${rest.length}` : '';
  return `${symbol(first)} ${FINDING_MARK[first.kind]}${more}`;
}

/** The first command action: the fix to copy or run. */
export function fixOf(f: Finding): Extract<FindingAction, { kind: 'command' }> | undefined {
  return f.actions.find((a): a is Extract<FindingAction, { kind: 'command' }> => a.kind === 'command');
}

export function revealsOf(f: Finding): Extract<FindingAction, { kind: 'reveal' }>[] {
  return f.actions.filter((a): a is Extract<FindingAction, { kind: 'reveal' }> => a.kind === 'reveal');
}

/**
 * A finding row's tooltip, as Markdown: the sentence, what it means, the fix in a code
 * block, what it names. Everything from the system is escaped (markdown.ts).
 */
export function findingTooltip(f: Finding, nsName: string): string {
  const severity = f.severity === 'warning' ? '⚠ **Warning**' : 'ⓘ **Info**';
  const lines = [`${severity} — ${markdownText(nsName)}`, '', markdownText(f.text), '', FINDING_MEANING[f.kind]];
  for (const a of f.actions) {
    if (a.kind === 'command') {
      const where = a.inNamespace ? ' (inside the namespace)' : '';
      lines.push('', `${markdownText(a.label)}${where}:`, '', markdownCode(a.command));
    } else lines.push('', `${markdownText(a.label)}: ${a.type} ${a.ns}`);
  }
  if (f.subjects?.length) {
    lines.push('', 'Concerns:');
    for (const s of f.subjects.slice(0, 20)) lines.push(`- ${markdownText(s)}`);
    if (f.subjects.length > 20) lines.push(`- … and ${f.subjects.length - 20} more`);
  }
  return lines.join('\n');
}

/** The lines a namespace's own tooltip starts with: one per finding, its sentence. */
export function findingLines(findings: readonly Finding[]): string[] {
  if (!findings.length) return [];
  const sorted = [...findings].sort(byImportance);
  return [...sorted.map((f) => `${symbol(f)} ${markdownText(f.text)}`), ''];
}
