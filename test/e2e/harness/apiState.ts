/**
 * The extension's state as its public API reports it (src/api.ts), read from the file the
 * companion extension (test/e2e/companion) rewrites on each change: what the tests ask
 * about the extension's state instead of reading it off the screen.
 */
import { readFileSync } from 'node:fs';
import { TIMEOUT, waitUntil } from './wait';

export interface ApiNamespace {
  ns: number;
  type: string;
  label: string | null;
  nprocs: number;
  /** Its member processes. */
  pids: number[];
}

export interface ApiState {
  /** 1 for the state at the companion's start, one more with each change. */
  seq: number;
  elevated: boolean;
  selection: { ns: number; type: string; label: string } | undefined;
  snapshot: { takenAt: string; uid: number; processes: number; hidden: number; namespaces: ApiNamespace[] } | undefined;
  /** The findings the Findings group shows. */
  findings: { kind: string; severity: string; ns: number; text: string }[];
  /**
   * Milliseconds the companion has spent writing this file, in the extension host's thread:
   * what a measurement of the extension host's CPU subtracts as the test's own.
   */
  writingMs: number;
}

/** The environment variable that names the state file to the companion. */
export const STATE_FILE_VARIABLE = 'NSX_E2E_STATE';

export class ApiStateReader {
  constructor(readonly file: string) {}

  /** The last state written; undefined before the companion has started. */
  read(): ApiState | undefined {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as ApiState;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /**
   * Polls the state until PREDICATE holds and returns that state; on timeout fails saying
   * WHAT it waited for and the last state read.
   */
  async waitForState(predicate: (s: ApiState) => boolean, what: string, timeout = TIMEOUT): Promise<ApiState> {
    let last: ApiState | undefined;
    try {
      await waitUntil(`the API reports that ${what}`, async () => !!(last = this.read()) && predicate(last), timeout);
    } catch (e) {
      throw new Error(`${(e as Error).message}; the last state: ${describe(last)}`, { cause: e });
    }
    return last!;
  }
}

/** The namespace INO in the snapshot, when it is there. */
export const namespaceIn = (state: ApiState, ino: number): ApiNamespace | undefined =>
  state.snapshot?.namespaces.find((n) => n.ns === ino);

/** A state for a failure message: everything but the namespaces beyond the first 20. */
export function describe(state: ApiState | undefined): string {
  if (!state) return '(none: the companion has not written one)';
  const { snapshot, ...rest } = state;
  if (!snapshot) return JSON.stringify({ ...rest, snapshot: null });
  const { namespaces, ...about } = snapshot;
  const shown = namespaces.slice(0, 20).map((n) => `${n.type} ${n.ns}${n.label ? ` (${n.label})` : ''}`);
  const more = namespaces.length > 20 ? ` and ${namespaces.length - 20} more` : '';
  return `${JSON.stringify({ ...rest, snapshot: about })}, namespaces ${shown.join(', ')}${more}`;
}
