/**
 * Text from the system (paths, process names, command lines, messages of tools) made safe
 * to show. Any user can put control characters there: a process name keeps ESC and BEL
 * (prctl(PR_SET_NAME)), and the kernel escapes only space, tab, newline and backslash in
 * mountinfo. Written raw, an ESC sequence would recolour or retitle a terminal, a newline
 * would forge a line or a table row, and XML may not carry most of them at all.
 *
 * The form is that of `ls -b`: a control character as its octal code, `\033`, the way
 * mountinfo writes it, and a backslash doubled, `\\`, so that a real newline (`\012`) and
 * a name spelt backslash-0-1-2 (`\\012`) read differently. Every text from the system goes
 * through printable() exactly once, where it is placed into what is shown: a second pass
 * would double the backslashes of the first.
 */

const BROKEN_UTF16 = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g;

// eslint-disable-next-line no-control-regex -- control characters are what printable() writes out
const CONTROL_OR_BACKSLASH = /[\\\u0000-\u001f\u007f-\u009f]/g;
// eslint-disable-next-line no-control-regex -- the same, except the line break and the backslash
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g;

const octal = (c: string) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0');

/**
 * Control characters (C0, DEL and C1) as `\012`, a backslash as `\\`; lone surrogates
 * and non-characters become U+FFFD.
 */
export function printable(text: string): string {
  return text.replace(CONTROL_OR_BACKSLASH, (c) => (c === '\\' ? '\\\\' : octal(c))).replace(BROKEN_UTF16, '\ufffd');
}

/**
 * For text already made of printable() pieces and fixed words (a rendered table, a
 * drawing's labels): any control character still in it is written out, except the line
 * breaks between lines; backslashes are left alone, being the escapes' own. A safety net
 * at an output boundary, never a substitute for printable() on the pieces.
 */
export function withoutControls(text: string): string {
  return text.replace(CONTROL_BUT_NEWLINE, octal);
}

/**
 * JSON text that a terminal shows as it is: JSON.stringify escapes C0 controls but leaves
 * DEL and the C1 controls (U+009B is CSI to a terminal) raw. They can only be inside
 * strings, where `\u009b` means the same character: the value is unchanged.
 */
export function terminalJson(json: string): string {
  return json.replace(/[\u007f-\u009f]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The text printable() was given (but for broken UTF-16, which stays U+FFFD). */
export function fromPrintable(text: string): string {
  return text.replace(/\\(\\|[0-3][0-7]{2})/g, (_, escape: string) =>
    escape === '\\' ? '\\' : String.fromCharCode(parseInt(escape, 8)),
  );
}

/** Printable text for XML content or a quoted attribute. */
export function escapeXml(text: string): string {
  return withoutControls(text).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}
