/**
 * The mount part of `npm run bench` (root only): a mount namespace with many mounts,
 * `nsx mounts --json` against `findmnt -J` on it, and the propagation computation across
 * many copies of it.
 *
 * MountLoad builds the load and removes it. The big namespace is made by
 * bench/mount-holder.mjs under `unshare --mount --propagation private`, on a tmpfs over an
 * empty directory made for it; the copies are `sleep`s that nsenter entered it and
 * unshared a copy of it (`--propagation unchanged`: shared mounts get a peer in each).
 * Every mount lives only in those namespaces, so killing the holders by PID (a Tracker's
 * process groups) removes them all; each holder also has the parent-death signal set, so
 * they go even if the benchmark is killed outright (SIGKILL leaves only the empty
 * directory, /tmp/nsx-bench-mounts-*). leftovers() checks that no process, thread or fd
 * still refers to any of the namespaces, that none of their mounts shows in this one and
 * that the directory is gone.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmdirSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tracker, firstLine, nsInode, readProcs } from './load.mjs';
import { compare, mb, ms, stats, table } from './measure.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));

/** Mounts a mount namespace may hold (fs.mount-max), or null when it cannot be read. */
export function mountMax() {
  try {
    return Number(readFileSync('/proc/sys/fs/mount-max', 'utf8'));
  } catch {
    return null;
  }
}

/** The source name of every tmpfs the holder mounts (bench/mount-holder.mjs). */
const SOURCE = 'nsxbench';

const mountinfoLines = (file) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

// ---------------------------------------------------------------------------------------
// The load

export class MountLoad {
  tracker = new Tracker();
  /** The directory the holder mounts its tmpfs on; made here, removed in teardown. */
  base = null;
  holder = null;
  /** PID -> mount namespace inode of every holder (the first one and its copies). */
  namespaces = new Map();

  /** Starts the holder; resolves with what it printed when ready. */
  async start(total) {
    this.base = mkdtempSync(join(tmpdir(), 'nsx-bench-mounts-'));
    const child = await this.tracker.spawnGroup(
      'setpriv',
      [
        '--pdeathsig',
        'KILL',
        'unshare',
        '--mount',
        '--propagation',
        'private',
        '--',
        process.execPath,
        join(HERE, 'mount-holder.mjs'),
        this.base,
        String(total),
      ],
      { stdout: 'pipe' },
    );
    const line = await firstLine(child, 'mount holder');
    child.stdout.destroy();
    if (!line.startsWith('ready ')) throw new Error(`mount holder said: ${line}`);
    this.holder = child.pid;
    this.namespaces.set(child.pid, nsInode(`/proc/${child.pid}/ns/mnt`));
    return JSON.parse(line.slice('ready '.length));
  }

  /** Makes COUNT more mount namespaces, each a copy of the holder's, BATCH at a time. */
  async copy(count, batch = 8) {
    const started = process.hrtime.bigint();
    const from = `/proc/${this.holder}/ns/mnt`;
    for (let i = 0; i < count; i += batch) {
      const n = Math.min(batch, count - i);
      await Promise.all(
        Array.from({ length: n }, async () => {
          const child = await this.tracker.spawnGroup('setpriv', [
            '--pdeathsig',
            'KILL',
            'nsenter',
            `--mount=${from}`,
            'unshare',
            '--mount',
            '--propagation',
            'unchanged',
            'sleep',
            'infinity',
          ]);
          await execedInto(child, 'sleep');
          this.namespaces.set(child.pid, nsInode(`/proc/${child.pid}/ns/mnt`));
        }),
      );
    }
    return Number(process.hrtime.bigint() - started) / 1e9;
  }

  async teardown() {
    await this.tracker.teardown();
    this.#removeBase();
  }

  /** Synchronous last resort (process 'exit'). */
  teardownSync() {
    this.tracker.teardownSync();
    this.#removeBase();
  }

