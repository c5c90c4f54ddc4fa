/**
 * The details of a namespace laid out as titled sections of rows: what `nsx show` prints
 * and what the Namespace Details panel draws (its tables sort and filter these rows).
 * A cell may name another namespace (a veth peer's, an owner), which the panel links.
 * Each namespace type's sections are built beside its reader; this file picks the builder
 * and adds the related namespaces.
 */
import { cgroupSections } from './cgroupSections';
import { ipcSections } from './ipcSections';
import { mntSections } from './mntSections';
import { netSections } from './net/netSections';
import { pidSections } from './pidSections';
import { Cell, fields, refName, Section, textCell } from './sectionParts';
import { timeSections } from './timeSections';
import { NamespaceDetails, NamespaceRef } from './types';
import { userSections } from './userSections';
import { utsSections } from './utsSections';

export type { Cell, Section } from './sectionParts';

/** What is inside, then the namespaces it is related to. */
export function detailSections(d: NamespaceDetails): Section[] {
  return [...contentSections(d), relatedSection(d)];
}

function contentSections(d: NamespaceDetails): Section[] {
  switch (d.type) {
    case 'net':
      return netSections(d);
    case 'uts':
      return utsSections(d);
    case 'ipc':
      return ipcSections(d);
    case 'user':
      return userSections(d);
    case 'pid':
      return pidSections(d);
    case 'cgroup':
      return cgroupSections(d);
    case 'time':
      return timeSections(d);
    case 'mnt':
      return mntSections(d);
  }
}

/** A cell naming another namespace, linked. */
function refCell(type: 'user' | 'pid', ref: NamespaceRef): Cell {
  return { text: refName(type, ref.ns, ref.label), ns: ref.ns };
}

/**
 * The owning user namespace and, for PID and user namespaces, the parent: links in the
 * panel. A user namespace's owner is its parent, so it is named once.
 */
function relatedSection(d: NamespaceDetails): Section {
  const initial = (d.type === 'pid' || d.type === 'user') && d.depth === 0;
  const parent = (type: 'user' | 'pid'): Cell =>
    d.parentNs
      ? refCell(type, d.parentNs)
      : textCell(initial ? `none (the initial ${type === 'pid' ? 'PID' : 'user'} namespace)` : 'not visible');
  const owner = d.ownerNs ? refCell('user', d.ownerNs) : textCell('not visible');
  const rows: [string, Cell][] =
    d.type === 'user'
      ? [['Parent user namespace', parent('user')]]
      : d.type === 'pid'
        ? [
            ['Parent PID namespace', parent('pid')],
            ['Owner user namespace', owner],
          ]
        : [['Owner user namespace', owner]];
  return fields('related', 'Related namespaces', rows);
}
