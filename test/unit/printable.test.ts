/** printable.ts: control characters in text from the system shown, never acted on. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { escapeXml, fromPrintable, printable, terminalJson, withoutControls } from '../../src/core/text/printable';

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

test('printable: a backslash is doubled, so a real newline and a name spelt backslash-0-1-2 differ', () => {
  assert.equal(printable('a\nb'), 'a\\012b');
  assert.equal(printable('a\\012b'), 'a\\\\012b');
  assert.notEqual(printable('a\nb'), printable('a\\012b'));
  assert.equal(printable('C:\\dir'), 'C:\\\\dir');
});

test('property: fromPrintable gives back the text printable() was given, and printable() leaves no control character', () => {
  // Any well-formed text (lone surrogates are replaced, not kept), rich in backslashes, digits and controls.
  const codePoint = fc
    .integer({ min: 0, max: 0x10ffff })
    .filter((c) => c < 0xd800 || c > 0xdfff)
    .map((c) => String.fromCodePoint(c));
  const unit = fc.oneof(fc.constantFrom('\\', '0', '1', '2', '7', '\n', '\u001b', '\u009b', '\u007f'), codePoint);
  fc.assert(
    fc.property(fc.string({ unit }), (text) => {
      const shown = printable(text);
      // eslint-disable-next-line no-control-regex -- control characters are what it looks for
      assert.doesNotMatch(shown, /[\u0000-\u001f\u007f-\u009f]/);
      assert.equal(fromPrintable(shown), text);
    }),
    { numRuns: 1000 },
  );
});

test('withoutControls: control characters written out, line breaks and backslashes kept; printable text passes unchanged', () => {
  assert.equal(withoutControls('a\u001b[2J\nb\\012\u0007'), 'a\\033[2J\nb\\012\\007');
  const shown = printable('x\u001b\\y\n');
  assert.equal(withoutControls(shown), shown);
});

test('terminalJson: DEL and the C1 controls, which JSON.stringify leaves raw, as \\u escapes of the same value', () => {
  const value = { name: 'a\u009b2J\u007f\u001b', ok: 'ünï' };
  const json = terminalJson(JSON.stringify(value));
  // eslint-disable-next-line no-control-regex -- control characters are what it looks for
  assert.doesNotMatch(json, /[\u0000-\u001f\u007f-\u009f]/);
  assert.match(json, /a\\u009b2J\\u007f\\u001b/);
  assert.deepEqual(JSON.parse(json), value);
});

test('escapeXml: text already printable is not escaped a second time', () => {
  assert.equal(escapeXml(printable('/a\\b<\u001b')), '/a\\\\b&lt;\\033');
});
