/**
 * The network map on many net namespaces (`npm run bench`, part `net`, root): COUNT
 * namespaces made with `ip netns add`, half of them joined by a veth to one bridge the
 * bench makes (an address on each namespace's end, both ends up), and `nsx net --json`
 * timed on them beside `lsns -t net -J` and beside `nsx net --json` on the machine as it
 * was before. Every name carries the bench's PID, so the teardown deletes exactly what it
 * made: the namespaces by name (their veth ends go with them), then the bridge.
 *
 *   const load = new NetLoad(500);
 *   load.build();
 *   ... time ...
 *   await load.teardown();
 */
import { spawnSync } from 'node:child_process';
import { Tracker } from './load.mjs';
import { compare, ms, stats, table } from './measure.mjs';

const sleepMs = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `ip ARGS` with the batch INPUT on its stdin; throws with what ip said. */
function ip(args, input) {
  const r = spawnSync('ip', args, { input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${(r.stderr || String(r.error)).trim()}`);
  return r.stdout;
}

/** The names of the host's links that start with PREFIX. */
function hostLinks(prefix) {
  return JSON.parse(ip(['-j', 'link', 'show']) || '[]')
    .map((l) => l.ifname)
    .filter((n) => n.startsWith(prefix));
}

export class NetLoad {
  /** The host's links are named PREFIX…: interface names are at most 15 bytes. */
  prefix = `nb${process.pid.toString(36)}`;
  bridge = `${this.prefix}br`;
  tracker = new Tracker();
  bridgeMade = false;
  veths = 0;

  constructor(count) {
    this.count = count;
  }

  /** Makes the namespaces, the bridge and the veths; returns the seconds it took. */
  build() {
    const started = performance.now();
    for (let i = 0; i < this.count; i++) this.tracker.addNetns(`nsxbench-net-${process.pid}-${i}`);
    this.bridgeMade = true;
    ip(['link', 'add', this.bridge, 'type', 'bridge']);
    ip(['link', 'set', this.bridge, 'up']);
    const wired = this.tracker.netns.filter((_, i) => i % 2 === 0);
    ip(
      ['-batch', '-'],
      wired
        .map((ns, i) => {
          const host = `${this.prefix}v${i}`;
          return `link add ${host} type veth peer name eth0 netns ${ns}\nlink set ${host} master ${this.bridge} up\n`;
        })
        .join(''),
    );
    this.veths = wired.length;
    wired.forEach((ns, i) =>
      ip(['-n', ns, '-batch', '-'], `addr add 10.123.${i >> 8}.${(i & 255) + 1}/16 dev eth0\nlink set eth0 up\n`),
    );
    return (performance.now() - started) / 1000;
  }

  /** The namespaces first (their veths go with them, as the kernel cleans up), then the bridge. */
  async teardown() {
    this.teardownSync();
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && hostLinks(this.prefix).length) await sleepMs(100);
  }

  teardownSync() {
    this.tracker.deleteNetns();
    if (this.bridgeMade) spawnSync('ip', ['link', 'delete', this.bridge], { stdio: 'ignore' });
  }

  leftovers() {
    const { netns, mounts } = this.tracker.leftovers();
    const links = hostLinks(this.prefix);
    const problems = [];
    if (netns.length) problems.push(`netns [${netns.join(' ')}]`);
    if (mounts.length) problems.push(`netns mounts [${mounts.join(' ')}]`);
    if (links.length) problems.push(`host links [${links.join(' ')}]`);
    const made = `${this.tracker.netns.length} netns deleted, bridge ${this.bridge} and ${this.veths} veths gone`;
    return { problems, summary: `${made}, nothing left` };
  }
}

/** The namespaces and links `nsx net --json` printed, or null when it printed no graph. */
function graphSize(buf) {
  try {
    const g = JSON.parse(buf.toString('utf8'));
    return { namespaces: g.namespaces.length, links: g.links.length };
  } catch {
    return null;
  }
}

function lsnsCount(buf) {
  try {
    return JSON.parse(buf.toString('utf8')).namespaces.length;
  } catch {
    return null;
  }
}

/**
 * Times `nsx net --json` on the machine as it is (BEFORE, measured before the load was
 * built) and with LOAD, beside `lsns -t net -J`, and prints the figures side by side.
 */
export async function netBench(load, before, { cli, env, runs }) {
  const nsx = { name: 'nsx', cmd: process.execPath, args: [cli, 'net', '--json'], env };
  const lsns = { name: 'lsns', cmd: 'lsns', args: ['-t', 'net', '-J'] };
  console.log(`timing: ${runs} runs each (+1 warm-up), alternating, stdout through a pipe`);
  const after = await compare([nsx, lsns], { runs });
  const rows = [['what', 'best', 'median', 'max', 'net namespaces', 'links']];
  const line = (what, r, count, links = '-') => {
    const t = stats(r.samples.map((s) => s.ms));
    rows.push([what, ms(t?.min), ms(t?.median), ms(t?.max), count ?? 'unparsable', links]);
    return t;
  };
  const graph = graphSize(after.nsx.output ?? Buffer.alloc(0));
  const bareGraph = graphSize(before.nsx.output ?? Buffer.alloc(0));
  const loaded = line(`nsx net --json, ${load.count} netns added`, after.nsx, graph?.namespaces, graph?.links);
  line(`lsns -t net -J, ${load.count} netns added`, after.lsns, lsnsCount(after.lsns.output ?? Buffer.alloc(0)));
  const bare = line('nsx net --json, bare machine', before.nsx, bareGraph?.namespaces, bareGraph?.links);
  console.log(`\n${table(rows)}\n`);
  const added = (graph?.namespaces ?? 0) - (bareGraph?.namespaces ?? 0);
  console.log(
    `per namespace: ${((loaded.median - bare.median) / load.count).toFixed(2)} ms (median with the load - median ` +
      `bare, over ${load.count} added; nsx found ${added} more)`,
  );
  console.log('note:   lsns 2.38 lists a namespace made by `ip netns add` only once a process is in it');
  for (const [name, r] of [
    ['nsx (bare)', before.nsx],
    ['nsx', after.nsx],
    ['lsns', after.lsns],
  ])
    if (r.failures.length) console.log(`WARNING ${name} failed ${r.failures.length} time(s): ${r.failures[0]}`);
}

/** `nsx net --json` on the machine before the load, timed the same way. */
export function netBare({ cli, env, runs }) {
  return compare([{ name: 'nsx', cmd: process.execPath, args: [cli, 'net', '--json'], env }], { runs });
}
