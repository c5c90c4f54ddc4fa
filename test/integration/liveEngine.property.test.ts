/**
 * "Never wrong": the live engine's snapshot equals what a full scan finds, after every
 * step of random sequences of what the kernel lets processes do to namespaces: new
 * processes in new namespaces or in another's, exec into new namespaces and setns under
 * the same PID, fds and bind mounts that hold namespaces, threads in namespaces of their
 * own, exits (the children left behind get another parent; a parent that does not reap
 * leaves a zombie), and a PID that one process leaves and another takes between two ticks.
 *
 * Everything happens in a world of the test's own (./liveWorld.ts), whose procfs both the
 * engine and the full scan read. The engine's stated bound: a process that changes its
 * namespaces, fds or program under the same PID (a zombie too: it left its namespaces) is
 * caught at the next tick while it is younger than `youngMs`, otherwise within
 * `sweepTicks` ticks; everything else (new PIDs, exits, bind mounts, read at every tick when
 * no mount watch is given) at the next tick. Two configurations: the defaults, where the
 * test's processes are young, and no young processes with a sweep of 3 ticks.
 */
import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';
import fc from 'fast-check';
import { discover } from '../../src/core/discovery/discover';
import { LiveDiscovery, LiveOptions } from '../../src/core/live/liveDiscovery';
import type { NsType, Snapshot } from '../../src/core/model/snapshot';
import { findProc, needs, needsRoot, nsInode, Scenario, sleepMs, snapshotContent, snapshotDiff } from './helpers';
import { Actor, CLONE_NEWNET, CLONE_NEWUTS, World } from './liveWorld';

const SKIP = needs({
  root: 'makes PID, mount, user and other namespaces, and bind mounts',
  tools: ['unshare', 'nsenter', 'mount', 'umount', 'python3'],
});

/** The seed of the first configuration's runs, the next for the second's; NSX_LIVE_SEED runs other sequences. */
const SEED = Number(process.env.NSX_LIVE_SEED ?? 152025);
const RUNS = 6;

const TYPES: readonly NsType[] = ['net', 'uts', 'ipc', 'mnt', 'user', 'pid', 'cgroup', 'time'];

type Step =
  | { kind: 'spawn'; from: number; types: NsType[]; forkTime: boolean }
  | { kind: 'join'; target: number; types: NsType[] }
  | { kind: 'execNew'; actor: number; types: NsType[]; forkTime: boolean }
  | { kind: 'setnsExec'; actor: number; target: number; types: NsType[] }
  | { kind: 'fdOpen'; actor: number; target: number; type: NsType }
  | { kind: 'fdClose'; actor: number }
  | { kind: 'bind'; actor: number; target: number; type: NsType }
  | { kind: 'unbind'; which: number }
  | { kind: 'thread'; from: number; net: boolean }
  | { kind: 'exit'; actor: number; reap: boolean; parent: boolean }
  | { kind: 'reuse'; actor: number };

const pick = fc.nat(1000);
const types = fc.subarray([...TYPES]);
const type = fc.constantFrom(...TYPES);
const STEP: fc.Arbitrary<Step> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('spawn'), from: pick, types, forkTime: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('join'), target: pick, types }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('execNew'), actor: pick, types, forkTime: fc.boolean() }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('setnsExec'), actor: pick, target: pick, types }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('fdOpen'), actor: pick, target: pick, type }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('fdClose'), actor: pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('bind'), actor: pick, target: pick, type }), weight: 2 },
  { arbitrary: fc.record({ kind: fc.constant('unbind'), which: pick }), weight: 1 },
  { arbitrary: fc.record({ kind: fc.constant('thread'), from: pick, net: fc.boolean() }), weight: 1 },
  {
    arbitrary: fc.record({ kind: fc.constant('exit'), actor: pick, reap: fc.boolean(), parent: fc.boolean() }),
    weight: 3,
  },
  { arbitrary: fc.record({ kind: fc.constant('reuse'), actor: pick }), weight: 1 },
) as fc.Arbitrary<Step>;

/** What a step did, and when the processes it changed under their PIDs started, if it did. */
interface Done {
  text: string;
  samePid?: { start: number }[];
}

/** Counts over every run of a configuration, told at its end. */
class Tally {
  readonly kinds = new Map<string, number>();
  /** Ticks it took to catch a same-PID change, by count. */
  readonly caughtAt = new Map<number, number>();

