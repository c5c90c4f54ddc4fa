/**
 * Runs an async function over a list with at most LIMIT calls under way at once, results in
 * the list's order. Reading a namespace mixes the reading thread's work with programs run
 * inside it (nft…); a few at once keep both busy where one at a time leaves each idle in turn.
 */
export async function inTurns<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
