/** src/privilege/policy.ts: who could change a file, the installed helper's state, and installing and removing it. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test, TestContext } from 'node:test';
import {
  helperState,
  installPolicy,
  PolicyError,
  removePolicy,
  staleHelperNote,
  writableByOthers,
} from '../../src/privilege/policy';
import { Runtime } from '../../src/privilege/pkexec';

const NOT_ROOT = process.geteuid!() !== 0;
const needsRoot = (why: string) => NOT_ROOT && `needs root: ${why}`;
const ARCH = `linux_${process.arch}`;
const POLICY_NAME = 'org.namespaceexplorer.nsx.policy';
const REPO_POLICY = path.resolve(__dirname, '..', '..', 'polkit', POLICY_NAME);
const OTHER_UID = 1000;
/** What cli.js loads beside itself at run time. */
const WORKER_BUNDLES = ['details.worker.js', 'mountinfo.worker.js', 'fdPoller.worker.js', 'scan.worker.js'];

/** A fresh directory under /tmp (root's and 0700 when run as root), removed after the test. */
function tmp(t: TestContext, prefix = 'nsx-policy-'): string {
  const dir = fs.mkdtempSync(`/tmp/${prefix}`);
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return fs.realpathSync(dir);
}

interface Layout {
  dist: string;
  policyDir: string;
  installDir: string;
  policyPath: string;
  /** A root-owned runtime that prints $ELECTRON_RUN_AS_NODE and its arguments, one a line. */
  runtime: string;
}

/** A built extension (dist with cli.js and koffi), its polkit directory and where the install goes. */
function layout(t: TestContext, { koffi = true, runtimeDir = 'runtime' } = {}): Layout {
  const root = tmp(t);
  const dist = path.join(root, 'ext', 'dist');
  fs.mkdirSync(dist, { recursive: true });
  fs.writeFileSync(path.join(dist, 'cli.js'), '// nsx cli, build 1\n');
  for (const bundle of WORKER_BUNDLES) fs.writeFileSync(path.join(dist, bundle), `// ${bundle}, build 1\n`);
  if (koffi) {
    fs.mkdirSync(path.join(dist, 'koffi', ARCH), { recursive: true });
    fs.writeFileSync(path.join(dist, 'koffi', ARCH, 'koffi.node'), 'ELF koffi');
  }
  const policyDir = path.join(root, 'ext', 'polkit');
  fs.mkdirSync(policyDir);
  fs.copyFileSync(REPO_POLICY, path.join(policyDir, POLICY_NAME));
  fs.mkdirSync(path.join(root, runtimeDir));
  const runtime = path.join(root, runtimeDir, 'node');
  fs.writeFileSync(runtime, '#!/bin/sh\nprintf "%s\\n" "[$ELECTRON_RUN_AS_NODE]" "$@"\n', { mode: 0o755 });
  return {
    dist,
    policyDir,
    installDir: path.join(root, 'usr', 'local', 'lib', 'namespace-explorer'),
    policyPath: path.join(root, 'usr', 'share', 'polkit-1', 'actions', POLICY_NAME),
    runtime,
  };
}

const node = (l: Layout): Runtime => ({ execPath: l.runtime, electron: false, cli: path.join(l.dist, 'cli.js') });
const electron = (l: Layout): Runtime => ({ execPath: l.runtime, electron: true, cli: path.join(l.dist, 'cli.js') });
const install = (l: Layout, runtime: Runtime = node(l)) =>
  installPolicy(l.dist, l.policyDir, runtime, l.installDir, l.policyPath);

function mode(file: string): number {
  return fs.statSync(file).mode & 0o7777;
}

function owner(file: string): [number, number] {
  const st = fs.statSync(file);
  return [st.uid, st.gid];
}

/** Runs `fn` with the effective UID of nobody, then root again. */
function asNobody<T>(fn: () => T): T {
  if (NOT_ROOT) return fn();
  process.seteuid!(65534);
  try {
    return fn();
  } finally {
    process.seteuid!(0);
  }
}

// writableByOthers

test(
  'writableByOthers: null for a root-owned file in a root-owned 0700 directory under /tmp (sticky)',
  { skip: needsRoot('files owned by root') },
  (t) => {
    const dir = tmp(t);
    assert.equal(mode(dir) & 0o777, 0o700);
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x', { mode: 0o644 });
    assert.equal(writableByOthers(file), null);
  },
);

