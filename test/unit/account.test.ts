/** src/core/account.ts: the passwd entry a command runs for, and who asked for it under pkexec. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { account, parsePasswdEntry, requestingUid } from '../../src/core/linux/account';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/bash',
  'daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin',
  'alice:x:1000:1000:Alice Liddell,,,:/home/alice:/usr/bin/zsh',
  'bob:x:1001:100:Bob:/home/bob:',
  'nohome:x:1002:1002::::',
  'crlf:x:1003:1003::/home/crlf:/bin/sh\r',
  'alice2:x:1000:1000::/home/alice2:/bin/sh',
  'gid-is-2000:x:7:2000::/:/bin/sh',
  '+:::::::',
  '',
].join('\n');

test('parsePasswdEntry finds the entry of a UID: name, GID, home and shell', () => {
  assert.deepEqual(parsePasswdEntry(PASSWD, 1000), {
    uid: 1000,
    gid: 1000,
    name: 'alice',
    home: '/home/alice',
    shell: '/usr/bin/zsh',
  });
  assert.deepEqual(parsePasswdEntry(PASSWD, 0), { uid: 0, gid: 0, name: 'root', home: '/root', shell: '/bin/bash' });
});

test('parsePasswdEntry: the first entry of a UID wins', () => {
  assert.equal(parsePasswdEntry(PASSWD, 1000)?.name, 'alice');
});

test('parsePasswdEntry: an empty shell is /bin/sh and an empty home is /', () => {
  assert.deepEqual(parsePasswdEntry(PASSWD, 1001), {
    uid: 1001,
    gid: 100,
    name: 'bob',
    home: '/home/bob',
    shell: '/bin/sh',
  });
  assert.deepEqual(parsePasswdEntry(PASSWD, 1002), {
    uid: 1002,
    gid: 1002,
    name: 'nohome',
    home: '/',
    shell: '/bin/sh',
  });
});

test('parsePasswdEntry: a trailing carriage return is not part of the shell', () => {
  assert.equal(parsePasswdEntry(PASSWD, 1003)?.shell, '/bin/sh');
});

test('parsePasswdEntry: matches the UID column only, never the GID column', () => {
  assert.equal(parsePasswdEntry(PASSWD, 2000), null);
  assert.equal(parsePasswdEntry(PASSWD, 7)?.name, 'gid-is-2000');
});

test('parsePasswdEntry: null for a UID not listed, for empty text and for NIS or malformed lines', () => {
  assert.equal(parsePasswdEntry(PASSWD, 4242), null);
  assert.equal(parsePasswdEntry('', 0), null);
  assert.equal(parsePasswdEntry('x:x: 5:5::/:/bin/sh\ny:x:5x:5::/:/bin/sh\nz:x:5:g::/:/bin/sh\n', 5), null);
  assert.equal(parsePasswdEntry('+:::::::', 0), null, 'an empty UID field is not UID 0');
});

test('account falls back to the UID as name, / and /bin/sh when there is no passwd file or no entry', (t) => {
  const dir = fs.mkdtempSync('/tmp/nsx-account-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const missing = path.join(dir, 'nope');
  assert.deepEqual(account(4242, missing), { uid: 4242, gid: 4242, name: '4242', home: '/', shell: '/bin/sh' });
  const file = path.join(dir, 'passwd');
  fs.writeFileSync(file, PASSWD);
  assert.deepEqual(account(1000, file), {
    uid: 1000,
    gid: 1000,
    name: 'alice',
    home: '/home/alice',
    shell: '/usr/bin/zsh',
  });
  assert.equal(account(4242, file).name, '4242');
});

test('requestingUid: PKEXEC_UID when it is a number', () => {
  assert.equal(requestingUid({ PKEXEC_UID: '1000' }), 1000);
  assert.equal(requestingUid({ PKEXEC_UID: '0' }), 0);
});

test("requestingUid: the process's own UID without PKEXEC_UID or when it is not a number", () => {
  const own = process.getuid!();
  for (const env of [
    {},
    { PKEXEC_UID: '' },
    { PKEXEC_UID: 'alice' },
    { PKEXEC_UID: '-1' },
    { PKEXEC_UID: '1000 ' },
    { PKEXEC_UID: '1e3' },
  ]) {
    assert.equal(requestingUid(env), own, JSON.stringify(env));
  }
});
