/** A mount namespace's details as a section: how many mounts it has (nsx mounts shows them). */
import { fields, Section } from './sectionParts';
import { MntDetails } from './types';

export function mntSections(d: MntDetails): Section[] {
  return [fields('mnt', 'Mount namespace', [['Mounts', d.mounts]])];
}
