/**
 * Text from mount data (paths, sources, process names) made safe to show. The kernel
 * escapes only space, tab, newline and backslash in mountinfo, so a path can carry any
 * other control character: an ESC sequence would recolour a terminal, a newline would
 * forge a table row, and XML may not carry most of them at all.
 */

/**
 * Control characters (C0, DEL and C1) written the way mountinfo writes them, `\012`, so
 * they show instead of acting; lone surrogates and non-characters become U+FFFD.
 */
export function printable(text: string): string {
  return text
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => '\\' + c.charCodeAt(0).toString(8).padStart(3, '0'))
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]|[\ufffe\uffff]/g, '\ufffd');
}

/** Text for XML content or a quoted attribute. */
export function escapeXml(text: string): string {
  return printable(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