  add(map: Map<string | number, number>, key: string | number): void {
    map.set(key, (map.get(key) ?? 0) + 1);
  }

  toString(): string {
    const list = (m: Map<string | number, number>) => [...m].map(([k, n]) => `${k} ${n}`).join(', ');
    return `steps: ${list(this.kinds)}; same-PID changes caught at tick: ${list(this.caughtAt) || 'none'}`;
  }
}

/** One sequence of steps against one world and one engine. */
class Run {
  private want!: Snapshot;
  private readonly history: string[] = [];
  private readonly binds: { file: string; mntns: number }[] = [];

  constructor(
    private readonly world: World,
    private readonly engine: LiveDiscovery,
    private readonly options: Required<Pick<LiveOptions, 'youngMs' | 'sweepTicks'>>,
    private readonly tally: Tally,
  ) {}

  async steps(steps: Step[]): Promise<void> {
    this.compare('the first tick', this.engine.tick().snapshot);
    for (const step of steps) {
      const done = await this.apply(step).catch((err: unknown) => {
        throw new Error(`${JSON.stringify(step)} failed: ${String(err)}\nafter:\n  ${this.history.join('\n  ')}`);
      });
      this.tally.add(this.tally.kinds, done ? step.kind : 'skipped');
      if (!done) continue;
      this.history.push(done.text);
      this.check(done);
    }
  }

  /** The engine's next tick must be right, or within the sweep's bound for a same-PID change. */
  private check(done: Done): void {
    const bound = done.samePid && !this.young(done.samePid) ? this.engine.sweepTicks : 1;
    for (let tick = 1; ; tick++) {
      const got = this.engine.tick().snapshot;
      const want = discover({ proc: this.world.proc });
      if (equalContent(got, want)) {
        this.want = want;
        if (done.samePid) this.tally.add(this.tally.caughtAt, tick);
        return;
      }
      if (tick >= bound) this.compare(`${tick} tick(s) after ${done.text}`, got, want);
    }
  }

  /** Whether processes that started at STARTS are surely young to the engine at the next tick (a second's margin). */
  private young(starts: { start: number }[]): boolean {
    const now = this.world.proc.uptimeMs();
    return starts.every(({ start }) => now - start * 10 < this.options.youngMs - 1000);
  }

  private compare(when: string, got: Snapshot, want = discover({ proc: this.world.proc })): void {
    this.want = want;
    if (equalContent(got, want)) return;
    const lines = snapshotDiff(got, want);
    assert.fail(
      `the engine's snapshot differs from a full scan ${when}:\n  ${lines.join('\n  ')}\n` +
        `steps:\n  ${this.history.join('\n  ')}\n${this.world.logTail()}`,
    );
  }

  private async apply(step: Step): Promise<Done | null> {
    switch (step.kind) {
      case 'spawn':
        return this.spawn(step);
      case 'join':
        return this.join(step);
      case 'execNew':
        return this.execNew(step);
      case 'setnsExec':
        return this.setnsExec(step);
      case 'fdOpen':
        return this.fdOpen(step);
      case 'fdClose':
        return this.fdClose(step);
      case 'bind':
        return this.bind(step);
      case 'unbind':
        return this.unbind(step);
      case 'thread':
        return this.thread(step);
      case 'exit':
        return this.exit(step);
      case 'reuse':
        return this.reuse(step);
    }
  }

  private async spawn(step: Extract<Step, { kind: 'spawn' }>): Promise<Done> {
    const from = nth(this.world.actors(), step.from)!;
    const types = this.creatable(from, step.types);
    const a = await this.world.spawn(from, unshareArgs(types, step.forkTime));
    return { text: `actor ${from.name} starts ${a.name} (${a.pid}) in new ${types.join(' ') || 'nothing'}` };
  }

  private async join(step: Extract<Step, { kind: 'join' }>): Promise<Done> {
    const hub = this.world.hub;
    const target = nth(this.world.actors(), step.target)!;
    const joined = this.joinable(hub, target, step.types);
    const a = await this.world.spawn(hub, nsenterArgs(target.pid, joined));
    return {
      text: `actor ${a.name} (${a.pid}) starts in the ${joined.join(' ') || 'no'} namespaces of ${target.name}`,
    };
  }

