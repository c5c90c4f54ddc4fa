/** The host's words as sentences. */
export const capital = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
export const sentence = (text: string) => capital(text) + (/[.!?]$/.test(text) ? '' : '.');
