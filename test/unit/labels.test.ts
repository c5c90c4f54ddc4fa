/** labels.ts: names a person recognises a namespace by. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cgroupPath, containerLabel, INITIAL_NS_INODES, netnsName, systemdUnit } from '../../src/core/discovery/labels';
import { NS_TYPES } from '../../src/core/model/snapshot';

const ID = '0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const SHORT = '0123456789ab';
const POD_SYSTEMD = '1b2c3d4e_5f6a_7b8c_9d0e_1f2a3b4c5d6e';
const POD = '1b2c3d4e-5f6a-7b8c-9d0e-1f2a3b4c5d6e';

test('INITIAL_NS_INODES are the kernel\u2019s fixed inodes 4026531832..4026531839, one per type', () => {
  assert.deepEqual(Object.keys(INITIAL_NS_INODES).sort(), [...NS_TYPES].sort());
  assert.deepEqual(
    Object.values(INITIAL_NS_INODES).sort((a, b) => a - b),
    [4026531832, 4026531833, 4026531834, 4026531835, 4026531836, 4026531837, 4026531838, 4026531839],
  );
  assert.equal(INITIAL_NS_INODES.net, 4026531833);
  assert.equal(INITIAL_NS_INODES.user, 4026531837);
});

test('netnsName: the name of an `ip netns` bind mount under /run/netns or /var/run/netns', () => {
  assert.equal(netnsName('/run/netns/blue'), 'blue');
  assert.equal(netnsName('/var/run/netns/red'), 'red');
  assert.equal(netnsName('/run/netns/with space'), 'with space');
  assert.equal(
    netnsName('/run/netns/cni-1a2b3c4d-0000-1111-2222-333344445555'),
    'cni-1a2b3c4d-0000-1111-2222-333344445555',
  );
});

test('netnsName: null for other paths, the directory itself and nested paths', () => {
  for (const p of [
    '/run/netns/',
    '/run/netns',
    '/run/netns/a/b',
    '/srv/pins/net',
    '/run/netnsx/a',
    '/run/docker/netns/abc',
    'run/netns/a',
    '',
  ]) {
    assert.equal(netnsName(p), null, p);
  }
});

test('containerLabel: docker with the systemd cgroup driver (cgroup v2)', () => {
  assert.equal(containerLabel(`/system.slice/docker-${ID}.scope`), `docker ${SHORT}`);
});

test('containerLabel: docker with the cgroupfs driver (cgroup v1)', () => {
  assert.equal(containerLabel(`/docker/${ID}`), `docker ${SHORT}`);
});

test('containerLabel: podman, including a process in the container\u2019s sub-cgroup', () => {
  assert.equal(containerLabel(`/machine.slice/libpod-${ID}.scope`), `podman ${SHORT}`);
  assert.equal(containerLabel(`/machine.slice/libpod-${ID}.scope/container`), `podman ${SHORT}`);
  assert.equal(
    containerLabel(`/user.slice/user-1000.slice/user@1000.service/user.slice/libpod-${ID}.scope`),
    `podman ${SHORT}`,
  );
});

test('containerLabel: cri-o under kubepods carries the pod uid', () => {
  assert.equal(
    containerLabel(
      `/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_SYSTEMD}.slice/crio-${ID}.scope`,
    ),
    `kubepods pod ${POD} cri-o ${SHORT}`,
  );
});

test('containerLabel: containerd under kubepods (systemd driver) carries the pod uid with dashes', () => {
  assert.equal(
    containerLabel(
      '/kubepods.slice/kubepods-besteffort.slice/' +
        `kubepods-besteffort-pod${POD_SYSTEMD}.slice/cri-containerd-${ID}.scope`,
    ),
    `kubepods pod ${POD} containerd ${SHORT}`,
  );
});

test('containerLabel: containerd outside Kubernetes (namespace k8s.io / containerd paths)', () => {
  assert.equal(containerLabel(`/k8s.io/${ID}`), `containerd ${SHORT}`);
  assert.equal(containerLabel(`/system.slice/containerd.service/containerd/${ID}`), `containerd ${SHORT}`);
});

test('containerLabel: kubepods with the cgroupfs driver is recognised with pod and container id', () => {
  const label = containerLabel(`/kubepods/besteffort/pod${POD}/${ID}`);
  assert.ok(label !== null, 'a kubepods container path gives a label');
  assert.ok(label.includes(POD), label);
  assert.ok(label.includes(SHORT), label);
});

test('containerLabel: null for non-container cgroups and near misses', () => {
  for (const p of [
    '/',
    '',
    '/system.slice/nginx.service',
    '/user.slice/user-1000.slice/session-2.scope',
    '/system.slice/docker.service',
    `/system.slice/docker-${ID.slice(0, 63)}.scope`,
    `/system.slice/docker-${ID.toUpperCase()}.scope`,
  ]) {
    assert.equal(containerLabel(p), null, p);
  }
});

test('systemdUnit: the innermost service of the path', () => {
  assert.equal(systemdUnit('/system.slice/nginx.service'), 'nginx.service');
  assert.equal(systemdUnit('/system.slice/system-getty.slice/getty@tty1.service'), 'getty@tty1.service');
  assert.equal(
    systemdUnit('/user.slice/user-1000.slice/user@1000.service/app.slice/syncthing.service'),
    'syncthing.service',
  );
  assert.equal(systemdUnit('/system.slice/containerd.service/sub'), 'containerd.service');
});

test('systemdUnit: skips the per-user manager user@1000.service', () => {
  assert.equal(systemdUnit('/user.slice/user-1000.slice/user@1000.service'), null);
  assert.equal(systemdUnit('/user.slice/user-1000.slice/user@1000.service/init.scope'), null);
});

test('systemdUnit: skips scopes and slices', () => {
  assert.equal(systemdUnit('/user.slice/user-1000.slice/session-2.scope'), null);
  assert.equal(
    systemdUnit('/user.slice/user-1000.slice/user@1000.service/app.slice/app-gnome-firefox-4242.scope'),
    null,
  );
  assert.equal(systemdUnit('/init.scope'), null);
  assert.equal(systemdUnit('/system.slice'), null);
  assert.equal(systemdUnit('/'), null);
});

test('cgroupPath: the path of a cgroup v2 file', () => {
  assert.equal(cgroupPath('0::/system.slice/nginx.service\n'), '/system.slice/nginx.service');
  assert.equal(cgroupPath('0::/\n'), '/');
});

test('cgroupPath: the unified line of a hybrid (v1 + v2) file', () => {
  const hybrid = [
    '12:pids:/system.slice/nginx.service',
    '4:memory:/system.slice/nginx.service',
    '1:name=systemd:/system.slice/nginx.service',
    '0::/system.slice/nginx.service',
    '',
  ].join('\n');
  assert.equal(cgroupPath(hybrid), '/system.slice/nginx.service');
});

test('cgroupPath: the first line of a cgroup v1 file', () => {
  const v1 = `12:pids:/docker/${ID}\n10:cpu,cpuacct:/docker/${ID}\n1:name=systemd:/docker/${ID}\n`;
  assert.equal(cgroupPath(v1), `/docker/${ID}`);
});

test('cgroupPath: a path with colons is kept whole', () => {
  assert.equal(cgroupPath('0::/user.slice/app-a:b.scope\n'), '/user.slice/app-a:b.scope');
});

test('cgroupPath: an empty file gives an empty path', () => {
  assert.equal(cgroupPath(''), '');
});