  private async execNew(step: Extract<Step, { kind: 'execNew' }>): Promise<Done | null> {
    const actor = nth(this.movable(), step.actor);
    if (!actor) return null;
    const pid = actor.pid;
    const types = this.creatable(actor, step.types);
    await this.world.reexec(actor, unshareArgs(types, step.forkTime));
    const text = `actor ${actor.name} (${pid}) execs into new ${types.join(' ') || 'nothing'} (now ${actor.pid})`;
    return { text, samePid: [actor] };
  }

  private async setnsExec(step: Extract<Step, { kind: 'setnsExec' }>): Promise<Done | null> {
    const actor = nth(
      this.movable().filter((a) => this.privileged(a)),
      step.actor,
    );
    if (!actor) return null;
    const target = nth([...this.world.live.values()], step.target)!;
    const joined = this.joinable(actor, target, step.types);
    const pid = actor.pid;
    await this.world.reexec(actor, nsenterArgs(target.pid, joined));
    const text = `actor ${actor.name} (${pid}) execs into the ${joined.join(' ') || 'no'} namespaces of ${target.name}`;
    return { text, samePid: [actor] };
  }

  private async fdOpen(step: Extract<Step, { kind: 'fdOpen' }>): Promise<Done> {
    const actor = nth(
      this.world.actors().filter((a) => this.privileged(a)),
      step.actor,
    )!;
    const target = nth([...this.world.live.values()], step.target)!;
    await this.world.must(actor, `exec 5</proc/${target.pid}/ns/${step.type}`);
    return { text: `actor ${actor.name} opens fd 5 on the ${step.type} namespace of ${target.name}`, samePid: [actor] };
  }

  private async fdClose(step: Extract<Step, { kind: 'fdClose' }>): Promise<Done> {
    const actor = nth(this.world.actors(), step.actor)!;
    await this.world.must(actor, 'exec 5<&-');
    return { text: `actor ${actor.name} closes fd 5`, samePid: [actor] };
  }

  private async bind(step: Extract<Step, { kind: 'bind' }>): Promise<Done> {
    const actor = nth(
      this.world.actors().filter((a) => this.privileged(a)),
      step.actor,
    )!;
    const target = nth([...this.world.live.values()], step.target)!;
    const ns = step.type === 'mnt' ? 'net' : step.type; // a mount namespace's file binds only under conditions
    const file = this.world.file();
    await this.world.must(actor, `touch ${file} && mount --bind /proc/${target.pid}/ns/${ns} ${file}`);
    this.binds.push({ file, mntns: this.nsOf(actor, 'mnt') });
    return { text: `actor ${actor.name} binds the ${ns} namespace of ${target.name} at ${file}` };
  }

  private async unbind(step: Extract<Step, { kind: 'unbind' }>): Promise<Done | null> {
    const reachable = this.binds.filter((b) => this.want.namespaces.some((n) => n.ns === b.mntns && n.pid !== null));
    const bind = nth(reachable, step.which);
    if (!bind) return null;
    const member = this.want.namespaces.find((n) => n.ns === bind.mntns)!.pid!;
    await this.world.must(this.world.hub, `nsenter --mount=/proc/${member}/ns/mnt umount ${bind.file}`);
    this.binds.splice(this.binds.indexOf(bind), 1);
    return { text: `${bind.file} unmounted in mount namespace ${bind.mntns}` };
  }

  private async thread(step: Extract<Step, { kind: 'thread' }>): Promise<Done> {
    const from = nth(this.world.actors(), step.from)!;
    const pet = await this.world.pet(from, step.net ? [CLONE_NEWUTS, CLONE_NEWNET] : [CLONE_NEWUTS]);
    return {
      text: `actor ${from.name} starts ${pet.name} (${pet.pid}) with threads in new ${step.net ? 'uts, net' : 'uts'}`,
    };
  }

