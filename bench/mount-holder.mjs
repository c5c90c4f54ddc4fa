#!/usr/bin/env node
/**
 * Holder of the mount benchmark's big mount namespace (root only).
 *
 *   setpriv --pdeathsig KILL unshare --mount --propagation private -- node bench/mount-holder.mjs BASE TOTAL
 *
 * Runs in a mount namespace of its own whose mounts are all private (unshare made them so),
 * so nothing made here propagates to the namespace it came from. It mounts a tmpfs on
 * BASE (an empty directory the benchmark made) and, below it, as many mounts as it takes
 * for its mountinfo to have TOTAL lines, calling mount(2) through koffi (one `mount`
 * process per mount would take minutes). The mix:
 *
 *   BASE/t/N  tmpfs, private (every 40th unbindable)
 *   BASE/b/N  bind mount of BASE/src/K, a directory of the base tmpfs (root /src/K)
 *   BASE/s/N  tmpfs made shared: a peer group of its own; BASE/s/0 stays the only member
 *             here, so in copies of this namespace its group has one member in each
 *   BASE/p/N  bind mount of BASE/s/K (K >= 1): a second member of that peer group
 *   BASE/v/N  bind mount of BASE/s/K made a slave: master:<its group>
 *   BASE/o/N  two tmpfs on the same directory: the first is covered (hidden, "on top")
 *   BASE/a/N  a tmpfs on BASE/a/N/in, then one on BASE/a/N: the first is out of reach ("above")
 *
 * Nothing is ever mounted under a shared mount, so no mount event propagates at all. When
 * ready it prints one line, `ready {json}`, and sleeps until killed: its namespace, and
 * every mount in it, ends with it (and with the copies the benchmark makes of it). The
 * parent-death signal makes that happen even if the benchmark itself is killed.
 */
import { mkdirSync, readFileSync, readlinkSync } from 'node:fs';
import { createRequire } from 'node:module';

/** Source of every tmpfs made here: how bench/mounts.mjs recognises them anywhere. */
const SOURCE = 'nsxbench';
const MS_BIND = 0x1000;
const MS_UNBINDABLE = 1 << 17;
const MS_PRIVATE = 1 << 18;
const MS_SLAVE = 1 << 19;
const MS_SHARED = 1 << 20;

const [base, totalArg] = process.argv.slice(2);
const total = Number(totalArg);
if (!base?.startsWith('/') || !Number.isInteger(total)) {
  console.error('usage: mount-holder.mjs BASE TOTAL');
  process.exit(2);
}

// Never mount anything in the namespace we came from: unshare must have made a new one,
// with every mount private.
const own = readlinkSync('/proc/self/ns/mnt');
if (own === readlinkSync(`/proc/${process.ppid}/ns/mnt`))
  fail('not in a mount namespace of its own (run it under unshare --mount)');
const mountinfo = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean);
if (mountinfo().some((line) => / (shared|master):\d+ /.test(line)))
  fail('some mount here is not private (use unshare --propagation private)');

const koffi = createRequire(import.meta.url)('koffi');
const libc = koffi.load('libc.so.6');
const sysMount = libc.func(
  'int mount(const char *source, const char *target, const char *fstype, unsigned long flags, const char *data)',
);
const strerror = libc.func('const char *strerror(int errnum)');

function mount(source, target, fstype, flags, data = null) {
  if (sysMount(source, target, fstype, flags, data) !== 0) {
    fail(`mount(${source}, ${target}, ${fstype}, 0x${flags.toString(16)}): ${strerror(koffi.errno())}`);
  }
}

function fail(message) {
  console.error(`mount-holder: ${message}`);
  process.exit(1);
}

const started = process.hrtime.bigint();
mount(SOURCE, base, 'tmpfs', 0, 'mode=755');
mount(null, base, null, MS_PRIVATE);
const existing = mountinfo().length;
let left = total - existing;
if (left < 0) fail(`this namespace already has ${existing} mounts, more than ${total}`);

const dirs = new Set();
function dir(path) {
  if (!dirs.has(path)) mkdirSync(path, { recursive: true });
  dirs.add(path);
  return path;
}
const SOURCES = 100;
for (let k = 0; k < SOURCES; k++) dir(`${base}/src/${k}`);

const made = { tmpfs: 0, unbindable: 0, bind: 0, shared: 0, peer: 0, slave: 0, stacked: 0, above: 0 };
let hidden = 0; // mounts below BASE that are out of reach by construction
const next = { t: 0, b: 0, s: 0, p: 0, v: 0, o: 0, a: 0 };
const tmpfs = (target) => mount(SOURCE, target, 'tmpfs', 0, 'mode=755');

/** One step per kind, cycled: 16 tmpfs, 10 bind, 8 shared, 2 peers, 2 slaves, 2 stacked pairs; 42 mounts. */
const CYCLE = [...Array(8).fill('s'), ...Array(16).fill('t'), ...Array(10).fill('b'), 'p', 'p', 'v', 'v', 'o', 'a'];
for (let step = 0; left > 0; step++) {
  let kind = CYCLE[step % CYCLE.length];
  if ((kind === 'o' || kind === 'a') && left < 2) kind = 't';
  if ((kind === 'p' || kind === 'v') && next.s < 2) kind = 't';
  const n = next[kind]++;
  const at = `${base}/${kind}/${n}`;
  switch (kind) {
    case 't':
      tmpfs(dir(at));
      if (n % 40 === 39) {
        mount(null, at, null, MS_UNBINDABLE);
        made.unbindable++;
      } else made.tmpfs++;
      left -= 1;
      break;
    case 'b':
      mount(`${base}/src/${n % SOURCES}`, dir(at), null, MS_BIND);
      made.bind++;
      left -= 1;
      break;
    case 's':
      tmpfs(dir(at));
      mount(null, at, null, MS_SHARED);
      made.shared++;
      left -= 1;
      break;
    case 'p':
    case 'v': {
      const of = 1 + (n % (next.s - 1)); // never BASE/s/0
      mount(`${base}/s/${of}`, dir(at), null, MS_BIND);
      if (kind === 'v') mount(null, at, null, MS_SLAVE);
      made[kind === 'p' ? 'peer' : 'slave']++;
      left -= 1;
      break;
    }
    case 'o':
      tmpfs(dir(at));
      tmpfs(at);
      made.stacked += 2;
      hidden += 1;
      left -= 2;
      break;
    case 'a':
      tmpfs(dir(`${at}/in`));
      tmpfs(at);
      made.above += 2;
      hidden += 1;
      left -= 2;
      break;
  }
}

const lines = mountinfo();
const sharedLine = lines.find((l) => l.split(' ')[4] === `${base}/s/0`);
const ready = {
  mounts: lines.length,
  existing,
  /** BASE and the mounts below it; the rest were copied from the benchmark's namespace. */
  ours: lines.filter((l) => {
    const target = l.split(' ')[4];
    return target === base || target.startsWith(`${base}/`);
  }).length,
  made,
  hidden,
  sharedPath: `${base}/s/0`,
  sharedGroup: Number(/ shared:(\d+)/.exec(sharedLine ?? '')?.[1] ?? NaN),
  seconds: Number(process.hrtime.bigint() - started) / 1e9,
  mntns: own,
};
process.stdout.write(`ready ${JSON.stringify(ready)}\n`);
setInterval(() => {}, 1 << 30);
