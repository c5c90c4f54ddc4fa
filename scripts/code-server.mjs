#!/usr/bin/env node
// A real VS Code for the e2e tests and for `npm start` on machines without desktop VS Code:
// code-server 4.100.3 (VS Code 1.100.3) installed from the npm registry into a cache
// folder outside the repository, started on 127.0.0.1 with throw-away or given state dirs.
//
//   node scripts/code-server.mjs install            install (idempotent) and exit
//   node scripts/code-server.mjs open [FOLDER]      run the repo as a development extension
//   node scripts/code-server.mjs check [--browser]  say what is missing to install and run it
//
// code-server's own postinstall cannot run here: it refuses root without unsafe-perm and
// @vscode/ripgrep downloads its binary from GitHub. The steps below are that postinstall
// done by hand, with Debian's ripgrep. Plain Node, no dependencies.
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  lchownSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { missingTools } from './debian-packages.cjs';

export const CODE_SERVER_VERSION = '4.100.3';
const VSCODE_VERSION = '1.100.3';
/** Bump when the install steps change: an install made by older steps is redone. */
const RECIPE = 1;
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

const log = (msg) => process.stderr.write(`[code-server] ${msg}\n`);

export function cacheRoot() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'namespace-explorer');
}

export function defaultInstallDir() {
  return join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
}

function paths(dir) {
  const pkg = join(dir, 'node_modules', 'code-server');
  const vscode = join(pkg, 'lib', 'vscode');
  return {
    dir,
    pkg,
    vscode,
    entry: join(pkg, 'out', 'node', 'entry.js'),
    marker: join(dir, '.installed.json'),
    log: join(dir, 'install.log'),
  };
}

/** The install path of code-server's entry point (entry.js). */
export function entryPath(dir = defaultInstallDir()) {
  return paths(dir).entry;
}

/** From Debian (scripts/debian-packages.cjs): what code-server runs, and what builds its native modules. */
const RUN_TOOLS = ['/usr/bin/rg'];
const BUILD_TOOLS = ['/usr/include/gssapi/gssapi.h', 'make', 'g++', 'python3'];
const BROWSER = '/usr/bin/chromium';

/**
 * Why code-server cannot be installed and run here, in one line with the exact apt command,
 * or null: Node 20, what it runs, what its native modules need while it is not installed
 * yet, and with `browser` the browser the e2e tests drive it with.
 */
export function prerequisitesProblem({ browser = false, dir = defaultInstallDir() } = {}) {
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 20)
    return (
      `code-server ${CODE_SERVER_VERSION} needs Node 20 (its native modules are built for it); this is ` +
      `Node ${process.versions.node}`
    );
  return missingTools([...RUN_TOOLS, ...(isInstalled(paths(dir)) ? [] : BUILD_TOOLS), ...(browser ? [BROWSER] : [])]);
}

/** Throws prerequisitesProblem()'s line, if any. */
export function checkPrerequisites(opts = {}) {
  const problem = prerequisitesProblem(opts);
  if (problem) throw new Error(problem);
}

function readMarker(p) {
  try {
    return JSON.parse(readFileSync(p.marker, 'utf8'));
  } catch {
    return undefined;
  }
}

function isInstalled(p) {
  const m = readMarker(p);
  return (
    !!m &&
    m.version === CODE_SERVER_VERSION &&
    m.recipe === RECIPE &&
    m.modules === process.versions.modules &&
    existsSync(p.entry)
  );
}

/**
 * Environment for everything spawned here. What an outer `npm run` adds would point npm
 * at this repository (npm_config_local_prefix, npm_config_prefix, …); VS Code's own
 * variables would make code-server hand the folder to the editor whose terminal we run
 * in (VSCODE_IPC_HOOK_CLI) instead of starting; NODE_OPTIONS could load a loader (tsx)
 * into every server process. npm's own children keep the user's npm configuration
 * (registry, cafile, proxy); code-server gets none of it.
 */
const NPM_RUN_VARS =
  /^npm_(package_|lifecycle_|command$|execpath$|node_execpath$|config_(local_prefix|global_prefix|prefix|user_agent|argv)$)/i;
function cleanEnv(extra = {}, { npmConfig = false } = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) && (!npmConfig || NPM_RUN_VARS.test(k))) continue;
    if (/^(VSCODE_|CODE_SERVER_|ELECTRON_)/i.test(k)) continue;
    if (['INIT_CWD', 'NODE_OPTIONS', 'PORT', 'PASSWORD', 'HASHED_PASSWORD', 'GITHUB_TOKEN'].includes(k)) continue;
    env[k] = v;
  }
  return { ...env, ...extra };
}

