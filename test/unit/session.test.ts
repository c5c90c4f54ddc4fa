/** Which shell a terminal gets inside a mount namespace: the user's, else bash, else sh. */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { chooseShell } from '../../src/core/session';

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

test('the user\'s own shell when the target root has it', (t) => {
  const root = fakeRoot(t, ['/usr/bin/zsh', '/bin/bash', '/bin/sh']);
  assert.equal(chooseShell('/usr/bin/zsh', root), '/usr/bin/zsh');
});

test('bash when the target root lacks the user\'s shell, sh when it lacks bash too', (t) => {
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
