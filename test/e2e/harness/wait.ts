/** Bounded waits on conditions, and the small text helpers of failure messages. */
import type { Page } from 'playwright-core';

/** Upper bound of every single wait: generous for a loaded CI machine, still finite. */
export const TIMEOUT = 60_000;

/** Polls until check() is true; the message says what never happened. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeout = TIMEOUT): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout / 1000} s waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Waits until VALUE() differs from what it was before ACT() ran, for at most TIMEOUT ms;
 * false when it did not change (a key that moved nothing, at the end of a list).
 */
export async function changesAfter<T>(
  value: () => Promise<T>,
  act: () => Promise<void>,
  timeout = 1000,
): Promise<boolean> {
  const before = JSON.stringify(await value());
  await act();
  return waitUntil('it changes', async () => JSON.stringify(await value()) !== before, timeout).then(
    () => true,
    () => false,
  );
}

/**
 * Resolves once the page has drawn two more frames: what it was handed before (an event
 * from the server, a class change) has been laid out and painted by then.
 */
export async function framesDrawn(page: Page): Promise<void> {
  // A string: tsx would wrap a function's named parts in a __name() the page lacks.
  await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
}

/** How long since STARTED (a performance.now()), for the timings the tests print. */
export const ms = (started: number): string => `${Math.round(performance.now() - started)} ms`;

/** A list for a failure message: at most 25 entries, each at most 100 characters. */
export function summarise(items: string[]): string {
  const shown = items.slice(0, 25).map((i) => (i.length > 100 ? `${i.slice(0, 99)}…` : i));
  return JSON.stringify(shown) + (items.length > 25 ? ` and ${items.length - 25} more` : '');
}

export function firstLines(s: string, n: number): string {
  const lines = s.split('\n');
  return lines.length > n ? [...lines.slice(0, n), `… (${lines.length - n} more lines)`].join('\n') : s;
}

export const lastLines = (s: string, n: number): string => s.split('\n').slice(-n).join('\n');

export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
