/**
 * What the e2e tests install: the packaged extension under test and the test-only
 * companion extension (test/e2e/companion) that reports the extension's API state.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';

export const REPO = path.resolve(__dirname, '..', '..', '..');
export const ARTIFACTS = path.join(REPO, 'artifacts', 'e2e');
const COMPANION = path.join(REPO, 'test', 'e2e', 'companion');

/**
 * The .vsix under test: $NSX_VSIX, else the newest namespace-explorer-*.vsix in the repo
 * root. Throws a message that says how to make one.
 */
export function findVsix(): string {
  const fromEnv = process.env.NSX_VSIX;
  if (fromEnv) {
    const p = path.resolve(fromEnv);
    if (!existsSync(p)) throw new Error(`NSX_VSIX=${fromEnv}: no such file`);
    return p;
  }
  const found = readdirSync(REPO)
    .filter((f) => /^namespace-explorer-.*\.vsix$/.test(f))
    .map((f) => path.join(REPO, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (!found.length) {
    throw new Error(
      `no namespace-explorer-*.vsix in ${REPO}: run \`npm run package\` first (or set NSX_VSIX=path/to/extension.vsix)`,
    );
  }
  return found[0];
}

/** Source files newer than the .vsix: the e2e tests would test an old build. */
export function staleAgainst(vsix: string): string[] {
  const built = statSync(vsix).mtimeMs;
  const newer: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (statSync(p).mtimeMs > built) newer.push(path.relative(REPO, p));
    }
  };
  for (const d of ['src', 'webview', 'media']) if (existsSync(path.join(REPO, d))) walk(path.join(REPO, d));
  if (statSync(path.join(REPO, 'package.json')).mtimeMs > built) newer.push('package.json');
  return newer;
}
let companion: string | undefined;

/**
 * The companion extension packed as artifacts/e2e/nsx-e2e-companion.vsix by vsce, once per
 * test process (plain JavaScript: nothing to build).
 */
export function companionVsix(): string {
  if (companion) return companion;
  mkdirSync(ARTIFACTS, { recursive: true });
  const packagePath = path.join(ARTIFACTS, 'nsx-e2e-companion.vsix');
  const vsce = path.join(REPO, 'node_modules', '@vscode', 'vsce', 'vsce');
  const flags = ['--allow-missing-repository', '--skip-license', '--no-dependencies', '--out', packagePath];
  const r = spawnSync(process.execPath, [vsce, 'package', ...flags], { cwd: COMPANION, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`packing ${COMPANION} failed:\n${r.stdout}${r.stderr}`);
  return (companion = packagePath);
}
