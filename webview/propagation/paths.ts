/** Paths that wrap where a reader expects: after a slash, never inside a name. */
import { h, type Child } from '../shared/dom';

/** Longer path components may break anywhere: they would not fit on a line anyway. */
const LONG_COMPONENT = 32;

/**
 * A path that wraps only after a slash, its components kept whole: a path broken at a
 * hyphen reads as two names.
 */
export function pathText(path: string): HTMLElement {
  const span = h('span', { class: 'path-text' });
  path.split(/(?<=\/)/).forEach((part, i) => {
    if (i) span.append(h('wbr'));
    span.append([...part].length > LONG_COMPONENT ? part : h('span', { class: 'component' }, part));
  });
  return span;
}

/** TEXT with every word that is a path (`/…`, maybe in brackets or before a comma) made a pathText. */
export function withPaths(text: string): Child[] {
  return text.split(/(\s+)/).map((word) => {
    const m = /^(\(?)(\/.*?)([),.;:]*)$/.exec(word);
    return m ? h('span', {}, m[1], pathText(m[2]), m[3]) : word;
  });
}
