/**
 * What the tests of `nsx watch` share: the watch run as a whole process (as root or as a
 * test user), its events read line by line, the events about what a step made waited for
 * and then compared whole with what the step must produce, and the people it runs as.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { NsType } from '../../src/core/model/snapshot';
import { createUser } from '../engines/users';
import { CLI, readableCli, Scenario, sleepMs, waitFor, type Started } from './helpers';

/** One event as `nsx watch --json` prints it, without its time. */
export type WatchEvent = { event: string } & Record<string, unknown>;

/** What an event must be: each field equal, or matched when given as a RegExp. */
export type Expected = Record<string, unknown>;

/** Two ticks of the default 1 s and some: any event a change causes has been printed by then. */
const QUIET_MS = 2200;

/** Generous: the behaviour is asserted here, the speed in `npm run bench`. */
export const EVENT_DEADLINE_MS = 30_000;

/** Whom the watch and the actions run as. */
export interface Who {
  what: 'root' | 'an ordinary user';
  /** argv prefix that runs a program as them (nothing for root). */
  as: string[];
  /** unshare flags that give them new namespaces of their own. */
  own: string[];
  /** The namespace types `unshare ...own --net` makes. */
  made: NsType[];
  cli: string;
}

export function asRoot(): Who {
  return { what: 'root', as: [], own: [], made: ['net'], cli: CLI };
}

/** A new test user (removed at cleanup), with a copy of dist/ it can read. */
export function asUser(s: Scenario): Who {
  const user = createUser(s, 'watch');
  return {
    what: 'an ordinary user',
    as: ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--'],
    own: ['--user', '--map-root-user'],
    made: ['user', 'net'],
    cli: readableCli(s),
  };
}

/** Starts ARGV as WHO (setpriv execs, so the PID is the program's own). */
export function startAs(s: Scenario, who: Who, argv: string[], input = false): Promise<Started> {
  const [cmd, ...args] = [...who.as, ...argv] as [string, ...string[]];
  return s.start(cmd, args, { input });
}

export class Watch {
  private out = '';
  private err = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8').on('data', (c: string) => (this.out += c));
    child.stderr?.setEncoding('utf8').on('data', (c: string) => (this.err += c));
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  get pid(): number {
    return this.child.pid!;
  }

  stderr(): string {
    return this.err;
  }

  /** Complete lines printed so far. */
  lines(): string[] {
    return this.out.split('\n').slice(0, -1);
  }

  /** The events after the `watching` line, without their times. */
  events(): WatchEvent[] {
    return this.lines()
      .slice(1)
      .map((l) => {
        const { time: _time, ...e } = JSON.parse(l) as WatchEvent;
        return e as WatchEvent;
      });
  }

  /** Where the next event will be: what a step waits for comes after it. */
  mark(): number {
    return this.events().length;
  }

  /**
   * The events after MARK that ABOUT selects, once at least WANT of them were printed and
   * two more ticks passed (so that none the step causes is missing).
   */
  async settle(what: string, mark: number, about: (e: WatchEvent) => boolean, want: number): Promise<WatchEvent[]> {
    const picked = () => this.events().slice(mark).filter(about);
    await waitFor(
      `${what} (so far: ${JSON.stringify(picked())})`,
      () => picked().length >= want || this.child.exitCode !== null,
      EVENT_DEADLINE_MS,
    );
    assert.equal(this.child.exitCode, null, `nsx watch ended: ${this.err}`);
    await sleepMs(QUIET_MS);
    return picked();
  }
}

/** `nsx watch ARGS` as WHO, once it printed its first line (`watching …`); killed at cleanup. */
export async function startWatch(s: Scenario, args: string[], who: Who = asRoot()): Promise<Watch> {
  const [cmd, ...rest] = [...who.as, process.execPath, who.cli, 'watch', ...args] as [string, ...string[]];
  const child = spawn(cmd, rest, { cwd: '/', stdio: ['ignore', 'pipe', 'pipe'] });
  const w = new Watch(child);
  s.defer(`nsx watch (${child.pid})`, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await w.exited;
  });
  await waitFor(
    `nsx watch ${args.join(' ')} to print its first line`,
    () => w.lines().length > 0 || child.exitCode !== null,
    60_000,
  );
  assert.ok(w.lines().length > 0, `nsx watch ${args.join(' ')} exited ${child.exitCode}: ${w.stderr()}`);
  return w;
}

/** Whether ACTUAL is what EXPECTED describes: the same fields, each equal or matching. */
function fits(actual: WatchEvent, expected: Expected): boolean {
  const keys = Object.keys(expected);
  if (keys.length !== Object.keys(actual).length) return false;
  return keys.every((k) => {
    const want = expected[k];
    const got = actual[k];
    if (want instanceof RegExp) return typeof got === 'string' && want.test(got);
    try {
      assert.deepStrictEqual(got, want);
      return true;
    } catch {
      return false;
    }
  });
}

/** GOT holds exactly the events EXPECTED describes, in any order. */
export function assertEvents(got: WatchEvent[], expected: Expected[], what: string): void {
  const left = [...got];
  const missing = expected.filter((e) => {
    const i = left.findIndex((g) => fits(g, e));
    if (i < 0) return true;
    left.splice(i, 1);
    return false;
  });
  const show = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (x instanceof RegExp ? String(x) : x));
  assert.ok(
    missing.length === 0 && left.length === 0,
    `${what}:\n  missing ${show(missing)}\n  unexpected ${show(left)}\n  all ${show(got)}`,
  );
}

/** The label nsx gives a namespace named after its first process, PID: `sleep`, or `sleep (PID)` beside another. */
export function commandLabel(command: string, pid: number): RegExp {
  return new RegExp(`^${command} \\(${pid}\\)$|^${command}$`);
}

/** The id of the topmost mount at TARGET in the mount namespace of PID, from its mountinfo. */
export function mountId(pid: number, target: string): number {
  const lines = readFileSync(`/proc/${pid}/mountinfo`, 'utf8').trim().split('\n');
  const line = lines.filter((l) => l.split(' ')[4] === target).at(-1);
  assert.ok(line, `no mount at ${target} in /proc/${pid}/mountinfo`);
  return Number(line.split(' ')[0]);
}
