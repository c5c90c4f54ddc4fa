/** A PID namespace's details as sections: its PID 1 and depth, and its processes. */
import { fields, Section, table, textCell } from './sectionParts';
import { PidDetails } from './types';

export function pidSections(d: PidDetails): Section[] {
  const out: Section[] = [
    fields('pid', 'PID namespace', [
      ['PID 1', initText(d.init)],
      ['Depth', d.depth === undefined ? undefined : d.depth === 0 ? '0 (the initial PID namespace)' : d.depth],
    ]),
  ];
  if (d.members) {
    out.push(
      table(
        'pid-members',
        'Processes',
        ['PID', 'PIDs from the outermost in', 'Command'],
        d.members.map((m) => [textCell(m.pid), textCell(m.chain.join(' → ')), textCell(m.command)]),
        'no process is in it',
      ),
    );
  }
  return out;
}

function initText(init: PidDetails['init']): string | undefined {
  if (init === undefined) return undefined;
  return init === null ? 'none (it has exited, or none was started)' : `${init.command} (PID ${init.pid} outside)`;
}
