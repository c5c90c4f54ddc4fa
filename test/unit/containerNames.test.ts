/**
 * The pure parts of naming containers: cgroup paths, runtimes' command lines as they were
 * read on this machine (docker.io 20.10, podman 4.3, ctr) or as their sources write them,
 * OCI annotations, the engines' state files, and the sharing and label texts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bundleAnnotations, fromAnnotations } from '../../src/core/containers/annotations';
import { containerLabel, displayName, refOf } from '../../src/core/containers/assemble';
import { containerInCgroup } from '../../src/core/containers/cgroupIds';
import { engineDaemon, listeningSockets } from '../../src/core/containers/engineApi';
import { dockerConfig, podmanContainers, podmanPodNames } from '../../src/core/containers/engineState';
import { hostnameSource } from '../../src/core/containers/names';
import { runtimeParent, shimEngine } from '../../src/core/containers/runtimeArgv';
import type { ContainerRecord } from '../../src/core/containers/types';
import { sharingText } from '../../src/cli/containers';

const ID = '898e30928e0710b72a7d7672759c9882969c27ac4c7a9e9cc45ea194b465a76e';
const POD = '1ebfe5d76e57e2d0b1b7cbef636547209cc1e7a7b2a5f5488719d6d85ef83352';

test('containerInCgroup: docker, podman in a pod, LXC and nspawn by name; a bare kubepods id names no engine', () => {
  assert.deepEqual(containerInCgroup(`/docker/${ID}`), { engine: 'docker', id: ID });
  assert.deepEqual(containerInCgroup(`/libpod_parent/${POD}/libpod-${ID}`), { engine: 'podman', id: ID, podId: POD });
  assert.deepEqual(containerInCgroup('/lxc.payload.web/init.scope'), { engine: 'lxc', id: 'web' });
  assert.deepEqual(containerInCgroup('/machine.slice/systemd-nspawn@my\\x2dbox.service/payload'), {
    engine: 'nspawn',
    id: 'my-box',
  });
  assert.deepEqual(containerInCgroup('/machine.slice/machine-deb12.scope'), { engine: 'nspawn', id: 'deb12' });
  const bare = containerInCgroup(`/kubepods/besteffort/pod1b2c3d4e-0000-1111-2222-333344445555/${ID}`);
  assert.deepEqual(bare, { engine: null, id: ID, podId: '1b2c3d4e-0000-1111-2222-333344445555' });
  assert.equal(containerInCgroup('/user.slice/user-1000.slice/session-2.scope'), null);
});

test("runtimeParent: docker's shim, as ps showed it here; its engine is docker for namespace moby only", () => {
  const argv = ['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby', '-id', ID, '-address', '/run/c.sock'];
  assert.deepEqual(runtimeParent(argv), { runtime: 'shim', namespace: 'moby', id: ID, address: '/run/c.sock' });
  assert.equal(shimEngine('moby'), 'docker');
  assert.equal(shimEngine('k8s.io'), 'containerd');
  assert.equal(runtimeParent(['/usr/bin/containerd-shim-runc-v2', '-namespace', 'moby']), null);
});

test("runtimeParent: podman's conmon gives id, name, bundle and exit dir; CRI-O's has no podman exit command", () => {
  const bundle = `/var/lib/containers/storage/overlay-containers/${ID}/userdata`;
  const podman = ['/usr/bin/conmon', '--api-version', '1', '-c', ID, '-u', ID, '-r', '/usr/sbin/runc', '-b', bundle];
  podman.push('-n', 'web1', '--exit-dir', '/run/libpod/exits', '--exit-command', '/usr/bin/podman');
  assert.deepEqual(runtimeParent(podman), {
    runtime: 'conmon',
    engine: 'podman',
    id: ID,
    name: 'web1',
    bundle,
    exitDir: '/run/libpod/exits',
  });
  const crio = ['/usr/bin/conmon', '-b', '/run/containers/storage/x/userdata', '-c', ID, '-n', 'k8s_nginx_web-0'];
  assert.equal((runtimeParent(crio) as { engine: string }).engine, 'cri-o');
});

test('runtimeParent: the LXC monitor (LXC, Incus), systemd-nspawn by -M or its directory, bubblewrap', () => {
  assert.deepEqual(runtimeParent(['[lxc monitor] /var/lib/lxc web']), {
    runtime: 'lxc',
    engine: 'lxc',
    lxcPath: '/var/lib/lxc',
    name: 'web',
  });
  assert.equal((runtimeParent(['[lxc monitor] /var/lib/incus/containers c1']) as { engine: string }).engine, 'incus');
  assert.deepEqual(runtimeParent(['systemd-nspawn', '-q', '-M', 'box', '-D', '/srv/x']), {
    runtime: 'nspawn',
    name: 'box',
  });
  assert.deepEqual(runtimeParent(['/usr/bin/systemd-nspawn', '--directory=/var/lib/machines/deb12/']), {
    runtime: 'nspawn',
    name: 'deb12',
  });
  assert.deepEqual(runtimeParent(['bwrap', '--unshare-all', 'sleep', '1']), { runtime: 'bwrap' });
  assert.equal(runtimeParent(['sleep', '1000']), null);
});

test("fromAnnotations: containerd's CRI sandbox and member, CRI-O's, nerdctl's name, Podman's pod member", () => {
  const sandbox = fromAnnotations({
    'io.kubernetes.cri.container-type': 'sandbox',
    'io.kubernetes.cri.sandbox-id': 'kpod1',
    'io.kubernetes.cri.sandbox-name': 'web-0',
    'io.kubernetes.cri.sandbox-namespace': 'shop',
  });
  assert.deepEqual(sandbox, { sandbox: true, sandboxId: 'kpod1', pod: 'web-0', k8sNamespace: 'shop' });
  const member = fromAnnotations({
    'io.kubernetes.cri.container-type': 'container',
    'io.kubernetes.cri.sandbox-id': 'kpod1',
    'io.kubernetes.cri.sandbox-name': 'web-0',
    'io.kubernetes.cri.sandbox-namespace': 'shop',
    'io.kubernetes.cri.container-name': 'nginx',
    'io.kubernetes.cri.image-name': 'docker.io/library/nginx:1',
  });
  assert.deepEqual(member, {
    sandboxId: 'kpod1',
    pod: 'web-0',
    k8sNamespace: 'shop',
    name: 'nginx',
    image: 'docker.io/library/nginx:1',
  });
  const crio = fromAnnotations({
    'io.kubernetes.cri-o.ContainerType': 'container',
    'io.kubernetes.pod.name': 'api-1',
    'io.kubernetes.pod.namespace': 'prod',
    'io.kubernetes.container.name': 'app',
  });
  assert.deepEqual(crio, { pod: 'api-1', k8sNamespace: 'prod', name: 'app' });
  assert.deepEqual(fromAnnotations({ 'nerdctl/name': 'cache' }), { name: 'cache' });
  assert.deepEqual(fromAnnotations({ 'io.kubernetes.cri-o.SandboxID': POD, 'io.container.manager': 'libpod' }), {
    sandboxId: POD,
  });
  assert.deepEqual(bundleAnnotations('{"annotations":{"a":"b","n":1}}'), { a: 'b' });
  assert.deepEqual(bundleAnnotations('not json'), {});
});

test("engine state files: Docker's config.v2.json, Podman's containers.json and its events log", () => {
  const v2 = { Name: '/dweb', Config: { Image: 'nsxbox:1' }, State: { Running: true, Paused: false } };
  assert.deepEqual(dockerConfig(JSON.stringify(v2)), { name: 'dweb', image: 'nsxbox:1', state: 'running' });
  assert.equal(dockerConfig(JSON.stringify({ ...v2, State: { Running: true, Paused: true } }))?.state, 'paused');
  assert.equal(dockerConfig('{'), undefined);
  const meta = JSON.stringify({ 'image-name': 'localhost/nsxbox:1', name: 'web1' });
  const containers = podmanContainers(JSON.stringify([{ id: ID, names: ['web1'], metadata: meta }]));
  assert.deepEqual(containers.get(ID), { name: 'web1', image: 'localhost/nsxbox:1' });
  const log = [
    `{"ID":"${POD}","Name":"pod1","Status":"create","Time":"2026-12-05T02:41:41Z","Type":"pod","Attributes":null}`,
    `{"ID":"${ID}","Name":"web1","Status":"create","Type":"container"}`,
    'garbage {"Type":"pod"',
  ].join('\n');
  assert.deepEqual([...podmanPodNames(log)], [[POD, 'pod1']]);
  const config = { mounts: [{ destination: '/etc/hostname', source: `/var/lib/docker/containers/${ID}/hostname` }] };
  assert.equal(hostnameSource(JSON.stringify(config)), `/var/lib/docker/containers/${ID}`);
  assert.equal(hostnameSource('{}'), undefined);
});

test("engine sockets: dockerd and `podman system service` are engines; /proc/PID/net/unix's listening paths", () => {
  assert.equal(engineDaemon('dockerd', ['dockerd']), 'docker');
  assert.equal(engineDaemon('podman', ['podman', 'system', 'service', '-t', '0']), 'podman');
  assert.equal(engineDaemon('podman', ['podman', 'run', 'x']), null);
  const netUnix = [
    'Num       RefCount Protocol Flags    Type St Inode Path',
    '000000000f15a7e4: 00000002 00000000 00010000 0001 01 11689549 /var/run/docker.sock',
    '0000000082e65772: 00000003 00000000 00000000 0001 03 11690232 /var/run/docker/containerd/containerd.sock',
    '000000003c770d96: 00000002 00000000 00010000 0001 01 11690218 @abstract',
  ].join('\n');
  assert.deepEqual([...listeningSockets(netUnix)], [[11689549, '/var/run/docker.sock']]);
});

const record = (over: Partial<ContainerRecord>): ContainerRecord => ({
  key: 'docker/x',
  kind: 'container',
  engine: 'docker',
  id: ID,
  name: 'dweb',
  state: 'running',
  pid: 10,
  pids: [10],
  namespaces: [],
  ...over,
});

test('labels: a container, a pod, a Kubernetes container and pod, a Podman pod member', () => {
  assert.equal(containerLabel(record({})), 'dweb (docker)');
  assert.equal(containerLabel(record({ kind: 'pod', engine: 'podman', name: 'pod1' })), 'pod pod1 (podman)');
  assert.equal(containerLabel(record({ engine: 'podman', name: 'pm1', pod: 'pod1' })), 'pm1 (podman, pod pod1)');
  const k8s = record({ engine: 'containerd', name: 'nginx', pod: 'web-0', k8sNamespace: 'shop' });
  assert.equal(containerLabel(k8s), 'web-0/nginx (containerd, k8s shop)');
  const k8sPod = record({ kind: 'pod', engine: 'containerd', name: 'web-0', k8sNamespace: 'shop' });
  assert.equal(containerLabel(k8sPod), 'pod web-0 (containerd, k8s shop)');
  assert.equal(displayName(k8sPod), 'pod web-0');
  assert.deepEqual(refOf(k8sPod), { engine: 'containerd', id: ID, name: 'web-0', pod: 'web-0', k8sNamespace: 'shop' });
  assert.equal(refOf(record({ kind: 'sandbox', engine: null })), undefined);
});

test('sharingText groups the types by how the container has them', () => {
  const text = sharingText([
    { type: 'cgroup', ns: 1, sharing: 'host' },
    { type: 'mnt', ns: 2, sharing: 'own' },
    { type: 'net', ns: 3, sharing: 'shared', with: 'dweb' },
    { type: 'pid', ns: 4, sharing: 'own' },
  ]);
  assert.equal(text, 'host: cgroup · own: mnt pid · shared with dweb: net');
});
