// One build script for every bundle. koffi's native module cannot be bundled: only the
// builds for the platforms we ship are copied beside the bundle, and the others stay
// unresolved requires that koffi never reaches on those platforms.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const SHIPPED_KOFFI = ['linux_x64', 'linux_arm64'];
const outdir = 'dist';
const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

/** Rewrites koffi's `require("./build/koffi/<triplet>/koffi.node")` to a copy in dist/. */
const koffiNative = {
  name: 'koffi-native',
  setup(build) {
    build.onResolve({ filter: /koffi\.node$/ }, (args) => {
      const triplet = args.path.split('/').at(-2);
      if (!SHIPPED_KOFFI.includes(triplet)) return { path: args.path, external: true };
      const from = join(args.resolveDir, args.path);
      const rel = `koffi/${triplet}/koffi.node`;
      mkdirSync(dirname(join(outdir, rel)), { recursive: true });
      copyFileSync(from, join(outdir, rel));
      return { path: `./${rel}`, external: true };
    });
  },
};

/**
 * koffi's loader requires crypto, https and zlib for the download tools of its installer,
 * which never run from a bundle; loading those modules would add ~10 ms to every start.
 */
const koffiInstallerModules = {
  name: 'koffi-installer-modules',
  setup(build) {
    build.onResolve({ filter: /^(crypto|https|zlib)$/ }, (args) =>
      args.importer.includes('node_modules/koffi/') ? { path: args.path, namespace: 'unused-by-bundle' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'unused-by-bundle' }, () => ({
      contents: 'module.exports = {};',
      loader: 'js',
    }));
  },
};

rmSync(outdir, { recursive: true, force: true });
await esbuild.build({
  entryPoints: {
    cli: 'src/cli/main.ts',
    extension: 'src/extension.ts',
    'discovery.worker': 'src/core/discovery/discovery.worker.ts',
    'scan.worker': 'src/core/discovery/scan.worker.ts',
    'mountinfo.worker': 'src/core/mounts/mountinfo.worker.ts',
    'details.worker': 'src/core/details/details.worker.ts',
    'fdPoller.worker': 'src/core/linux/fdPoller.worker.ts',
  },
  external: ['vscode'],
  outdir,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'linked',
  // Harmless in the other bundles, needed by `nsx` run as a program.
  banner: { js: '#!/usr/bin/env node' },
  define: { NSX_VERSION: JSON.stringify(version) },
  plugins: [koffiNative, koffiInstallerModules],
  logLevel: 'warning',
});
chmodSync(join(outdir, 'cli.js'), 0o755);

// The webview panels: browser bundles (with their CSS) in dist/webview, the only place
// their pages may load from. vscode-icon needs codicons' stylesheet, which names its font
// by a path relative to itself.
const webviewDir = join(outdir, 'webview');
await esbuild.build({
  entryPoints: {
    propagation: 'webview/propagation/main.ts',
    details: 'webview/details/main.ts',
    network: 'webview/network/main.ts',
  },
  outdir: webviewDir,
  bundle: true,
  platform: 'browser',
  target: 'chrome120',
  format: 'iife',
  minify: true,
  sourcemap: 'linked',
  logLevel: 'warning',
});
for (const file of ['codicon.css', 'codicon.ttf'])
  copyFileSync(join('node_modules/@vscode/codicons/dist', file), join(webviewDir, file));
// The Details panel's tab icon: a tab draws it as an image, where currentColor is black.
const info = readFileSync('node_modules/@vscode/codicons/src/icons/info.svg', 'utf8');
for (const [theme, colour] of [
  ['light', '#424242'],
  ['dark', '#c5c5c5'],
])
  writeFileSync(join(webviewDir, `details-${theme}.svg`), info.replace('fill="currentColor"', `fill="${colour}"`));
