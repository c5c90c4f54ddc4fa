/**
 * `nsx list --json` agrees with util-linux lsns on everything lsns lists, and lsns answers
 * the tests while processes come and go. The comparison needs root; when not root it is
 * reported as skipped.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test, type TestContext } from 'node:test';
import { NS_TYPES } from '../../src/core/model/snapshot';
import {
  Scenario,
  commOf,
  descendants,
  listJson,
  lsns,
  needs,
  nsInode,
  waitFor,
  type NamespaceRecord,
  type Started,
} from './helpers';

interface LsnsRow {
  ns: number;
  type: string;
  nprocs: number;
  pid: number;
  pns: number;
  ons: number;
}

const LSNS_ARGS = ['-J', '-l', '-o', 'NS,TYPE,NPROCS,PID,PNS,ONS'];

function lsnsRows(t: TestContext): LsnsRow[] {
  return lsns<{ namespaces: Record<keyof LsnsRow, number | string>[] }>(t, LSNS_ARGS)
    .namespaces.map((r) => ({
      ns: Number(r.ns),
      type: String(r.type),
      nprocs: Number(r.nprocs),
      pid: Number(r.pid),
      pns: Number(r.pns),
      ons: Number(r.ons),
    }))
    .sort((a, b) => a.ns - b.ns);
}

/**
 * What nsx, read between the two lsns reads, says differently from lsns about the
 * namespaces lsns listed both times. nprocs and pid are compared only where lsns said the
 * same both times, and not where a process nsx counted was gone by the second read: processes
 * came and went there meanwhile, and which of them each tool saw is chance. Those namespaces
 * are added to `unsettled`.
 */
function disagreements(before: LsnsRow[], after: LsnsRow[], nsx: NamespaceRecord[], unsettled: Set<number>): string[] {
  const byIno = new Map(nsx.map((n) => [n.ns, n] as const));
  const afterByIno = new Map(after.map((r) => [r.ns, r] as const));
  const problems: string[] = [];
  for (const l of before) {
    const a = afterByIno.get(l.ns);
    if (a?.type !== l.type) continue; // gone meanwhile, its inode maybe given to another
    const n = byIno.get(l.ns);
    const where = `${l.type} ${l.ns}`;
    if (!n) {
      problems.push(`${where}: listed by lsns (nprocs ${l.nprocs}, pid ${l.pid}), missing from nsx`);
      continue;
    }
    if (n.type !== l.type) problems.push(`${where}: type nsx=${n.type} lsns=${l.type}`);
    const exited = n.holders.some((h) => h.kind === 'process' && !existsSync(`/proc/${h.pid}`));
    if (a.nprocs !== l.nprocs || a.pid !== l.pid || (exited && (n.nprocs !== l.nprocs || n.pid !== l.pid))) {
      unsettled.add(l.ns);
    } else {
      if (n.nprocs !== l.nprocs) problems.push(`${where}: nprocs nsx=${n.nprocs} lsns=${l.nprocs}`);
      if (n.pid !== l.pid) problems.push(`${where}: pid nsx=${n.pid} lsns=${l.pid}`);
    }
    if (l.pns !== 0 && n.pns !== l.pns) problems.push(`${where}: pns nsx=${n.pns} lsns=${l.pns}`);
    if (l.ons !== 0 && n.ons !== l.ons) problems.push(`${where}: ons nsx=${n.ons} lsns=${l.ons}`);
    // lsns derives a PNS / ONS from the kernel; that namespace must exist in nsx too.
    for (const ref of [l.pns, l.ons]) {
      if (ref !== 0 && !byIno.has(ref)) problems.push(`${where}: refers to ${ref}, which nsx does not list`);
    }
  }
  return problems;
}

/** The sleep a started command ends up as (itself after exec, or a forked descendant). */
function sleeperOf(s: Started): number | undefined {
  if (commOf(s.pid) === 'sleep') return s.pid;
  return descendants(s.pid).find((d) => d.comm === 'sleep')?.pid;
}

