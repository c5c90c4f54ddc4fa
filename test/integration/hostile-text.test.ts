/**
 * Names any user chooses reach root's terminal only as text: a process that renamed itself
 * with ESC and BEL (its /proc/PID/status Name keeps them), a netns bind-mounted at a path
 * with an escape sequence and a newline in it. Every nsx output, stdout and stderr, on
 * success and on error, as root and as an ordinary user, carries no control character but
 * the newlines between its lines. Needs root (a bind mount, and runuser).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CLI, needsRoot, readableCli, run, Scenario } from './helpers';

/** OSC "set the window title", then "clear the screen", then U+009B (CSI to a terminal in UTF-8 mode). */
const NAME = '\u001b]0;x\u0007\u001b[2J\u009b';
const NAME_SHOWN = '\\033]0;x\\007\\033[2J\\233';
const FILE = 'net\u001b]0;owned\u0007\u001b[2J\nline2\u009b1m\\012';
const FILE_SHOWN = 'net\\033]0;owned\\007\\033[2J\\012line2\\2331m\\\\012';

/** A control character other than the newline, after decoding (U+0080–U+009F are C1 controls). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

interface Output {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs nsx (as WHO, when given) and checks that both streams are valid UTF-8 with no control character. */
function nsx(args: string[], opts: { cli?: string; user?: string } = {}): Output {
  const argv = [...(opts.user ? ['runuser', '-u', opts.user, '--'] : []), process.execPath, opts.cli ?? CLI, ...args];
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: '/',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  if (r.error) throw r.error;
  const decode = (bytes: Buffer, stream: string) => {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    const bad = CONTROL.exec(text);
    assert.equal(
      bad,
      null,
      `nsx ${args.join(' ')}: ${stream} holds U+${bad?.[0].charCodeAt(0).toString(16).padStart(4, '0')} ` +
        `at ${bad?.index}: ${JSON.stringify(text.slice(Math.max(0, (bad?.index ?? 0) - 60), (bad?.index ?? 0) + 20))}`,
    );
    return text;
  };
  return { status: r.status, stdout: decode(r.stdout, 'stdout'), stderr: decode(r.stderr, 'stderr') };
}

test(
  'a hostile process name and bind-mount path are written escaped on stdout and stderr, by every command, ' +
    'as root and as a user',
  { skip: needsRoot('bind-mounts a netns and runs nsx as nobody') },
  async (t) => {
    const s = new Scenario(t);
    // A shell in a new net namespace renames itself (comm, hence its status Name), then stays.
    const script = `printf '\\033]0;x\\007\\033[2J\\302\\233' > /proc/$$/comm; echo ready; sleep 600 & wait`;
    const shell = await s.start('unshare', ['--net', 'sh', '-c', script]);
    await s.waitLine(shell, 'ready');
    assert.equal(readFileSync(`/proc/${shell.pid}/comm`, 'utf8'), `${NAME}\n`, 'set-up: the shell renamed itself');

    const dir = mkdtempSync(path.join(tmpdir(), `nsxtest-${process.pid}-`));
    s.defer(`rm -r ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    chmodSync(dir, 0o755);
    const file = path.join(dir, FILE);
    writeFileSync(file, '');
    s.defer('umount the netns bind mount', () => void spawnSync('umount', [file]));
    run('unshare', [`--net=${file}`, 'true']);
    const held = statSync(file).ino;
    const cli = readableCli(s);

    const started = performance.now();
    const entered = nsx(['enter', '--pid', String(shell.pid), '--type', 'net', '--', 'true']);
    assert.equal(entered.status, 0, entered.stderr);
    assert.equal(entered.stderr, `nsx: entering net of ${NAME_SHOWN} (${shell.pid})\n`);

    const throughFile = nsx(['enter', '--ns', String(held), '--', 'true']);
    assert.equal(throughFile.status, 0, throughFile.stderr);
    assert.equal(throughFile.stderr, `nsx: entering net of ${dir}/${FILE_SHOWN}\n`);

    const reused = nsx(['enter', '--pid', String(shell.pid), '--type', 'net', '--start-time', '1', '--', 'true']);
    assert.equal(reused.status, 1);
    assert.equal(
      reused.stderr,
      `nsx: PID ${shell.pid} is now another process: ${NAME_SHOWN} exited and its PID was reused\n`,
    );

    const listed = nsx(['list']);
    assert.equal(listed.status, 0, listed.stderr);
    assert.ok(listed.stdout.includes(`${dir}/${FILE_SHOWN}`), 'HELD-BY names the bind mount, escaped');
    assert.equal(nsx(['list', '--pid', String(shell.pid)]).status, 0);
    // JSON as JSON.stringify writes it, but for U+009B, which it leaves raw: as \u009b.
    const asJson = (text: string) => JSON.stringify(text).slice(1, -1).replace('\u009b', '\\u009b');
    for (const [args, shown] of [
      [['list', '--json'], FILE],
      [['snapshot', '--json'], NAME],
      [['tree', '--process', '--json'], NAME],
      [['mounts', '--json'], FILE],
    ] as const) {
      const r = nsx([...args]);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.ok(r.stdout.includes(asJson(shown)), `${args.join(' ')}: ${JSON.stringify(shown)} as JSON escapes it`);
      assert.equal(
        JSON.stringify(JSON.parse(r.stdout)).includes(JSON.stringify(shown).slice(1, -1)),
        true,
        'the same value',
      );
    }
    for (const args of [
      ['tree'],
      ['tree', '--process'],
      ['mounts'],
      ['show', String(held)],
      ['propagation', '--path', file],
    ]) {
      const r = nsx(args);
      assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    }
    assert.match(
      nsx(['propagation', '--path', file]).stdout,
      new RegExp(`^${escapeRegExp(`${dir}/${FILE_SHOWN}`)} in mnt \\d+`),
    );

    // As an ordinary user the shell is another user's: the error names it.
    const hidden = nsx(['list', '--pid', String(shell.pid)], { cli, user: 'nobody' });
    assert.equal(hidden.status, 1);
    assert.equal(
      hidden.stderr,
      `nsx: cannot read the namespaces of PID ${shell.pid} (${NAME_SHOWN}): it belongs to another user; add ` +
        `--as-root\n`,
    );
    for (const args of [['list'], ['tree', '--process'], ['mounts'], ['propagation', '--path', file]]) {
      const r = nsx(args, { cli, user: 'nobody' });
      assert.equal(r.status, 0, `as nobody, ${args.join(' ')}: ${r.stderr}`);
    }
    t.diagnostic(`20 runs of nsx: ${Math.round(performance.now() - started)} ms`);
  },
);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
