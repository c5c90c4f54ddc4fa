/**
 * A world for the live engine's tests: a PID namespace of the test's own, with a mount
 * namespace whose /proc shows it, so that an engine and a full scan pointed at that procfs
 * see the test's processes and nothing of the machine's own churn.
 *
 * Its init (PID 1, a Python loop) reaps whatever is left to it. The test's processes are
 * actors: shells that run each line written to their FIFO and append `ok N STATUS` to
 * their out file when done (`ready PID` when they start, or start again after an exec),
 * and pets: Python processes with a thread in namespaces of its own, which exit when
 * their FIFO is written to. Inside the world every /proc is the world's procfs, so PIDs
 * mean the same to the test and to every actor, whatever PID namespace it is in.
 *
 * Killing the init (cleanup) kills everything in the world, and its mount namespace, with
 * every bind mount made in it, goes with it.
 */
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, writeSync, closeSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ProcSource } from '../../src/core/linux/procfs';
import type { Snapshot } from '../../src/core/model/snapshot';
import { descendants, Scenario, uniqueName, waitFor } from './helpers';

const PYTHON = '/usr/bin/python3';

const INIT = `
import os, sys, time
d = sys.argv[1]
log = os.open(d + '/log', os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
if os.fork() == 0:
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.execv('/bin/sh', ['sh', d + '/actor.sh', '0', d])
while True:
    try:
        os.wait()
    except ChildProcessError:
        time.sleep(0.05)
`;

// \`read < /proc/self/stat\` is done by the shell itself: its PID in the world's procfs.
const ACTOR = `
id=$1 d=$2
read -r me rest < /proc/self/stat
[ -p "$d/$id.in" ] || mkfifo "$d/$id.in"
exec 3<>"$d/$id.in"
echo "ready $me" >> "$d/$id.out"
while read -r n cmd <&3; do
  eval "$cmd"
  echo "ok $n $?" >> "$d/$id.out"
done
`;

const PET = `
import ctypes, os, sys, threading
d, name, flags = sys.argv[1], sys.argv[2], [int(f) for f in sys.argv[3:]]
libc = ctypes.CDLL(None, use_errno=True)
done = threading.Semaphore(0)
def hold(flag):
    if libc.unshare(flag) != 0:
        os._exit(3)
    done.release()
    threading.Event().wait()
for flag in flags:
    threading.Thread(target=hold, args=(flag,), daemon=True).start()
for _ in flags:
    done.acquire()
fifo = f'{d}/{name}.in'
os.mkfifo(fifo)
fd = os.open(fifo, os.O_RDWR)
me = open('/proc/self/stat').read().split()[0]
with open(f'{d}/{name}.out', 'a') as out:
    out.write(f'ready {me}\\n')
os.read(fd, 1)
os._exit(0)
`;

/** Flags of unshare(2) for a pet's threads. */
export const CLONE_NEWUTS = 0x04000000;
export const CLONE_NEWNET = 0x40000000;

export interface Actor {
  name: string;
  kind: 'actor' | 'pet';
  /** PID in the world's procfs. */
  pid: number;
  start: number;
  /** Processes that wait for it and exit after it (unshare --fork, nsenter into a PID namespace). */
  wrappers: number[];
  /** Commands written to it so far. */
  sent: number;
}

export interface Stat {
  pid: number;
  state: string;
  ppid: number;
  start: number;
}

export class World {
  readonly proc: ProcSource;
  /** Living actors and pets, by name; actor 0 is there from the start. */
  readonly live = new Map<string, Actor>();
  private named = 0;

  private constructor(
    readonly dir: string,
    /** The world's init, as the machine's /proc knows it. */
    readonly initHostPid: number,
  ) {
    this.proc = new ProcSource(`/proc/${initHostPid}/root/proc`);
  }

