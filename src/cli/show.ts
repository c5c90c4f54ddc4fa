/** Text output of `nsx show`: the details' sections, then what could not be read and why. */
import { detailSections } from '../core/details/sections';
import { NamespaceDetails } from '../core/details/types';
import { printable } from '../core/text/printable';
import { table } from './render';

export function detailsText(d: NamespaceDetails, width?: number): string {
  const who = d.readAs === 'root' ? 'read as root' : 'read as you';
  const lines = [
    `${d.type} namespace ${d.ns}${d.label ? ` (${printable(d.label)})` : ''} ` +
      `· ${who}${d.via ? `, ${printable(d.via)}` : ''}`,
  ];
  for (const s of detailSections(d)) {
    lines.push('', s.title);
    if (!s.rows.length) lines.push(`  (${s.empty})`);
    else if (s.kind === 'fields') {
      const w = Math.max(...s.rows.map((r) => r[0]!.text.length));
      for (const [name, value] of s.rows) lines.push(`  ${printable(name!.text).padEnd(w)}  ${printable(value!.text)}`);
    } else {
      const rendered = table(
        s.rows,
        s.columns.map((header, i) => ({
          header: header.toUpperCase(),
          value: (r: (typeof s.rows)[number]) => r[i]!.text,
        })),
        width && width - 2,
      );
      lines.push(
        ...rendered
          .trimEnd()
          .split('\n')
          .map((l) => `  ${l}`),
      );
    }
  }
  if (d.unavailable.length) {
    lines.push('', 'Not shown');
    for (const u of d.unavailable)
      lines.push(
        `  ${printable(u.what)}: ${printable(u.reason)}${u.needsRoot && d.readAs !== 'root' ? ' (add --as-root)' : ''}`,
      );
  }
  return lines.join('\n') + '\n';
}