  private async exit(step: Extract<Step, { kind: 'exit' }>): Promise<Done | null> {
    const all = [...this.world.pets(), ...this.movable()];
    const parents = all.filter((a) => this.want.processes.some((p) => p.ppid === a.pid));
    const actor = nth(step.parent && parents.length ? parents : all, step.actor);
    if (!actor) return null;
    const { zombies, orphans } = await this.world.exit(actor, this.want, step.reap);
    if (orphans) this.tally.add(this.tally.kinds, zombies.length ? 'orphans (sweep)' : 'orphans (next tick)');
    if (zombies.length) this.tally.add(this.tally.kinds, 'zombies');
    const left = [
      orphans ? `${orphans} child(ren) left` : '',
      zombies.length ? `zombies ${zombies.map((z) => z.pid)}` : '',
    ];
    const text = `${actor.name} (${actor.pid}) exits${left.map((l) => (l ? `, ${l}` : '')).join('')}`;
    // A zombie keeps its PID: to the engine, a process that left its namespaces.
    return zombies.length ? { text, samePid: zombies } : { text };
  }

  /**
   * An actor exits, and the next process started in its PID namespace gets its PID: one of
   * the world's PID namespace, without wrappers, whose parent reaps it (an actor, or the
   * init: not a wrapper, the PID of an actor that exec'd one, which waits for its own child only).
   */
  private async reuse(step: Extract<Step, { kind: 'reuse' }>): Promise<Done | null> {
    const reapers = new Set([1, ...this.world.actors().map((a) => a.pid)]);
    const candidates = this.movable().filter((a) => {
      const p = findProc(this.want, a.pid);
      return p?.nspid.length === 1 && reapers.has(p.ppid) && !a.wrappers.length;
    });
    const actor = nth(candidates, step.actor);
    if (!actor) return null;
    const pid = actor.pid;
    await this.world.exit(actor, this.want);
    const free = this.world.stat(pid);
    if (free)
      throw new Error(`PID ${pid} of ${actor.name} is not free: ${JSON.stringify(free)}\n${this.world.table()}`);
    const before = `echo ${pid - 1} >/proc/sys/kernel/ns_last_pid; `;
    const a = await this.world.spawn(this.world.hub, [], before);
    assert.equal(
      a.pid,
      pid,
      `actor ${a.name} has the PID of ${actor.name} (${pid}), which exited\n${this.world.table()}`,
    );
    return { text: `${actor.name} (${pid}) exits and ${a.name} starts with its PID` };
  }

  /** Actors that may change or exit: all but the world's own. */
  private movable(): Actor[] {
    return this.world.actors().filter((a) => a !== this.world.hub);
  }

  /** In the initial user namespace: may open and join any namespace. */
  private privileged(a: Actor): boolean {
    return this.nsOf(a, 'user') === this.nsOf(this.world.hub, 'user');
  }

  private nsOf(a: Actor, type: NsType): number {
    const ino = findProc(this.want, a.pid)?.ns[type];
    if (ino === undefined) throw new Error(`no ${type} namespace of ${a.name} (${a.pid}) in the last scan`);
    return ino;
  }

  /**
   * The TYPES of TARGET's namespaces that FROM can join: not its own user namespace (setns
   * refuses it), and a PID namespace only at or below its own.
   */
  private joinable(from: Actor, target: Actor, types: NsType[]): NsType[] {
    return types.filter((t) => {
      if (t === 'user') return this.nsOf(from, 'user') !== this.nsOf(target, 'user');
      if (t === 'pid') return this.atOrBelow(this.nsOf(target, 'pid'), this.nsOf(from, 'pid'));
      return true;
    });
  }

  /**
   * The TYPES of new namespaces A can make: a new PID namespace only where A's user
   * namespace is at or below the owner of its PID namespace (the kernel's rule).
   */
  private creatable(a: Actor, types: NsType[]): NsType[] {
    const owner = this.want.namespaces.find((n) => n.ns === this.nsOf(a, 'pid'))?.ons;
    const may = owner !== null && owner !== undefined && this.atOrBelow(this.nsOf(a, 'user'), owner);
    return may ? types : types.filter((t) => t !== 'pid');
  }

  /** Whether namespace INO is TOP or below it, by the parents the last scan found (PID and user namespaces). */
  private atOrBelow(ino: number, top: number): boolean {
    for (let at: number | null | undefined = ino; at; at = this.want.namespaces.find((n) => n.ns === at)?.pns)
      if (at === top) return true;
    return false;
  }
}

function equalContent(a: Snapshot, b: Snapshot): boolean {
  return JSON.stringify(snapshotContent(a)) === JSON.stringify(snapshotContent(b));
}