test('writableByOthers: a file of mode 0666 is writable by others', { skip: needsRoot('a root-owned file') }, (t) => {
  const file = path.join(tmp(t), 'f');
  fs.writeFileSync(file, 'x');
  fs.chmodSync(file, 0o666);
  assert.equal(writableByOthers(file), `${file} is writable by others`);
});

test(
  'writableByOthers: a group-writable file counts as writable by others',
  { skip: needsRoot('a root-owned file') },
  (t) => {
    const file = path.join(tmp(t), 'f');
    fs.writeFileSync(file, 'x');
    fs.chmodSync(file, 0o664);
    assert.equal(writableByOthers(file), `${file} is writable by others`);
  },
);

test('writableByOthers: a file owned by another UID is named with that UID', { skip: needsRoot('chown') }, (t) => {
  const file = path.join(tmp(t), 'f');
  fs.writeFileSync(file, 'x', { mode: 0o644 });
  fs.chownSync(file, OTHER_UID, OTHER_UID);
  assert.equal(writableByOthers(file), `${file} belongs to UID ${OTHER_UID}, not root`);
});

test(
  'writableByOthers: a directory above that others can write (not sticky) is named',
  { skip: needsRoot('root-owned directories') },
  (t) => {
    const dir = path.join(tmp(t), 'open');
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o777);
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x', { mode: 0o644 });
    assert.equal(writableByOthers(file), `${dir} is writable by others`);
  },
);

test(
  'writableByOthers: a sticky world-writable directory above (like /tmp) is accepted',
  { skip: needsRoot('root-owned directories') },
  (t) => {
    const dir = path.join(tmp(t), 'sticky');
    fs.mkdirSync(dir);
    fs.chmodSync(dir, 0o1777);
    const file = path.join(dir, 'f');
    fs.writeFileSync(file, 'x', { mode: 0o644 });
    assert.equal(writableByOthers(file), null);
  },
);

test('writableByOthers: a directory above owned by another UID is named', { skip: needsRoot('chown') }, (t) => {
  const dir = path.join(tmp(t), 'theirs');
  fs.mkdirSync(dir, { mode: 0o755 });
  fs.chownSync(dir, OTHER_UID, OTHER_UID);
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, 'x', { mode: 0o644 });
  assert.equal(writableByOthers(file), `${dir} belongs to UID ${OTHER_UID}, not root`);
});

test('writableByOthers: a root-owned symlink is followed to the file it names', { skip: needsRoot('chown') }, (t) => {
  const dir = tmp(t);
  const target = path.join(dir, 'real');
  fs.writeFileSync(target, 'x', { mode: 0o644 });
  fs.chownSync(target, OTHER_UID, OTHER_UID);
  const link = path.join(dir, 'link');
  fs.symlinkSync(target, link);
  assert.equal(writableByOthers(link), `${target} belongs to UID ${OTHER_UID}, not root`);
});

test('writableByOthers: a file that does not exist says so', (t) => {
  const file = path.join(tmp(t), 'missing');
  assert.equal(writableByOthers(file), `${file} does not exist`);
});

// helperState

test('helperState: absent when neither the policy nor the helper is there', (t) => {
  const l = layout(t);
  assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), { state: 'absent' });
});

test(
  'helperState: absent when only one of the policy and the helper is there',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l);
    fs.rmSync(l.policyPath);
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), { state: 'absent' });
    install(l);
    fs.rmSync(path.join(l.installDir, 'nsx-helper'));
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), { state: 'absent' });
  },
);

test(
  "helperState: installed when the root-owned cli.js is identical to this build's",
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l);
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), {
      state: 'installed',
      helper: path.join(l.installDir, 'nsx-helper'),
      scanner: path.join(l.installDir, 'nsx-scan'),
    });
  },
);

test(
  "helperState: stale when this build's cli.js differs from the installed one",
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l);
    fs.writeFileSync(path.join(l.dist, 'cli.js'), '// nsx cli, build 2\n');
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), {
      state: 'stale',
      why: 'the installed helper is from another version of Namespace Explorer',
    });
  },
);

