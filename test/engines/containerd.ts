/**
 * containerd through `ctr`, on the containerd a private dockerd started (docker.ts), with
 * the labels and OCI annotations a kubelet's CRI (containerd's CRI plugin, 1.6) puts on a
 * pod's containers: Kubernetes naming checked without a cluster. A pod is a sandbox
 * container with net, ipc and uts namespaces of its own, and members that join them
 * (`ctr run --with-ns`), as the CRI does. Also a container named the way nerdctl names
 * its own (a `nerdctl/name` label and annotation, namespace `default`).
 *
 * Everything it runs is removed by id at cleanup (and the private dockerd's stop() ends
 * whatever shim would be left).
 */
import { DOCKER_CLI, type PrivateDocker } from './docker';
import { sh, shBytes, type Defer } from './system';

export const CTR = '/usr/bin/ctr';
export const CTR_TOOLS = ['/usr/bin/ctr'];

/** The containerd namespace a kubelet's CRI uses. */
export const K8S_NAMESPACE = 'k8s.io';
/** nerdctl's default containerd namespace. */
export const NERDCTL_NAMESPACE = 'default';

export interface CriSandbox {
  /** The sandbox container's id, as CRI sets it: io.kubernetes.cri.sandbox-id of its members. */
  id: string;
  pod: string;
  k8sNamespace: string;
  uid: string;
  /** Host PID of its task. */
  pid: number;
}

export interface CtrContainer {
  id: string;
  pid: number;
  namespace: string;
}

export interface ContainerInfo {
  ID: string;
  Labels: Record<string, string>;
  Image: string;
  Spec: { annotations?: Record<string, string> };
}

export interface Ctr {
  /** `ctr -a SOCKET -n NAMESPACE ARGS`; stdout, trimmed. */
  ctr(args: readonly string[], opts?: { namespace?: string; input?: Buffer }): string;
  /** `docker save REF | ctr images import -` into `namespace`; the name containerd gives it. */
  importFromDocker(ref: string, namespace?: string): string;
  /** A pod sandbox `pod` in Kubernetes namespace `k8sNamespace`. */
  runSandbox(opts: { id: string; pod: string; k8sNamespace: string; image: string }): Promise<CriSandbox>;
  /** A container `name` of the sandbox's pod, in its net, ipc and uts namespaces. */
  runMember(sandbox: CriSandbox, opts: { id: string; name: string; image: string }): Promise<CtrContainer>;
  /** A container named `name` as nerdctl names it. */
  runNerdctl(opts: { id: string; name: string; image: string }): Promise<CtrContainer>;
  info(id: string, namespace?: string): ContainerInfo;
  /** Host PID of a container's task. */
  taskPid(id: string, namespace?: string): number;
  /** Kills and removes one container and its task. */
  remove(id: string, namespace?: string): void;
}

