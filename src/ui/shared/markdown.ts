/**
 * Markdown for text that came from the system (labels, paths, command lines), in the
 * MarkdownStrings the extension builds and in notifications: anyone can start a process
 * whose arguments close a code fence and open a link or a remote image, which a hover
 * would render. The text is made printable first, so that a newline can end neither a
 * paragraph nor a code block.
 */
import { printable } from '../../core/text/printable';

/**
 * Inline text, shown as it is: every ASCII punctuation character escaped (CommonMark lets
 * any be), so no emphasis, link, image, autolink, HTML or entity can form from it.
 */
export function markdownText(text: string): string {
  return printable(text).replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * A fenced code block of the text, its fence longer than any run of backticks in it, which
 * therefore cannot close it.
 */
export function markdownCode(text: string): string {
  const shown = printable(text);
  const longest = (shown.match(/`+/g) ?? []).reduce((most, run) => Math.max(most, run.length), 0);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}\n${shown}\n${fence}`;
}

/**
 * A notification's message, printable and shown as it is. VS Code finds links in it as
 * `[label](target)` with `](` adjacent (and the target a command:, https: or file: URI):
 * a word joiner (U+2060, invisible) between the two keeps any from forming.
 */
export function noticeText(text: string): string {
  return printable(text).replaceAll('](', ']\u2060(');
}