  static async start(s: Scenario): Promise<World> {
    const dir = mkdtempSync(path.join(tmpdir(), `${uniqueName('live')}-`));
    s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'init.py'), INIT);
    writeFileSync(path.join(dir, 'actor.sh'), ACTOR);
    writeFileSync(path.join(dir, 'pet.py'), PET);
    const unshare = await s.start('unshare', [
      '--pid',
      '--fork',
      '--mount',
      '--propagation',
      'private',
      '--mount-proc',
      PYTHON,
      path.join(dir, 'init.py'),
      dir,
    ]);
    const init = await waitFor('the world init', () => descendants(unshare.pid).find((p) => p.comm === 'python3'));
    const world = new World(dir, init.pid);
    const first = await waitFor('actor 0', () => world.readyPids('0')[0]);
    world.live.set('0', world.actor('0', 'actor', first, []));
    return world;
  }

  /** The world's own actor: never moved, never exited; it starts what needs its privileges. */
  get hub(): Actor {
    return this.live.get('0')!;
  }

  actors(): Actor[] {
    return [...this.live.values()].filter((a) => a.kind === 'actor');
  }

  pets(): Actor[] {
    return [...this.live.values()].filter((a) => a.kind === 'pet');
  }

  /** Runs a shell command in ACTOR; resolves its exit status. */
  async run(actor: Actor, cmd: string): Promise<number> {
    const n = this.send(actor, cmd);
    const line = await this.explained(
      waitFor(`"${cmd}" by actor ${actor.name}`, () => this.lines(actor.name).find((l) => l.startsWith(`ok ${n} `))),
    );
    return Number(line.split(' ')[2]);
  }

  /** Runs a command that must succeed. */
  async must(actor: Actor, cmd: string): Promise<void> {
    const status = await this.run(actor, cmd);
    if (status !== 0) throw new Error(`"${cmd}" by actor ${actor.name} exited ${status}\n${this.logTail()}`);
  }

  /** A new actor started by PARENT through LAUNCHER (`unshare --net`, `nsenter …`, or nothing), after BEFORE. */
  async spawn(parent: Actor, launcher: string[], before = ''): Promise<Actor> {
    const name = String(++this.named);
    this.send(parent, `${before}${[...launcher, 'sh', `"$d/actor.sh"`, name, '"$d"'].join(' ')} &`);
    const pid = await this.explained(waitFor(`actor ${name} (${launcher.join(' ')})`, () => this.readyPids(name)[0]));
    return this.adopt(this.actor(name, 'actor', pid, this.chain(pid, parent.pid, false)));
  }

  /** A pet started by PARENT: a process with one thread in new namespaces per flag. */
  async pet(parent: Actor, flags: number[]): Promise<Actor> {
    const name = `p${++this.named}`;
    this.send(parent, `${PYTHON} "$d/pet.py" "$d" ${name} ${flags.join(' ')} &`);
    const pid = await this.explained(waitFor(`pet ${name}`, () => this.readyPids(name)[0]));
    return this.adopt(this.actor(name, 'pet', pid, []));
  }

  /** ACTOR execs LAUNCHER, which runs the actor's shell again: the same PID unless it forks. */
  async reexec(actor: Actor, launcher: string[]): Promise<void> {
    const readies = this.readyPids(actor.name).length;
    this.send(actor, `exec ${[...launcher, 'sh', '"$d/actor.sh"', '"$id"', '"$d"'].join(' ')}`);
    const pid = await this.explained(
      waitFor(`actor ${actor.name} again (exec ${launcher.join(' ')})`, () => this.readyPids(actor.name)[readies]),
    );
    const wrappers = pid === actor.pid ? [] : this.chain(pid, actor.pid, true);
    Object.assign(actor, { pid, start: this.stat(pid)!.start, wrappers: [...wrappers, ...actor.wrappers] });
  }

  /**
   * Tells ACTOR (an actor or a pet) to exit, then waits until the processes that go with it
   * are gone: its wrappers, and when it led a PID namespace, everything in that namespace
   * (as SNAPSHOT, a full scan of the world, places them). Unless REAP, or they leave
   * children behind, those left as zombies by an actor, their parent, stay so. Resolves
   * the zombies left, and how many children were left to another parent.
   */
  async exit(actor: Actor, snapshot: Snapshot, reap = true): Promise<{ zombies: Stat[]; orphans: number }> {
    const gone = new Set([actor.pid, ...actor.wrappers]);
    const record = snapshot.processes.find((p) => p.pid === actor.pid);
    if (record && record.nspid.at(-1) === 1 && record.nspid.length > 1) {
      const inside = pidNamespacesUnder(snapshot, record.ns.pid!);
      for (const p of snapshot.processes) if (inside.has(p.ns.pid!)) gone.add(p.pid);
      for (const a of this.live.values()) if (gone.has(a.pid)) for (const w of a.wrappers) gone.add(w);
    }
    const orphans = snapshot.processes.filter((p) => !gone.has(p.pid) && gone.has(p.ppid)).length;
    const before = new Map([...gone].map((pid) => [pid, this.stat(pid)]));
    this.send(actor, actor.kind === 'actor' ? 'exit' : '');
    await this.settle(gone, reap || orphans ? new Set() : gone);
    const zombies = [...gone].flatMap((pid) => (this.stat(pid) && before.get(pid) ? [before.get(pid)!] : []));
    return { zombies, orphans };
  }

  /**
   * Waits until none of GONE is left, not even as a zombie, and no zombie is left that
   * someone will reap: actors reap their children when told (`jobs`, but not those of
   * KEEP), the init and wrappers (which reap the one child they wait for) on their own.
   * A wrapper's other children, left to it when the actor that started them exec'd it,
   * stay zombies for as long as it lives. A process whose other threads are still ending
   * shows as a zombie before it can be reaped: its parent is told again until it is gone.
   */
  async settle(gone: Iterable<number> = [], keep: ReadonlySet<number> = new Set()): Promise<void> {
    const awaited = [...gone];
    const asked = new Map<number, number>();
    const waits = new Set<string>();
    for (const a of this.live.values()) {
      const chain = [a.pid, ...a.wrappers];
      for (let i = 0; i + 1 < chain.length; i++) waits.add(`${chain[i + 1]}>${chain[i]}`);
    }
    const parentActor = (ppid: number) => [...this.live.values()].find((a) => a.pid === ppid && a.kind === 'actor');
    /** A zombie that stays (once its last thread ended): kept by its actor, or a wrapper's it does not wait for. */
    const stays = (pid: number, st: Stat) =>
      this.threads(pid) === 1 &&
      (parentActor(st.ppid) ? keep.has(pid) : st.ppid !== 1 && !waits.has(`${st.ppid}>${pid}`));
    const reap = (z: Stat) => {
      const parent = parentActor(z.ppid);
      if (!parent || performance.now() - (asked.get(z.pid) ?? -Infinity) < 200) return;
      asked.set(z.pid, performance.now());
      this.send(parent, 'jobs >/dev/null');
    };
    await this.explained(
      waitFor(`processes ${awaited.join(', ')} to go, and every zombie to be reaped`, () => {
        // Read once: a process that turned zombie between two reads would pass for reaped.
        const stats = this.proc.listPids().flatMap((pid) => this.stat(pid) ?? []);
        const zombies = stats.filter((st) => st.state === 'Z' && !stays(st.pid, st));
        zombies.forEach(reap);
        const left = new Set(stats.filter((st) => st.state !== 'Z').map((st) => st.pid));
        return !zombies.length && awaited.every((pid) => !left.has(pid));
      }),
    );
    this.forgetDead();
  }

  /** PROMISE, or its error told with the world's processes and log. */
  async explained<T>(promise: Promise<T>): Promise<T> {
    try {
      return await promise;
    } catch (err) {
      throw new Error(`${String(err)}\n${this.table()}\n${this.logTail()}`);
    }
  }

  /** The world's processes, one a line: PID, state, parent, command line; and which actor each is. */
  table(): string {
    const lines = this.proc.listPids().map((pid) => {
      const st = this.stat(pid);
      const name = [...this.live.values()].find((a) => a.pid === pid)?.name;
      let argv = '';
      try {
        argv = this.proc.argv(pid).join(' ');
      } catch {
        // exited
      }
      return `  ${pid} ${st?.state ?? '-'} ${st?.ppid ?? '-'} ${name ? `[${name}] ` : ''}${argv}`;
    });
    return `world's processes (PID state PPID command):\n${lines.join('\n')}`;
  }

  /** A new path in the world's directory, for a bind mount. */
  file(): string {
    return path.join(this.dir, `b${++this.named}`);
  }

  /** Lines the world's processes wrote on stdout and stderr, last first, for a failure's message. */
  logTail(): string {
    let text = '';
    try {
      text = readFileSync(path.join(this.dir, 'log'), 'utf8');
    } catch {
      // nothing written yet
    }
    return text ? `world's log:\n${text.split('\n').slice(-20).join('\n')}` : '';
  }

  stat(pid: number): Stat | null {
    let text: string;
    try {
      text = readFileSync(`${this.proc.procRoot}/${pid}/stat`, 'utf8');
    } catch {
      return null;
    }
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid, state: fields[0]!, ppid: Number(fields[1]), start: Number(fields[19]) };
  }

  private threads(pid: number): number | undefined {
    try {
      return this.proc.status(pid).threads;
    } catch {
      return undefined;
    }
  }

  private actor(name: string, kind: Actor['kind'], pid: number, wrappers: number[]): Actor {
    const st = this.stat(pid);
    if (!st) throw new Error(`${kind} ${name} (PID ${pid}) exited at once\n${this.logTail()}`);
    return { name, kind, pid, start: st.start, wrappers, sent: 0 };
  }

  private adopt(a: Actor): Actor {
    this.live.set(a.name, a);
    return a;
  }

  /** The processes between PID and its ancestor TOP (TOP itself when INCLUSIVE), nearest first. */
  private chain(pid: number, top: number, inclusive: boolean): number[] {
    const out: number[] = [];
    for (let at = this.stat(pid)?.ppid; at !== undefined && at !== 0; at = this.stat(at)?.ppid) {
      if (at === top) return inclusive ? [...out, top] : out;
      out.push(at);
    }
    throw new Error(`PID ${top} is not an ancestor of ${pid} (${out.join(' ← ')})`);
  }

  private send(actor: Actor, cmd: string): number {
    const n = ++actor.sent;
    const fd = openSync(path.join(this.dir, `${actor.name}.in`), constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeSync(fd, actor.kind === 'actor' ? `${n} ${cmd}\n` : '\n');
    } finally {
      closeSync(fd);
    }
    return n;
  }

  private lines(name: string): string[] {
    try {
      return readFileSync(path.join(this.dir, `${name}.out`), 'utf8').split('\n');
    } catch {
      return [];
    }
  }

  private readyPids(name: string): number[] {
    return this.lines(name).flatMap((l) => (l.startsWith('ready ') ? [Number(l.slice(6))] : []));
  }

  /** Forgets actors and pets whose process is gone (a PID namespace's end takes them all). */
  private forgetDead(): void {
    for (const [name, a] of this.live) {
      const st = this.stat(a.pid);
      if (!st || st.start !== a.start || st.state === 'Z') this.live.delete(name);
    }
  }
}

/** PID namespace INO and those below it, by the parents SNAPSHOT records. */
function pidNamespacesUnder(snapshot: Snapshot, ino: number): Set<number> {
  const under = new Set([ino]);
  for (let grew = true; grew;) {
    grew = false;
    for (const n of snapshot.namespaces) {
      if (n.type === 'pid' && n.pns !== null && under.has(n.pns) && !under.has(n.ns)) {
        under.add(n.ns);
        grew = true;
      }
    }
  }
  return under;
}