test(
  'list --json agrees with lsns on type, nprocs, pid, pns and ons of every namespace lsns lists',
  {
    skip: needs({
      root: 'compares with lsns over all processes and creates namespaces with unshare',
      tools: ['unshare', 'lsns'],
    }),
  },
  async (t) => {
    const s = new Scenario(t);
    // Our own namespaces of every type, so the comparison covers more than the host's.
    const setups = [
      ['--net'],
      ['--uts', '--ipc'],
      ['--user', '--map-root-user', '--net', '--uts'],
      ['--pid', '--fork', '--mount-proc'],
      ['--cgroup', '--time', '--fork'],
      ['--mount', '--propagation', 'private'],
    ];
    const started: Started[] = [];
    for (const flags of setups) started.push(await s.start('unshare', [...flags, 'sleep', '1000']));
    // A nested user namespace: the middle one has no process (lsns shows it only as a PNS).
    started.push(
      await s.start('unshare', ['--user', '--map-root-user', 'unshare', '--user', '--map-root-user', 'sleep', '1000']),
    );
    const sleepers = await waitFor('every setup to reach its sleep', () => {
      const pids = started.map(sleeperOf);
      return pids.every((p) => p !== undefined) ? (pids as number[]) : undefined;
    });

    // Nothing but what the setups started is in the namespaces they made: always compared in full.
    const ours = new Set(sleepers.flatMap((pid) => NS_TYPES.map((type) => nsInode(pid, type))));
    for (const type of NS_TYPES) ours.delete(nsInode('self', type));
    let problems: string[] = [];
    for (let attempt = 1; attempt <= 5; attempt++) {
      const before = lsnsRows(t);
      const nsx = listJson();
      const after = lsnsRows(t);
      // Our sleeps' namespaces are in the comparison.
      for (const pid of sleepers) {
        assert.ok(
          before.some((r) => r.pid === pid),
          `setup: lsns lists a namespace of sleep ${pid}`,
        );
      }
      const unsettled = new Set<number>();
      problems = disagreements(before, after, nsx.namespaces, unsettled);
      for (const ns of ours) {
        const listed = before.some((b) => b.ns === ns) && after.some((a) => a.ns === ns);
        if (!listed || unsettled.has(ns)) problems.push(`${ns}, made here, was not compared in full`);
      }
      t.diagnostic(
        `attempt ${attempt}: compared ${before.length} namespaces listed by lsns, ${problems.length} disagreement(s)` +
          (unsettled.size > 0
            ? `; processes came and went meanwhile in ${[...unsettled].join(' ')}: their nprocs and pid not compared`
            : ''),
      );
      if (problems.length === 0) break;
      // Processes came or went where nsx cannot tell (it saw none of them): look again.
      for (const p of problems.slice(0, 20)) t.diagnostic(`  ${p}`);
    }
    assert.deepEqual(problems, [], 'nsx disagrees with lsns');
  },
);

test(
  'lsns answers every call of the tests while processes come and go: a run that lost a process midway is done again',
  { skip: needs({ tools: ['lsns'] }) },
  async (t) => {
    const s = new Scenario(t);
    // Short-lived processes all the time, as on a busy machine (lsns reads each one's stat).
    for (let i = 0; i < 4; i++) await s.start('sh', ['-c', 'while :; do /bin/true & /bin/true & wait; done']);
    const runs = 150;
    let redone = 0;
    const counting = {
      diagnostic(message: string): void {
        redone++;
        t.diagnostic(message);
      },
    };
    for (let i = 0; i < runs; i++) {
      const out = lsns<{ namespaces: unknown[] }>(counting, LSNS_ARGS);
      assert.ok(out.namespaces.length > 0, `run ${i + 1}: lsns listed namespaces`);
    }
    t.diagnostic(`${runs} runs of lsns answered; ${redone} of them had to be done again`);
  },
);
