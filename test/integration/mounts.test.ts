/**
 * `nsx mounts` and `nsx propagation` against real mount namespaces: the tables agree with
 * findmnt, every predicted propagation is checked by making the mount and looking where it
 * appeared, and `hidden` is checked by reaching a marker file through the path and against
 * the mount the kernel's own lookup of the path ends in.
 *
 * Every mount a test makes lives in a mount namespace a scenario process holds (they go
 * when it is killed), except the bind mounts of the process-less namespace test, which
 * are unmounted by exact path. Needs root; skipped otherwise.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { MountPropagation, MountRecord } from '../../src/core/mounts/mountTable';
import type { Placement, PropagationAnswer } from '../../src/core/mounts/propagation';
import {
  DIST,
  Scenario,
  allowedCpus,
  cliJson,
  commOf,
  needs,
  nsInode,
  readableCli,
  run,
  runCli,
  sleepMs,
  uniqueName,
  unshareMountAt,
  waitFor,
  type CliOptions,
  type CliResult,
  type ListOutput,
} from './helpers';

const skip = needs({
  root: 'makes mount namespaces and mounts',
  tools: ['unshare', 'nsenter', 'mount', 'umount', 'findmnt', 'taskset', 'runuser'],
});

// A copy of dist/ made once: others may rebuild dist/ while these tests run.
let built: string | undefined;
before(() => {
  if (skip) return;
  const dir = mkdtempSync(path.join('/tmp', `${uniqueName('dist')}-`));
  cpSync(DIST, path.join(dir, 'dist'), { recursive: true });
  built = path.join(dir, 'dist', 'cli.js');
});
after(() => {
  if (built) rmSync(path.dirname(path.dirname(built)), { recursive: true, force: true });
});

function nsx(args: string[], opts: CliOptions = {}): CliResult {
  return runCli(args, { ...(built ? { cli: built } : {}), ...opts });
}

function nsxJson<T>(args: string[], opts: CliOptions = {}): T {
  return cliJson<T>(args, { ...(built ? { cli: built } : {}), ...opts });
}

interface MountsOutput {
  namespace: { ns: number | null; label: string | null; via: string };
  mounts: MountRecord[];
  errors: { line: number; message: string }[];
}

// ---------------------------------------------------------------------------------
// Truth: mountinfo read here, findmnt, and paths looked up

/** A mountinfo line, parsed here independently of src/core/mountinfo.ts. */
interface RawMount {
  id: number;
  parent: number;
  majmin: string;
  root: string;
  target: string;
  fstype: string;
  source: string;
}

function unescape(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

function parseRaw(text: string): RawMount[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const f = line.split(' ');
      const sep = f.indexOf('-');
      return {
        id: Number(f[0]),
        parent: Number(f[1]),
        majmin: f[2]!,
        root: unescape(f[3]!),
        target: unescape(f[4]!),
        fstype: f[sep + 1]!,
        source: unescape(f[sep + 2]!),
      };
    });
}

function mountinfoOf(pid: number): RawMount[] {
  return parseRaw(readFileSync(`/proc/${pid}/mountinfo`, 'utf8'));
}

interface FindmntRow {
  id: number;
  parent: number;
  target: string;
  fstype: string;
  propagation: string;
  'opt-fields': string | null;
  children?: FindmntRow[];
}

function flattenFindmnt(rows: FindmntRow[]): FindmntRow[] {
  return rows.flatMap((r) => [r, ...flattenFindmnt(r.children ?? [])]);
}

const FINDMNT_COLUMNS = ['-J', '-o', 'ID,PARENT,TARGET,FSTYPE,PROPAGATION,OPT-FIELDS'];

/** findmnt's words for propagation, as nsx says them. */
const FROM_FINDMNT: Record<string, MountPropagation> = {
  shared: 'shared',
  private: 'private',
  'private,slave': 'slave',
  'shared,slave': 'shared,slave',
  'private,unbindable': 'unbindable',
};

function findmntRows(json: string): FindmntRow[] {
  return flattenFindmnt((JSON.parse(json) as { filesystems: FindmntRow[] }).filesystems);
}

function group(optFields: string | null, key: string): number | null {
  const field = (optFields ?? '').split(' ').find((f) => f.startsWith(key));
  return field === undefined ? null : Number(field.slice(key.length));
}

/** Every mount of nsx's table equals findmnt's row of the same ID, and no ID is missing on either side. */
function assertAgreesWithFindmnt(what: string, ours: MountRecord[], theirs: FindmntRow[]): void {
  assert.deepEqual(
    ours.map((m) => m.id).sort((a, b) => a - b),
    theirs.map((r) => r.id).sort((a, b) => a - b),
    `${what}: the same mount IDs as findmnt`,
  );
  const byId = new Map(theirs.map((r) => [r.id, r]));
  for (const m of ours) {
    const r = byId.get(m.id)!;
    const propagation = FROM_FINDMNT[r.propagation];
    assert.ok(
      propagation,
      `${what}: findmnt said propagation '${r.propagation}' for mount ${m.id}, a word this test does not know`,
    );
    assert.deepEqual(
      {
        id: m.id,
        parent: m.parent,
        target: m.target,
        fstype: m.fstype,
        propagation: m.propagation,
        peer: m.peer,
        master: m.master,
        propagateFrom: m.propagateFrom,
      },
      {
        id: r.id,
        parent: r.parent,
        target: r.target,
        fstype: r.fstype,
        propagation,
        peer: group(r['opt-fields'], 'shared:'),
        master: group(r['opt-fields'], 'master:'),
        propagateFrom: group(r['opt-fields'], 'propagate_from:'),
      },
      `${what}: mount ${m.id} (findmnt opt-fields '${r['opt-fields']}')`,
    );
  }
}

/**
 * nsx mounts --pid P, nsx mounts --ns INODE and findmnt -N P read while the namespace's
 * mountinfo stayed the same (others may be mounting in the host namespace meanwhile).
 */