  #removeBase() {
    // Empty here: everything was made on the tmpfs over it, in the holder's namespace.
    // Should it not go, leftovers() says so.
    try {
      if (this.base && existsSync(this.base)) rmdirSync(this.base);
    } catch {
      /* reported by leftovers() */
    }
  }

  /** { problems: [...], summary } after teardown. */
  leftovers() {
    const problems = [];
    const processes = this.tracker.members();
    if (processes.length) problems.push(`${processes.length} processes (${processes.map((p) => p.pid).join(' ')})`);
    const inodes = new Set(this.namespaces.values());
    const refs = mountNamespaceReferences(inodes);
    if (refs.length) problems.push(`mount namespaces still referred to by ${refs.slice(0, 10).join(', ')}`);
    // Others may mount and unmount here meanwhile; ours would show by their source or path.
    const here = mountinfoLines('/proc/self/mountinfo');
    const ours = here.filter((l) => l.includes(` - tmpfs ${SOURCE} `) || (this.base && l.includes(this.base)));
    if (ours.length) problems.push(`${ours.length} of its mounts in this namespace (${ours[0]})`);
    if (this.base && existsSync(this.base)) problems.push(`directory ${this.base}`);
    return {
      problems,
      summary:
        `all ${this.tracker.groups.size} holders gone, none of the ${inodes.size} mount namespaces is referred to ` +
        `by any process, thread or fd, none of its mounts in this namespace (${here.length} mounts), ` +
        `${this.base ?? 'no directory'} removed: nothing left`,
    };
  }
}

/** Waits until CHILD runs COMM (every exec before it succeeded); rejects if it ends first. */
function execedInto(child, comm, timeoutMs = 30_000) {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + timeoutMs;
    const onExit = (code, signal) => {
      clearInterval(poll);
      reject(new Error(`copy ${child.pid} ended (${signal ?? `exit ${code}`}) before it ran ${comm}`));
    };
    const poll = setInterval(() => {
      let now = null;
      try {
        now = readFileSync(`/proc/${child.pid}/comm`, 'utf8').trim();
      } catch {
        /* not there yet, or gone: the exit handler says */
      }
      if (now === comm || Date.now() > deadline) {
        clearInterval(poll);
        child.removeListener('exit', onExit);
        if (now === comm) resolve();
        else reject(new Error(`copy ${child.pid} did not run ${comm} within ${timeoutMs} ms`));
      }
    }, 5);
    child.once('exit', onExit);
  });
}

/** `PID n (what)` for every process, thread or open fd that refers to one of INODES. */
function mountNamespaceReferences(inodes) {
  const refs = [];
  const inodeOf = (path) => {
    try {
      const m = /^mnt:\[(\d+)\]$/.exec(readlinkSync(path));
      return m ? Number(m[1]) : null;
    } catch {
      return null;
    }
  };
  const list = (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  for (const { pid } of readProcs()) {
    if (inodes.has(inodeOf(`/proc/${pid}/ns/mnt`))) refs.push(`PID ${pid}`);
    for (const tid of list(`/proc/${pid}/task`)) {
      if (Number(tid) !== pid && inodes.has(inodeOf(`/proc/${pid}/task/${tid}/ns/mnt`)))
        refs.push(`PID ${pid} (thread ${tid})`);
    }
    for (const fd of list(`/proc/${pid}/fd`)) {
      if (inodes.has(inodeOf(`/proc/${pid}/fd/${fd}`))) refs.push(`PID ${pid} (fd ${fd})`);
    }
  }
  return refs;
}

// ---------------------------------------------------------------------------------------
// Reading what the tools printed

function parseJson(buf) {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return null;
  }
}

/** Targets in `findmnt -J` output: the tree's nodes, children included; null if unparsable. */
function findmntTargets(json) {
  if (!Array.isArray(json?.filesystems)) return null;
  const targets = [];
  const walk = (list) => {
    for (const fs of list) {
      targets.push(fs.target);
      if (Array.isArray(fs.children)) walk(fs.children);
    }
  };
  walk(json.filesystems);
  return targets;
}

const nsxTargets = (json) => (Array.isArray(json?.mounts) ? json.mounts.map((m) => m.target) : null);
const isUnder = (base) => (target) => target === base || target.startsWith(`${base}/`);
const kib = (buf) => (buf ? `${(buf.length / 1024).toFixed(0)} KiB` : '-');
const thousands = (n) => n.toLocaleString('en-US');

