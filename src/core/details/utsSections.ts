/** A UTS namespace's details as a section: its names. */
import { fields, Section } from './sectionParts';
import { UtsDetails } from './types';

export function utsSections(d: UtsDetails): Section[] {
  return [
    fields('uts', 'Names', [
      ['Hostname', d.hostname],
      ['Domain name', d.domainname],
    ]),
  ];
}
