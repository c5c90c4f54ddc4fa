/**
 * markdown.ts and the namespace tooltip: text from the system in a MarkdownString renders as
 * that text, never as a link, an image or HTML, and a command line cannot close its code
 * block. Checked by rendering with markdown-it (CommonMark, with GFM-style autolinks on).
 * noticeText, for notifications, is checked here against the links VS Code finds in them,
 * and in a real notification by test/e2e/terminals.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { printable } from '../../src/core/text/printable';
import { markdownCode, markdownText, noticeText } from '../../src/ui/shared/markdown';
import { namespaceTooltip } from '../../src/ui/namespaces/presentation';
import { TreeModel } from '../../src/ui/namespaces/treeModel';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

// markdown-it comes with @vscode/vsce, the packager.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const MarkdownIt = require('markdown-it') as new (options: { html: boolean; linkify: boolean }) => {
  render(markdown: string): string;
};
const markdown = new MarkdownIt({ html: true, linkify: true });

const HOSTILE = [
  "sh -c '```\n[link](https://evil.example/x)\n![img](https://evil.example/i.png)'",
  'x ``` ```` `````` ![x](https://evil.example/i.png)',
  'a\n\n```\n<img src=https://evil.example/i.png>\n',
  'see https://evil.example or www.evil.example or me@evil.example',
  '<script>alert(1)</script> <https://evil.example> &lt;img&gt; &#60;',
  '[ref]: https://evil.example\n[ref] [x][ref]',
  '~~~\n# heading\n- item\n> quote\n    code\n***bold*** _em_ \\[',
  '`` `a` `` \u001b]0;title\u0007\u009b2J \u2028',
];

/** The text of rendered HTML: tags dropped, the entities markdown-it writes decoded. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');
}

function assertInert(html: string, source: string): void {
  assert.doesNotMatch(
    html,
    /<a[\s>]|<img[\s>]|<script|<h\d|<blockquote|<em>|<strong>|<li>/,
    `markdown constructs from ${JSON.stringify(source)}: ${html}`,
  );
}

test('markdownCode: one code block showing the text, whatever fences, links or HTML it holds', () => {
  for (const text of HOSTILE) {
    const html = markdown.render(markdownCode(text));
    assertInert(html, text);
    assert.equal((html.match(/<pre>/g) ?? []).length, 1, `one code block: ${html}`);
    assert.match(html, /^<pre><code>[^]*<\/code><\/pre>\n$/, 'and nothing outside it');
    assert.equal(textOf(html), printable(text) + '\n\n', 'the text, its line and the block ended');
  }
});

test('markdownCode: the fence is longer than any run of backticks in the text', () => {
  assert.equal(markdownCode('a'), '```\na\n```');
  assert.equal(markdownCode('a ``` b ````` c'), '``````\na ``` b ````` c\n``````');
});

test('markdownText: the text as it is, inline, with no link, image, autolink or HTML', () => {
  for (const text of HOSTILE) {
    const html = markdown.render(`Label — ${markdownText(text)}`);
    assertInert(html, text);
    assert.equal(textOf(html), `<p>Label — ${printable(text)}</p>\n`.replace(/<\/?p>/g, ''));
  }
});

test('property: no text makes markdownText or markdownCode render anything but that text', () => {
  const unit = fc.constantFrom(...'`[]()!<>*_#-+=~|\\:/.&;@ \nhtpsw1x'.split(''));
  fc.assert(
    fc.property(fc.string({ unit, maxLength: 40 }), (text) => {
      const code = markdown.render(markdownCode(text));
      assertInert(code, text);
      assert.equal(textOf(code), printable(text) + '\n\n');
      const inline = markdown.render(`- ${markdownText(text)}`);
      assertInert(inline.replace(/^<ul>\n<li>|<\/li>\n<\/ul>\n$/g, ''), text);
      assert.equal(textOf(inline).trim(), printable(text).trim());
    }),
    { numRuns: 2000 },
  );
});

test('namespaceTooltip: a hostile command line, label, user and bind-mount path render as text', () => {
  const command =
    "sleep 600 '```' '[click](command:workbench.action.terminal.sendSequence)' '![t](https://evil.example/t.png)'";
  const proc = {
    pid: 300,
    ppid: 1,
    uid: 0,
    user: 'root',
    name: 'sleep',
    command,
    nspid: [300],
    ns: { ...HOST, net: 4026532900 },
  };
  const path = '/run/netns/[x](https://evil.example)`\n![i](https://evil.example/i.png)';
  const net = nsRecord(4026532900, 'net', [proc], {
    label: '**bold** <b>x</b> www.evil.example',
    user: '[me](https://evil.example)',
  });
  net.holders.push({ kind: 'bindmount', pid: 300, path, mntns: HOST.mnt });
  const snapshot = snapshotOf([net, nsRecord(HOST.mnt, 'mnt', [], { label: 'host', pid: null })], [proc]);
  const html = markdown.render(namespaceTooltip(net, new TreeModel(snapshot, 'type')));
  assertInert(html.replace(/<strong>net 4026532900<\/strong>|<em>.*?<\/em>|<\/?(ul|li)>/g, ''), 'the tooltip');
  assert.match(
    html,
    /<p><strong>net 4026532900<\/strong> — \*\*bold\*\* &lt;b&gt;x&lt;\/b&gt; www\.evil\.example<\/p>/,
  );
  assert.match(html, /senior: PID 300 \(\[me\]\(https:\/\/evil\.example\)\)/);
  assert.equal((html.match(/<pre><code>/g) ?? []).length, 1);
  assert.match(
    textOf(html),
    /\nsleep 600 '```' '\[click\]\(command:workbench\.action\.terminal\.sendSequence\)' '!\[t\]\(https:\/\/evil\.example\/t\.png\)'\n/,
  );
  assert.ok(textOf(html).includes(`bind mount ${printable(path)}, seen in mnt ${HOST.mnt} (host)`), textOf(html));
});

test("noticeText: a link, command or not, in a notification's text reads the same and links nothing; control characters are written out", () => {
  const hostile = [
    '[Run](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22id%22%7D)',
    'PID 4 ([x](https://evil.example "t")) and [y](file:///etc/passwd)',
    '[[nested]](command:a)](command:b) ]( ](( x',
    'bell\u0007 esc\u001b[2J newline\nforged line \\ backslash',
  ];
  for (const text of hostile) {
    const shown = noticeText(text);
    assert.equal(shown.match(VSCODE_NOTIFICATION_LINK), null, shown);
    assert.doesNotMatch(shown, /\]\(/, 'no `](` left');
    assert.equal(shown.replaceAll('\u2060', ''), printable(text), 'reads as the printable text');
  }
  fc.assert(
    fc.property(
      fc.string({ unit: 'grapheme-ascii' }),
      (text) => noticeText(text).match(VSCODE_NOTIFICATION_LINK) === null,
    ),
    { numRuns: 5000 },
  );
});

/**
 * How VS Code finds links in a notification's message (parseLinkedText in
 * src/vs/base/common/linkedText.ts, as shipped in code-server 4.100.3's workbench.js).
 */
// eslint-disable-next-line no-useless-escape -- VS Code's expression, kept as it is written there
const VSCODE_NOTIFICATION_LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^\)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