/** Rows of per-tool figures from compare() results. */
function toolRows(results, counts) {
  const rows = [['tool', 'median', 'min', 'max', 'peak RSS median', 'peak RSS max', 'mounts', 'output']];
  for (const [name, r] of Object.entries(results)) {
    const t = stats(r.samples.map((s) => s.ms));
    const m = stats(r.samples.map((s) => s.rssKb));
    rows.push([
      name,
      ms(t?.median),
      ms(t?.min),
      ms(t?.max),
      mb(m?.median),
      mb(m?.max),
      counts[name] ?? 'unparsable',
      kib(r.output),
    ]);
  }
  return rows;
}

function runsLines(results) {
  const width = Math.max(...Object.keys(results).map((n) => n.length));
  return Object.entries(results).map(
    ([name, r]) => `${name.padEnd(width)} runs (ms): ${r.samples.map((s) => s.ms.toFixed(0)).join(' ')}`,
  );
}

function failures(results) {
  for (const [name, r] of Object.entries(results)) {
    if (r.failures.length) console.log(`WARNING ${name} failed ${r.failures.length} time(s): ${r.failures[0]}`);
  }
}

const faster = (ratio) => (ratio >= 1 ? `${ratio.toFixed(1)}x faster` : `${(1 / ratio).toFixed(1)}x slower`);

// ---------------------------------------------------------------------------------------
// The benchmark

/** Throws when a namespace cannot hold MOUNTS mounts, before anything is built. */
export function checkMountOptions({ mounts }) {
  const max = mountMax();
  if (max !== null && mounts > max)
    throw new Error(`--mounts ${mounts} is more than fs.mount-max (${max}), the most one mount namespace may hold`);
  const own = mountinfoLines('/proc/self/mountinfo').length;
  if (mounts <= own + 1) throw new Error(`--mounts ${mounts}: a copy of this namespace already has ${own} mounts`);
}

/**
 * Builds the load on LOAD (a MountLoad the caller removes), times, prints.
 * opts: { mounts, mountns, runs }; env: { cli, nodeEnv, memory }.
 */