test(
  'helperState: stale when a worker bundle or koffi of this build differs from the installed one',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    for (const file of [...WORKER_BUNDLES, path.join('koffi', ARCH, 'koffi.node')]) {
      install(l);
      fs.appendFileSync(path.join(l.dist, file), 'build 2\n');
      assert.deepEqual(
        helperState(l.dist, l.installDir, l.policyPath),
        { state: 'stale', why: 'the installed helper is from another version of Namespace Explorer' },
        file,
      );
    }
  },
);

test(
  'helperState: stale when the installed helper lacks a worker bundle (an install of an older version)',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l);
    const missing = path.join(l.installDir, 'details.worker.js');
    fs.rmSync(missing);
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), {
      state: 'stale',
      why: `${missing} does not exist`,
    });
  },
);

test(
  'helperState: stale when the installed cli.js or helper could be changed by a user',
  { skip: needsRoot('installPolicy and chown') },
  (t) => {
    const l = layout(t);
    install(l);
    const cli = path.join(l.installDir, 'cli.js');
    fs.chmodSync(cli, 0o666);
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), {
      state: 'stale',
      why: `${cli} is writable by others`,
    });
    fs.chmodSync(cli, 0o644);
    const helper = path.join(l.installDir, 'nsx-helper');
    fs.chownSync(helper, OTHER_UID, OTHER_UID);
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), {
      state: 'stale',
      why: `${helper} belongs to UID ${OTHER_UID}, not root`,
    });
  },
);

test(
  'helperState: stale when the installed cli.js is missing, or this build has none',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l);
    fs.rmSync(path.join(l.dist, 'cli.js'));
    const noBuild = helperState(l.dist, l.installDir, l.policyPath);
    assert.equal(noBuild.state, 'stale');
    assert.match((noBuild as { why: string }).why, /ENOENT/);
    fs.rmSync(path.join(l.installDir, 'cli.js'));
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), {
      state: 'stale',
      why: `${path.join(l.installDir, 'cli.js')} does not exist`,
    });
  },
);

// staleHelperNote

test('staleHelperNote: nothing to say of an installed or an absent helper', () => {
  assert.equal(staleHelperNote({ state: 'installed', helper: '/h', scanner: '/s' }), null);
  assert.equal(staleHelperNote({ state: 'absent' }), null);
});

test('staleHelperNote: a helper of another build is from another version; any other reason is named', () => {
  assert.equal(
    staleHelperNote({ state: 'stale', why: 'the installed helper is from another version of Namespace Explorer' }),
    'the installed polkit helper is from another version of Namespace Explorer, so it is not used',
  );
  assert.equal(
    staleHelperNote({ state: 'stale', why: '/x/cli.js is writable by others' }),
    'the installed polkit helper is not used: /x/cli.js is writable by others',
  );
});

test(
  "staleHelperNote of the state after an update of this build's files: stale, then nothing once installed again",
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l);
    fs.appendFileSync(path.join(l.dist, 'mountinfo.worker.js'), '// build 2\n');
    assert.match(staleHelperNote(helperState(l.dist, l.installDir, l.policyPath)) ?? '', /from another version/);
    install(l);
    assert.equal(staleHelperNote(helperState(l.dist, l.installDir, l.policyPath)), null);
  },
);

// installPolicy

