/**
 * Which container a process is the first process of, or lives in: from its parent's
 * command line (the runtime that started it: a containerd shim, conmon, LXC's monitor,
 * systemd-nspawn, bubblewrap) and from its cgroup path. Only the senior process of each
 * namespace is asked, so the cost grows with namespaces, not processes.
 */
import * as path from 'node:path';
import { CgroupPaths } from '../discovery/labels';
import { ProcSource } from '../linux/procfs';
import type { ProcessRecord } from '../model/snapshot';
import { containerInCgroup } from './cgroupIds';
import { RuntimeParent, runtimeParent, shimEngine } from './runtimeArgv';
import type { Engine } from './types';

/** A container as one of its processes shows it, before any name is looked up. */
export interface Sighting {
  engine: Engine;
  id: string;
  /** The process whose parent is the runtime: the container's init. Absent when only its cgroup tells. */
  init?: number;
  /** What the runtime's command line says. */
  runtime?: RuntimeParent;
  /** The runtime's PID (shim, conmon, monitor…). */
  runtimePid?: number;
  /** The OCI bundle directory, where known. */
  bundle?: string;
  /** The pod id its cgroup path names. */
  podId?: string;
}

export class Identifier {
  private readonly seen = new Map<number, Sighting | null>();

  constructor(
    private readonly proc: ProcSource,
    private readonly byPid: Map<number, ProcessRecord>,
    private readonly cgroups = new CgroupPaths(proc),
  ) {}

  /** The container PID belongs to, or null. Read once per PID. */
  of(pid: number): Sighting | null {
    let s = this.seen.get(pid);
    if (s === undefined) this.seen.set(pid, (s = this.identify(pid)));
    return s;
  }

  private identify(pid: number): Sighting | null {
    const cgroup = containerInCgroup(this.cgroups.of(pid));
    const ppid = this.parentOf(pid);
    const argv = ppid && ppid > 1 ? this.read(() => this.proc.argv(ppid)) : null;
    const runtime = argv ? runtimeParent(argv) : null;
    if (runtime && ppid) return this.fromRuntime(pid, ppid, runtime, cgroup?.id, cgroup?.podId);
    if (!cgroup?.engine) return null;
    return { ...cgroup, engine: cgroup.engine };
  }

  private fromRuntime(
    pid: number,
    ppid: number,
    runtime: RuntimeParent,
    cgroupId: string | undefined,
    podId: string | undefined,
  ): Sighting | null {
    const base = { init: pid, runtime, runtimePid: ppid, ...(podId ? { podId } : {}) };
    switch (runtime.runtime) {
      case 'shim': {
        // One shim may serve a whole Kubernetes pod: the shim's id is the sandbox's, the cgroup names each container.
        const id = cgroupId ?? runtime.id;
        const shimBundle = this.read(() => this.proc.cwd(ppid));
        const bundle = shimBundle ? path.join(path.dirname(shimBundle), id) : undefined;
        return { ...base, engine: shimEngine(runtime.namespace), id, ...(bundle ? { bundle } : {}) };
      }
      case 'conmon':
        return {
          ...base,
          engine: runtime.engine,
          id: runtime.id,
          ...(runtime.bundle ? { bundle: runtime.bundle } : {}),
        };
      case 'lxc':
        return { ...base, engine: runtime.engine, id: runtime.name };
      case 'nspawn':
        return { ...base, engine: 'nspawn', id: runtime.name };
      case 'bwrap':
        return { ...base, engine: 'bwrap', id: String(ppid) };
    }
  }

  private parentOf(pid: number): number | null {
    const known = this.byPid.get(pid);
    if (known?.name) return known.ppid;
    return this.read(() => this.proc.status(pid).ppid);
  }

  /** A read of a process that may have exited, or is not ours: null then. */
  private read<T>(fn: () => T): T | null {
    try {
      return fn();
    } catch {
      return null;
    }
  }
}
