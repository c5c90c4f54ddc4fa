/**
 * Which shell a terminal gets inside a mount namespace (the user's, else
 * bash, else sh), and what nsx says when a session ends.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { chooseShell, sessionOutcome } from '../../src/core/terminals/session';

/** A root directory holding executables at `shells` (and, for contrast, a non-executable zsh). */
function fakeRoot(t: { after: (fn: () => void) => void }, shells: string[]): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'nsx-root-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const shell of shells) {
    mkdirSync(path.dirname(root + shell), { recursive: true });
    writeFileSync(root + shell, '#!/bin/sh\n');
    chmodSync(root + shell, 0o755);
  }
  return root;
}

test("the user's own shell when the target root has it", (t) => {
  const root = fakeRoot(t, ['/usr/bin/zsh', '/bin/bash', '/bin/sh']);
  assert.equal(chooseShell('/usr/bin/zsh', root), '/usr/bin/zsh');
});

test("bash when the target root lacks the user's shell, sh when it lacks bash too", (t) => {
  assert.equal(chooseShell('/usr/bin/zsh', fakeRoot(t, ['/bin/bash', '/bin/sh'])), '/bin/bash');
  assert.equal(chooseShell('/usr/bin/zsh', fakeRoot(t, ['/bin/sh'])), '/bin/sh');
});

test('a shell that exists but cannot be executed is passed over', (t) => {
  const root = fakeRoot(t, ['/bin/sh']);
  mkdirSync(path.join(root, 'usr/bin'), { recursive: true });
  writeFileSync(path.join(root, 'usr/bin/fish'), '');
  chmodSync(path.join(root, 'usr/bin/fish'), 0o644);
  assert.equal(chooseShell('/usr/bin/fish', root), '/bin/sh');
});

test('a relative login shell from passwd is never run', (t) => {
  assert.equal(chooseShell('zsh', fakeRoot(t, ['/bin/bash', '/bin/sh'])), '/bin/bash');
});

test('an account whose login shell refuses logins (nologin, false) still gets bash or sh', (t) => {
  const root = fakeRoot(t, ['/usr/sbin/nologin', '/bin/false', '/bin/bash', '/bin/sh']);
  assert.equal(chooseShell('/usr/sbin/nologin', root), '/bin/bash');
  assert.equal(chooseShell('/bin/false', root), '/bin/bash');
});

const LEFT = 'net+uts of nginx (1234)';

test('sessionOutcome in a held terminal: a shell killed by a signal is told in one line, and nsx exits 0', () => {
  assert.deepEqual(sessionOutcome({ status: 137, signal: 'SIGKILL', passedOn: null }, LEFT, null, true), {
    status: 0,
    killed: 'the shell was killed (SIGKILL); you have left net+uts of nginx (1234)',
  });
  assert.deepEqual(
    sessionOutcome(
      { status: 143, signal: 'SIGTERM', passedOn: null },
      'new net+uts, hostname box',
      ['sleep', '600'],
      true,
    ),
    {
      status: 0,
      killed: 'the command (sleep) was killed (SIGTERM); you have left new net+uts, hostname box',
    },
  );
});

test('sessionOutcome in a held terminal: a shell that ended by itself, whatever its status, closes it without a word', () => {
  for (const status of [0, 1, 3, 130, 137])
    assert.deepEqual(
      sessionOutcome({ status, signal: null, passedOn: null }, LEFT, null, true),
      { status: 0, killed: null },
      String(status),
    );
});

test("sessionOutcome elsewhere: the command's own status (128 + signal when killed), nothing said", () => {
  assert.deepEqual(sessionOutcome({ status: 137, signal: 'SIGKILL', passedOn: null }, LEFT, null, false), {
    status: 137,
    killed: null,
  });
  assert.deepEqual(sessionOutcome({ status: 3, signal: null, passedOn: null }, LEFT, ['false'], false), {
    status: 3,
    killed: null,
  });
});

test('sessionOutcome in a held terminal that closed: nsx passed the hangup on, and nobody is left to read a word', () => {
  assert.deepEqual(sessionOutcome({ status: 129, signal: 'SIGHUP', passedOn: 'SIGHUP' }, LEFT, null, true), {
    status: 0,
    killed: null,
  });
  assert.deepEqual(sessionOutcome({ status: 137, signal: 'SIGKILL', passedOn: 'SIGHUP' }, LEFT, null, true), {
    status: 0,
    killed: null,
  });
});
