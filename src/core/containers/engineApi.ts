/**
 * Asking an engine: Docker's API, and Podman's (`podman system service`), over their unix
 * sockets. The sockets are found as lxkns's turtlefinder finds them: from the daemon
 * processes and the unix sockets they listen on (/proc/PID/net/unix, matched with their
 * fds), seen through the daemon's own root, so an engine in a container is found too.
 * A socket that refuses the user is reported with what would let them in.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import { groupName } from '../linux/account';
import { ProcSource } from '../linux/procfs';
import type { ProcessRecord } from '../model/snapshot';
import { keyOf } from './assemble';
import { optionValue } from './runtimeArgv';
import type { ContainerRecord, EngineRefusal } from './types';

export type ApiEngine = 'docker' | 'podman';

/** What an engine's API says of one container. */
export interface ApiContainer {
  engine: ApiEngine;
  id: string;
  name: string;
  image?: string;
  state: string;
  pod?: string;
  podId?: string;
  infra?: boolean;
}

/** An engine's daemon and the sockets it listens on, as this process reaches them. */
export interface EngineSocket {
  engine: ApiEngine;
  pid: number;
  /** The path as the daemon sees it (what a user would type). */
  path: string;
  /** The path through which we reach it. */
  reach: string;
}

const SOCKET_NAME: Record<ApiEngine, RegExp> = { docker: /docker\.sock$/, podman: /podman\.sock$/ };

/** The process names an engine daemon has: only their command lines are read. */
const DAEMON_NAMES = new Set(['dockerd', 'podman']);

/** Which engine daemon a process is: dockerd, or `podman system service`. */
export function engineDaemon(name: string, argv: readonly string[]): ApiEngine | null {
  if (name === 'dockerd') return 'docker';
  if (name === 'podman' && argv.includes('system') && argv.includes('service')) return 'podman';
  return null;
}

/** The listening unix sockets of /proc/PID/net/unix: inode → path. */
export function listeningSockets(netUnix: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of netUnix.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    // Flags 00010000 is __SO_ACCEPTCON: listening. A path starting with @ is abstract.
    if (f.length < 8 || f[3] !== '00010000' || !f[7]!.startsWith('/')) continue;
    out.set(Number(f[6]), f[7]!);
  }
  return out;
}

/** The sockets of each engine daemon among PROCESSES (whose names must be read). */
export function engineSockets(proc: ProcSource, processes: readonly ProcessRecord[]): EngineSocket[] {
  const found: EngineSocket[] = [];
  for (const p of processes) {
    if (!DAEMON_NAMES.has(p.name)) continue;
    let argv: string[];
    try {
      argv = proc.argv(p.pid);
    } catch {
      continue;
    }
    const engine = engineDaemon(p.name, argv);
    if (!engine) continue;
    for (const path of socketPaths(proc, p.pid, engine, argv)) {
      const reach = reachable(proc, p.pid, path);
      if (reach && !found.some((s) => s.reach === reach)) found.push({ engine, pid: p.pid, path, reach });
    }
  }
  return found;
}

/** The daemon's listening sockets tied to it by its fds; where its fds are closed to us, those named for the engine. */
function socketPaths(proc: ProcSource, pid: number, engine: ApiEngine, argv: readonly string[]): string[] {
  let listening: Map<number, string>;
  try {
    listening = listeningSockets(proc.pidFile(pid, 'net/unix'));
  } catch {
    listening = new Map();
  }
  const paths: string[] = [];
  try {
    for (const fd of proc.fds(pid)) {
      const m = /^socket:\[(\d+)\]$/.exec(proc.fdTarget(pid, fd));
      const path = m && listening.get(Number(m[1]));
      if (path) paths.push(path);
    }
  } catch {
    const host = optionValue(argv, ['-H', '--host']);
    if (host?.startsWith('unix://')) paths.push(host.slice('unix://'.length));
    for (const path of listening.values()) if (SOCKET_NAME[engine].test(path)) paths.push(path);
  }
  return [...new Set(paths)].filter((p) => SOCKET_NAME[engine].test(p) || engine === 'docker');
}

