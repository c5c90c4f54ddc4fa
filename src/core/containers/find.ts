/**
 * The container a person means by what they typed: its name, its id (in full or a unique
 * prefix of at least 4 hex digits) or the PID of one of its processes. Every way it can
 * fail has its own sentence, in the words `nsx debug` and `nsx enter --container` print.
 */
import type { ContainerRecord, EngineRefusal } from './types';

/** Why a query names no one running container. */
export type QueryFailure = 'none' | 'several' | 'stopped' | 'outside';

export class ContainerQueryError extends Error {
  override name = 'ContainerQueryError';
  constructor(
    message: string,
    readonly reason: QueryFailure,
    /** For `outside`: the PID, which is in no container. */
    readonly pid?: number,
  ) {
    super(message);
  }
}

/** How many existing names a "no match" message lists. */
const NAMES_LISTED = 5;
const MIN_ID_PREFIX = 4;

/** The records of what is most specific first: a pod member's PID means the container, not its pod. */
const KIND_ORDER: Readonly<Record<ContainerRecord['kind'], number>> = { container: 0, pod: 1, sandbox: 2 };

/**
 * The one running container QUERY names. A decimal QUERY that is a PID in no container
 * (and no container's id prefix) fails with reason `outside`, carrying the PID, for the
 * callers that may target any process.
 */
export function findContainer(containers: readonly ContainerRecord[], query: string): ContainerRecord {
  const q = query.trim();
  const match = byName(containers, q) ?? byId(containers, q) ?? byPid(containers, q) ?? byIdPrefix(containers, q);
  if (match === undefined) {
    if (/^[1-9]\d{0,9}$/.test(q)) throw new ContainerQueryError(`PID ${q} is in no container`, 'outside', Number(q));
    throw new ContainerQueryError(noMatch(containers, q), 'none');
  }
  if (match.length > 1) {
    throw new ContainerQueryError(
      `'${q}' matches ${match.length} containers: ${match.map(described).join(', ')}; give its id`,
      'several',
    );
  }
  const [found] = match as [ContainerRecord];
  if (found.pid === null || (found.state !== 'running' && found.state !== 'paused')) {
    throw new ContainerQueryError(`${containerTitle(found)} is not running (${found.state})`, 'stopped');
  }
  return found;
}

/** `dweb (docker)`, `pod pod1 (podman)`: how messages, banners and terminals name a container. */
export function containerTitle(c: Pick<ContainerRecord, 'name' | 'engine' | 'kind'>): string {
  return `${c.kind === 'pod' ? 'pod ' : ''}${c.name} (${c.engine})`;
}

/** What would let the user see more containers: the engines that refused them, and root. */
export function refusalNote(refusals: readonly EngineRefusal[] | undefined): string {
  const hints = (refusals ?? []).map((r) => `${r.engine}'s socket ${r.socket} refused you: ${r.hint}`);
  return hints.length ? `; ${hints.join('; ')}` : '';
}

function byName(containers: readonly ContainerRecord[], q: string): ContainerRecord[] | undefined {
  const named = containers.filter(
    (c) => c.name === q || (c.pod && c.k8sContainer && `${c.pod}/${c.k8sContainer}` === q),
  );
  return named.length ? named : undefined;
}

function byId(containers: readonly ContainerRecord[], q: string): ContainerRecord[] | undefined {
  const found = containers.filter((c) => c.id === q);
  return found.length ? found : undefined;
}

function byPid(containers: readonly ContainerRecord[], q: string): ContainerRecord[] | undefined {
  if (!/^[1-9]\d{0,9}$/.test(q)) return undefined;
  const pid = Number(q);
  const holding = containers.filter((c) => c.pid === pid || c.pids.includes(pid));
  if (!holding.length) return undefined;
  const best = Math.min(...holding.map((c) => KIND_ORDER[c.kind]));
  return holding.filter((c) => KIND_ORDER[c.kind] === best);
}

function byIdPrefix(containers: readonly ContainerRecord[], q: string): ContainerRecord[] | undefined {
  const prefix = q.toLowerCase();
  if (prefix.length < MIN_ID_PREFIX || !/^[0-9a-f]+$/.test(prefix)) return undefined;
  const found = containers.filter((c) => c.id.toLowerCase().startsWith(prefix));
  return found.length ? found : undefined;
}

function noMatch(containers: readonly ContainerRecord[], q: string): string {
  const names = [...new Set(containers.filter((c) => c.kind !== 'sandbox').map((c) => c.name))];
  if (!names.length) return `no container matches '${q}': none was found`;
  const listed = names.slice(0, NAMES_LISTED).join(', ');
  const more = names.length > NAMES_LISTED ? ` and ${names.length - NAMES_LISTED} more` : '';
  return `no container matches '${q}' (there are: ${listed}${more})`;
}

function described(c: ContainerRecord): string {
  return `${c.kind === 'pod' ? 'pod ' : ''}${c.name} (${c.engine}, ${c.id.slice(0, 12)})`;
}
