/**
 * Naming from what runtimes leave behind, for the runtimes that cannot run on the test
 * machines (CRI-O is not packaged in Debian 12; Incus is not in bookworm): a /proc tree
 * in a temporary directory holds a container's init, its runtime parent's command line
 * and, under /proc/PID/root, the bundle's config.json as the runtime writes it
 * (test/fixtures/runtimes/, written after CRI-O's server/sandbox_run_linux.go and
 * container_create_linux.go: its own io.kubernetes.cri-o.* keys plus the kubelet's
 * labels copied among the annotations).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { Identifier } from '../../src/core/containers/identify';
import { NameReader } from '../../src/core/containers/names';
import { ProcSource } from '../../src/core/linux/procfs';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'runtimes');
const POD_ID = 'a3f1c0de9b8a7f6e5d4c3b2a19081726354453627180919a8b7c6d5e4f3a2b1c';
const CTR_ID = '5e4f3a2b1ca3f1c0de9b8a7f6e5d4c3b2a19081726354453627180919a8b7c6d';

interface Proc {
  pid: number;
  ppid: number;
  name: string;
  argv: string[];
  cgroup: string;
}

/** A /proc tree of these processes; FILES are placed under /proc/ROOTPID/root. */
function procTree(procs: Proc[], rootPid: number, files: Record<string, string>): ProcSource {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-runtime-'));
  for (const p of procs) {
    const d = path.join(dir, 'proc', String(p.pid));
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'status'), `Name:\t${p.name}\nPPid:\t${p.ppid}\nUid:\t0\t0\t0\t0\n`);
    fs.writeFileSync(path.join(d, 'cmdline'), p.argv.join('\0') + '\0');
    fs.writeFileSync(path.join(d, 'cgroup'), `0::${p.cgroup}\n`);
  }
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(dir, 'proc', String(rootPid), 'root', file);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  }
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return new ProcSource(path.join(dir, 'proc'));
}

const fixture = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');

function crioTree(): ProcSource {
  const bundle = (id: string) => `/run/containers/storage/overlay-containers/${id}/userdata`;
  const conmon = (id: string, name: string) => [
    '/usr/bin/conmon',
    '-b',
    bundle(id),
    '-c',
    id,
    '-n',
    name,
    '-r',
    '/usr/bin/runc',
  ];
  const slice =
    '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0d1e2f30_4152_6374_8596_a7b8c9d0e1f2.slice';
  return procTree(
    [
      { pid: 100, ppid: 1, name: 'conmon', argv: conmon(POD_ID, 'k8s_POD_web-0_shop_0d1e_0'), cgroup: slice },
      { pid: 101, ppid: 100, name: 'pause', argv: ['/pause'], cgroup: `${slice}/crio-${POD_ID}.scope` },
      { pid: 200, ppid: 1, name: 'conmon', argv: conmon(CTR_ID, 'k8s_nginx_web-0_shop_0d1e_0'), cgroup: slice },
      {
        pid: 201,
        ppid: 200,
        name: 'nginx',
        argv: ['nginx', '-g', 'daemon off;'],
        cgroup: `${slice}/crio-${CTR_ID}.scope`,
      },
    ],
    100,
    {
      [`${bundle(POD_ID)}/config.json`]: fixture('crio-sandbox-config.json'),
      [`${bundle(CTR_ID)}/config.json`]: fixture('crio-container-config.json'),
    },
  );
}

test("CRI-O: a pod's sandbox is named by the pod, a container by its Kubernetes name, from conmon's bundle", () => {
  const proc = crioTree();
  // Both bundles are read through conmon 100's root in the fixture; point 200 at it too.
  fs.symlinkSync(path.join(proc.procRoot, '100', 'root'), path.join(proc.procRoot, '200', 'root'));
  const identifier = new Identifier(proc, new Map());
  const reader = new NameReader(proc);

  const sandbox = identifier.of(101);
  assert.ok(sandbox);
  assert.deepEqual([sandbox.engine, sandbox.id, sandbox.init], ['cri-o', POD_ID, 101]);
  const pod = reader.read(sandbox);
  assert.deepEqual(
    [pod.sandbox, pod.name, pod.pod, pod.k8sNamespace, pod.nameSource],
    [true, 'web-0', 'web-0', 'shop', 'annotations'],
  );

  const member = identifier.of(201)!;
  assert.deepEqual([member.engine, member.id], ['cri-o', CTR_ID]);
  const named = reader.read(member);
  assert.deepEqual(
    [named.name, named.pod, named.k8sNamespace, named.sandboxId, named.image],
    ['nginx', 'web-0', 'shop', POD_ID, 'docker.io/library/nginx:1.27'],
  );
});

test('Incus and LXD run containers through the LXC monitor: the engine is told by its lxc path', () => {
  const proc = procTree(
    [
      { pid: 300, ppid: 1, name: 'lxc monitor', argv: ['[lxc monitor] /var/lib/incus/containers c1'], cgroup: '/' },
      { pid: 301, ppid: 300, name: 'init', argv: ['/sbin/init'], cgroup: '/lxc.payload.c1' },
    ],
    300,
    {},
  );
  const s = new Identifier(proc, new Map()).of(301);
  assert.deepEqual([s?.engine, s?.id, s?.init], ['incus', 'c1', 301]);
  assert.deepEqual(new NameReader(proc).read(s!), { name: 'c1', nameSource: 'argv' });
});

test('a container whose bundle cannot be read gets its short id and the reason, not a guess', () => {
  const proc = procTree(
    [
      {
        pid: 400,
        ppid: 1,
        name: 'containerd-shim',
        argv: ['containerd-shim-runc-v2', '-namespace', 'k8s.io', '-id', CTR_ID],
        cgroup: '/',
      },
      { pid: 401, ppid: 400, name: 'app', argv: ['app'], cgroup: `/k8s.io/${CTR_ID}` },
    ],
    400,
    {},
  );
  const s = new Identifier(proc, new Map()).of(401)!;
  assert.deepEqual([s.engine, s.id], ['containerd', CTR_ID]);
  const named = new NameReader(proc).read(s);
  assert.equal(named.name, undefined);
  assert.match(named.unnamed ?? '', /containerd keeps names in its own database; its runtime's working directory/);
});
