/**
 * The engines' own state files, read where the scanning user may: Docker's
 * `containers/ID/config.v2.json` under its data root, Podman's `containers.json` beside
 * the bundles and its events log (pod names). Each reader returns undefined for what it
 * cannot read or parse; the caller says why the name is missing.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface StateEntry {
  name?: string;
  image?: string;
  state?: string;
}

/** Docker: config.v2.json of one container. */
export function dockerConfig(text: string): StateEntry | undefined {
  try {
    const c = JSON.parse(text) as {
      Name?: string;
      Config?: { Image?: string };
      State?: { Running?: boolean; Paused?: boolean; Restarting?: boolean; Dead?: boolean };
    };
    const s = c.State ?? {};
    const state = s.Paused
      ? 'paused'
      : s.Restarting
        ? 'restarting'
        : s.Running
          ? 'running'
          : s.Dead
            ? 'dead'
            : 'exited';
    const entry: StateEntry = { state };
    if (c.Name) entry.name = c.Name.replace(/^\//, '');
    if (c.Config?.Image) entry.image = c.Config.Image;
    return entry;
  } catch {
    return undefined;
  }
}

/** Podman (containers/storage): containers.json, every container by id. */
export function podmanContainers(text: string): Map<string, StateEntry> {
  const byId = new Map<string, StateEntry>();
  try {
    for (const c of JSON.parse(text) as { id: string; names?: string[]; metadata?: string }[]) {
      const entry: StateEntry = {};
      if (c.names?.[0]) entry.name = c.names[0];
      try {
        const image = (JSON.parse(c.metadata ?? '{}') as { 'image-name'?: string })['image-name'];
        if (image) entry.image = image;
      } catch {
        // No image name: the record still names the container.
      }
      byId.set(c.id, entry);
    }
  } catch {
    // Not the file we know: no names from it.
  }
  return byId;
}

/** Podman's events log (events_logger = file): the name each pod was created with, by pod id. */
export function podmanPodNames(text: string): Map<string, string> {
  const names = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.includes('"Type":"pod"')) continue;
    try {
      const e = JSON.parse(line) as { ID?: string; Name?: string; Status?: string };
      if (e.ID && e.Name && e.Status === 'create') names.set(e.ID, e.Name);
    } catch {
      continue;
    }
  }
  return names;
}

/** Podman's bundle is …/overlay-containers/ID/userdata; containers.json sits in …/overlay-containers. */
export function podmanContainersJsonOf(bundle: string): string {
  return path.join(bundle, '..', '..', 'containers.json');
}

/** Podman's tmpdir holds `exits` (conmon's --exit-dir) and `events/events.log`. */
export function podmanEventsLogOf(exitDir: string): string {
  return path.join(exitDir, '..', 'events', 'events.log');
}

/** Reads files once per naming pass; a failure is remembered as its error code. */
export class FileCache {
  private readonly texts = new Map<string, string | { error: string }>();

  read(file: string): string | { error: string } {
    let text = this.texts.get(file);
    if (text === undefined) {
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (err) {
        text = { error: (err as NodeJS.ErrnoException).code ?? String(err) };
      }
      this.texts.set(file, text);
    }
    return text;
  }
}