test(
  'installPolicy creates the install directory and the policy, root-owned with the right modes',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    assert.ok(!fs.existsSync(path.dirname(l.installDir)));
    assert.deepEqual(install(l), [l.installDir, l.policyPath]);
    const expect: [string, number][] = [
      [l.installDir, 0o755],
      [path.join(l.installDir, 'cli.js'), 0o644],
      [path.join(l.installDir, 'nsx-helper'), 0o755],
      [path.join(l.installDir, 'nsx-scan'), 0o755],
      [path.join(l.installDir, 'koffi'), 0o755],
      [path.join(l.installDir, 'koffi', ARCH), 0o755],
      [path.join(l.installDir, 'koffi', ARCH, 'koffi.node'), 0o644],
      [l.policyPath, 0o644],
    ];
    for (const [file, m] of expect) {
      assert.equal(mode(file), m, `mode of ${file}`);
      assert.deepEqual(owner(file), [0, 0], `owner of ${file}`);
    }
    assert.deepEqual(fs.readFileSync(path.join(l.installDir, 'cli.js')), fs.readFileSync(path.join(l.dist, 'cli.js')));
    assert.deepEqual(
      fs.readFileSync(path.join(l.installDir, 'koffi', ARCH, 'koffi.node')),
      fs.readFileSync(path.join(l.dist, 'koffi', ARCH, 'koffi.node')),
    );
    assert.deepEqual(fs.readFileSync(l.policyPath), fs.readFileSync(REPO_POLICY));
    assert.ok(!fs.existsSync(`${l.installDir}.new`), 'no staging directory left');
    for (const bundle of WORKER_BUNDLES) {
      assert.deepEqual(
        fs.readFileSync(path.join(l.installDir, bundle)),
        fs.readFileSync(path.join(l.dist, bundle)),
        bundle,
      );
      assert.equal(mode(path.join(l.installDir, bundle)), 0o644, `mode of ${bundle}`);
      assert.deepEqual(owner(path.join(l.installDir, bundle)), [0, 0], `owner of ${bundle}`);
    }
    assert.deepEqual(fs.readdirSync(l.installDir).sort(), [
      'cli.js',
      'details.worker.js',
      'fdPoller.worker.js',
      'koffi',
      'mountinfo.worker.js',
      'nsx-helper',
      'nsx-scan',
      'scan.worker.js',
    ]);
  },
);

test(
  "installPolicy sets root ownership and its own modes whatever the source files' owner and modes",
  { skip: needsRoot('installPolicy and chown') },
  (t) => {
    const l = layout(t);
    const sources: [string, number][] = [
      [path.join(l.dist, 'cli.js'), 0o600],
      [path.join(l.dist, 'koffi', ARCH, 'koffi.node'), 0o777],
      [path.join(l.policyDir, POLICY_NAME), 0o640],
    ];
    for (const [file, m] of sources) {
      fs.chmodSync(file, m);
      fs.chownSync(file, OTHER_UID, OTHER_UID);
    }
    // A policy file already in place that a user owns is taken back by root.
    fs.mkdirSync(path.dirname(l.policyPath), { recursive: true });
    fs.writeFileSync(l.policyPath, 'old', { mode: 0o666 });
    fs.chownSync(l.policyPath, OTHER_UID, OTHER_UID);
    install(l);
    assert.deepEqual(fs.readFileSync(l.policyPath), fs.readFileSync(REPO_POLICY));
    for (const file of [
      path.join(l.installDir, 'cli.js'),
      path.join(l.installDir, 'koffi', ARCH, 'koffi.node'),
      l.policyPath,
    ]) {
      assert.equal(mode(file), 0o644, `mode of ${file}`);
      assert.deepEqual(owner(file), [0, 0], `owner of ${file}`);
    }
  },
);

test('installPolicy copies files even when the umask is strict', { skip: needsRoot('installPolicy') }, (t) => {
  const l = layout(t);
  const old = process.umask(0o077);
  try {
    install(l);
  } finally {
    process.umask(old);
  }
  assert.equal(mode(path.join(l.installDir, 'cli.js')), 0o644);
  assert.equal(mode(l.installDir), 0o755);
  assert.equal(mode(l.policyPath), 0o644);
});

test(
  'installPolicy: the launcher execs the root-owned runtime with the installed cli.js and "$@"',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l);
    const helper = path.join(l.installDir, 'nsx-helper');
    const lines = fs.readFileSync(helper, 'utf8').split('\n');
    assert.equal(lines[0], '#!/bin/sh');
    assert.equal(
      lines.filter((x) => x && !x.startsWith('#')).join('\n'),
      `exec ${l.runtime} ${path.join(l.installDir, 'cli.js')} "$@"`,
    );
    assert.ok(!fs.readFileSync(helper, 'utf8').includes('ELECTRON_RUN_AS_NODE'));
    // Run it: the fake runtime prints its environment mark and arguments.
    const out = execFileSync(helper, ['snapshot', 'a b', '$HOME', ''], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin' },
    });
    assert.deepEqual(out.split('\n'), ['[]', path.join(l.installDir, 'cli.js'), 'snapshot', 'a b', '$HOME', '', '']);
  },
);

