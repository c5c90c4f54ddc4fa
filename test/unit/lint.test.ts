/**
 * The build's rules, through ESLint itself: the layers' import boundaries of
 * eslint.config.mjs, and local/no-import-cycle (scripts/eslint/noImportCycle.mjs) on
 * files on disk, type-only imports included.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ESLint, Linter } from 'eslint';
import tseslint from 'typescript-eslint';

const REPO = path.resolve(__dirname, '..', '..');
const project = new ESLint({ cwd: REPO });

/** The rules that fail CODE as the file at REL (a path in the repository, which need not exist). */
async function failures(rel: string, code: string): Promise<string[]> {
  const [result] = await project.lintText(code, { filePath: path.join(REPO, rel) });
  return result!.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

const ruleIds = (messages: string[]) => messages.map((m) => m.split(':')[0]);

test('src/core may not import vscode', async () => {
  const got = await failures(
    'src/core/model/probe.ts',
    "import * as vscode from 'vscode';\nexport const v = vscode;\n",
  );
  assert.deepEqual(ruleIds(got), ['no-restricted-imports']);
  assert.match(got[0]!, /no vscode/);
});

test('src/core may not import src/ui, src/cli or src/privilege', async () => {
  for (const from of ['../../ui/x', '../../cli/main', '../../privilege/run']) {
    const got = await failures('src/core/model/probe.ts', `import { x } from '${from}';\nexport const y = x;\n`);
    assert.deepEqual(ruleIds(got), ['no-restricted-imports'], from);
  }
  assert.deepEqual(
    await failures('src/core/model/probe.ts', "import { NS_TYPES } from './nsTypes';\nexport const y = NS_TYPES;\n"),
    [],
    'src/core importing src/core',
  );
});

test('webview/details imports only webview/shared and its own protocol', async () => {
  const lint = (from: string) =>
    failures('webview/details/probe.ts', `import { x } from '${from}';\nexport const y = x;\n`);
  for (const from of [
    '../propagation/x',
    '../../src/core/model/snapshot',
    '../../src/ui/propagation/protocol',
    'vscode',
  ]) {
    assert.deepEqual(ruleIds(await lint(from)), ['no-restricted-imports'], from);
  }
  for (const from of ['../shared/dom', '../../src/ui/details/protocol']) {
    assert.deepEqual(await lint(from), [], from);
  }
});

test('the cycle rule runs on src/: an import that closes a cycle among real modules is named with its path', async () => {
  const got = await failures(
    'src/core/model/nsTypes.ts',
    "import type { Snapshot } from './snapshot';\nexport type Again = Snapshot;\n",
  );
  assert.deepEqual(got, [
    'local/no-import-cycle: Import cycle: src/core/model/nsTypes.ts → src/core/model/snapshot.ts → ' +
      'src/core/model/nsTypes.ts. Move what they share to a module that imports none of them.',
  ]);
});

// ---------------------------------------------------------------------------------------
// local/no-import-cycle on files of its own

/** ESLint with only local/no-import-cycle, over a fresh directory holding FILES. */
async function cycleLinter(
  t: TestContext,
  files: Record<string, string>,
): Promise<(file: string) => Promise<string[]>> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-lint-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  const plugin = (await import(pathToFileURL(path.join(REPO, 'scripts/eslint/noImportCycle.mjs')).href)).default;
  const config: Linter.Config = {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser as Linter.Parser },
    plugins: { local: plugin },
    rules: { 'local/no-import-cycle': 'error' },
  };
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config });
  return async (file) => {
    const [result] = await eslint.lintFiles([path.join(dir, file)]);
    return result!.messages.map((m) => `${m.line}: ${m.message.replace(/\. Move .*/, '')}`);
  };
}

test('a cycle of type-only imports fails at the import that closes it, in each file, with its path', async (t) => {
  const lint = await cycleLinter(t, {
    'a.ts': "import type { B } from './b';\nexport interface A { b: B }\n",
    'b.ts': "import { type A } from './a';\nexport interface B { a: A }\n",
  });
  assert.deepEqual(await lint('a.ts'), ['1: Import cycle: a.ts → b.ts → a.ts']);
  assert.deepEqual(await lint('b.ts'), ['1: Import cycle: b.ts → a.ts → b.ts']);
});

test('export … from, import() and index.ts close cycles too, through any number of modules', async (t) => {
  const lint = await cycleLinter(t, {
    'a.ts': "export { b } from './b';\nexport const a = 1;\n",
    'b.ts': "export const b = () => import('./c');\n",
    'c/index.ts': "export * from '../a';\n",
  });
  assert.deepEqual(await lint('a.ts'), ['1: Import cycle: a.ts → b.ts → c/index.ts → a.ts']);
  assert.deepEqual(await lint('b.ts'), ['1: Import cycle: b.ts → c/index.ts → a.ts → b.ts']);
  assert.deepEqual(await lint('c/index.ts'), ['1: Import cycle: c/index.ts → a.ts → b.ts → c/index.ts']);
});

test('an acyclic pair, a package and a file that is not there pass', async (t) => {
  const lint = await cycleLinter(t, {
    'leaf.ts': "import * as fs from 'node:fs';\nexport type Kind = 'a' | 'b';\nexport const read = fs.readFileSync;\n",
    'user.ts': "import type { Kind } from './leaf';\nimport { gone } from './missing';\nexport const k: Kind = gone;\n",
  });
  assert.deepEqual(await lint('leaf.ts'), []);
  assert.deepEqual(await lint('user.ts'), []);
});

test('a module that imports itself is a cycle of one', async (t) => {
  const lint = await cycleLinter(t, { 'self.ts': "import type { S } from './self';\nexport type S = string | S[];\n" });
  assert.deepEqual(await lint('self.ts'), ['1: Import cycle: self.ts → self.ts']);
});
