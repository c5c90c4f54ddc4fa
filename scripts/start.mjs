/**
 * `npm start` (after the build): a real VS Code with this extension loaded from the
 * working tree. Desktop VS Code when `code` is on PATH; otherwise a local code-server on
 * 127.0.0.1, installed on first use, whose URL is printed.
 */
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');

function onPath(program) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', program], { stdio: 'ignore' }).status === 0;
}

const [command, args] = onPath('code')
  ? ['code', [`--extensionDevelopmentPath=${REPO}`, REPO]]
  : [process.execPath, [join(REPO, 'scripts', 'code-server.mjs'), 'open', REPO]];
const child = spawn(command, args, { stdio: 'inherit' });
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
