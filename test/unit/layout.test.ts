/**
 * The README's Layout section is the map of the source tree: every folder of the code is
 * on it, and everything it names exists.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';

const REPO = path.resolve(__dirname, '..', '..');
/** Where an entry's name starts at most; further right, a line goes on with the description above it. */
const NAME_COLUMN_MAX = 16;

/** The paths the Layout block names, folders ending in `/`. */
function layoutEntries(readme: string): string[] {
  const section = readme.slice(readme.indexOf('## Layout'));
  const block = section.slice(section.indexOf('```\n') + 4, section.indexOf('\n```', section.indexOf('```\n') + 4));
  const entries: string[] = [];
  const stack: string[] = [];
  for (const line of block.split('\n')) {
    const indent = line.length - line.trimStart().length;
    if (!line.trim() || indent > NAME_COLUMN_MAX) continue;
    const name = line.trim().split(/\s+/)[0]!;
    stack.length = indent / 2;
    entries.push(stack.join('') + name);
    if (name.endsWith('/')) stack.push(name);
  }
  return entries;
}

/** The folders of the code: src, webview, scripts and the e2e harness, all the way down. */
function codeFolders(): string[] {
  const found: string[] = [];
  const walk = (rel: string) => {
    found.push(`${rel}/`);
    for (const entry of fs.readdirSync(path.join(REPO, rel), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(`${rel}/${entry.name}`);
    }
  };
  for (const top of ['src', 'webview', 'scripts', 'test/e2e']) walk(top);
  return found;
}

test("the README's Layout names every folder of the code, and only what exists", () => {
  const entries = layoutEntries(fs.readFileSync(path.join(REPO, 'README.md'), 'utf8'));
  assert.ok(entries.length > 20, `the Layout block was found: ${entries.join(' ')}`);
  const missing = entries.filter((e) => !fs.existsSync(path.join(REPO, e)));
  assert.deepEqual(missing, [], 'named in the Layout but not in the tree');
  const unnamed = codeFolders().filter((f) => !entries.includes(f));
  assert.deepEqual(unnamed, [], 'folders of the code the Layout does not name');
});