function npmEnv() {
  const overrides = {
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    // node-pty's postinstall runs `npx node-gyp` (from the npm registry); without this it
    // asks for confirmation, fails without a tty and `npm rebuild` exits 1.
    npm_config_yes: 'true',
  };
  const env = cleanEnv(overrides, { npmConfig: true });
  // Build against the headers of the running Node when it ships them, so node-gyp never
  // tries to download them from nodejs.org.
  const prefix = resolve(dirname(process.execPath), '..');
  if (existsSync(join(prefix, 'include', 'node', 'node_version.h'))) env.npm_config_nodedir = prefix;
  return env;
}

function run(cmd, args, { cwd, env, logFile }) {
  return new Promise((resolvePromise, reject) => {
    const fd = openSync(logFile, 'a');
    writeFileSync(fd, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd] });
    child.on('error', (e) => {
      closeSync(fd);
      reject(e);
    });
    child.on('exit', (code, signal) => {
      closeSync(fd);
      if (code === 0) resolvePromise();
      else reject(new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

function tail(file, lines = 30) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function ln(target, path) {
  rmSync(path, { force: true, recursive: true });
  symlinkSync(target, path);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

/** One installer at a time per install dir (a test and `npm start` may race). */
async function withLock(dir, fn) {
  const lock = `${dir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  const deadline = Date.now() + 20 * 60_000;
  let waitingFor;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = 0;
      try {
        pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        // the other installer made the lock and has not written its PID yet
      }
      const fresh = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? 0) < 10_000;
      if ((pid && alive(pid)) || (!pid && fresh)) {
        if (Date.now() > deadline)
          throw new Error(`gave up waiting for the code-server install of PID ${pid} (${lock})`);
        if (waitingFor !== pid) log(`waiting for the install run by PID ${pid || '?'}`);
        waitingFor = pid;
        await sleep(2000);
      } else {
        rmSync(lock, { recursive: true, force: true });
      }
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Installs code-server once into the cache folder and returns that folder. A marker file
 * is written only after every step succeeded and the native modules loaded; anything
 * else found there (a half-finished or outdated install) is removed and done again.
 */
export async function ensureCodeServer({ dir = defaultInstallDir() } = {}) {
  const p = paths(dir);
  if (isInstalled(p)) return dir;
  checkPrerequisites({ dir });
  return withLock(dir, async () => {
    if (isInstalled(p)) return dir;
    const started = Date.now();
    log(`installing code-server ${CODE_SERVER_VERSION} into ${dir} (a few minutes, once)`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const env = npmEnv();
    const step = async (what, cmd, args, cwd) => {
      const t = Date.now();
      log(`${what}…`);
      try {
        await run(cmd, args, { cwd, env, logFile: p.log });
      } catch (e) {
        throw new Error(`${e.message}\nlast lines of ${p.log}:\n${tail(p.log)}`);
      }
      log(`${what}: done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    };
    const npmFlags = ['--ignore-scripts', '--no-audit', '--no-fund'];
    await step(
      'downloading code-server from the npm registry',
      'npm',
      ['install', '--prefix', dir, ...npmFlags, `code-server@${CODE_SERVER_VERSION}`],
      dir,
    );
    await step('building argon2', 'npm', ['rebuild', '--prefix', dir, 'argon2'], dir);
    await step(
      'installing VS Code server dependencies',
      'npm',
      ['install', '--prefix', p.vscode, '--omit=dev', ...npmFlags],
      p.vscode,
    );
    // @parcel/watcher comes prebuilt (an optional platform package); @vscode/deviceid and
    // the @vscode/windows-* modules are native only on macOS / Windows.
    await step(
      'building native modules (kerberos, spdlog, native-watchdog, node-pty)',
      'npm',
      ['rebuild', '--prefix', p.vscode, 'kerberos', '@vscode/spdlog', 'native-watchdog', 'node-pty'],
      p.vscode,
    );

    log('linking ripgrep, node_modules.asar and the CLI scripts');
    mkdirSync(join(p.vscode, 'node_modules', '@vscode', 'ripgrep', 'bin'), { recursive: true });
    ln('/usr/bin/rg', join(p.vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'));
    ln('node_modules', join(p.vscode, 'node_modules.asar'));
    // What postinstall.sh links: `code-server` in the integrated terminal, and the helper
    // that opens URLs from the terminal.
    ln('code-linux.sh', join(p.vscode, 'bin', 'remote-cli', 'code-server'));
    ln('browser-linux.sh', join(p.vscode, 'bin', 'helpers', 'browser.sh'));

    await step(
      'installing the dependencies of the built-in extensions',
      'npm',
      ['install', '--prefix', join(p.vscode, 'extensions'), '--omit=dev', ...npmFlags],
      join(p.vscode, 'extensions'),
    );

    log('checking that the native modules load');
    const probe = [
      `require(require.resolve('argon2', { paths: [${JSON.stringify(p.pkg)}] }))`,
      ...['kerberos', '@vscode/spdlog', 'native-watchdog', 'node-pty', '@parcel/watcher'].map(
        (m) => `require(${JSON.stringify(join(p.vscode, 'node_modules', m))})`,
      ),
    ].join(';');
    const loaded = spawnSync(process.execPath, ['-e', probe], { env: cleanEnv(), encoding: 'utf8' });
    if (loaded.status !== 0) throw new Error(`a native module of code-server does not load:\n${loaded.stderr}`);
    const version = spawnSync(process.execPath, [p.entry, '--version'], {
      env: cleanEnv({ CODE_SERVER_CONFIG: join(dir, 'config.yaml') }),
      encoding: 'utf8',
    });
    if (
      version.status !== 0 ||
      !new RegExp(`^${CODE_SERVER_VERSION.replaceAll('.', '\\.')} `, 'm').test(version.stdout)
    ) {
      throw new Error(`\`code-server --version\` failed:\n${version.stdout}${version.stderr}`);
    }
    writeFileSync(
      p.marker,
      JSON.stringify({
        version: CODE_SERVER_VERSION,
        recipe: RECIPE,
        modules: process.versions.modules,
        installedAt: new Date().toISOString(),
      }) + '\n',
    );
    log(`installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return dir;
  });
}

/**
 * The install dir when `uid` can read it, otherwise a hard-linked copy (cheap, same
 * files) made under `scratchDir`: the cache usually lives in root's 0700 home.
 */
export function installReadableBy(uid, gid, scratchDir, dir = defaultInstallDir()) {
  const canRead = (d) =>
    spawnSync(
      process.execPath,
      ['-e', `require('fs').accessSync(${JSON.stringify(entryPath(d))}, require('fs').constants.R_OK)`],
      { uid, gid, env: cleanEnv(), stdio: 'ignore' },
    ).status === 0;
  if (canRead(dir)) return dir;
  const copy = join(scratchDir, 'code-server');
  rmSync(copy, { recursive: true, force: true });
  let r = spawnSync('cp', ['-al', dir, copy], { encoding: 'utf8' });
  if (r.status !== 0) {
    rmSync(copy, { recursive: true, force: true });
    r = spawnSync('cp', ['-a', dir, copy], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`cannot copy code-server for UID ${uid}: ${r.stderr}`);
  }
  if (!canRead(copy))
    throw new Error(`UID ${uid} cannot read ${copy}; check the permissions of ${scratchDir} and its parents`);
  return copy;
}

/** Picks a free TCP port on 127.0.0.1 (the OS chooses; a rare race is retried by the caller). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolvePromise(port));
    });
  });
}

export const DEFAULT_SETTINGS = {
  'terminal.integrated.gpuAcceleration': 'off',
  'workbench.startupEditor': 'none',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'workbench.tips.enabled': false,
};

function writeSettings(userDataDir, settings) {
  const file = join(userDataDir, 'User', 'settings.json');
  mkdirSync(dirname(file), { recursive: true });
  let existing = {};
  if (existsSync(file)) {
    try {
      existing = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      log(`${file} is not plain JSON (comments?): left as it is, without the settings given here`);
      return;
    }
  }
  writeFileSync(file, JSON.stringify({ ...existing, ...DEFAULT_SETTINGS, ...settings }, null, 2) + '\n');
}

function chownTree(path, uid, gid) {
  lchownSync(path, uid, gid);
  let entries = [];
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const child = join(path, e.name);
    if (e.isDirectory()) chownTree(child, uid, gid);
    else lchownSync(child, uid, gid);
  }
}

function httpAnswers(url) {
  return new Promise((resolvePromise) => {
    const req = request(new URL('healthz', url), { timeout: 1000 }, (res) => {
      res.resume();
      resolvePromise(true);
    });
    req.on('error', () => resolvePromise(false));
    req.on('timeout', () => {
      req.destroy();
      resolvePromise(false);
    });
    req.end();
  });
}

/** Process groups started here and not stopped yet: killed if this process exits first. */
const running = new Set();
let exitHook = false;
function track(pgid) {
  running.add(pgid);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const g of running) {
        try {
          process.kill(-g, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    });
  }
}

async function stopGroup(pgid, exited) {
  const gone = () => {
    try {
      process.kill(-pgid, 0);
      return false;
    } catch (e) {
      return e.code === 'ESRCH';
    }
  };
  for (const [signal, waitMs] of [
    ['SIGTERM', 5000],
    ['SIGKILL', 5000],
  ]) {
    if (gone()) break;
    try {
      process.kill(-pgid, signal);
    } catch {
      // raced with its exit
    }
    const deadline = Date.now() + waitMs;
    while (!gone() && Date.now() < deadline) await sleep(50);
  }
  await exited;
  running.delete(pgid);
  if (!gone()) throw new Error(`code-server process group ${pgid} survived SIGKILL`);
}

/**
 * Starts code-server in its own process group and resolves once its HTTP port answers.
 * stop() kills that group (SIGTERM, then SIGKILL) and waits for it to be gone.
 * `uid`/`gid` run it as another user (the caller makes the dirs and `installDir`
 * readable and writable for that user: see installReadableBy).
 */
export async function startCodeServer({
  folder,
  extensionsDir,
  userDataDir,
  port,
  host = '127.0.0.1',
  settings = {},
  env = {},
  uid,
  gid,
  installDir = defaultInstallDir(),
  stdio = 'pipe',
  timeoutMs = 60_000,
} = {}) {
  if (!extensionsDir || !userDataDir) throw new Error('startCodeServer needs extensionsDir and userDataDir');
  const entry = entryPath(installDir);
  if (!existsSync(entry))
    throw new Error(`code-server is not installed in ${installDir}: call ensureCodeServer() first`);
  mkdirSync(extensionsDir, { recursive: true });
  writeSettings(userDataDir, settings);
  if (uid !== undefined) {
    chownTree(userDataDir, uid, gid ?? uid);
    chownTree(extensionsDir, uid, gid ?? uid);
  }

  for (let attempt = 1; ; attempt++) {
    const chosen = port ?? (await freePort(host));
    const args = [
      entry,
      '--auth',
      'none',
      '--bind-addr',
      `${host}:${chosen}`,
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userDataDir,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      ...(folder ? [folder] : []),
    ];
    // The config file would otherwise be created in ~/.config/code-server.
    const childEnv = cleanEnv({ CODE_SERVER_CONFIG: join(userDataDir, 'code-server.yaml'), ...env });
    const child = spawn(process.execPath, args, {
      detached: true,
      stdio: ['ignore', stdio, stdio],
      env: childEnv,
      uid,
      gid: uid === undefined ? undefined : (gid ?? uid),
    });
    const lines = [];
    const keep = (chunk) => {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(l);
      if (lines.length > 200) lines.splice(0, lines.length - 200);
    };
    // Decoded as a stream, so a character split between two chunks stays whole.
    child.stdout?.setEncoding('utf8').on('data', keep);
    child.stderr?.setEncoding('utf8').on('data', keep);
    let exitInfo;
    const exited = new Promise((r) => {
      child.on('exit', (code, signal) => {
        exitInfo = signal ?? `exit ${code}`;
        r();
      });
      child.on('error', (e) => {
        exitInfo = e.message;
        r();
      });
    });
    if (child.pid) track(child.pid);
    const url = `http://${host}:${chosen}/`;
    const output = () => lines.join('\n');
    const server = {
      url,
      port: chosen,
      pid: child.pid,
      output,
      exited,
      stop: () => (child.pid ? stopGroup(child.pid, exited) : Promise.resolve()),
    };

    const deadline = Date.now() + timeoutMs;
    let ready = false;
    while (!exitInfo && Date.now() < deadline) {
      if (await httpAnswers(url)) {
        ready = true;
        break;
      }
      await sleep(100);
    }
    if (ready && !exitInfo) return server;
    await server.stop().catch(() => {});
    if (exitInfo && port === undefined && attempt < 3 && /EADDRINUSE/.test(output())) continue;
    throw new Error(
      `code-server did not answer on ${url} ${exitInfo ? `(it ended: ${exitInfo})` : `within ${timeoutMs / 1000} s`}` +
        (stdio === 'pipe' ? `\nits last output:\n${lines.slice(-30).join('\n')}` : ''),
    );
  }
}

/** Installs one .vsix or several (in one run of code-server's CLI) into the given dirs. */
export function installVsix(vsixPath, { extensionsDir, userDataDir, installDir = defaultInstallDir(), env = {} }) {
  mkdirSync(extensionsDir, { recursive: true });
  mkdirSync(userDataDir, { recursive: true });
  const r = spawnSync(
    process.execPath,
    [
      entryPath(installDir),
      '--extensions-dir',
      extensionsDir,
      '--user-data-dir',
      userDataDir,
      '--force',
      ...[vsixPath].flat().flatMap((p) => ['--install-extension', resolve(p)]),
    ],
    {
      env: cleanEnv({ CODE_SERVER_CONFIG: join(userDataDir, 'code-server.yaml'), ...env }),
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0 || (out.match(/successfully installed/gi) ?? []).length < [vsixPath].flat().length) {
    throw new Error(
      `installing ${vsixPath} into code-server failed ` +
        `(${r.error?.message ?? r.signal ?? `exit ${r.status}`}):\n${out.trim()}`,
    );
  }
  return out;
}

/**
 * The workbench URL for a folder. code-server has no --extensionDevelopmentPath flag, but
 * its web workbench takes VS Code's `payload` query (what "Run Extension" opens), with the
 * path as a vscode-remote URI on the same authority as the page.
 */
export function workbenchUrl(serverUrl, { folder, extensionDevelopmentPath } = {}) {
  const u = new URL(serverUrl);
  if (folder) u.searchParams.set('folder', resolve(folder));
  if (extensionDevelopmentPath) {
    const dev = `vscode-remote://${u.host}${pathToFileURL(resolve(extensionDevelopmentPath)).pathname}`;
    u.searchParams.set('payload', JSON.stringify([['extensionDevelopmentPath', dev]]));
  }
  return u.toString();
}

async function openCommand(argv) {
  let folder = REPO;
  let port;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--port') port = Number(argv[++i]);
    else if (argv[i].startsWith('--port=')) port = Number(argv[i].slice(7));
    else folder = resolve(argv[i]);
  }
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536))
    throw new Error('--port needs a TCP port number');
  await ensureCodeServer();
  const main = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).main;
  if (main && !existsSync(join(REPO, main)))
    log(`${main} does not exist yet: run \`npm run build\` (this command builds nothing), then reload the window`);
  const state = join(cacheRoot(), 'open');
  const server = await startCodeServer({
    folder,
    port,
    extensionsDir: join(state, 'extensions'),
    userDataDir: join(state, 'user-data'),
    stdio: 'inherit',
  });
  const url = workbenchUrl(server.url, { folder, extensionDevelopmentPath: REPO });
  process.stdout.write(
    `\nNamespace Explorer (development build from ${REPO}) in VS Code ${VSCODE_VERSION}:\n\n  ${url}\n\n` +
      `Open it in a browser (forward port ${server.port} when remote). ` +
      `After \`npm run build\`, run "Developer: Reload Window". Ctrl-C stops it.\n\n`,
  );
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await server.stop().catch((e) => log(e.message));
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  process.once('SIGHUP', stop);
  await server.exited;
  if (stopping) return;
  log('code-server ended by itself');
  process.exit(1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const [cmd, ...rest] = process.argv.slice(2);
  try {
    if (cmd === 'install') {
      const dir = await ensureCodeServer();
      log(`code-server ${CODE_SERVER_VERSION} is ready: ${entryPath(dir)}`);
    } else if (cmd === 'open') {
      await openCommand(rest);
    } else if (cmd === 'check' && rest.every((a) => a === '--browser')) {
      const problem = prerequisitesProblem({ browser: rest.includes('--browser') });
      if (problem) {
        process.stderr.write(`${problem}\n`);
        process.exit(1);
      }
    } else {
      process.stderr.write(
        'usage: node scripts/code-server.mjs install\n' +
          '       node scripts/code-server.mjs open [FOLDER] [--port N]\n' +
          '       node scripts/code-server.mjs check [--browser]\n',
      );
      process.exit(2);
    }
  } catch (e) {
    log(e.message);
    process.exit(1);
  }
}