export function containerdOf(docker: PrivateDocker, cleanup: Defer): Ctr {
  const ctr = (args: readonly string[], opts: { namespace?: string; input?: Buffer } = {}): string =>
    sh(CTR, ['-a', docker.containerdSocket, '-n', opts.namespace ?? K8S_NAMESPACE, ...args], {
      ...(opts.input ? { input: opts.input } : {}),
    }).trim();
  const taskPid = (id: string, namespace = K8S_NAMESPACE): number => {
    const row = ctr(['tasks', 'ls'], { namespace })
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((f) => f[0] === id);
    if (!row) throw new Error(`no task ${id} in containerd namespace ${namespace}`);
    return Number(row[1]);
  };
  const remove = (id: string, namespace = K8S_NAMESPACE): void => {
    const tasks = ctr(['tasks', 'ls', '-q'], { namespace }).split('\n');
    if (tasks.includes(id)) ctr(['tasks', 'delete', '--force', id], { namespace });
    const containers = ctr(['containers', 'ls', '-q'], { namespace }).split('\n');
    if (containers.includes(id)) ctr(['containers', 'delete', id], { namespace });
  };
  const start = async (id: string, namespace: string, args: readonly string[]): Promise<CtrContainer> => {
    cleanup.defer(`ctr container ${namespace}/${id}`, () => remove(id, namespace));
    ctr(['run', '-d', ...args], { namespace });
    return { id, namespace, pid: taskPid(id, namespace) };
  };
  return {
    ctr,
    importFromDocker: (ref, namespace = K8S_NAMESPACE) => {
      const tar = shBytes(DOCKER_CLI, ['-H', `unix://${docker.socket}`, 'save', ref]);
      const out = ctr(['images', 'import', '--all-platforms', '-'], { namespace, input: tar });
      const name = /unpacking (\S+) /.exec(out)?.[1];
      if (!name) throw new Error(`ctr images import said: ${out}`);
      return name;
    },
    runSandbox: async ({ id, pod, k8sNamespace, image }) => {
      const uid = `00000000-0000-4000-8000-${String(process.pid).padStart(12, '0')}`;
      const { pid } = await start(id, K8S_NAMESPACE, [
        ...flags('--label', sandboxLabels(pod, k8sNamespace, uid)),
        ...flags('--annotation', sandboxAnnotations(id, pod, k8sNamespace, uid)),
        image,
        id,
        '/bin/sleep',
        '100000',
      ]);
      return { id, pod, k8sNamespace, uid, pid };
    },
    runMember: (sandbox, { id, name, image }) =>
      start(id, K8S_NAMESPACE, [
        ...['network', 'ipc', 'uts'].flatMap((t) => [
          '--with-ns',
          `${t}:/proc/${sandbox.pid}/ns/${t === 'network' ? 'net' : t}`,
        ]),
        ...flags('--label', memberLabels(sandbox, name)),
        ...flags('--annotation', memberAnnotations(sandbox, name, image)),
        image,
        id,
        '/bin/sleep',
        '100000',
      ]),
    runNerdctl: ({ id, name, image }) =>
      start(id, NERDCTL_NAMESPACE, [
        '--label',
        `nerdctl/name=${name}`,
        '--annotation',
        `nerdctl/name=${name}`,
        image,
        id,
        '/bin/sleep',
        '100000',
      ]),
    info: (id, namespace = K8S_NAMESPACE) =>
      JSON.parse(ctr(['containers', 'info', id], { namespace })) as ContainerInfo,
    taskPid,
    remove,
  };
}

function flags(flag: string, values: Record<string, string>): string[] {
  return Object.entries(values).flatMap(([k, v]) => [flag, `${k}=${v}`]);
}

/** The containerd labels of a sandbox: the kubelet's pod labels and the CRI plugin's kind. */
function sandboxLabels(pod: string, ns: string, uid: string): Record<string, string> {
  return {
    'io.cri-containerd.kind': 'sandbox',
    'io.kubernetes.pod.name': pod,
    'io.kubernetes.pod.namespace': ns,
    'io.kubernetes.pod.uid': uid,
  };
}

/** The OCI annotations the CRI plugin writes into a sandbox's spec. */
function sandboxAnnotations(id: string, pod: string, ns: string, uid: string): Record<string, string> {
  return {
    'io.kubernetes.cri.container-type': 'sandbox',
    'io.kubernetes.cri.sandbox-id': id,
    'io.kubernetes.cri.sandbox-name': pod,
    'io.kubernetes.cri.sandbox-namespace': ns,
    'io.kubernetes.cri.sandbox-uid': uid,
    'io.kubernetes.cri.sandbox-log-directory': `/var/log/pods/${ns}_${pod}_${uid}`,
  };
}

function memberLabels(sandbox: CriSandbox, name: string): Record<string, string> {
  return {
    'io.cri-containerd.kind': 'container',
    'io.kubernetes.container.name': name,
    'io.kubernetes.pod.name': sandbox.pod,
    'io.kubernetes.pod.namespace': sandbox.k8sNamespace,
    'io.kubernetes.pod.uid': sandbox.uid,
  };
}

function memberAnnotations(sandbox: CriSandbox, name: string, image: string): Record<string, string> {
  return {
    'io.kubernetes.cri.container-type': 'container',
    'io.kubernetes.cri.sandbox-id': sandbox.id,
    'io.kubernetes.cri.sandbox-name': sandbox.pod,
    'io.kubernetes.cri.sandbox-namespace': sandbox.k8sNamespace,
    'io.kubernetes.cri.sandbox-uid': sandbox.uid,
    'io.kubernetes.cri.container-name': name,
    'io.kubernetes.cri.image-name': image,
  };
}
