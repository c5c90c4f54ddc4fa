/** `nsx check`: the findings of a scan, as text grouped by severity or as JSON. */
import type { Finding, FindingAction } from '../core/findings/types';
import { printable } from '../core/text/printable';
import { plural } from '../core/text/plural';

/** The first command a finding offers, as written (to run inside its namespace when `inNamespace`). */
export function firstCommand(f: Finding): Extract<FindingAction, { kind: 'command' }> | undefined {
  return f.actions.find((a): a is Extract<FindingAction, { kind: 'command' }> => a.kind === 'command');
}

/** The command as one runs it from here: one meant for inside the namespace goes through nsx enter. */
export function runnable(f: Finding): string | undefined {
  const c = firstCommand(f);
  if (!c) return undefined;
  return c.inNamespace ? `nsx enter --ns ${f.ns} -- ${c.command}` : c.command;
}

/** `{"findings": [...]}`: each with kind, severity, ns, type, text, command and actions. */
export function checkJson(findings: readonly Finding[]): object {
  return {
    findings: findings.map((f) => ({
      kind: f.kind,
      severity: f.severity,
      ns: f.ns,
      type: f.type,
      text: f.text,
      command: firstCommand(f)?.command ?? null,
      actions: f.actions,
      ...(f.subjects ? { subjects: f.subjects } : {}),
    })),
  };
}

/** Warnings, then info: one line per finding, its sentence and the command that fixes it. */
export function checkText(findings: readonly Finding[], checked: number): string {
  if (findings.length === 0) return `No findings in ${plural(checked, 'namespace', 'namespaces')}.\n`;
  const lines: string[] = [];
  for (const severity of ['warning', 'info'] as const) {
    const some = findings.filter((f) => f.severity === severity);
    if (some.length === 0) continue;
    if (lines.length) lines.push('');
    lines.push(`${severity === 'warning' ? 'Warnings' : 'Info'} (${some.length}):`);
    for (const f of some) {
      const command = runnable(f);
      lines.push(printable(`  ${f.kind}: ${f.text}${command ? `  $ ${command}` : ''}`));
    }
  }
  return lines.join('\n') + '\n';
}