async function agreementOf(pid: number, what: string, byNs = true): Promise<'vanished' | 'checked'> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let before: string;
    let ns: number;
    try {
      before = readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
      ns = nsInode(pid, 'mnt');
    } catch {
      return 'vanished';
    }
    const byPid = nsx(['mounts', '--pid', String(pid), '--json']);
    const nsRun = byNs ? nsx(['mounts', '--ns', String(ns), '--json']) : null;
    const findmnt = runFindmnt(['-N', String(pid)]);
    let after: string;
    try {
      after = readFileSync(`/proc/${pid}/mountinfo`, 'utf8');
      if (nsInode(pid, 'mnt') !== ns) return 'vanished';
    } catch {
      return 'vanished';
    }
    if (after !== before) {
      await sleepMs(200);
      continue;
    }
    assert.equal(byPid.status, 0, `${what}: nsx mounts --pid ${pid}: ${byPid.stderr}`);
    if (typeof findmnt === 'string') {
      // findmnt can fail on a table it reads while the process execs or exits.
      await sleepMs(200);
      if (attempt < 4) continue;
      assert.fail(`${what}: findmnt -N ${pid} failed: ${findmnt}`);
    }
    const pidTable = JSON.parse(byPid.stdout) as MountsOutput;
    assert.equal(pidTable.namespace.ns, ns, `${what}: --pid names the namespace`);
    assert.deepEqual(pidTable.errors, [], `${what}: no mountinfo line skipped`);
    assertAgreesWithFindmnt(`${what} (--pid ${pid})`, pidTable.mounts, findmnt);
    if (nsRun) {
      assert.equal(nsRun.status, 0, `${what}: nsx mounts --ns ${ns}: ${nsRun.stderr}`);
      const nsTable = JSON.parse(nsRun.stdout) as MountsOutput;
      assert.equal(nsTable.namespace.ns, ns, `${what}: --ns names the namespace`);
      assert.deepEqual(nsTable.mounts, pidTable.mounts, `${what}: --ns ${ns} reads the same table as --pid ${pid}`);
    }
    return 'checked';
  }
  assert.fail(`${what}: the mount table of ${pid} kept changing`);
}

