/** `1 process`, `3 processes`: counts in the words the CLI and the sidebar print. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
