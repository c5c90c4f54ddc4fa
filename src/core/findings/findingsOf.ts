/**
 * The pure part of the findings: a snapshot and the facts read beside it in, the findings
 * out, warnings first. Nothing here reads the system.
 */
import type { Snapshot } from '../model/snapshot';
import { containerFindings } from './containerFindings';
import type { FindingFacts } from './facts';
import { heldFindings } from './heldFindings';
import { mountFindings } from './mountFindings';
import { netFindings } from './netFindings';
import { pidFindings } from './pidFindings';
import { FindingScope } from './scope';
import { FINDING_KINDS, type Finding, type FindingKind } from './types';
import { limitFindings, rootMappingFindings } from './userFindings';

export interface FindingOptions {
  /** Kinds switched off (the `findings.disabled` setting). */
  disabled?: readonly FindingKind[];
  /** Namespaces (inodes) whose findings were dismissed. */
  dismissed?: readonly number[];
}

const RULES = [
  pidFindings,
  netFindings,
  heldFindings,
  mountFindings,
  rootMappingFindings,
  containerFindings,
  limitFindings,
];

export function findingsOf(snapshot: Snapshot, facts: FindingFacts, options: FindingOptions = {}): Finding[] {
  const scope = new FindingScope(snapshot, facts);
  const disabled = new Set(options.disabled ?? []);
  const dismissed = new Set(options.dismissed ?? []);
  const found = RULES.flatMap((rule) => rule(scope)).filter((f) => !disabled.has(f.kind) && !dismissed.has(f.ns));
  const order = (f: Finding) => (f.severity === 'warning' ? 0 : 1000) + FINDING_KINDS.indexOf(f.kind);
  return found.sort((a, b) => order(a) - order(b) || a.ns - b.ns);
}
