/**
 * The findings of a snapshot, with the facts read beside it: `nsx check` reads every fact
 * once; the extension's worker keeps a FactMemory across snapshots, so that a check reads
 * again only the facts of namespaces that are new, those that point at a finding (someone
 * may be fixing it: `ip link set lo up` shows at the next check), and a few others in turn.
 */
import { ProcSource } from '../linux/procfs';
import type { Snapshot } from '../model/snapshot';
import { factTargets, type FactTarget, type MutableFacts } from './factTargets';
import { findingsOf, type FindingOptions } from './findingsOf';
import type { Finding } from './types';

export interface CheckOptions extends FindingOptions {
  proc?: ProcSource;
  /** Facts kept between checks of successive snapshots; without it every fact is read. */
  memory?: FactMemory;
}

/** Facts that point at no finding are each read again within this many checks. */
export const SWEEP_CHECKS = 30;

export async function checkSnapshot(snapshot: Snapshot, options: CheckOptions = {}): Promise<Finding[]> {
  const proc = options.proc ?? new ProcSource(snapshot.scanner.procRoot);
  const disabled = new Set(options.disabled ?? []);
  const targets = factTargets(snapshot, proc).filter((t) => t.kinds.some((k) => !disabled.has(k)));
  const facts = (options.memory ?? new FactMemory()).refresh(targets);
  return findingsOf(snapshot, facts, options);
}

interface Kept {
  value: unknown;
  flagged: boolean;
}

/** The facts read so far, by target (a namespace's inode in its key), and where the round robin is. */
export class FactMemory {
  private readonly kept = new Map<string, Kept>();
  private turn = 0;

  /** Reads what is due, forgets what the snapshot no longer has, and gives the facts of every target. */
  refresh(targets: readonly FactTarget[]): MutableFacts {
    const due = this.due(targets);
    const facts: MutableFacts = {
      net: new Map(),
      pid: new Map(),
      mnt: new Map(),
      user: new Map(),
      procViews: [],
      limits: {},
    };
    const present = new Set<string>();
    for (const t of targets) {
      present.add(t.key);
      if (due.has(t)) {
        const value = t.read();
        this.kept.set(t.key, { value, flagged: value !== undefined && t.flagged(value) });
      }
      const kept = this.kept.get(t.key);
      if (kept?.value !== undefined) t.store(kept.value, facts);
    }
    for (const key of this.kept.keys()) if (!present.has(key)) this.kept.delete(key);
    return facts;
  }

  private due(targets: readonly FactTarget[]): Set<FactTarget> {
    const due = new Set<FactTarget>();
    const rest: FactTarget[] = [];
    for (const t of targets) {
      const kept = this.kept.get(t.key);
      if (!kept || kept.flagged) due.add(t);
      else rest.push(t);
    }
    // Facts that could not be read stay unread until their turn: another user's namespace stays closed.
    const share = Math.min(rest.length, Math.ceil(rest.length / SWEEP_CHECKS));
    for (let i = 0; i < share; i++) due.add(rest[(this.turn + i) % rest.length]!);
    this.turn = rest.length ? (this.turn + share) % rest.length : 0;
    return due;
  }
}