/** The Nth of LIST, wrapping round; undefined when LIST is empty. */
function nth<T>(list: T[], n: number): T | undefined {
  return list.length ? list[n % list.length] : undefined;
}

function unshareArgs(types: NsType[], forkTime: boolean): string[] {
  if (!types.length) return [];
  const flags: Record<NsType, string[]> = {
    net: ['--net'],
    uts: ['--uts'],
    ipc: ['--ipc'],
    mnt: ['--mount'],
    user: ['--user', '--map-root-user'],
    pid: ['--pid'],
    cgroup: ['--cgroup'],
    time: ['--time'],
  };
  // A new PID namespace whose first child (its init) exits takes no more processes: fork at once.
  const fork = types.includes('pid') || (types.includes('time') && forkTime);
  return ['unshare', ...types.flatMap((t) => flags[t]), ...(fork ? ['--fork'] : [])];
}

function nsenterArgs(pid: number, types: NsType[]): string[] {
  if (!types.length) return [];
  const option = (t: NsType) => (t === 'mnt' ? 'mount' : t);
  return ['nsenter', ...types.map((t) => `--${option(t)}=/proc/${pid}/ns/${t}`)];
}

async function property(t: TestContext, seed: number, options: { youngMs: number; sweepTicks: number }) {
  const tally = new Tally();
  t.diagnostic(`seed ${seed}`);
  await fc.assert(
    fc.asyncProperty(fc.array(STEP, { minLength: 12, maxLength: 20 }), async (steps) => {
      const s = new Scenario(t);
      try {
        const world = await World.start(s);
        const engine = new LiveDiscovery({ proc: world.proc, ...options });
        try {
          await new Run(world, engine, options, tally).steps(steps);
        } finally {
          engine.close();
        }
      } finally {
        await s.cleanup();
      }
    }),
    { seed, numRuns: RUNS, endOnFailure: true, includeErrorInReport: true },
  );
  t.diagnostic(tally.toString());
}

test('the live engine agrees with a full scan after every step (default settings)', { skip: SKIP }, async (t) => {
  await property(t, SEED, { youngMs: 10_000, sweepTicks: 20 });
});

test(
  'the live engine agrees with a full scan after every step (no young processes, a sweep of 3 ticks)',
  {
    skip: SKIP,
  },
  async (t) => {
    await property(t, SEED + 1, { youngMs: 0, sweepTicks: 3 });
  },
);

/**
 * Ticks ENGINE, on the machine's /proc, every 100 ms until the process of `sh -c 'sleep 2;
 * exec unshare --net sleep 100'` is seen in its new net namespace; resolves how many ticks
 * that took once the exec had happened (as the kernel's link, read before each tick, tells).
 */
async function ticksToSeeExec(t: TestContext, engine: LiveDiscovery): Promise<number> {
  const s = new Scenario(t);
  const started = await s.start('sh', ['-c', 'sleep 2; exec unshare --net sleep 100']);
  const own = nsInode('self', 'net');
  for (let after = 0; ;) {
    const moved = nsInode(started.pid, 'net');
    const seen = findProc(engine.tick().snapshot, started.pid)?.ns.net;
    if (moved !== own) after++;
    if (seen !== undefined && seen !== own) {
      assert.equal(seen, nsInode(started.pid, 'net'), 'the engine shows the namespace the process is in');
      return after;
    }
    if (after >= 50) assert.fail(`not seen in its new net namespace ${after} ticks after the exec`);
    await sleepMs(100);
  }
}

test(
  'a young process that execs into a new net namespace is seen there at the next tick (default settings)',
  {
    skip: needsRoot('makes a net namespace'),
  },
  async (t) => {
    const engine = new LiveDiscovery();
    const ticks = await ticksToSeeExec(t, engine);
    engine.close();
    assert.ok(ticks <= 1, `seen ${ticks} ticks after the exec`);
  },
);

test(
  'with no young processes, the sweep finds the exec within sweepTicks ticks',
  {
    skip: needsRoot('makes a net namespace'),
  },
  async (t) => {
    const engine = new LiveDiscovery({ youngMs: 0, sweepTicks: 3 });
    const ticks = await ticksToSeeExec(t, engine);
    engine.close();
    t.diagnostic(`seen at tick ${ticks} after the exec`);
    assert.ok(ticks <= 3, `seen ${ticks} ticks after the exec`);
  },
);
