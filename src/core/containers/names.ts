/**
 * A container's name, image and pod from what its runtime left behind: the OCI bundle's
 * config.json (annotations; Docker's mounts lead to its state directory), the engines'
 * state files, and the runtime's command line. Nothing is asked of an engine here (see
 * engineApi.ts), and nothing is guessed: what cannot be read is said, with the reason.
 */
import * as path from 'node:path';
import { ProcSource } from '../linux/procfs';
import { Annotated, bundleAnnotations, fromAnnotations } from './annotations';
import {
  dockerConfig,
  FileCache,
  podmanContainers,
  podmanContainersJsonOf,
  podmanEventsLogOf,
  podmanPodNames,
} from './engineState';
import type { Sighting } from './identify';
import type { Engine, NameSource } from './types';

export interface Named extends Annotated {
  /** Flatpak's sandboxes are found through bubblewrap: the engine a bwrap sighting turned out to be. */
  engine?: Engine;
  id?: string;
  state?: string;
  podId?: string;
  nameSource?: NameSource;
  /** Why there is no name. */
  unnamed?: string;
}

const HEX64 = /^[0-9a-f]{64}$/;

export class NameReader {
  constructor(
    private readonly proc: ProcSource,
    private readonly files = new FileCache(),
  ) {}

  read(s: Sighting): Named {
    switch (s.engine) {
      case 'docker':
        return this.docker(s);
      case 'podman':
        return this.podman(s);
      case 'containerd':
      case 'cri-o':
        return this.kubernetesOrPlain(s);
      case 'bwrap':
        return this.bubblewrap(s);
      default:
        // LXC, Incus, LXD and systemd-nspawn run a container under its name.
        return s.runtime ? { name: s.id, nameSource: 'argv' } : { name: s.id, nameSource: 'cgroup' };
    }
  }

  private bundleConfig(s: Sighting): { text: string } | { error: string } {
    if (!s.bundle) return { error: `its runtime's working directory (the bundle) could not be read` };
    const text = this.files.read(this.onHost(s, path.join(s.bundle, 'config.json')));
    return typeof text === 'string' ? { text } : { error: `${s.bundle}/config.json: ${text.error}` };
  }

  /**
   * Docker mounts /etc/hostname from a container's state directory: this one's, or with
   * `--network container:X`, X's. Either way its parent is where every container's is.
   */
  private docker(s: Sighting): Named {
    const config = this.bundleConfig(s);
    if ('error' in config) return { unnamed: `Docker's state could not be read (${config.error})` };
    const stateDir = hostnameSource(config.text);
    if (!stateDir) return { unnamed: `its bundle names no Docker state directory` };
    const file = path.join(path.dirname(stateDir), s.id, 'config.v2.json');
    const text = this.files.read(this.onHost(s, file));
    if (typeof text !== 'string') return { unnamed: `${file}: ${text.error}` };
    const entry = dockerConfig(text);
    return entry?.name ? { ...entry, nameSource: 'state' } : { unnamed: `${file} names no container` };
  }

  private podman(s: Sighting): Named {
    const named: Named = {};
    if (s.runtime?.runtime === 'conmon' && s.runtime.name)
      Object.assign(named, { name: s.runtime.name, nameSource: 'argv' });
    if (s.bundle) {
      const entry = this.state(s, podmanContainersJsonOf(s.bundle), podmanContainers).get(s.id);
      if (entry?.image) named.image = entry.image;
      if (entry?.name && !named.name) Object.assign(named, { name: entry.name, nameSource: 'state' });
      const config = this.bundleConfig(s);
      if ('text' in config) {
        const sandboxId = fromAnnotations(bundleAnnotations(config.text)).sandboxId;
        if (sandboxId) named.sandboxId = sandboxId;
      }
    }
    // A pod's infra container is named after the pod's short id.
    const infra = named.name && /^([0-9a-f]{12})-infra$/.exec(named.name);
    if (infra) {
      named.sandbox = true;
      const podId = s.podId ?? infra[1]!;
      named.podId = podId;
      const pod = this.podmanPodName(s, podId);
      if (pod) named.pod = pod;
    }
    if (!named.name) named.unnamed = `neither conmon's command line nor Podman's containers.json names it`;
    return named;
  }