test(
  'installPolicy: the scan launcher runs only `snapshot --json --details`, whatever arguments pkexec is given',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l);
    const scanner = path.join(l.installDir, 'nsx-scan');
    const out = execFileSync(scanner, ['enter', '--pid', '1', '--as-root', '--', 'sh'], {
      encoding: 'utf8',
      env: { PATH: '/usr/bin:/bin' },
    });
    assert.deepEqual(out.split('\n'), ['[]', path.join(l.installDir, 'cli.js'), 'snapshot', '--json', '--details', '']);
  },
);

test(
  'installPolicy: a runtime path with spaces is quoted in the launcher',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t, { runtimeDir: 'Visual Studio Code' });
    install(l);
    const helper = path.join(l.installDir, 'nsx-helper');
    assert.ok(fs.readFileSync(helper, 'utf8').includes(`exec '${l.runtime}' `));
    assert.deepEqual(execFileSync(helper, ['x'], { encoding: 'utf8' }).split('\n').slice(1, 3), [
      path.join(l.installDir, 'cli.js'),
      'x',
    ]);
  },
);

test(
  'installPolicy: for an Electron runtime the launcher sets ELECTRON_RUN_AS_NODE=1',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l, electron(l));
    const helper = path.join(l.installDir, 'nsx-helper');
    const commands = fs
      .readFileSync(helper, 'utf8')
      .split('\n')
      .filter((x) => x && !x.startsWith('#'));
    assert.deepEqual(commands, [`ELECTRON_RUN_AS_NODE=1 exec ${l.runtime} ${path.join(l.installDir, 'cli.js')} "$@"`]);
    const out = execFileSync(helper, ['list'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    assert.deepEqual(out.split('\n'), ['[1]', path.join(l.installDir, 'cli.js'), 'list', '']);
  },
);

test(
  'installPolicy refuses an Electron runtime a user could change, and installs nothing',
  { skip: needsRoot('installPolicy and chown') },
  (t) => {
    const l = layout(t);
    fs.chownSync(l.runtime, OTHER_UID, OTHER_UID);
    assert.throws(
      () => install(l, electron(l)),
      (err: unknown) =>
        err instanceof PolicyError &&
        /the editor's runtime could be changed by a user \(.*belongs to UID 1000/.test(err.message),
    );
    assert.ok(!fs.existsSync(l.installDir), 'no install directory');
    assert.ok(!fs.existsSync(`${l.installDir}.new`), 'no staging directory left');
    assert.ok(!fs.existsSync(l.policyPath), 'no policy');
  },
);

test(
  'installPolicy: a refused reinstall leaves the previous install as it was',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l, electron(l));
    const before = fs.readFileSync(path.join(l.installDir, 'nsx-helper'), 'utf8');
    fs.chmodSync(l.runtime, 0o777);
    assert.throws(() => install(l, electron(l)), PolicyError);
    assert.equal(fs.readFileSync(path.join(l.installDir, 'nsx-helper'), 'utf8'), before);
    assert.ok(!fs.existsSync(`${l.installDir}.new`));
  },
);

test(
  'installPolicy copies a Node runtime that others could change into the install directory',
  { skip: needsRoot('installPolicy and chown') },
  (t) => {
    const l = layout(t);
    fs.chownSync(l.runtime, OTHER_UID, OTHER_UID);
    install(l);
    const copy = path.join(l.installDir, 'node');
    assert.deepEqual(fs.readFileSync(copy), fs.readFileSync(l.runtime));
    assert.equal(mode(copy), 0o755);
    assert.deepEqual(owner(copy), [0, 0]);
    const helper = path.join(l.installDir, 'nsx-helper');
    assert.ok(fs.readFileSync(helper, 'utf8').includes(`exec ${copy} ${path.join(l.installDir, 'cli.js')} "$@"`));
    assert.deepEqual(execFileSync(helper, ['tree'], { encoding: 'utf8' }).split('\n'), [
      '[]',
      path.join(l.installDir, 'cli.js'),
      'tree',
      '',
    ]);
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), {
      state: 'installed',
      helper,
      scanner: path.join(l.installDir, 'nsx-scan'),
    });
  },
);

test('installPolicy: a world-writable Node runtime is copied too', { skip: needsRoot('installPolicy') }, (t) => {
  const l = layout(t);
  fs.chmodSync(l.runtime, 0o777);
  install(l);
  assert.ok(fs.existsSync(path.join(l.installDir, 'node')));
});

