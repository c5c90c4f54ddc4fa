/** src/privilege/pkexec.ts: the pkexec argv, the environment pkexec accepts, its failures, and sandboxes. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import {
  elevatedArgv,
  manualArgv,
  PKEXEC_MESSAGES,
  pkexecEnv,
  pkexecFailure,
  Runtime,
  sandboxReason,
} from '../../src/privilege/pkexec';
import { findTool } from '../../src/core/linux/tools';

const NO_PKEXEC = !findTool('pkexec') && 'pkexec is not installed in /usr/bin, /usr/sbin, /bin or /sbin';

const NODE: Runtime = { execPath: '/usr/bin/node', electron: false, cli: '/opt/nsx/dist/cli.js' };
const ELECTRON: Runtime = {
  execPath: '/usr/share/code/code',
  electron: true,
  cli: '/home/a/.vscode/extensions/nsx/dist/cli.js',
};

/** What pkexec 0.105–124 prints without a terminal to ask on. */
const NO_AGENT_STDERR =
  'Error creating textual authentication agent: Error opening current controlling terminal for the process ' +
  "(`/dev/tty'): No such device or address\n";

test('pkexecFailure: 126 is a dismissed prompt, whatever stderr says', () => {
  assert.equal(pkexecFailure(126), 'dismissed');
  assert.equal(pkexecFailure(126, NO_AGENT_STDERR), 'dismissed');
});

test('pkexecFailure: 127 with the textual-agent error is no agent', () => {
  assert.equal(pkexecFailure(127, NO_AGENT_STDERR), 'no-agent');
});

test('pkexecFailure: 127 otherwise is not authorised', () => {
  assert.equal(pkexecFailure(127), 'not-authorised');
  assert.equal(
    pkexecFailure(127, 'Error executing command as another user: Not authorized\n\nThis incident has been reported.\n'),
    'not-authorised',
  );
});

test('pkexecFailure: 127 without polkitd on the bus is no polkit', () => {
  assert.equal(
    pkexecFailure(
      127,
      'Error getting authority: Error initializing authority: Could not connect: No such file or directory\n',
    ),
    'no-polkit',
  );
});

test('pkexecFailure: 127 when a system bus runs but no polkitd is on it, nor can be started, is polkit not running', () => {
  const said =
    'Error checking for authorization org.freedesktop.policykit.exec: ' +
    'GDBus.Error:org.freedesktop.DBus.Error.ServiceUnknown: ' +
    'The name org.freedesktop.PolicyKit1 was not provided by any .service files\n';
  assert.equal(pkexecFailure(127, said), 'no-polkit');
});

test("pkexecFailure: 127 that pkexec said on the terminal is polkit not running when polkit's own words say so, whether or not there was a terminal", () => {
  const said = 'Error getting authority: Error initializing authority: Could not connect: Connection refused\n';
  assert.equal(pkexecFailure(127, said, true), 'no-polkit');
  assert.equal(pkexecFailure(127, said, false), 'no-polkit');
  assert.equal(pkexecFailure(127, null, true), 'not-authorised');
  assert.equal(pkexecFailure(127, null, false), 'no-agent');
});

test("pkexecFailure: every other status, success and a signal included, is not pkexec's failure", () => {
  for (const status of [0, 1, 2, 125, 128, 130, 255, null])
    assert.equal(pkexecFailure(status, NO_AGENT_STDERR), null, String(status));
});

test('PKEXEC_MESSAGES has one line for each failure', () => {
  for (const kind of ['dismissed', 'no-polkit', 'no-agent', 'not-authorised'] as const) {
    assert.ok(PKEXEC_MESSAGES[kind].length > 10 && !PKEXEC_MESSAGES[kind].includes('\n'), kind);
  }
});

const SHELLS = ['/bin/sh', '/bin/bash', '/usr/bin/zsh'];

test('pkexecEnv: a SHELL listed in /etc/shells is kept, with the rest of the environment', () => {
  const env = { SHELL: '/usr/bin/zsh', HOME: '/home/a', DISPLAY: ':0' };
  assert.deepEqual(pkexecEnv(env, SHELLS), { SHELL: '/usr/bin/zsh', HOME: '/home/a', DISPLAY: ':0' });
});

test("pkexecEnv: a SHELL not listed becomes /bin/bash, the rest kept and the caller's object untouched", () => {
  const env = { SHELL: '/opt/fish/bin/fish', HOME: '/home/a' };
  assert.deepEqual(pkexecEnv(env, SHELLS), { SHELL: '/bin/bash', HOME: '/home/a' });
  assert.equal(env.SHELL, '/opt/fish/bin/fish');
});

test('pkexecEnv: no SHELL at all gets one too', () => {
  assert.equal(pkexecEnv({ HOME: '/' }, SHELLS).SHELL, '/bin/bash');
});

test('pkexecEnv: without /bin/bash listed, the first listed shell; with none listed, /bin/sh', () => {
  assert.equal(pkexecEnv({ SHELL: '/bin/fish' }, ['/bin/dash', '/bin/sh']).SHELL, '/bin/dash');
  assert.equal(pkexecEnv({ SHELL: '/bin/fish' }, []).SHELL, '/bin/sh');
});

test('pkexecEnv: SHELL must match a listed line exactly', () => {
  assert.equal(pkexecEnv({ SHELL: '/bin/bash/' }, SHELLS).SHELL, '/bin/bash');
  assert.equal(pkexecEnv({ SHELL: 'zsh' }, SHELLS).SHELL, '/bin/bash');
});

function sandboxRoot(t: { after: (fn: () => void) => void }): string {
  const root = fs.mkdtempSync('/tmp/nsx-sandbox-');
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}