/** Through the daemon's root where we may look in it; else as is, when it shares our mount namespace. */
function reachable(proc: ProcSource, pid: number, path: string): string | null {
  const viaRoot = proc.pathInMountNs(pid, path);
  try {
    fs.statSync(viaRoot);
    return viaRoot;
  } catch {
    try {
      return fs.statSync(path).isSocket() ? path : null;
    } catch {
      return null;
    }
  }
}

const TIMEOUT_MS = 1500;

/** GET a JSON document from an API socket. */
export function getJson(socketPath: string, path: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get({ socketPath, path, timeout: TIMEOUT_MS, headers: { Host: 'engine' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode} for ${path}`));
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        } catch (err) {
          reject(err as Error);
        }
      });
    });
    req.on('timeout', () => req.destroy(new Error(`${socketPath} did not answer within ${TIMEOUT_MS} ms`)));
    req.on('error', reject);
  });
}

interface ListedContainer {
  Id: string;
  Names?: string[];
  Image?: string;
  State?: string;
  Pod?: string;
  PodName?: string;
  IsInfra?: boolean;
}

/**
 * The running containers an engine lists (with `all`, the stopped ones too); a refusal
 * instead when its socket turns the user away.
 */
export async function listContainers(s: EngineSocket, all = false): Promise<ApiContainer[] | EngineRefusal> {
  const path =
    (s.engine === 'podman' ? '/v3.0.0/libpod/containers/json' : '/containers/json') + (all ? '?all=true' : '');
  let listed: ListedContainer[];
  try {
    listed = (await getJson(s.reach, path)) as ListedContainer[];
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return { engine: s.engine, socket: s.path, hint: refusalHint(s) };
    return [];
  }
  return listed.map((c) => {
    const out: ApiContainer = {
      engine: s.engine,
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ''),
      state: c.State ?? 'running',
    };
    if (c.Image) out.image = c.Image;
    if (c.PodName) out.pod = c.PodName;
    if (c.Pod) out.podId = c.Pod;
    if (c.IsInfra) out.infra = true;
    return out;
  });
}

/** A container only an engine's API told of: by name, without processes or namespaces. */
export function listedRecord(c: ApiContainer): ContainerRecord {
  return {
    key: keyOf(c.engine, c.id),
    kind: 'container',
    engine: c.engine,
    id: c.id,
    name: c.name,
    ...(c.image ? { image: c.image } : {}),
    ...(c.pod ? { pod: c.pod } : {}),
    state: c.state,
    pid: null,
    pids: [],
    namespaces: [],
    nameSource: 'api',
  };
}

/**
 * The containers the engines list that are not running: the scan never sees them (they
 * have no process), so only a query that matched nothing running asks for them.
 */
export async function stoppedContainers(
  proc: ProcSource,
  processes: readonly ProcessRecord[],
): Promise<ContainerRecord[]> {
  const answers = await Promise.all(engineSockets(proc, processes).map((s) => listContainers(s, true)));
  return answers
    .flatMap((a) => (Array.isArray(a) ? a : []))
    .filter((c) => !c.infra && c.state !== 'running' && c.state !== 'paused')
    .map(listedRecord);
}

/** Who may use the socket: its group, named, and the root scan as the other way in. */
function refusalHint(s: EngineSocket): string {
  let group: string | undefined;
  try {
    group = groupName(fs.statSync(s.reach).gid);
  } catch {
    group = undefined;
  }
  const join =
    group && group !== 'root'
      ? `join the ${group} group (sudo usermod -aG ${group} $USER, then log in again), or `
      : '';
  return `${join}use Show All Namespaces (nsx --as-root) to read it as root through polkit`;
}