export async function mountBench(load, { mounts, mountns, runs }, { cli, nodeEnv, memory }) {
  checkMountOptions({ mounts });
  const max = mountMax();
  const own = mountinfoLines('/proc/self/mountinfo').length;

  console.log(`building: a mount namespace with ${thousands(mounts)} mounts...`);
  const built = await load.start(mounts);
  const m = built.made;
  console.log(
    `load:     mount namespace ${built.mntns} of PID ${load.holder}: ${thousands(built.mounts)} mounts, ` +
      `${built.existing} of them copied from here, the rest made by mount(2) in ${built.seconds.toFixed(2)} s ` +
      `(${m.tmpfs} tmpfs, ${m.unbindable} unbindable tmpfs, ${m.bind} bind, ${m.shared} shared tmpfs, ` +
      `${m.peer} bind mounts of those (peers), ${m.slave} slave binds of them, ${m.stacked} stacked in pairs, ` +
      `${m.above} in pairs one above the other; ${built.hidden} hidden by construction)`,
  );
  console.log(
    `machine:  ${cpus().length} cores, kernel ${release()}, fs.mount-max ${max ?? 'unknown'}, ` +
      `this namespace ${own} mounts, ` +
      `root; load average ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')} before timing`,
  );

  // --- nsx mounts vs findmnt -----------------------------------------------------------
  const pid = String(load.holder);
  const tools = [
    { name: 'nsx', cmd: process.execPath, args: [cli, 'mounts', '--pid', pid, '--json'], env: nodeEnv },
    { name: 'findmnt', cmd: 'findmnt', args: ['-J', '-N', pid] },
    { name: 'findmnt --list', cmd: 'findmnt', args: ['-J', '--list', '-N', pid] },
  ];
  console.log(
    `\n[mounts] \`nsx mounts --pid ${pid} --json\` vs \`findmnt -J -N ${pid}\` (findmnt --list, no tree: ` +
      `for reference)`,
  );
  console.log(`timing:   ${runs} runs each (+1 warm-up), alternating, stdout through a pipe`);
  const results = await compare(tools, { runs, measureMemory: memory });
  for (const line of runsLines(results)) console.log(line);
  const out = Object.fromEntries(
    Object.entries(results).map(([name, r]) => [name, parseJson(r.output ?? Buffer.alloc(0))]),
  );
  const targets = {
    nsx: nsxTargets(out.nsx),
    findmnt: findmntTargets(out.findmnt),
    'findmnt --list': findmntTargets(out['findmnt --list']),
  };
  const counts = Object.fromEntries(Object.entries(targets).map(([name, list]) => [name, list?.length]));
  console.log(`\n${table(toolRows(results, counts))}\n`);

  const median = (name) => stats(results[name].samples.map((s) => s.ms))?.median;
  const ratio = median('findmnt') / median('nsx');
  console.log(
    `speed:    nsx is ${faster(ratio)} than findmnt -J (findmnt median / nsx median = ${ratio.toFixed(2)}) - ` +
      `target no slower than findmnt: ${ratio >= 1 ? 'MET' : 'NOT MET'}`,
  );
  const listRatio = median('findmnt --list') / median('nsx');
  console.log(
    `          (findmnt -J --list, which builds no tree: nsx is ${faster(listRatio)}, ratio ${listRatio.toFixed(2)})`,
  );
  if (memory) {
    const peak = (name) => stats(results[name].samples.map((s) => s.rssKb))?.max;
    console.log(`memory:   peak RSS, worst run: nsx ${mb(peak('nsx'))}, findmnt ${mb(peak('findmnt'))}`);
  } else {
    console.log('memory:   not measured (/usr/bin/time missing: apt-get install time)');
  }
  // Mounts copied from this namespace come and go with it (others' mounts, removed
  // directories); those at or below BASE are the load's own and must all be there.
  const ours = Object.fromEntries(
    Object.entries(targets).map(([name, list]) => [name, list?.filter(isUnder(load.base)).length]),
  );
  const same = Object.values(ours).every((n) => n === built.ours);
  const show = (name) => `${counts[name] ?? 'unparsable'} (${ours[name] ?? '-'})`;
  console.log(
    `found:    mounts (of them at or below ${load.base}): nsx ${show('nsx')}, findmnt ${show('findmnt')}, ` +
      `findmnt --list ${show('findmnt --list')}; ` +
      `built ${built.mounts} (${built.ours}): ${same ? 'the same' : 'DIFFERENT'}`,
  );
  if (!same) process.exitCode = 1;
  if (out.nsx) {
    const hidden = out.nsx.mounts.filter((x) => x.hidden);
    const under = hidden.filter((x) => x.target.startsWith(`${load.base}/`)).length;
    console.log(
      `nsx hidden: ${hidden.length} mounts, ${under} of them under ${load.base} (${built.hidden} built so): ` +
        `${under === built.hidden ? 'as built' : 'NOT AS BUILT'}`,
    );
    if (under !== built.hidden) process.exitCode = 1;
  }
  failures(results);

  await viewRefreshBench(load, built, nodeEnv);

  // --- propagation across mountns namespaces ---------------------------------------------
  if (mountns < 1) return;
  const path = `${built.sharedPath}/x`;
  console.log(
    `\n[propagation] ${mountns} mount namespaces of ${thousands(built.mounts)} mounts; path ${path}, under ` +
      `shared mount ${built.sharedPath} (peer group ${built.sharedGroup})`,
  );
  const copySeconds = await load.copy(mountns - 1);
  const distinct = new Set(load.namespaces.values()).size;
  console.log(
    `load:     ${mountns - 1} copies made in ${copySeconds.toFixed(1)} s (nsenter into PID ${pid}'s namespace, ` +
      `unshare --mount --propagation unchanged, sleep); ${distinct} distinct mount namespaces, ` +
      `about ${thousands(distinct * built.mounts)} mounts in them`,
  );
  if (distinct !== mountns) {
    process.exitCode = 1;
    console.log(`WARNING:  expected ${mountns} distinct mount namespaces`);
  }
  const expected = mountns - 1;

  // (a) the whole process
  const prop = [
    {
      name: 'nsx propagation',
      cmd: process.execPath,
      args: [cli, 'propagation', '--pid', pid, '--path', path, '--json'],
      env: nodeEnv,
    },
  ];
  console.log(
    `\n(a) \`nsx propagation --pid ${pid} --path ${path} --json\` as a whole process (scan, read every ` +
      `mount namespace, index, answer)`,
  );
  console.log(`timing:   ${runs} runs (+1 warm-up)`);
  const whole = await compare(prop, { runs, measureMemory: memory });
  for (const line of runsLines(whole)) console.log(line);
  const answer = parseJson(whole['nsx propagation'].output ?? Buffer.alloc(0));
  const t = stats(whole['nsx propagation'].samples.map((s) => s.ms));
  const r = stats(whole['nsx propagation'].samples.map((s) => s.rssKb));
  const rows = [
    ['', 'median', 'min', 'max', 'peak RSS median', 'peak RSS max', 'sendsTo', 'receivesFrom'],
    [
      'nsx propagation',
      ms(t?.median),
      ms(t?.min),
      ms(t?.max),
      mb(r?.median),
      mb(r?.max),
      answer?.sendsTo?.length ?? 'unparsable',
      answer?.receivesFrom?.length ?? 'unparsable',
    ],
  ];
  console.log(`\n${table(rows)}\n`);
  if (answer) {
    const placeNs = new Set(answer.sendsTo.map((p) => p.ns)).size;
    const ok = answer.sendsTo.length === expected && answer.receivesFrom.length === expected && placeNs === expected;
    console.log(
      `found:    a mount at ${path} would appear in ${answer.sendsTo.length} places in ${placeNs} other namespaces, ` +
        `and it receives from ${answer.receivesFrom.length} ` +
        `(expected ${expected} each: the peers of group ${built.sharedGroup}): ${ok ? 'OK' : 'WRONG'}` +
        (answer.unread?.length ? `; ${answer.unread.length} namespaces unread` : ''),
    );
    if (!ok) process.exitCode = 1;
  }
  if (memory) console.log(`memory:   nsx propagation peak RSS ${mb(r?.max)} (worst run)`);
  failures(whole);

  // (b) in-process, phase by phase
  console.log(
    `\n(b) in-process, the same functions on the ${mountns} holders (bench/propagation-probe.mjs): 1 cold ` +
      `run, then ${runs}`,
  );
  const pids = [...load.namespaces.keys()].map(String);
  const probe = await runProbe(['--runs', String(runs), '--path', path, '--base', load.base, ...pids], nodeEnv);
  const phases = [
    ['read', 'read mountinfo (fs.readFileSync)'],
    ['parse', 'parse lines (parseMountinfo)'],
    ['records', 'decode: propagation, hidden (mountRecords)'],
    ['index', 'index peer groups (new PropagationIndex)'],
    ['answer', 'one answer (index.answer)'],
  ];
  const prow = [['phase', 'cold', 'warm median', 'warm min', 'warm max']];
  for (const [key, label] of phases) {
    const w = stats(probe.warm.map((x) => x[key]));
    prow.push([label, ms(probe.cold[key]), ms(w?.median), ms(w?.min), ms(w?.max)]);
  }
  const totalCold = Object.values(probe.cold).reduce((a, b) => a + b, 0);
  const totalWarm = stats(probe.warm.map((x) => Object.values(x).reduce((a, b) => a + b, 0)));
  prow.push(['total', ms(totalCold), ms(totalWarm?.median), ms(totalWarm?.min), ms(totalWarm?.max)]);
  console.log(`\n${table(prow)}\n`);
  const ok =
    probe.oursMin === built.ours &&
    probe.oursMax === built.ours &&
    probe.sendsTo === expected &&
    probe.receivesFrom === expected &&
    probe.errors === 0;
  console.log(
    `read:     ${probe.tables} tables (${probe.namespaces} namespaces), ${thousands(probe.lines)} mountinfo lines, ` +
      `${(probe.bytes / 1048576).toFixed(1)} MB of text, ${probe.errors} unparsable lines; ` +
      `each table has ${probe.oursMin === probe.oursMax ? probe.oursMin : `${probe.oursMin} to ${probe.oursMax}`} ` +
      `mounts at or below ${load.base} (built ${built.ours})`,
  );
  console.log(
    `found:    mount ${probe.mount.id} at ${probe.mount.target} ` +
      `(${probe.mount.propagation}, peer group ${probe.mount.peer}): ` +
      `sends to ${probe.sendsTo} places in ${probe.placementNamespaces} namespaces, ` +
      `receives from ${probe.receivesFrom} ` +
      `(expected ${expected} each): ${ok ? 'OK' : 'WRONG'}`,
  );
  if (!ok) process.exitCode = 1;
  const retained = probe.retainedKb === null ? '-' : mb(probe.retainedKb);
  const perMount =
    probe.retainedKb === null ? '-' : `${((probe.retainedKb * 1024) / probe.lines).toFixed(0)} bytes a mount`;
  console.log(
    `memory:   the ${probe.tables} tables and the index hold ${retained} of heap (${perMount}); ` +
      `probe peak RSS ${mb(probe.maxRssKb)} (two sets alive at times)`,
  );
}