function writeSnapYaml(root: string, snap: string, text: string): void {
  fs.mkdirSync(path.join(root, snap, 'meta'), { recursive: true });
  fs.writeFileSync(path.join(root, snap, 'meta', 'snap.yaml'), text);
}

test('sandboxReason: null outside a sandbox', (t) => {
  assert.equal(sandboxReason({}, sandboxRoot(t)), null);
});

test('sandboxReason: a /.flatpak-info file means a Flatpak sandbox', (t) => {
  const root = sandboxRoot(t);
  fs.writeFileSync(path.join(root, '.flatpak-info'), '[Application]\nname=com.visualstudio.code\n');
  assert.match(sandboxReason({}, root) ?? '', /Flatpak sandbox/);
});

test('sandboxReason: a strictly confined snap is a sandbox named after the snap', (t) => {
  const root = sandboxRoot(t);
  writeSnapYaml(root, '/snap/codium/42', 'name: codium\nversion: 1.2\nconfinement: strict\ngrade: stable\n');
  const reason = sandboxReason({ SNAP: '/snap/codium/42', SNAP_NAME: 'codium' }, root);
  assert.match(reason ?? '', /the Snap 'codium'/);
});

test('sandboxReason: a snap whose snap.yaml cannot be read counts as confined', (t) => {
  const root = sandboxRoot(t);
  assert.match(sandboxReason({ SNAP: '/snap/code/7', SNAP_NAME: 'code' }, root) ?? '', /the Snap 'code'/);
});

test("sandboxReason: a classic snap (as VS Code's is) is not a sandbox", (t) => {
  const root = sandboxRoot(t);
  writeSnapYaml(
    root,
    '/snap/code/176',
    'name: code\nversion: 1.100.0\nsummary: Code editing.\nconfinement: classic\ngrade: stable\n',
  );
  assert.equal(sandboxReason({ SNAP: '/snap/code/176', SNAP_NAME: 'code' }, root), null);
});

test('sandboxReason: only the top-level confinement key counts, not "classic" elsewhere in snap.yaml', (t) => {
  const root = sandboxRoot(t);
  writeSnapYaml(
    root,
    '/snap/x/1',
    'name: x\nsummary: not classic at all\n# confinement: classic\n' +
      'layout:\n  /opt:\n    confinement: classic\nconfinement: strict\n',
  );
  assert.match(sandboxReason({ SNAP: '/snap/x/1', SNAP_NAME: 'x' }, root) ?? '', /the Snap 'x'/);
});

test('sandboxReason: SNAP without SNAP_NAME is not taken for a snap', (t) => {
  assert.equal(sandboxReason({ SNAP: '/snap/code/7' }, sandboxRoot(t)), null);
});

test('sandboxReason: Flatpak is reported even with snap variables set', (t) => {
  const root = sandboxRoot(t);
  fs.writeFileSync(path.join(root, '.flatpak-info'), '');
  assert.match(sandboxReason({ SNAP: '/snap/code/7', SNAP_NAME: 'code' }, root) ?? '', /Flatpak/);
});

test(
  'elevatedArgv: an installed helper is run by pkexec as it is, with the arguments; the scan by its own ' +
    'launcher, without',
  { skip: NO_PKEXEC },
  () => {
    const pkexec = findTool('pkexec')!;
    assert.ok(path.isAbsolute(pkexec) && pkexec.endsWith('/pkexec'));
    const installed = { helper: '/x/nsx-helper', scanner: '/x/nsx-scan' };
    assert.deepEqual(elevatedArgv(['snapshot', '--json', '--details'], NODE, installed), [pkexec, '/x/nsx-scan']);
    assert.deepEqual(
      elevatedArgv(['snapshot', '--json'], NODE, installed),
      [pkexec, '/x/nsx-helper', 'snapshot', '--json'],
      'only the exact scan',
    );
    assert.deepEqual(
      elevatedArgv(['list'], ELECTRON, installed),
      [pkexec, '/x/nsx-helper', 'list'],
      'no env prefix before a helper',
    );
  },
);

test('elevatedArgv: without a helper, Node runs cli.js', { skip: NO_PKEXEC }, () => {
  assert.deepEqual(elevatedArgv(['enter', '--pid', '1', '--', 'sh'], NODE, null), [
    findTool('pkexec'),
    '/usr/bin/node',
    '/opt/nsx/dist/cli.js',
    'enter',
    '--pid',
    '1',
    '--',
    'sh',
  ]);
});

test(
  'elevatedArgv: without a helper, Electron runs cli.js through env ELECTRON_RUN_AS_NODE=1',
  { skip: NO_PKEXEC },
  () => {
    const argv = elevatedArgv(['snapshot', '--json'], ELECTRON, null);
    const env = findTool('env');
    assert.ok(env && path.isAbsolute(env), 'env by absolute path');
    assert.deepEqual(argv, [
      findTool('pkexec'),
      env,
      'ELECTRON_RUN_AS_NODE=1',
      ELECTRON.execPath,
      ELECTRON.cli,
      'snapshot',
      '--json',
    ]);
  },
);

test('manualArgv: sudo with the runtime and cli.js; Electron through env ELECTRON_RUN_AS_NODE=1', () => {
  assert.deepEqual(manualArgv(['list', '--as-root'], NODE), [
    'sudo',
    '/usr/bin/node',
    '/opt/nsx/dist/cli.js',
    'list',
    '--as-root',
  ]);
  assert.deepEqual(manualArgv(['snapshot'], ELECTRON), [
    'sudo',
    'env',
    'ELECTRON_RUN_AS_NODE=1',
    ELECTRON.execPath,
    ELECTRON.cli,
    'snapshot',
  ]);
});
