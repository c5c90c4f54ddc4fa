/**
 * Real structures deeper than a call stack goes: a chain of 5,000 nested processes, and
 * 9,000 bind mounts stacked on one directory in a private mount namespace (which any user
 * can make in a user namespace of their own). nsx walks them in loops: its tree, mount
 * table and propagation answer come out whole. Needs root (bind mounts); everything made
 * dies with its process group.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { DRAWN_LEVELS } from '../../src/cli/render';
import { descendants, needsRoot, REPO, runCli, Scenario } from './helpers';

const CHAIN = 5_000;
const STACKED = 9_000;

function timed<T>(t: TestContext, what: string, run: () => T): T {
  const start = performance.now();
  const value = run();
  t.diagnostic(`${what}: ${Math.round(performance.now() - start)} ms`);
  return value;
}

function ok(args: string[]): string {
  const r = runCli(args, { timeoutMs: 120_000 });
  assert.equal(r.status, 0, `nsx ${args.join(' ')}: ${r.stderr.slice(0, 2000)}`);
  assert.doesNotMatch(r.stderr, /unexpected error|call stack/);
  return r.stdout;
}

test(
  `nsx tree --process shows a chain of ${CHAIN.toLocaleString('en')} nested processes, as text and as JSON`,
  { skip: needsRoot("makes 5,000 processes, more than an ordinary user's process limit may allow") },
  async (t) => {
    const s = new Scenario(t);
    // Each shell starts the next in the background, then becomes a sleep: a chain of sleeps.
    const link =
      'n=$1; if [ "$n" -gt 0 ]; then sh -c "$0" "$0" $((n - 1)) & exec sleep 600; fi; echo bottom; exec sleep 600';
    const made = performance.now();
    const top = await s.start('sh', ['-c', link, link, String(CHAIN)]);
    await s.waitLine(top, 'bottom', 120_000);
    t.diagnostic(`the chain made: ${Math.round(performance.now() - made)} ms`);
    const chain = [top.pid, ...descendants(top.pid).map((d) => d.pid)];
    assert.equal(chain.length, CHAIN + 1, 'set-up: one process per level');

    const text = timed(t, 'nsx tree --process', () => ok(['tree', '--process']));
    const bottom = text.split('\n').find((l) => new RegExp(`└─${chain.at(-1)} `).test(l));
    assert.ok(bottom, 'the deepest process is drawn');
    assert.match(bottom!, /^\[\d+\] +└─\d+ /, `deeper than ${DRAWN_LEVELS} levels, it says its depth`);

    const json = timed(
      t,
      'nsx tree --process --json',
      () => JSON.parse(ok(['tree', '--process', '--json'])) as { processes: Nested[] },
    );
    let node = findPid(json.processes, top.pid);
    let depth = 0;
    for (; node?.children?.length; node = node.children[0]) {
      assert.equal(node.pid, chain[depth], `level ${depth}`);
      depth++;
    }
    assert.equal(depth, CHAIN, 'the JSON nests the whole chain');
    timed(t, 'nsx tree --process --type net', () => ok(['tree', '--process', '--type', 'net']));
  },
);

interface Nested {
  pid: number;
  children?: Nested[];
}

/** The node of PID in a nested forest, looked for level by level (no recursion). */
function findPid(roots: Nested[], pid: number): Nested | undefined {
  for (let level = roots; level.length; level = level.flatMap((n) => n.children ?? [])) {
    const found = level.find((n) => n.pid === pid);
    if (found) return found;
  }
  return undefined;
}

test(
  `nsx mounts and nsx propagation read ${STACKED.toLocaleString('en')} bind mounts stacked on one directory`,
  { skip: needsRoot('bind mounts') },
  async (t) => {
    const s = new Scenario(t);
    const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-`));
    s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    // mount(2) in a loop through koffi (one process, not 9,000 runs of mount), in a private
    // mount namespace that dies with the process.
    const stack = `
    const koffi = require(${JSON.stringify(path.join(REPO, 'node_modules', 'koffi'))});
    const mount = koffi
      .load('libc.so.6')
      .func('int mount(const char *, const char *, const char *, unsigned long, const void *)');
    const [dir, n] = [process.argv[1], Number(process.argv[2])];
    for (let i = 0; i < n; i++)
      if (mount(dir, dir, null, 4096 /* MS_BIND */, null) !== 0) throw new Error('mount failed after ' + i);
    console.log('ready');
    setInterval(() => {}, 1e9);`;
    const made = performance.now();
    const holder = await s.start('unshare', [
      '--mount',
      '--propagation',
      'private',
      process.execPath,
      '-e',
      stack,
      dir,
      String(STACKED),
    ]);
    await s.waitLine(holder, 'ready', 60_000);
    t.diagnostic(`the mounts made: ${Math.round(performance.now() - made)} ms`);
    const pid = String(holder.pid);

    const text = timed(t, 'nsx mounts --pid', () => ok(['mounts', '--pid', pid]));
    const onDir = text.split('\n').filter((l) => l.includes(dir));
    assert.equal(onDir.length, STACKED);
    assert.match(onDir.at(-1)!, new RegExp(`^\\[\\d+\\] +└─${dir} `), 'the top of the stack, with its depth');
    assert.equal(onDir.filter((l) => /covered by /.test(l)).length, STACKED - 1, 'each covered by the next');

    const json = timed(
      t,
      'nsx mounts --pid --json',
      () =>
        JSON.parse(ok(['mounts', '--pid', pid, '--json'])) as {
          mounts: { id: number; target: string; hidden: boolean }[];
        },
    );
    const stacked = json.mounts.filter((m) => m.target === dir);
    assert.equal(stacked.length, STACKED);
    assert.deepEqual(
      stacked.filter((m) => !m.hidden).map((m) => m.id),
      [stacked.at(-1)!.id],
      'only the top one is reachable',
    );

    const answer = timed(t, 'nsx propagation --pid --path', () => ok(['propagation', '--pid', pid, '--path', dir]));
    assert.match(answer, new RegExp(`^${dir} in mnt \\d+ \\(.*\\) lies in mount ${stacked.at(-1)!.id} at ${dir} `));
    const asJson = timed(
      t,
      'nsx propagation --json',
      () => JSON.parse(ok(['propagation', '--pid', pid, '--path', dir, '--json'])) as { mount: { id: number } },
    );
    assert.equal(asJson.mount.id, stacked.at(-1)!.id);
  },
);