test('installPolicy: a root-owned runtime is used in place, not copied', { skip: needsRoot('installPolicy') }, (t) => {
  const l = layout(t);
  install(l);
  assert.ok(!fs.existsSync(path.join(l.installDir, 'node')));
});

test('installPolicy without koffi in dist installs the rest', { skip: needsRoot('installPolicy') }, (t) => {
  const l = layout(t, { koffi: false });
  assert.deepEqual(install(l), [l.installDir, l.policyPath]);
  assert.ok(!fs.existsSync(path.join(l.installDir, 'koffi', ARCH, 'koffi.node')));
  assert.ok(fs.existsSync(path.join(l.installDir, 'nsx-helper')));
});

test('installPolicy replaces a previous install whole', { skip: needsRoot('installPolicy') }, (t) => {
  const l = layout(t);
  install(l);
  fs.writeFileSync(path.join(l.installDir, 'left-over'), 'x');
  fs.writeFileSync(path.join(l.dist, 'cli.js'), '// nsx cli, build 2\n');
  install(l);
  assert.ok(!fs.existsSync(path.join(l.installDir, 'left-over')));
  assert.equal(fs.readFileSync(path.join(l.installDir, 'cli.js'), 'utf8'), '// nsx cli, build 2\n');
  assert.equal(helperState(l.dist, l.installDir, l.policyPath).state, 'installed');
});

test(
  'installPolicy refuses when a worker bundle is missing, naming it, and installs nothing',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    fs.rmSync(path.join(l.dist, 'mountinfo.worker.js'));
    assert.throws(
      () => install(l),
      (err: unknown) =>
        err instanceof PolicyError &&
        err.message === `${path.join(l.dist, 'mountinfo.worker.js')} is missing: build or reinstall Namespace Explorer`,
    );
    assert.ok(!fs.existsSync(l.installDir) && !fs.existsSync(`${l.installDir}.new`) && !fs.existsSync(l.policyPath));
  },
);

test(
  'installPolicy refuses when cli.js or the policy file is missing, naming it',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    fs.rmSync(path.join(l.policyDir, POLICY_NAME));
    assert.throws(
      () => install(l),
      (err: unknown) =>
        err instanceof PolicyError &&
        err.message === `${path.join(l.policyDir, POLICY_NAME)} is missing: build or reinstall Namespace Explorer`,
    );
    fs.rmSync(path.join(l.dist, 'cli.js'));
    assert.throws(
      () => install(l),
      (err: unknown) =>
        err instanceof PolicyError &&
        err.message === `${path.join(l.dist, 'cli.js')} is missing: build or reinstall Namespace Explorer`,
    );
    assert.ok(!fs.existsSync(l.installDir) && !fs.existsSync(`${l.installDir}.new`));
  },
);

test('installPolicy and removePolicy refuse without root, touching nothing', (t) => {
  const l = layout(t);
  assert.throws(
    () => asNobody(() => install(l)),
    (err: unknown) => err instanceof PolicyError && /needs root/.test(err.message),
  );
  assert.throws(
    () => asNobody(() => removePolicy(l.installDir, l.policyPath)),
    (err: unknown) => err instanceof PolicyError && /needs root/.test(err.message),
  );
  assert.ok(!fs.existsSync(path.dirname(l.installDir)));
});

// removePolicy

test(
  'removePolicy removes the policy and the install directory, and says which',
  { skip: needsRoot('installPolicy') },
  (t) => {
    const l = layout(t);
    install(l);
    assert.deepEqual(removePolicy(l.installDir, l.policyPath), [l.policyPath, l.installDir]);
    assert.ok(!fs.existsSync(l.installDir) && !fs.existsSync(l.policyPath));
    assert.deepEqual(helperState(l.dist, l.installDir, l.policyPath), { state: 'absent' });
  },
);

test(
  'removePolicy with nothing installed removes nothing; with only the policy, only that',
  { skip: needsRoot('removePolicy') },
  (t) => {
    const l = layout(t);
    assert.deepEqual(removePolicy(l.installDir, l.policyPath), []);
    fs.mkdirSync(path.dirname(l.policyPath), { recursive: true });
    fs.writeFileSync(l.policyPath, 'x');
    assert.deepEqual(removePolicy(l.installDir, l.policyPath), [l.policyPath]);
    assert.ok(!fs.existsSync(l.policyPath));
  },
);
