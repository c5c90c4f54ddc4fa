/**
 * `nsx list --json` agrees with util-linux lsns on everything lsns lists.
 * Needs root; when not root the test is reported as skipped.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Scenario, commOf, descendants, listJson, needsRoot, run, waitFor, type Started } from './helpers';

interface LsnsRow {
  ns: number;
  type: string;
  nprocs: number;
  pid: number;
  pns: number;
  ons: number;
}

function lsns(): LsnsRow[] {
  const out = JSON.parse(run('lsns', ['-J', '-l', '-o', 'NS,TYPE,NPROCS,PID,PNS,ONS'])) as {
    namespaces: Record<keyof LsnsRow, number | string>[];
  };
  return out.namespaces
    .map((r) => ({
      ns: Number(r.ns),
      type: String(r.type),
      nprocs: Number(r.nprocs),
      pid: Number(r.pid),
      pns: Number(r.pns),
      ons: Number(r.ons),
    }))
    .sort((a, b) => a.ns - b.ns);
}

/** The sleep a started command ends up as (itself after exec, or a forked descendant). */
function sleeperOf(s: Started): number | undefined {
  if (commOf(s.pid) === 'sleep') return s.pid;
  return descendants(s.pid).find((d) => d.comm === 'sleep')?.pid;
}

test(
  'list --json agrees with lsns on type, nprocs, pid, pns and ons of every namespace lsns lists',
  { skip: needsRoot('compares with lsns over all processes and creates namespaces with unshare') },
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

    let problems: string[] = [];
    let attempts = 0;
    for (attempts = 1; attempts <= 5; attempts++) {
      const before = lsns();
      const nsx = listJson();
      const after = lsns();
      if (JSON.stringify(before) !== JSON.stringify(after)) {
        problems = ['processes came and went while comparing (lsns before != lsns after)'];
        t.diagnostic(`attempt ${attempts}: churn, lsns changed between runs; retrying`);
        continue;
      }
      // Our sleeps' namespaces are in the comparison.
      for (const pid of sleepers) {
        assert.ok(before.some((r) => r.pid === pid), `setup: lsns lists a namespace of sleep ${pid}`);
      }
      const byIno = new Map(nsx.namespaces.map((n) => [n.ns, n] as const));
      problems = [];
      for (const l of before) {
        const n = byIno.get(l.ns);
        const where = `${l.type} ${l.ns}`;
        if (!n) {
          problems.push(`${where}: listed by lsns (nprocs ${l.nprocs}, pid ${l.pid}), missing from nsx`);
          continue;
        }
        if (n.type !== l.type) problems.push(`${where}: type nsx=${n.type} lsns=${l.type}`);
        if (n.nprocs !== l.nprocs) problems.push(`${where}: nprocs nsx=${n.nprocs} lsns=${l.nprocs}`);
        if (n.pid !== l.pid) problems.push(`${where}: pid nsx=${n.pid} lsns=${l.pid}`);
        if (l.pns !== 0 && n.pns !== l.pns) problems.push(`${where}: pns nsx=${n.pns} lsns=${l.pns}`);
        if (l.ons !== 0 && n.ons !== l.ons) problems.push(`${where}: ons nsx=${n.ons} lsns=${l.ons}`);
        // lsns derives a PNS / ONS from the kernel; that namespace must exist in nsx too.
        for (const ref of [l.pns, l.ons]) {
          if (ref !== 0 && !byIno.has(ref)) problems.push(`${where}: refers to ${ref}, which nsx does not list`);
        }
      }
      t.diagnostic(
        `attempt ${attempts}: compared ${before.length} namespaces listed by lsns, ${problems.length} disagreement(s)`,
      );
      if (problems.length === 0) break;
      for (const p of problems.slice(0, 20)) t.diagnostic(`  ${p}`);
    }
    assert.deepEqual(problems, [], `nsx disagrees with lsns (after ${Math.min(attempts, 5)} attempt(s))`);
  },
);
