/**
 * The processes a container runtime leaves as its container's parent, recognised from
 * their command lines: containerd's shim, conmon (Podman, CRI-O), LXC's monitor,
 * systemd-nspawn and bubblewrap. What their arguments say (the id, the name Podman gave
 * conmon, the bundle with the OCI annotations) is where names come from when no engine
 * is asked. Only argv is read.
 */
import type { Engine } from './types';

export type RuntimeParent =
  /** containerd-shim-runc-v2 -namespace NS -id ID -address SOCK; its cwd is the bundle of ID. */
  | { runtime: 'shim'; namespace: string; id: string; address?: string }
  /** conmon -c ID -n NAME -b BUNDLE …; Podman's passes `--exit-command …/podman`. */
  | { runtime: 'conmon'; engine: 'podman' | 'cri-o'; id: string; name?: string; bundle?: string; exitDir?: string }
  /** `[lxc monitor] /var/lib/lxc NAME` */
  | { runtime: 'lxc'; engine: Engine; name: string; lxcPath: string }
  | { runtime: 'nspawn'; name: string }
  | { runtime: 'bwrap' };

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** The value of an option given as `-o V`, `--opt V` or `--opt=V`; the last one wins, as with getopt. */
export function optionValue(argv: readonly string[], names: readonly string[]): string | undefined {
  let value: string | undefined;
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i]!;
    for (const name of names) {
      if (a === name && i + 1 < argv.length) value = argv[i + 1];
      else if (name.startsWith('--') && a.startsWith(`${name}=`)) value = a.slice(name.length + 1);
    }
  }
  return value;
}

const LXC_MONITOR = /^\[lxc monitor\] (\S+) (\S+)$/;

/** What kind of runtime parent ARGV is, or null. */
export function runtimeParent(argv: readonly string[]): RuntimeParent | null {
  const joined = argv.join(' ');
  const lxc = LXC_MONITOR.exec(joined.trim());
  if (lxc) return { runtime: 'lxc', engine: lxcEngine(lxc[1]!), lxcPath: lxc[1]!, name: lxc[2]! };
  const program = basename(argv[0] ?? '');
  if (program.startsWith('containerd-shim')) {
    const id = optionValue(argv, ['-id']);
    const namespace = optionValue(argv, ['-namespace']);
    if (!id || !namespace) return null;
    const address = optionValue(argv, ['-address']);
    return address ? { runtime: 'shim', namespace, id, address } : { runtime: 'shim', namespace, id };
  }
  if (program === 'conmon') return conmon(argv);
  if (program === 'systemd-nspawn') return nspawn(argv);
  if (program === 'bwrap') return { runtime: 'bwrap' };
  return null;
}

function conmon(argv: readonly string[]): RuntimeParent | null {
  const id = optionValue(argv, ['-c', '--cid']);
  if (!id) return null;
  const exitCommand = optionValue(argv, ['--exit-command']);
  const parent: RuntimeParent = {
    runtime: 'conmon',
    engine: exitCommand && basename(exitCommand) === 'podman' ? 'podman' : 'cri-o',
    id,
  };
  const name = optionValue(argv, ['-n', '--name']);
  const bundle = optionValue(argv, ['-b', '--bundle']);
  const exitDir = optionValue(argv, ['--exit-dir']);
  if (name) parent.name = name;
  if (bundle) parent.bundle = bundle;
  if (exitDir) parent.exitDir = exitDir;
  return parent;
}

/** A machine is named by -M, else after its directory or image (as systemd-nspawn names it). */
function nspawn(argv: readonly string[]): RuntimeParent | null {
  const machine = optionValue(argv, ['-M', '--machine']);
  if (machine) return { runtime: 'nspawn', name: machine };
  const dir = optionValue(argv, ['-D', '--directory']) ?? optionValue(argv, ['-i', '--image']);
  const name = dir && basename(dir.replace(/\/+$/, '')).replace(/\.raw$/, '');
  return name ? { runtime: 'nspawn', name } : null;
}

/** Incus and LXD run their containers through liblxc too; their lxc path tells them apart. */
function lxcEngine(lxcPath: string): Engine {
  if (lxcPath.includes('/incus')) return 'incus';
  if (lxcPath.includes('/lxd')) return 'lxd';
  return 'lxc';
}

/**
 * The engine that ran a containerd shim: Docker's containers are in containerd namespace
 * `moby`; the rest (ctr, nerdctl, Kubernetes' CRI in `k8s.io`) are containerd's.
 */
export function shimEngine(namespace: string): Engine {
  return namespace === 'moby' ? 'docker' : 'containerd';
}
