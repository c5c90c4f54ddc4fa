/**
 * needs(): a test whose programs are missing is skipped with the packages and the command
 * that installs them. The lookup runs on a fixture tree: a program is there only as an
 * executable regular file, as a hidden one (a bind mount of /dev/null, here a symlink to
 * it) or an unexecutable one is not.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { installCommand, isPresent, PACKAGES } from '../../scripts/debian-packages.cjs';
import { needs } from '../integration/helpers';

const ROOT = process.getuid?.() === 0;
const SUDO = ROOT ? '' : 'sudo ';

/** A fixture tree: FILES are written (mode 0755 unless given), LINKS point where they say. */
function tree(t: TestContext, files: Record<string, number>, links: Record<string, string> = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'nsx-needs-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  for (const [file, mode] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), '#!/bin/sh\n');
    chmodSync(path.join(root, file), mode);
  }
  for (const [link, target] of Object.entries(links)) {
    mkdirSync(path.dirname(path.join(root, link)), { recursive: true });
    symlinkSync(target, path.join(root, link));
  }
  return root;
}

test('every tool the tests may name belongs to exactly one package, and no package is listed twice', () => {
  const names = PACKAGES.map((p) => p.name);
  assert.deepEqual(names, [...new Set(names)]);
  const tools = PACKAGES.flatMap((p) => p.provides);
  assert.deepEqual(tools, [...new Set(tools)]);
  for (const p of PACKAGES) assert.ok(p.for.length > 0, `${p.name} says what needs it`);
});

test('a program is there as an executable regular file on PATH or in a system directory; a file by its absolute path', (t) => {
  const root = tree(t, {
    '/usr/bin/ping': 0o755,
    '/usr/sbin/runuser': 0o755,
    '/opt/tools/lsns': 0o755,
    '/usr/include/gssapi/gssapi.h': 0o644,
  });
  assert.ok(isPresent('ping', { root, searchPath: '/usr/bin' }));
  assert.ok(isPresent('runuser', { root, searchPath: '/usr/bin' }), "an ordinary user's PATH lacks /usr/sbin");
  assert.ok(isPresent('lsns', { root, searchPath: '/usr/bin:/opt/tools' }), 'anywhere on PATH');
  assert.ok(!isPresent('lsns', { root, searchPath: '/usr/bin' }));
  assert.ok(isPresent('/usr/include/gssapi/gssapi.h', { root, searchPath: '' }), 'a header need not be executable');
});

test("a device, a directory or an unexecutable file in a program's place does not count", (t) => {
  const root = tree(
    t,
    { '/usr/bin/ss': 0o644, '/usr/bin/ip/x': 0o644 },
    { '/usr/bin/pkexec': '/dev/null', '/usr/lib/polkit-1/polkitd': '/dev/null' },
  );
  for (const tool of ['pkexec', 'ss', 'ip', '/usr/lib/polkit-1/polkitd'])
    assert.ok(!isPresent(tool, { root, searchPath: '/usr/bin' }), tool);
});

test('needs: false when everything is there; otherwise one line naming each missing tool, its package and the apt-get command', (t) => {
  const root = tree(t, { '/usr/bin/unshare': 0o755, '/usr/bin/dbus-send': 0o755 }, { '/usr/bin/pkexec': '/dev/null' });
  const lookup = { root, searchPath: '/usr/bin' };
  assert.equal(needs({ tools: ['unshare', 'dbus-send'] }, lookup), false);
  assert.equal(
    needs({ tools: ['unshare', 'pkexec', 'ping'] }, lookup),
    `needs pkexec (pkexec), ping (iputils-ping), which are not installed: ${SUDO}apt-get install -y ` +
      `--no-install-recommends pkexec iputils-ping`,
  );
  assert.equal(
    needs({ tools: ['pkcheck', '/usr/lib/polkit-1/polkitd', 'dbus-daemon'] }, lookup),
    `needs pkcheck (polkitd), polkitd (polkitd), dbus-daemon (dbus), which are not ` +
      `installed: ${SUDO}apt-get install -y --no-install-recommends polkitd dbus`,
    'one package named once',
  );
});

test('needs: root and missing tools are both said, root first', (t) => {
  const root = tree(t, {});
  const skip = needs({ root: 'makes namespaces', tools: ['ping'] }, { root, searchPath: '/usr/bin' });
  const missing =
    `needs ping (iputils-ping), which is not installed: ${SUDO}apt-get install -y ` +
    `--no-install-recommends iputils-ping`;
  assert.equal(skip, ROOT ? missing : `needs root: makes namespaces (run the tests as root); ${missing}`);
  assert.equal(
    needs({ root: 'makes namespaces' }),
    ROOT ? false : 'needs root: makes namespaces (run the tests as root)',
  );
});

test('needs refuses a tool the package list does not name, so that the list stays complete', () => {
  assert.throws(
    () => needs({ tools: ['frobnicate'] }),
    /frobnicate is not in the package list of scripts\/debian-packages\.cjs/,
  );
});

test('installCommand: sudo for an ordinary user, none for root', () => {
  assert.equal(
    installCommand(['pkexec', 'dbus'], { asRoot: false }),
    'sudo apt-get install -y --no-install-recommends pkexec dbus',
  );
  assert.equal(installCommand(['pkexec'], { asRoot: true }), 'apt-get install -y --no-install-recommends pkexec');
});
