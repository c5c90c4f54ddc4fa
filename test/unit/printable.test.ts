/** printable.ts: control characters in mount data shown, never acted on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeXml, printable } from '../../src/core/printable';

test('printable: control characters as mountinfo writes them, lone surrogates replaced', () => {
  assert.equal(printable('/a\nb\tc\u007f'), '/a\\012b\\011c\\177');
  assert.equal(printable('/x\u0000'), '/x\\000');
  assert.equal(printable('/ok/ünï/😀'), '/ok/ünï/😀');
  assert.equal(printable('/bad\ud800/x\udc00'), '/bad\ufffd/x\ufffd');
});

test('printable: ESC, BEL and the C1 controls (a terminal takes U+009B for CSI) are written out too', () => {
  assert.equal(printable('/a\u001b[31mred\u0007'), '/a\\033[31mred\\007');
  assert.equal(printable('/a\u009b31m\u0085\u0080'), '/a\\23331m\\205\\200');
  assert.equal(printable('/\u00a0\u00ff'), '/\u00a0\u00ff', 'Latin-1 letters from U+00A0 on stay');
});

test('escapeXml: markup characters and quotes become entities', () => {
  assert.equal(escapeXml(`<a href="x">&'</a>`), '&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
});
