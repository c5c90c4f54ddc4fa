/** A cgroup namespace's details as sections: its root, and where its processes are inside and on the host. */
import { fields, Section, table, textCell } from './sectionParts';
import { CgroupDetails } from './types';

export function cgroupSections(d: CgroupDetails): Section[] {
  const out: Section[] = [fields('cgroup', 'Cgroup namespace', [['Root (host path)', d.root]])];
  if (d.members) {
    out.push(
      table(
        'cgroup-members',
        'Processes',
        ['PID', 'Inside', 'On the host', 'Command'],
        d.members.map((m) => [textCell(m.pid), textCell(m.insidePath), textCell(m.hostPath), textCell(m.command)]),
        'no process is in it',
      ),
    );
  }
  return out;
}