const VIEW_SECONDS = 20;
const VIEW_EVERY_MS = 2000;
const VIEW_CHANGES = 10;

/** The Mounts view's cost on the big table while nothing changes: the refresh timer, then the watch. */
async function viewRefreshBench(load, built, env) {
  console.log(
    `\n[view refresh] the Mounts view on the ${thousands(built.mounts)}-mount table, nothing changing: ` +
      `before, its reading code (tableOfPid + the comparison before a redraw) every ${VIEW_EVERY_MS / 1000} s as ` +
      `the refresh timer did; after, the kernel's watch (watchMounts). ${VIEW_SECONDS} s each, ` +
      `CPU of the whole process scaled to a minute (bench/mount-watch-probe.mjs)`,
  );
  const dir = `${load.base}/watch`;
  const args = ['--pid', String(load.holder), '--seconds', String(VIEW_SECONDS), '--every', String(VIEW_EVERY_MS)];
  const probe = await runProbe([...args, '--mounts', String(VIEW_CHANGES), '--dir', dir], env, 'mount-watch-probe.mjs');
  const read = stats(probe.before.readMs);
  const perCore = (msPerMinute) => `${((msPerMinute / 60_000) * 100).toFixed(2)}% of a core`;
  const rows = [
    ['', 'CPU per minute idle', 'share', 'table reads', 'one read median'],
    [
      `before: timer every ${VIEW_EVERY_MS / 1000} s`,
      ms(probe.before.perMinuteMs),
      perCore(probe.before.perMinuteMs),
      probe.before.reads,
      ms(read?.median),
    ],
    [`after: watch (${probe.method.kind})`, ms(probe.after.perMinuteMs), perCore(probe.after.perMinuteMs), 0, '-'],
    ['(the probe doing nothing)', ms(probe.nothing.perMinuteMs), perCore(probe.nothing.perMinuteMs), 0, '-'],
  ];
  console.log(`\n${table(rows)}\n`);
  const ratio = probe.after.perMinuteMs > 0 ? probe.before.perMinuteMs / probe.after.perMinuteMs : Infinity;
  console.log(
    `idle:     the watch costs ${ratio === Infinity ? 'nothing measurable' : `${ratio.toFixed(0)}x less`}; ` +
      `method ${probe.method.kind}${probe.method.why ? ` (${probe.method.why})` : ''}; ` +
      `${probe.after.spurious} changes reported while idle (expected 0)`,
  );
  if (probe.after.spurious) process.exitCode = 1;
  const lat = stats(probe.latencyMs);
  console.log(
    `latency:  ${probe.latencyMs.length} mounts and unmounts of a tmpfs at ${dir}, from mount(8)'s return to ` +
      `the listener (10 ms of it coalescing): median ${ms(lat?.median)}, worst ${ms(lat?.max)}`,
  );
}

/** Runs bench/SCRIPT (a probe) under tsx; resolves with its JSON. */
function runProbe(args, env, script = 'propagation-probe.mjs') {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', join(HERE, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env,
      cwd: join(HERE, '..'),
    });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c) => (stdout += c));
    child.once('error', reject);
    child.once('close', (code) => {
      if (code !== 0) return reject(new Error(`${script} exited ${code}`));
      try {
        resolve(JSON.parse(stdout));
      } catch {
        reject(new Error(`${script} printed no JSON: ${stdout.slice(0, 200)}`));
      }
    });
  });
}
