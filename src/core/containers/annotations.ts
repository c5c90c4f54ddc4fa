/**
 * What the OCI annotations of a container's bundle say about it. Kubernetes' CRI
 * implementations write the pod and container names there (containerd's CRI plugin as
 * io.kubernetes.cri.*, CRI-O as io.kubernetes.pod.* and io.kubernetes.cri-o.*); nerdctl
 * writes `nerdctl/name`; Podman marks a pod member with its infra container's id.
 */

export interface Annotated {
  name?: string;
  image?: string;
  /** Set for a pod's sandbox (pause / infra) container. */
  sandbox?: boolean;
  /** The sandbox container a member belongs to. */
  sandboxId?: string;
  pod?: string;
  k8sNamespace?: string;
}

type Annotations = Readonly<Record<string, string>>;

export function fromAnnotations(a: Annotations): Annotated {
  const out: Annotated = {};
  const set = <K extends keyof Annotated>(key: K, value: Annotated[K] | undefined) => {
    if (value !== undefined && value !== '') out[key] = value;
  };
  const type = a['io.kubernetes.cri.container-type'] ?? a['io.kubernetes.cri-o.ContainerType'];
  if (type === 'sandbox') out.sandbox = true;
  set('sandboxId', a['io.kubernetes.cri.sandbox-id'] ?? a['io.kubernetes.cri-o.SandboxID']);
  // CRI-O copies the kubelet's labels (io.kubernetes.pod.*) among its own annotations.
  set('pod', a['io.kubernetes.cri.sandbox-name'] ?? a['io.kubernetes.pod.name'] ?? a['io.kubernetes.cri-o.KubeName']);
  set(
    'k8sNamespace',
    a['io.kubernetes.cri.sandbox-namespace'] ?? a['io.kubernetes.pod.namespace'] ?? a['io.kubernetes.cri-o.Namespace'],
  );
  set('name', a['io.kubernetes.cri.container-name'] ?? a['io.kubernetes.container.name'] ?? a['nerdctl/name']);
  set('image', a['io.kubernetes.cri.image-name'] ?? a['io.kubernetes.cri-o.ImageName']);
  // A sandbox's own id is its sandbox id; it is not a member of itself.
  if (out.sandbox) delete out.name;
  return out;
}

/** The annotations of an OCI runtime config.json's text; empty when it has none or is not JSON. */
export function bundleAnnotations(configJson: string): Record<string, string> {
  try {
    const parsed = JSON.parse(configJson) as { annotations?: unknown };
    const a = parsed.annotations;
    if (!a || typeof a !== 'object') return {};
    return Object.fromEntries(Object.entries(a).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}
