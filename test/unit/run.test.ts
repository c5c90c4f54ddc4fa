/** What an elevated run collects from pkexec's pipes, with a real child process writing them. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { collectText } from '../../src/privilege/run';

/**
 * Writes 'x' and then TEXT to stdout in slices of 4097 bytes, pausing
 * between them so that each arrives as a chunk of its own.
 */
const WRITER = `
const fs = require('node:fs');
const bytes = Buffer.from('x' + process.argv[1]);
const pause = new Int32Array(new SharedArrayBuffer(4));
for (let at = 0; at < bytes.length; at += 4097) {
  fs.writeSync(1, bytes.subarray(at, at + 4097));
  Atomics.wait(pause, 0, 0, 2);
}`;

test("collectText keeps whole the characters whose bytes a child's output splits across chunks", async () => {
  const text = 'ü'.repeat(60_000);
  const child = spawn(process.execPath, ['-e', WRITER, text], { stdio: ['ignore', 'pipe', 'inherit'] });
  const chunks: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  const collected = collectText(child.stdout);
  await new Promise((resolve) => child.on('close', resolve));

  const splitAt = chunks.slice(0, -1).filter((c) => c.toString('utf8').endsWith('\ufffd')).length;
  assert.ok(splitAt > 0, `premise: some chunk ends in the middle of a character (${chunks.length} chunks)`);
  const out = collected();
  assert.equal(out.length, 1 + text.length);
  assert.equal(out, `x${text}`);
});