/** findmnt's mounts, or why it failed. Room for big tables: others' tests make thousands of mounts. */
function runFindmnt(extra: string[]): FindmntRow[] | string {
  const r = spawnSync('findmnt', [...FINDMNT_COLUMNS, ...extra], {
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.error) return String(r.error);
  if (r.status !== 0) return `exited ${r.status ?? r.signal}: ${r.stderr.trim()}`;
  return findmntRows(r.stdout);
}

// ---------------------------------------------------------------------------------
// Making mount namespaces and mounts

/** Runs a program in the mount namespace PID is in. */
function inMnt(pid: number, cmd: string, args: string[]): string {
  return run('nsenter', [`--mount=/proc/${pid}/ns/mnt`, '--', cmd, ...args]);
}

/** PATH as seen in the mount namespace of PID (root can follow /proc/PID/root). */
function seenBy(pid: number, p: string): string {
  return `/proc/${pid}/root${p}`;
}

/**
 * Run inside a mount namespace: each path of stdin's JSON array opened with O_PATH and
 * O_NOFOLLOW (no open of a device or FIFO, no automount on the last component), and the
 * `mnt_id:` of its fdinfo, the mount the kernel's lookup ended in; null where the path
 * cannot be opened.
 */
const MOUNT_ID_OF_PATHS = `
const fs = require('node:fs');
const flags = (fs.constants.O_PATH ?? 0o10000000) | fs.constants.O_NOFOLLOW;
const ids = JSON.parse(fs.readFileSync(0, 'utf8')).map((p) => {
  let fd;
  try {
    fd = fs.openSync(p, flags);
    const m = /^mnt_id:\\s*(\\d+)$/m.exec(fs.readFileSync('/proc/self/fdinfo/' + fd, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
});
process.stdout.write(JSON.stringify(ids));
`;

/** The mount a lookup of each path ends in, looked up inside the mount namespace of PID. */
function mountIdsAt(pid: number, paths: string[]): Map<string, number | null> {
  const r = spawnSync('nsenter', [`--mount=/proc/${pid}/ns/mnt`, '--', process.execPath, '-e', MOUNT_ID_OF_PATHS], {
    input: JSON.stringify(paths),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  assert.equal(r.status, 0, `looking up paths in the mount namespace of ${pid}: ${r.stderr}`);
  const ids = JSON.parse(r.stdout) as (number | null)[];
  return new Map(paths.map((p, i) => [p, ids[i]!]));
}

/**
 * nsx calls a mount reachable exactly when the kernel's lookup of its target, in its own
 * namespace, ends in that mount (by mount ID, so binds and peers of one device count apart).
 */
function assertHiddenMatchesLookup(what: string, pid: number, mounts: MountRecord[]): void {
  const found = mountIdsAt(pid, [...new Set(mounts.map((m) => m.target))]);
  for (const m of mounts) {
    const id = found.get(m.target);
    if (m.hidden)
      assert.notEqual(
        id,
        m.id,
        `${what}: mount ${m.id} at ${m.target} is called hidden, but a lookup of the path ends in it`,
      );
    else
      assert.equal(
        id,
        m.id,
        `${what}: mount ${m.id} at ${m.target} is called reachable, but a lookup of the path ends in mount ${id}`,
      );
  }
}

/**
 * A process in a new mount namespace copied from the host's (`from` null, every mount
 * made private) or from the one `from` is in (propagation left as it is).
 */
async function mountNamespace(s: Scenario, from: number | null): Promise<number> {
  const unshare = ['unshare', '--mount', '--propagation', from === null ? 'private' : 'unchanged', 'sleep', '1000'];
  const started =
    from === null
      ? await s.start('unshare', unshare.slice(1))
      : await s.start('nsenter', [`--mount=/proc/${from}/ns/mnt`, '--', ...unshare]);
  const origin = nsInode(from ?? 'self', 'mnt');
  // nsenter and unshare exec what they run: the started PID itself ends up as the sleep.
  return waitFor(
    `sleep ${started.pid} in a new mount namespace`,
    () => commOf(started.pid) === 'sleep' && nsInode(started.pid, 'mnt') !== origin && started.pid,
  );
}

/** A directory made in /tmp for the test, removed (after its namespaces) at cleanup. */
function scratchDir(s: Scenario, tag: string): string {
  const dir = mkdtempSync(path.join('/tmp', `${uniqueName(tag)}-`));
  s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

let sources = 0;
/** A source name no other mount has, to find the mount (and its copies) again. */
function freshSource(tag: string): string {
  return `${uniqueName(tag)}-${++sources}`;
}

interface PropagationScenario {
  /** Holder PIDs by role. */
  pids: Record<Role, number>;
  /** Mount namespace inode by role. */
  ns: Record<Role, number>;
  role: Map<number, Role>;
  /** The shared tmpfs, mounted at `shared` in every namespace; `sub` is a directory in it. */
  shared: string;
  sub: string;
  /** Where the namespace B bind-mounts `sub`. */
  bind: string;
  /** An unbindable tmpfs. */
  unbindable: string;
  /** The major:minor of the shared tmpfs. */
  sharedDev: string;
}

/**
 * R: the origin, where `shared` is shared (peer group G).
 * A: a peer of G.       S: a slave of G.      P: private.
 * SS: shared (group H) and a slave of G.      SSS: a slave of H (a chain G → H → SSS).
 * B: `shared` made private, but `sub` of it bind-mounted at `bind`, a peer of G.
 */
type Role = 'R' | 'A' | 'S' | 'P' | 'SS' | 'SSS' | 'B';
const ROLES: Role[] = ['R', 'A', 'S', 'P', 'SS', 'SSS', 'B'];

async function propagationScenario(s: Scenario): Promise<PropagationScenario> {
  const base = scratchDir(s, 'prop');
  const R = await mountNamespace(s, null);
  // Everything below lives in R's own tmpfs over the scratch directory: private, and gone with R.
  inMnt(R, 'mount', ['-t', 'tmpfs', '-o', 'size=4m', freshSource('base'), base]);
  inMnt(R, 'mount', ['--make-private', base]);
  const shared = path.join(base, 'shared');
  const unbindable = path.join(base, 'unbindable');
  const bind = path.join(base, 'bind');
  for (const d of [shared, unbindable, bind]) mkdirSync(seenBy(R, d));
  inMnt(R, 'mount', ['-t', 'tmpfs', '-o', 'size=4m', freshSource('shared'), shared]);
  inMnt(R, 'mount', ['--make-shared', shared]);
  inMnt(R, 'mount', ['-t', 'tmpfs', '-o', 'size=1m', freshSource('unbindable'), unbindable]);
  inMnt(R, 'mount', ['--make-unbindable', unbindable]);
  const sub = path.join(shared, 'sub');
  mkdirSync(seenBy(R, sub));

  const A = await mountNamespace(s, R);
  const S = await mountNamespace(s, R);
  inMnt(S, 'mount', ['--make-slave', shared]);
  const P = await mountNamespace(s, R);
  inMnt(P, 'mount', ['--make-private', shared]);
  const SS = await mountNamespace(s, R);
  inMnt(SS, 'mount', ['--make-slave', shared]);
  inMnt(SS, 'mount', ['--make-shared', shared]);
  const SSS = await mountNamespace(s, SS);
  inMnt(SSS, 'mount', ['--make-slave', shared]);
  const B = await mountNamespace(s, R);
  inMnt(B, 'mount', ['--bind', sub, bind]);
  inMnt(B, 'mount', ['--make-private', shared]);

  const pids: Record<Role, number> = { R, A, S, P, SS, SSS, B };
  const ns = Object.fromEntries(ROLES.map((r) => [r, nsInode(pids[r], 'mnt')])) as Record<Role, number>;
  assert.equal(new Set(Object.values(ns)).size, ROLES.length, 'setup: seven distinct mount namespaces');
  const sharedDev = mountinfoOf(R).find((m) => m.target === shared)!.majmin;

  // The set-up is what it claims to be (read from mountinfo, not from nsx).
  const fields = (role: Role, target: string) => {
    const line = readFileSync(`/proc/${pids[role]}/mountinfo`, 'utf8')
      .split('\n')
      .find((l) => l.split(' ')[4] === target)!;
    const f = line.split(' ');
    return f.slice(6, f.indexOf('-')).join(' ');
  };
  const g = /^shared:(\d+)$/.exec(fields('R', shared))?.[1];
  assert.ok(g, `setup: R's ${shared} is shared: ${fields('R', shared)}`);
  assert.equal(fields('A', shared), `shared:${g}`, 'setup: A is a peer');
  assert.equal(fields('S', shared), `master:${g}`, 'setup: S is a slave');
  assert.equal(fields('P', shared), '', 'setup: P is private');
  const h = new RegExp(`^shared:(\\d+) master:${g}$`).exec(fields('SS', shared))?.[1];
  assert.ok(h && h !== g, `setup: SS is shared and a slave: ${fields('SS', shared)}`);
  assert.equal(fields('SSS', shared), `master:${h}`, 'setup: SSS is a slave of SS');
  assert.equal(fields('B', bind), `shared:${g}`, "setup: B's bind of the subdirectory is a peer");
  assert.equal(fields('B', shared), '', "setup: B's own copy is private");
  assert.equal(fields('R', unbindable), 'unbindable');

  return { pids, ns, role: new Map(ROLES.map((r) => [ns[r], r])), shared, sub, bind, unbindable, sharedDev };
}

/** Every scenario namespace's mounts, read now. */
function tablesOf(sc: PropagationScenario): Map<Role, RawMount[]> {
  return new Map(ROLES.map((r) => [r, mountinfoOf(sc.pids[r])]));
}

/** Where a mount with SOURCE appeared, as "ROLE PATH", with the id of the mount it sits in. */
function appearances(sc: PropagationScenario, source: string): { where: string; parent: number }[] {
  const out: { where: string; parent: number }[] = [];
  for (const [role, mounts] of tablesOf(sc)) {
    for (const m of mounts) if (m.source === source) out.push({ where: `${role} ${m.target}`, parent: m.parent });
  }
  return out;
}

function propagationOf(sc: PropagationScenario, role: Role, p: string): PropagationAnswer {
  return nsxJson<PropagationAnswer>(['propagation', '--pid', String(sc.pids[role]), '--path', p, '--json']);
}

/** "ROLE PATH" of a placement; a namespace outside the scenario is named by its inode. */
function placed(sc: PropagationScenario, p: Placement): string {
  return `${(p.ns !== null && sc.role.get(p.ns)) || `outside the scenario: mnt ${p.ns}`} ${p.path}`;
}

const sorted = (xs: string[]) => [...xs].sort();

/**
 * Asks nsx where a mount made at P in ROLE would appear, makes it, and checks that it
 * appeared exactly there (and in the mounts nsx named), besides ROLE at P itself.
 */
function checkSendsTo(sc: PropagationScenario, role: Role, p: string, expected: string[] | null): PropagationAnswer {
  mkdirSync(seenBy(sc.pids[role], p), { recursive: true });
  const answer = propagationOf(sc, role, p);
  assert.equal(answer.ns, sc.ns[role]);
  assert.equal(answer.path, p);
  assert.ok(answer.explanation.length > 0, 'an explanation in words');
  const source = freshSource('sent');
  inMnt(sc.pids[role], 'mount', ['-t', 'tmpfs', '-o', 'size=64k', source, p]);
  const seen = appearances(sc, source);
  const self = seen.filter((a) => a.where === `${role} ${p}`);
  assert.equal(self.length, 1, `the mount was made in ${role} at ${p}`);
  assert.equal(self[0]!.parent, answer.mount.id, `nsx named the mount that ${p} lies in`);
  const elsewhere = seen.filter((a) => a !== self[0]);
  const what = `a mount made in ${role} at ${p}`;
  assert.deepEqual(
    sorted(answer.sendsTo.map((x) => placed(sc, x))),
    sorted(elsewhere.map((a) => a.where)),
    `${what}: nsx's sendsTo against where it appeared`,
  );
  for (const x of answer.sendsTo) {
    const copy = elsewhere.find((a) => a.where === placed(sc, x))!;
    assert.equal(copy.parent, x.mount.id, `${what}: the copy in ${placed(sc, x)} sits in mount ${x.mount.id}`);
  }
  if (expected)
    assert.deepEqual(
      sorted(elsewhere.map((a) => a.where)),
      sorted(expected),
      `${what}: the scenario works as the kernel documents it`,
    );
  return answer;
}

/**
 * For the directory P in ROLE: every place in every other scenario namespace that shows
 * the same directory (any mount of the shared tmpfs whose root contains it) gets a mount
 * on a fresh subdirectory; it must reach ROLE exactly when nsx listed that place in
 * receivesFrom.
 */
function checkReceivesFrom(sc: PropagationScenario, role: Role, p: string): PropagationAnswer {
  mkdirSync(seenBy(sc.pids[role], p), { recursive: true });
  const answer = propagationOf(sc, role, p);
  const listed = answer.receivesFrom.map((x) => placed(sc, x));
  assert.equal(new Set(listed).size, listed.length, 'no place listed twice');
  const tried: string[] = [];
  const reached: string[] = [];
  let n = 0;
  for (const other of ROLES) {
    if (other === role) continue;
    for (const m of mountinfoOf(sc.pids[other])) {
      if (m.majmin !== sc.sharedDev) continue;
      const inside = path.relative(m.root, answer.fsPath);
      if (inside.startsWith('..')) continue;
      const there = path.join(m.target, inside);
      // Only places where the directory can be reached by its path there.
      if (
        !existsSync(seenBy(sc.pids[other], there)) ||
        statSync(seenBy(sc.pids[other], there)).ino !== statSync(seenBy(sc.pids[role], p)).ino
      )
        continue;
      const leaf = `from-${++n}`;
      const source = freshSource('received');
      mkdirSync(seenBy(sc.pids[other], path.join(there, leaf)));
      inMnt(sc.pids[other], 'mount', ['-t', 'tmpfs', '-o', 'size=64k', source, path.join(there, leaf)]);
      tried.push(`${other} ${there}`);
      if (mountinfoOf(sc.pids[role]).some((x) => x.source === source && x.target === path.join(p, leaf)))
        reached.push(`${other} ${there}`);
    }
  }
  for (const l of listed)
    assert.ok(tried.includes(l), `receivesFrom lists ${l}, which is no place in the scenario that shows ${p}`);
  assert.deepEqual(
    sorted(listed),
    sorted(reached),
    `mounts made in the places nsx listed in receivesFrom of ${role} ${p}, and only those, appear there`,
  );
  return answer;
}

/** Every process's state, parent and command, from /proc/PID/stat. */
function processes(): { pid: number; comm: string; state: string; ppid: number }[] {
  return readdirSync('/proc').flatMap((name) => {
    if (!/^\d+$/.test(name)) return [];
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return [
        {
          pid: Number(name),
          comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')),
          state: f[0]!,
          ppid: Number(f[1]),
        },
      ];
    } catch {
      return [];
    }
  });
}

/** Whether some process, thread, fd or bind mount here refers to namespace INO now. */
function namespaceExists(ino: number): boolean {
  const link = new RegExp(`^[a-z_]+:\\[${ino}\\]$`);
  const links = (dir: string) => {
    try {
      return readdirSync(dir).some((n) => {
        try {
          return link.test(readlinkSync(`${dir}/${n}`));
        } catch {
          return false;
        }
      });
    } catch {
      return false;
    }
  };
  if (readFileSync('/proc/self/mountinfo', 'utf8').includes(`:[${ino}] `)) return true;
  return processes().some((p) => links(`/proc/${p.pid}/ns`) || links(`/proc/${p.pid}/fd`));
}

// ---------------------------------------------------------------------------------
// Tests

test(
  'nsx mounts agrees with findmnt on every mount namespace of this machine, by --pid and --ns alike',
  { skip },
  async (t) => {
    const own = readFileSync('/proc/self/mountinfo', 'utf8');
    const self = nsx(['mounts', '--json']);
    const findmnt = runFindmnt([]);
    if (readFileSync('/proc/self/mountinfo', 'utf8') === own) {
      assert.equal(self.status, 0, self.stderr);
      assert.ok(typeof findmnt !== 'string', `findmnt failed: ${findmnt}`);
      const table = JSON.parse(self.stdout) as MountsOutput;
      assert.equal(table.namespace.ns, nsInode('self', 'mnt'), "with neither --pid nor --ns: the caller's namespace");
      assertAgreesWithFindmnt('the host namespace', table.mounts, findmnt);
    }
    await agreementOf(process.pid, "the test's own namespace");
    let checked = 0;
    const all = nsxJson<ListOutput>(['list', '--type', 'mnt', '--json']).namespaces;
    for (const n of all) {
      if (n.pid === null) continue;
      // --ns is compared on the test's own namespace and on the scenarios' (a scan each).
      if ((await agreementOf(n.pid, `mnt ${n.ns} (${n.label ?? n.pid})`, false)) === 'checked') checked++;
    }
    assert.ok(checked > 0, 'at least one namespace was compared');
    t.diagnostic(
      `${checked} of ${all.length} mount namespaces compared with findmnt -N (the others had no process ` +
        `left, or none nsx could name)`,
    );
  },
);

test(
  'nsx mounts agrees with findmnt -N on shared, slave, private, shared,slave, unbindable and ' +
    'bind-of-subdirectory mounts',
  { skip },
  async (t) => {
    const s = new Scenario(t);
    const sc = await propagationScenario(s);
    for (const role of ROLES) assert.equal(await agreementOf(sc.pids[role], role), 'checked');
    // Spot checks of the decoded words, on top of the comparison.
    const table = (role: Role) => nsxJson<MountsOutput>(['mounts', '--pid', String(sc.pids[role]), '--json']).mounts;
    const at = (role: Role, target: string) => table(role).find((m) => m.target === target)!;
    assert.equal(at('R', sc.shared).propagation, 'shared');
    assert.equal(at('S', sc.shared).propagation, 'slave');
    assert.equal(at('P', sc.shared).propagation, 'private');
    assert.equal(at('SS', sc.shared).propagation, 'shared,slave');
    assert.equal(at('SSS', sc.shared).master, at('SS', sc.shared).peer);
    assert.equal(at('R', sc.unbindable).propagation, 'unbindable');
    assert.equal(at('B', sc.bind).root, '/sub');
    assert.equal(at('B', sc.bind).peer, at('R', sc.shared).peer);
    // Peers, slaves and the bind share their device: only the mount ID tells them apart.
    for (const role of ROLES) assertHiddenMatchesLookup(role, sc.pids[role], table(role));
  },
);

test(
  'nsx propagation predicts exactly where a mount made in a shared, slave, private, chained or bind-mounted ' +
    'place appears',
  { skip },
  async (t) => {
    const s = new Scenario(t);
    const sc = await propagationScenario(s);
    const { shared, sub, bind } = sc;
    const e = (name: string) => path.join(shared, name);
    const everywhere = (p: string, ...roles: Role[]) => roles.map((r) => `${r} ${p}`);

    // Shared: to its peer, its slaves, the shared slave and that one's slave; not P, not B (outside the subdirectory).
    checkSendsTo(sc, 'R', e('from-R'), everywhere(e('from-R'), 'A', 'S', 'SS', 'SSS'));
    checkSendsTo(sc, 'A', e('from-A'), everywhere(e('from-A'), 'R', 'S', 'SS', 'SSS'));
    // Slaves send nothing back, private mounts nothing at all.
    checkSendsTo(sc, 'S', e('from-S'), []);
    checkSendsTo(sc, 'SSS', e('from-SSS'), []);
    checkSendsTo(sc, 'P', e('from-P'), []);
    // The shared slave sends to its own slave only.
    checkSendsTo(sc, 'SS', e('from-SS'), ['SSS ' + e('from-SS')]);
    // Inside the bind-mounted subdirectory: B sees it at the mapped path; B also sends back.
    checkSendsTo(sc, 'R', path.join(sub, 'in-from-R'), [
      ...everywhere(path.join(sub, 'in-from-R'), 'A', 'S', 'SS', 'SSS'),
      `B ${path.join(bind, 'in-from-R')}`,
    ]);
    checkSendsTo(sc, 'B', path.join(bind, 'from-B'), everywhere(path.join(sub, 'from-B'), 'R', 'A', 'S', 'SS', 'SSS'));
    // B's own copy of the shared mount is private: a mount there goes nowhere.
    checkSendsTo(sc, 'B', path.join(sub, 'private-in-B'), []);

    // On top of mounts that came by propagation (each a peer group of its own now), in the
    // origin, in a shared slave and in a slave; and at a path with a space and a backslash.
    for (const role of ['R', 'A', 'SS', 'S', 'SSS'] as const) {
      const p = e('from-R');
      mkdirSync(seenBy(sc.pids[role], path.join(p, `stack ${role}\\`)));
      checkSendsTo(sc, role, p, null);
      checkSendsTo(sc, role, path.join(p, `stack ${role}\\`), null);
    }

    // A receiver whose directory is covered there (S mounted over it): the copy still lands
    // there, out of reach under S's own mount, as nsx says.
    mkdirSync(seenBy(sc.pids.R, e('cov/deep')), { recursive: true });
    const coverSource = freshSource('cover');
    inMnt(sc.pids.S, 'mount', ['-t', 'tmpfs', '-o', 'size=64k', coverSource, e('cov')]);
    const covered = checkSendsTo(sc, 'R', e('cov/deep'), everywhere(e('cov/deep'), 'A', 'S', 'SS', 'SSS'));
    const cover = mountinfoOf(sc.pids.S).find((m) => m.source === coverSource)!;
    for (const x of covered.sendsTo) {
      assert.deepEqual(
        x.coveredBy,
        x.ns === sc.ns.S ? { id: cover.id, target: e('cov') } : undefined,
        `coveredBy in ${placed(sc, x)}`,
      );
    }
    const copyInS = nsxJson<MountsOutput>(['mounts', '--pid', String(sc.pids.S), '--json']).mounts.find(
      (m) => m.target === e('cov/deep'),
    )!;
    assert.deepEqual(
      copyInS.hiddenBy,
      { id: cover.id, target: e('cov'), how: 'above' },
      "the copy in S is hidden under S's mount",
    );

    // The unbindable mount neither sends nor receives, and is never named as a place.
    const unb = checkSendsTo(sc, 'R', path.join(sc.unbindable, 'from-R'), []);
    assert.deepEqual(unb.receivesFrom, []);
    assert.equal(unb.mount.propagation, 'unbindable');
    checkSendsTo(sc, 'A', path.join(sc.unbindable, 'from-A'), []);
    assert.throws(
      () => inMnt(sc.pids.R, 'mount', ['--bind', sc.unbindable, bind]),
      /exited/,
      'setup: an unbindable mount cannot be bind-mounted',
    );

    // receivesFrom, tried from every place in the scenario that shows the directory.
    const rf = (role: Role, name: string) => checkReceivesFrom(sc, role, e(name));
    // B's bind shows only the subdirectory: it is no source of what R shows outside it.
    assert.deepEqual(
      rf('R', 'to-R').receivesFrom.map((x) => placed(sc, x)),
      [`A ${e('to-R')}`],
    );
    assert.deepEqual(sorted(rf('S', 'to-S').receivesFrom.map((x) => placed(sc, x))), [
      `A ${e('to-S')}`,
      `R ${e('to-S')}`,
    ]);
    assert.deepEqual(
      sorted(rf('SSS', 'to-SSS').receivesFrom.map((x) => placed(sc, x))),
      sorted(everywhere(e('to-SSS'), 'R', 'A', 'SS')),
    );
    assert.deepEqual(rf('P', 'to-P').receivesFrom, []);
    assert.deepEqual(sorted(rf('SS', 'to-SS').receivesFrom.map((x) => placed(sc, x))), [
      `A ${e('to-SS')}`,
      `R ${e('to-SS')}`,
    ]);
    const inSub = checkReceivesFrom(sc, 'B', path.join(bind, 'to-B'));
    assert.deepEqual(
      sorted(inSub.receivesFrom.map((x) => placed(sc, x))),
      sorted(everywhere(path.join(sub, 'to-B'), 'R', 'A')),
    );
    const inR = checkReceivesFrom(sc, 'R', path.join(sub, 'to-R'));
    assert.deepEqual(
      sorted(inR.receivesFrom.map((x) => placed(sc, x))),
      sorted([`A ${path.join(sub, 'to-R')}`, `B ${path.join(bind, 'to-R')}`]),
    );

    // Every place nsx names in one answer names the asker back in the other direction.
    for (const role of ROLES) {
      if (role === 'P') continue;
      const p = role === 'B' ? path.join(bind, 'to-B') : e(`to-${role}`);
      if (!existsSync(seenBy(sc.pids[role], p))) mkdirSync(seenBy(sc.pids[role], p), { recursive: true });
      const here = propagationOf(sc, role, p);
      for (const x of here.sendsTo) {
        const there = propagationOf(sc, sc.role.get(x.ns!)!, x.path);
        assert.ok(
          there.receivesFrom.some((y) => y.ns === sc.ns[role] && y.path === p),
          `${role} ${p} sends to ${placed(sc, x)}, which does not list it in receivesFrom`,
        );
      }
    }

    // Text mode prints the explanation.
    const text = nsx(['propagation', '--pid', String(sc.pids.SS), '--path', e('from-SS')]);
    assert.equal(text.status, 0, text.stderr);
    assert.equal(text.stdout, propagationOf(sc, 'SS', e('from-SS')).explanation.join('\n') + '\n');
  },
);

test('hidden is true exactly for the mounts whose files cannot be reached through their path', { skip }, async (t) => {
  const s = new Scenario(t);
  const base = scratchDir(s, 'hidden');
  const H = await mountNamespace(s, null);
  const made = new Map<string, string>(); // source -> name
  const mountTmpfs = (pid: number, name: string, target: string, opts: { wd?: string } = {}) => {
    const source = freshSource(name);
    const args = ['-t', 'tmpfs', '-o', 'size=64k', source, target];
    if (opts.wd)
      run('nsenter', [`--mount=/proc/${pid}/ns/mnt`, `--wd=${opts.wd}`, '--', 'mount', '--no-canonicalize', ...args]);
    else inMnt(pid, 'mount', args);
    made.set(source, name);
    // The marker is written before anything can cover the new mount.
    writeFileSync(path.join(opts.wd ?? seenBy(pid, ''), target, `marker-${name}`), name);
  };
  const dir = (p: string) => mkdirSync(seenBy(H, p), { recursive: true });
  /** An fd on a directory, to reach it after it is covered. */
  const handle = (p: string) => {
    const fd = openSync(seenBy(H, p), 'r');
    t.after(() => closeSync(fd));
    return `/proc/${process.pid}/fd/${fd}`;
  };

  mountTmpfs(H, 'base', base);
  // d/x, then a mount over d. Children of x made before and after that (through an fd on
  // x), and a mount beside x made after it (through an fd on d): all out of reach.
  dir(`${base}/d/x`);
  mountTmpfs(H, 'x', `${base}/d/x`);
  dir(`${base}/d/x/before`);
  mountTmpfs(H, 'x-child-before', `${base}/d/x/before`);
  const intoX = handle(`${base}/d/x`);
  const intoD = handle(`${base}/d`);
  mountTmpfs(H, 'over-d', `${base}/d`);
  dir(`${base}/d/x`);
  mountTmpfs(H, 'x-in-over-d', `${base}/d/x`);
  mkdirSync(`${intoX}/after`);
  mountTmpfs(H, 'x-child-after', 'after', { wd: intoX });
  mkdirSync(`${intoD}/late`);
  mountTmpfs(H, 'd-late', 'late', { wd: intoD });
  // Three stacked on one target.
  dir(`${base}/s`);
  mountTmpfs(H, 's1', `${base}/s`);
  mountTmpfs(H, 's2', `${base}/s`);
  mountTmpfs(H, 's3', `${base}/s`);
  // A mount with a child, then a mount over the same target: both out of reach.
  dir(`${base}/t`);
  mountTmpfs(H, 't', `${base}/t`);
  dir(`${base}/t/c`);
  mountTmpfs(H, 't-child', `${base}/t/c`);
  mountTmpfs(H, 'over-t', `${base}/t`);
  // A deeper cover: a mount two levels below another's directory, covered from above.
  dir(`${base}/u/v/w`);
  mountTmpfs(H, 'w', `${base}/u/v/w`);
  mountTmpfs(H, 'over-u', `${base}/u`);
  // Propagation onto a place the receiver has covered: the kernel tucks the copy in
  // beneath the receiver's own mount (an older mount on top of a newer one).
  dir(`${base}/m`);
  mountTmpfs(H, 'm', `${base}/m`);
  inMnt(H, 'mount', ['--make-shared', `${base}/m`]);
  dir(`${base}/m/p`);
  const H2 = await mountNamespace(s, H);
  inMnt(H2, 'mount', ['--make-slave', `${base}/m`]);
  mountTmpfs(H2, 'local', `${base}/m/p`);
  const predicted = nsxJson<PropagationAnswer>(['propagation', '--pid', String(H), '--path', `${base}/m/p`, '--json']);
  mountTmpfs(H, 'sent', `${base}/m/p`);

  const expected: Record<number, Record<string, string>> = {
    [H]: {
      s1: 'on top',
      s2: 'on top',
      t: 'on top',
      't-child': 'in a hidden mount',
      w: 'above',
      x: 'above',
      'x-child-after': 'in a hidden mount',
      'x-child-before': 'in a hidden mount',
      'd-late': 'above',
    },
  };
  expected[H2] = { ...expected[H], sent: 'on top' };
  for (const pid of [H, H2]) {
    const what = pid === H ? 'H' : 'H2, a copy of H with a tucked mount';
    const table = nsxJson<MountsOutput>(['mounts', '--pid', String(pid), '--json']);
    const ours = table.mounts.filter((m) => made.has(m.source));
    assert.equal(ours.length, pid === H ? made.size - 1 : made.size, `${what}: every mount made is listed`);
    assert.deepEqual(
      ours.map((m) => `${made.get(m.source)} ${m.hidden ? 'hidden' : 'reachable'}`),
      ours.map((m) => {
        const marker = path.join(seenBy(pid, m.target), `marker-${made.get(m.source)}`);
        return `${made.get(m.source)} ${existsSync(marker) ? 'reachable' : 'hidden'}`;
      }),
      `${what}: nsx hidden against the markers reached through each mount's path`,
    );
    // The test really built covered mounts of each kind.
    const hidden = ours.filter((m) => m.hidden).map((m) => [made.get(m.source)!, m.hiddenBy?.how ?? '?'] as const);
    assert.deepEqual(
      Object.fromEntries(hidden.sort()),
      Object.fromEntries(Object.entries(expected[pid]!).sort()),
      what,
    );
    assertHiddenMatchesLookup(what, pid, table.mounts);
  }
  const tucked = predicted.sendsTo.find((x) => x.ns === nsInode(H2, 'mnt'));
  assert.ok(tucked, `nsx predicted the copy in H2: ${JSON.stringify(predicted.sendsTo)}`);
  const local = nsxJson<MountsOutput>(['mounts', '--pid', String(H2), '--json']).mounts.find(
    (m) => made.get(m.source) === 'local',
  )!;
  assert.deepEqual(
    tucked.coveredBy,
    { id: local.id, target: `${base}/m/p` },
    "nsx predicted the copy would be out of reach under H2's own mount",
  );
});

test('hidden agrees with a path lookup on every mount of the host namespace', { skip }, async () => {
  for (let attempt = 0; ; attempt++) {
    const before = readFileSync('/proc/self/mountinfo', 'utf8');
    const table = nsxJson<MountsOutput>(['mounts', '--pid', String(process.pid), '--json']);
    try {
      assertHiddenMatchesLookup('the host namespace', process.pid, table.mounts);
      return;
    } catch (err) {
      // Someone else mounted or unmounted meanwhile: look again.
      if (attempt >= 4 || readFileSync('/proc/self/mountinfo', 'utf8') === before) throw err;
    }
  }
});

test(
  'a new mount namespace is bound to a file inside another one, whichever CPU made that one',
  { skip },
  async (t) => {
    // Namespace ids come from per-CPU batches, and a mount namespace's file binds only into a
    // namespace with a lower id: the binding namespace is made on each CPU in turn.
    const s = new Scenario(t);
    for (const cpu of allowedCpus()) {
      const dir = scratchDir(s, `bind-from-cpu${cpu}`);
      const started = await s.start('taskset', [
        '--cpu-list',
        String(cpu),
        'unshare',
        '--mount',
        '--propagation',
        'private',
        'sleep',
        '1000',
      ]);
      const H = await waitFor(
        `sleep ${started.pid} in a new mount namespace`,
        () => commOf(started.pid) === 'sleep' && nsInode(started.pid, 'mnt') !== nsInode('self', 'mnt') && started.pid,
      );
      inMnt(H, 'mount', ['-t', 'tmpfs', '-o', 'size=64k', freshSource('bind-from'), dir]);
      const file = path.join(dir, 'mnt');
      writeFileSync(seenBy(H, file), '');
      unshareMountAt(file, ['true'], H);
      const bound = statSync(seenBy(H, file)).ino;
      assert.ok(
        ![nsInode('self', 'mnt'), nsInode(H, 'mnt')].includes(bound),
        `CPU ${cpu}: a new mount namespace is bound at ${file} in ${H}'s`,
      );
      assert.ok(!existsSync(file), `CPU ${cpu}: the bind mount is only in ${H}'s namespace`);
    }
  },
);

test(
  'a mount namespace held only by a bind mount (here or in another namespace) or an fd: read by entering it ' +
    'as root, refused with one line to an ordinary user',
  { skip },
  async (t) => {
    const s = new Scenario(t);
    const cli = readableCli(s);
    const dir = scratchDir(s, 'held');
    // The nsfs file sits on a private bind mount of the directory, so its mount does not propagate.
    run('mount', ['--bind', dir, dir]);
    s.defer(`umount ${dir}`, () => void run('umount', [dir]));
    run('mount', ['--make-private', dir]);
    const file = path.join(dir, 'mnt');
    writeFileSync(file, '');
    unshareMountAt(file);
    s.defer(`umount ${file}`, () => void run('umount', [file]));
    const ino = statSync(file).ino;
    assert.notEqual(ino, nsInode('self', 'mnt'), 'setup: a new mount namespace');
    const inside = path.join(dir, 'inside');
    mkdirSync(inside);
    const source = freshSource('held');
    run('nsenter', [`--mount=${file}`, '--', 'mount', '-t', 'tmpfs', '-o', 'size=64k', source, inside]);
    assert.ok(
      !readFileSync('/proc/self/mountinfo', 'utf8').includes(source),
      'setup: the mount stayed in the held namespace',
    );

    const held = nsxJson<MountsOutput>(['mounts', '--ns', String(ino), '--json']);
    assert.equal(held.namespace.ns, ino);
    assert.match(held.namespace.via, /^entered through bind mount /);
    const m = held.mounts.find((x) => x.source === source);
    assert.ok(m, 'the mount made inside is listed');
    assert.equal(m.target, inside);
    assert.equal(m.fstype, 'tmpfs');
    const findmnt = findmntRows(run('nsenter', [`--mount=${file}`, '--', 'findmnt', ...FINDMNT_COLUMNS]));
    assertAgreesWithFindmnt('the held namespace', held.mounts, findmnt);
    const text = nsx(['mounts', '--ns', String(ino)]);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`${inside}\\s+${source}\\s+tmpfs`));
    assert.ok(
      !readdirSync('/proc').some(
        (p) =>
          /^\d+$/.test(p) &&
          (() => {
            try {
              return nsInode(Number(p), 'mnt') === ino;
            } catch {
              return false;
            }
          })(),
      ),
      'no process was left in the held namespace',
    );

    // Held by a bind mount that only another mount namespace has: entered through /proc/PID/root.
    const dir2 = scratchDir(s, 'held-elsewhere');
    const H = await mountNamespace(s, null);
    inMnt(H, 'mount', ['-t', 'tmpfs', '-o', 'size=64k', freshSource('held-dir'), dir2]);
    const file2 = path.join(dir2, 'mnt');
    writeFileSync(seenBy(H, file2), '');
    unshareMountAt(file2, ['true'], H);
    const ino2 = statSync(seenBy(H, file2)).ino;
    assert.ok(!existsSync(file2), 'setup: the bind mount is only in H');
    const inside2 = path.join(dir2, 'inside');
    mkdirSync(seenBy(H, inside2));
    const source2 = freshSource('held-elsewhere');
    run('nsenter', [`--mount=${seenBy(H, file2)}`, '--', 'mount', '-t', 'tmpfs', '-o', 'size=64k', source2, inside2]);
    const elsewhere = nsxJson<MountsOutput>(['mounts', '--ns', String(ino2), '--json']);
    assert.equal(elsewhere.namespace.ns, ino2);
    assert.equal(
      elsewhere.mounts.find((x) => x.source === source2)?.target,
      inside2,
      `the mount made inside is listed: ${elsewhere.namespace.via}`,
    );
    const answer = nsxJson<PropagationAnswer>([
      'propagation',
      '--ns',
      String(ino2),
      '--path',
      path.join(inside2, 'x'),
      '--json',
    ]);
    assert.equal(answer.ns, ino2);
    assert.equal(answer.mount.source, source2, 'propagation reads the held namespace too');

    // Held by nothing but an open fd of a process in another namespace.
    const dir3 = scratchDir(s, 'held-by-fd');
    const H3 = await mountNamespace(s, null);
    const source3 = freshSource('held-by-fd');
    inMnt(H3, 'mount', ['-t', 'tmpfs', '-o', 'size=64k', source3, dir3]);
    const fdHolder = await s.start('sh', ['-c', `exec sleep 1000 3< /proc/${H3}/ns/mnt`]);
    await waitFor('the fd holder', () => commOf(fdHolder.pid) === 'sleep');
    const ino3 = nsInode(H3, 'mnt');
    process.kill(H3, 'SIGKILL');
    await waitFor(`PID ${H3} to go`, () => !existsSync(`/proc/${H3}`));
    const byFd = nsxJson<MountsOutput>(['mounts', '--ns', String(ino3), '--json']);
    assert.equal(byFd.namespace.ns, ino3);
    assert.equal(byFd.namespace.via, `entered through fd 3 of PID ${fdHolder.pid}`);
    assert.equal(byFd.mounts.find((x) => x.source === source3)?.target, dir3, 'the mount made inside is listed');

    const nobody = nsx(['mounts', '--ns', String(ino), '--json'], {
      cli,
      wrapper: ['runuser', '-u', 'nobody', '--'],
      cwd: path.dirname(cli),
    });
    assert.notEqual(nobody.status, 0, 'refused');
    assert.equal(nobody.stdout, '');
    assert.equal(nobody.stderr.trim().split('\n').length, 1, `one line: ${nobody.stderr}`);
    assert.match(nobody.stderr, /^nsx: .*root.*--as-root/);
    assert.doesNotMatch(nobody.stderr, /\n\s+at /, 'no stack trace');
  },
);

test(
  "as an ordinary user, another user's process: its mounts are read, and propagation names the namespace it is in",
  { skip },
  async (t) => {
    const s = new Scenario(t);
    const cli = readableCli(s);
    const opts = { cli, wrapper: ['runuser', '-u', 'nobody', '--'], cwd: path.dirname(cli) };
    const rootSleep = (await s.start('sleep', ['1000'])).pid;
    const host = nsInode('self', 'mnt');
    assert.equal(nsInode(rootSleep, 'mnt'), host, "setup: root's sleep is in the host namespace");

    const table = nsxJson<MountsOutput>(['mounts', '--pid', String(rootSleep), '--json'], opts);
    assert.equal(table.namespace.ns, null, 'its ns link is not readable to nobody');
    assert.deepEqual(
      table.mounts.map((m) => m.id),
      nsxJson<MountsOutput>(['mounts', '--pid', String(rootSleep), '--json']).mounts.map((m) => m.id),
      'nobody reads the same mounts as root',
    );
    // nobody's own nsx is in the host namespace too, so the namespace is known by its inode.
    const answer = nsxJson<PropagationAnswer>(
      ['propagation', '--pid', String(rootSleep), '--path', '/tmp', '--json'],
      opts,
    );
    assert.equal(answer.ns, host);
    assert.equal(answer.mount.target, '/');
  },
);

test(
  'bad targets (a vanished PID, a zombie, a gone or non-mount namespace, both --pid and --ns) and relative ' +
    'paths are refused with their message, and nothing is left running',
  { skip },
  async (t) => {
    const s = new Scenario(t);
    const gone = await s.start('true', []);
    await waitFor('true to exit', () => gone.child.exitCode !== null);
    await waitFor(`PID ${gone.pid} to be reaped`, () => !existsSync(`/proc/${gone.pid}`));
    const netNs = nsInode('self', 'net');
    // A zombie: a child its parent (exec'd into sleep) never waits for.
    const parent = await s.start('sh', ['-c', 'sleep 0 & exec sleep 1000']);
    const zombie = await waitFor(
      'a zombie child',
      () => processes().find((p) => p.state === 'Z' && p.ppid === parent.pid)?.pid,
    );

    // What nsx starts (nsenter, cat) would be left to PID 1 if nsx exited without ending it.
    const helpers = () =>
      new Set(
        processes()
          .filter((p) => p.ppid === 1 && ['nsenter', 'cat'].includes(p.comm))
          .map((p) => p.pid),
      );
    const before = helpers();
    const refused = (args: string[], r: CliResult, status: number, message: RegExp) => {
      const what = `nsx ${args.join(' ')}`;
      assert.equal(r.status, status, `${what}: ${r.stderr}`);
      assert.equal(r.stdout, '', `${what}: nothing on stdout`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${what}: one line: ${r.stderr}`);
      assert.match(r.stderr.trim(), message, what);
    };
    const cases: [string[], number, RegExp][] = [
      [['mounts', '--pid', String(gone.pid)], 2, new RegExp(`^nsx: no process with PID ${gone.pid}$`)],
      [
        ['propagation', '--pid', String(gone.pid), '--path', '/'],
        2,
        new RegExp(`^nsx: no process with PID ${gone.pid}$`),
      ],
      [
        ['mounts', '--pid', String(zombie)],
        1,
        new RegExp(`^nsx: PID ${zombie} has no mount namespace left \\(it is exiting\\)$`),
      ],
      [
        ['propagation', '--pid', String(zombie), '--path', '/'],
        1,
        new RegExp(`^nsx: PID ${zombie} has no mount namespace left`),
      ],
      [
        ['mounts', '--ns', String(netNs)],
        2,
        new RegExp(`^nsx: namespace ${netNs} is a net namespace, not a mount namespace$`),
      ],
      [['propagation', '--path', 'tmp/x'], 2, /^nsx: 'tmp\/x' is not an absolute path \(see 'nsx --help'\)$/],
      [['propagation', '--pid', String(process.pid), '--path', './x'], 2, /^nsx: '\.\/x' is not an absolute path/],
      [
        ['mounts', '--pid', String(process.pid), '--ns', String(nsInode('self', 'mnt'))],
        2,
        /^nsx: mounts takes one of --pid PID and --ns INODE/,
      ],
      [
        ['propagation', '--pid', String(process.pid), '--ns', String(nsInode('self', 'mnt')), '--path', '/'],
        2,
        /^nsx: propagation takes one of --pid PID and --ns INODE/,
      ],
    ];
    for (const json of [[], ['--json']]) {
      for (const [args, status, message] of cases)
        refused([...args, ...json], nsx([...args, ...json]), status, message);
      // A namespace that is gone: nsfs hands its inode to the next namespace made anywhere, so
      // each run gets a fresh one, and a run that met a new namespace under it is done again.
      for (const args of [
        (ino: number) => ['mounts', '--ns', String(ino)],
        (ino: number) => ['propagation', '--ns', String(ino), '--path', '/'],
      ]) {
        for (let attempt = 1; ; attempt++) {
          const holder = await mountNamespace(s, null);
          const ino = nsInode(holder, 'mnt');
          process.kill(holder, 'SIGKILL');
          await waitFor(`PID ${holder} to go`, () => !existsSync(`/proc/${holder}`));
          const r = nsx([...args(ino), ...json]);
          if (!/no mount namespace has inode/.test(r.stderr) && attempt < 5 && namespaceExists(ino)) continue;
          refused([...args(ino), ...json], r, 2, new RegExp(`^nsx: no mount namespace has inode ${ino}$`));
          break;
        }
      }
    }
    await sleepMs(200);
    assert.deepEqual(
      [...helpers()].filter((p) => !before.has(p)),
      [],
      'no nsenter or cat left running',
    );
  },
);