  private podmanPodName(s: Sighting, podId: string): string | undefined {
    const exitDir = s.runtime?.runtime === 'conmon' ? s.runtime.exitDir : undefined;
    if (!exitDir) return undefined;
    const names = this.state(s, podmanEventsLogOf(exitDir), podmanPodNames);
    for (const [id, name] of names) if (id.startsWith(podId)) return name;
    return undefined;
  }

  /**
   * containerd (ctr, nerdctl, Kubernetes) and CRI-O: the annotations; a ctr container's
   * id is the name it was given.
   */
  private kubernetesOrPlain(s: Sighting): Named {
    const config = this.bundleConfig(s);
    const annotated = 'text' in config ? fromAnnotations(bundleAnnotations(config.text)) : {};
    const named: Named = { ...annotated };
    if (annotated.name || annotated.sandbox) {
      named.nameSource = 'annotations';
      if (annotated.sandbox) named.name = annotated.pod ?? s.id.slice(0, 12);
      return named;
    }
    if (s.runtime?.runtime === 'conmon' && s.runtime.name)
      return { ...named, name: s.runtime.name, nameSource: 'argv' };
    if (!HEX64.test(s.id)) return { ...named, name: s.id, nameSource: 'argv' };
    const why = 'error' in config ? config.error : 'its bundle has no name annotation';
    return { ...named, unnamed: `containerd keeps names in its own database; ${why}` };
  }

  /** Flatpak runs apps in bubblewrap and leaves /.flatpak-info in the sandbox. */
  private bubblewrap(s: Sighting): Named {
    const init = s.init;
    if (init !== undefined) {
      const info = this.files.read(this.proc.pathInMountNs(init, '/.flatpak-info'));
      if (typeof info === 'string') {
        const app = /^\[Application\][^[]*?^name=(.+)$/m.exec(info)?.[1];
        const instance = /^instance-id=(.+)$/m.exec(info)?.[1];
        if (app) return { engine: 'flatpak', id: instance ?? s.id, name: app, nameSource: 'state' };
      }
    }
    return { name: this.programIn(s), nameSource: 'argv' };
  }

  /** What a bwrap sandbox runs: its init, unless that is bwrap's own PID 1, then that one's first child. */
  private programIn(s: Sighting): string {
    const pid = s.init ?? Number(s.id);
    try {
      const name = this.proc.status(pid).name;
      if (name !== 'bwrap') return name;
      const child = this.proc.children(pid)[0];
      return child === undefined ? name : this.proc.status(child).name;
    } catch {
      return `bwrap ${s.id}`;
    }
  }

  /** A state file of the runtime's mount namespace, parsed; unreadable reads as empty. */
  private state<T>(s: Sighting, file: string, parse: (text: string) => T): T {
    const text = this.files.read(this.onHost(s, file));
    return parse(typeof text === 'string' ? text : '');
  }

  /** A path of the runtime's mount namespace, reached through its /proc/PID/root. */
  private onHost(s: Sighting, file: string): string {
    return s.runtimePid ? this.proc.pathInMountNs(s.runtimePid, file) : file;
  }
}

/** The directory of the source of the bundle's /etc/hostname mount. */
export function hostnameSource(configJson: string): string | undefined {
  try {
    const mounts = (JSON.parse(configJson) as { mounts?: { destination?: string; source?: string }[] }).mounts ?? [];
    const source = mounts.find((m) => m.destination === '/etc/hostname')?.source;
    return source ? path.dirname(source) : undefined;
  } catch {
    return undefined;
  }
}
