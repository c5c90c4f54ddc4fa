/**
 * Containers are named: real engines from Debian's packages, started by the tests
 * (test/engines/), against what `nsx containers --json` and `nsx list --json` say. The
 * ground truth is each engine's own answer: `docker inspect`, `podman inspect`, `ctr`,
 * `lxc-info`, and the PIDs the tests started. Needs root; everything is removed by id,
 * PID or its temporary directory at cleanup.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import type { ContainerRecord, ContainerRef, EngineRefusal } from '../../src/core/containers/types';
import { NS_TYPES, type NsType } from '../../src/core/model/nsTypes';
import { containerdOf, CTR_TOOLS, NERDCTL_NAMESPACE } from '../engines/containerd';
import { DOCKER_TOOLS, startDocker, type PrivateDocker } from '../engines/docker';
import { LXC_TOOLS, startLxc } from '../engines/lxc';
import { NSPAWN_TOOLS, startNspawn } from '../engines/nspawn';
import { PODMAN_TOOLS, ROOTLESS_TOOLS, startPodman, startRootlessPodman } from '../engines/podman';
import { createUser, USER_TOOLS } from '../engines/users';
import {
  cliJson,
  describeNs,
  findNs,
  listJson,
  needs,
  nsInode,
  readableCli,
  runCli,
  Scenario,
  type CliOptions,
  type ListOutput,
} from './helpers';

interface ContainersOutput {
  containers: ContainerRecord[];
  refusals: EngineRefusal[];
}

const SLEEP = ['/bin/sleep', '100000'];

function containersJson(opts: CliOptions = {}): ContainersOutput {
  return cliJson<ContainersOutput>(['containers', '--json'], opts);
}

/** The record of the container with that engine and id, with a readable failure when it is missing. */
function recordOf(out: ContainersOutput, engine: string, id: string): ContainerRecord {
  const rec = out.containers.find((c) => c.engine === engine && c.id === id);
  const seen = out.containers.map((c) => `${c.key} ${c.name}`).join(', ');
  assert.ok(rec, `nsx containers lists ${engine} ${id}; it lists: ${seen}`);
  return rec;
}

/** How a container's namespace of `type` is marked in its record. */
function sharingOf(rec: ContainerRecord, type: NsType): ContainerRecord['namespaces'][number] {
  const ns = rec.namespaces.find((n) => n.type === type);
  assert.ok(ns, `${rec.key} has its ${type} namespace in its record: ${JSON.stringify(rec.namespaces)}`);
  return ns;
}

/**
 * The initial namespace of each type: kthreadd's (PID 2), as every kernel thread is in
 * them. PID 1 can be a process even root cannot look into (a VM's own init here).
 */
function hostNamespace(type: NsType): number {
  return nsInode(2, type);
}

/** The types in which PID is not in the host's namespace. */
function ownTypes(pid: number): NsType[] {
  return NS_TYPES.filter((t) => nsInode(pid, t) !== hostNamespace(t));
}

/** The row of `nsx list` (text) for namespace INO. */
function listRow(text: string, ino: number): string {
  const row = text.split('\n').find((l) => l.startsWith(`${ino} `));
  assert.ok(row, `nsx list has a row for ${ino}`);
  return row;
}

/** Every own namespace of PID carries `ref` and is labelled `label`, in the JSON and in the text. */
function assertNamespacesNamed(list: ListOutput, text: string, pid: number, ref: ContainerRef, label: string): void {
  for (const type of ownTypes(pid)) {
    const ino = nsInode(pid, type);
    const rec = findNs(list, ino);
    assert.ok(rec, `the ${type} namespace ${ino} of PID ${pid} is listed`);
    assert.deepEqual(rec.container, ref, `the ${type} namespace of ${ref.name} carries it: ${describeNs(rec)}`);
    assert.equal(rec.label, label, `the ${type} namespace of ${ref.name} is labelled ${label}`);
    assert.ok(listRow(text, ino).includes(label), `nsx list shows ${label} for ${ino}: ${listRow(text, ino)}`);
  }
}

/** Checks the marks of all eight namespaces of `rec`: host where PID has the host's, `shared` where given. */
function assertSharing(rec: ContainerRecord, shared: Partial<Record<NsType, ContainerRecord>> = {}): void {
  assert.ok(rec.pid !== null, `${rec.key} has a PID`);
  for (const type of NS_TYPES) {
    const mark = sharingOf(rec, type);
    const owner = shared[type];
    assert.equal(mark.ns, nsInode(rec.pid, type), `${rec.key}: its ${type} namespace is the one its PID has`);
    if (owner) {
      assert.equal(mark.sharing, 'shared', `${rec.name}: ${type} is shared with ${owner.name}`);
      assert.equal(mark.withKey, owner.key, `${rec.name}: ${type} is shared with ${owner.key}`);
    } else {
      const expected = mark.ns === hostNamespace(type) ? 'host' : 'own';
      assert.equal(mark.sharing, expected, `${rec.name}: its ${type} namespace is ${expected}`);
    }
  }
}

/** Images of busybox with and without a shell, imported into a private dockerd. */
function dockerImages(docker: PrivateDocker): { shell: string; noShell: string } {
  docker.importBusybox('nsxtest/busybox:1');
  docker.importBusybox('nsxtest/noshell:1', { shell: false });
  return { shell: 'nsxtest/busybox:1', noShell: 'nsxtest/noshell:1' };
}

const rootDocker = needs({ root: 'starts a private dockerd', tools: DOCKER_TOOLS });

test(
  'docker: names, PIDs and images are those docker inspect gives; every namespace of a container carries it and ' +
    'is labelled NAME (docker); --network host, --network container:X and --pid host are marked host, shared, host',
  { skip: rootDocker, timeout: 180_000 },
  async (t) => {
    const s = new Scenario(t);
    const docker = await startDocker(s);
    const images = dockerImages(docker);
    const n = (tag: string): string => `nsx-${process.pid}-${tag}`;
    docker.run(n('web'), images.shell, SLEEP);
    docker.run(n('noshell'), images.noShell, SLEEP);
    docker.run(n('side'), images.shell, SLEEP, ['--network', `container:${n('web')}`]);
    docker.run(n('hostnet'), images.shell, SLEEP, ['--network', 'host']);
    docker.run(n('hostpid'), images.shell, SLEEP, ['--pid', 'host']);
    const truth = ['web', 'noshell', 'side', 'hostnet', 'hostpid'].map((tag) => docker.inspect(n(tag)));

    const out = containersJson();
    const list = listJson();
    const text = runCli(['list']).stdout;
    const recs = truth.map((c) => recordOf(out, 'docker', c.Id));
    for (const [i, c] of truth.entries()) {
      const rec = recs[i]!;
      const name = c.Name.replace(/^\//, '');
      assert.equal(rec.name, name, `docker inspect names ${c.Id} ${name}`);
      assert.equal(rec.pid, c.State.Pid, `${name}: docker inspect's PID`);
      assert.equal(rec.image, c.Config.Image, `${name}: docker inspect's image`);
      assert.equal(rec.kind, 'container');
      assert.equal(rec.key, `docker/${c.Id}`);
      assert.ok(rec.pids.includes(c.State.Pid), `${name}: its PID is among its processes`);
      assert.equal(rec.unnamed, undefined, `${name} is named`);
      const ref: ContainerRef = { engine: 'docker', id: c.Id, name, image: c.Config.Image };
      if (name !== n('side')) assertNamespacesNamed(list, text, c.State.Pid, ref, `${name} (docker)`);
    }
    const [web, , side, hostnet, hostpid] = recs as [
      ContainerRecord,
      ContainerRecord,
      ContainerRecord,
      ContainerRecord,
      ContainerRecord,
    ];
    for (const rec of [web, recs[1]!, hostnet, hostpid]) assertSharing(rec);
    assertSharing(side, { net: web });
    assert.equal(sharingOf(hostnet, 'net').sharing, 'host', '--network host is marked host for net');
    assert.equal(sharingOf(hostpid, 'pid').sharing, 'host', '--pid host is marked host for pid');
    assert.equal(sharingOf(side, 'net').with, web.name, '--network container:X names X');
    // The host's namespaces belong to no container, whichever container shares them.
    for (const type of ['net', 'pid'] as const) {
      assert.equal(
        findNs(list, hostNamespace(type))?.container,
        undefined,
        `the host's ${type} namespace is no container's`,
      );
    }
    // The side container's own namespaces are its own; its net namespace is web's.
    const sideRef: ContainerRef = { engine: 'docker', id: side.id, name: side.name, image: images.shell };
    const sideNet = findNs(list, nsInode(side.pid!, 'net'));
    assert.equal(sideNet?.container?.id, web.id, `the net namespace side shares is web's: ${describeNs(sideNet)}`);
    assert.deepEqual(findNs(list, nsInode(side.pid!, 'mnt'))?.container, sideRef, 'its mnt namespace is its own');
  },
);

const rootPodman = needs({ root: 'runs root Podman with storage of its own', tools: PODMAN_TOOLS });

test(
  "podman as root: names and PIDs are podman inspect's; a pod's members share one net namespace, labelled with " +
    'the pod and marked shared with it',
  { skip: rootPodman, timeout: 180_000 },
  async (t) => {
    const s = new Scenario(t);
    const podman = startPodman(s);
    podman.importBusybox('localhost/nsxtest/busybox:1');
    const n = (tag: string): string => `nsx-${process.pid}-${tag}`;
    podman.run(n('pweb'), 'localhost/nsxtest/busybox:1', SLEEP);
    const podId = podman.createPod(n('pod'), ['--network', 'none']);
    podman.run(n('m1'), 'localhost/nsxtest/busybox:1', SLEEP, ['--pod', n('pod')]);
    podman.run(n('m2'), 'localhost/nsxtest/busybox:1', SLEEP, ['--pod', n('pod')]);
    const [pweb, m1, m2] = ['pweb', 'm1', 'm2'].map((tag) => podman.inspect(n(tag))) as [
      ReturnType<typeof podman.inspect>,
      ReturnType<typeof podman.inspect>,
      ReturnType<typeof podman.inspect>,
    ];
    const podNet = nsInode(m1.State.Pid, 'net');
    assert.equal(nsInode(m2.State.Pid, 'net'), podNet, "the truth: the pod's members share one net namespace");

    const out = containersJson();
    const list = listJson();
    const text = runCli(['list']).stdout;
    for (const c of [pweb, m1, m2]) {
      const rec = recordOf(out, 'podman', c.Id);
      assert.equal(rec.name, c.Name, `podman inspect names ${c.Id} ${c.Name}`);
      assert.equal(rec.pid, c.State.Pid, `${c.Name}: podman inspect's PID`);
      assert.equal(rec.image, c.ImageName, `${c.Name}: podman inspect's image`);
      assert.equal(rec.unnamed, undefined, `${c.Name} is named`);
    }
    const ref: ContainerRef = { engine: 'podman', id: pweb.Id, name: pweb.Name, image: pweb.ImageName };
    assertNamespacesNamed(list, text, pweb.State.Pid, ref, `${pweb.Name} (podman)`);
    assertSharing(recordOf(out, 'podman', pweb.Id));

    const pod = out.containers.find((c) => c.kind === 'pod' && c.engine === 'podman' && c.id === podId);
    assert.ok(pod, `nsx containers lists the pod ${podId}: ${out.containers.map((c) => c.key).join(', ')}`);
    assert.equal(pod.name, n('pod'), 'the pod has its name');
    for (const c of [m1, m2]) {
      const rec = recordOf(out, 'podman', c.Id);
      assert.equal(rec.pod, n('pod'), `${c.Name} is a member of the pod`);
      const member: ContainerRef = { engine: 'podman', id: c.Id, name: c.Name, image: c.ImageName, pod: n('pod') };
      const mnt = findNs(list, nsInode(c.State.Pid, 'mnt'));
      assert.deepEqual(mnt?.container, member, `${c.Name}'s own mnt namespace carries it: ${describeNs(mnt)}`);
      assert.equal(mnt?.label, `${c.Name} (podman, pod ${n('pod')})`);
      assert.ok(pod.members?.includes(rec.key), `the pod lists ${rec.key} among its members: ${pod.members}`);
      const net = sharingOf(rec, 'net');
      assert.equal(net.sharing, 'shared', `${c.Name}'s net namespace is the pod's`);
      assert.equal(net.withKey, pod.key, `${c.Name} shares its net namespace with the pod`);
    }
    const netRec = findNs(list, podNet);
    assert.equal(netRec?.label, `pod ${n('pod')} (podman)`, `the pod's net namespace is labelled with it`);
    assert.equal(netRec?.container?.pod, n('pod'), `the pod's net namespace carries the pod: ${describeNs(netRec)}`);
    assert.ok(listRow(text, podNet).includes(`pod ${n('pod')} (podman)`), listRow(text, podNet));
  },
);

const rootlessPodman = needs({ root: 'creates a test user for rootless Podman', tools: ROOTLESS_TOOLS });

test(
  'rootless podman: nsx containers run as that user names its container, with the PID podman inspect gives',
  { skip: rootlessPodman, timeout: 180_000 },
  async (t) => {
    const s = new Scenario(t);
    const cli = readableCli(s);
    const podman = startRootlessPodman(s);
    podman.importBusybox('localhost/nsxtest/busybox:1');
    const name = `nsx-${process.pid}-rl`;
    podman.run(name, 'localhost/nsxtest/busybox:1', SLEEP);
    const truth = podman.inspect(name);

    const out = containersJson({ cli, wrapper: podman.asUser });
    const rec = recordOf(out, 'podman', truth.Id);
    assert.equal(rec.name, name, 'the rootless container has its name');
    assert.equal(rec.pid, truth.State.Pid, "podman inspect's PID");
    assert.equal(rec.unnamed, undefined);
    const list = listJson([], { cli, wrapper: podman.asUser });
    const mnt = findNs(list, nsInode(truth.State.Pid, 'mnt'));
    assert.equal(mnt?.container?.name, name, `its mnt namespace carries it: ${describeNs(mnt)}`);
    assert.equal(mnt?.label, `${name} (podman)`);
  },
);

const rootContainerd = needs({
  root: "runs containers on a private dockerd's containerd",
  tools: [...DOCKER_TOOLS, ...CTR_TOOLS],
});

test(
  'containerd with the annotations of the CRI: pod name, Kubernetes namespace and container name; the ' +
    "sandbox's net namespace labelled with the pod; a nerdctl container by its nerdctl name",
  { skip: rootContainerd, timeout: 180_000 },
  async (t) => {
    const s = new Scenario(t);
    const docker = await startDocker(s);
    dockerImages(docker);
    const ctr = containerdOf(docker, s);
    const image = ctr.importFromDocker('nsxtest/busybox:1');
    ctr.importFromDocker('nsxtest/busybox:1', NERDCTL_NAMESPACE);
    const hex = (): string => randomBytes(32).toString('hex');
    const sandbox = await ctr.runSandbox({ id: hex(), pod: 'web-0', k8sNamespace: 'shop', image });
    const member = await ctr.runMember(sandbox, { id: hex(), name: 'nginx', image });
    const nerd = await ctr.runNerdctl({ id: hex(), name: `nsx-${process.pid}-nerd`, image });
    const annotations = ctr.info(member.id).Spec.annotations ?? {};
    assert.equal(annotations['io.kubernetes.cri.sandbox-name'], 'web-0', 'the truth: ctr has the annotations');
    assert.equal(member.pid, ctr.taskPid(member.id));
    assert.equal(nsInode(member.pid, 'net'), nsInode(sandbox.pid, 'net'), "the truth: the member is in the pod's net");

    const out = containersJson();
    const list = listJson();
    const rec = recordOf(out, 'containerd', member.id);
    assert.equal(rec.pid, member.pid, "ctr's PID");
    assert.equal(rec.pod, 'web-0', 'the pod name');
    assert.equal(rec.k8sNamespace, 'shop', 'the Kubernetes namespace');
    assert.equal(rec.k8sContainer, 'nginx', 'the Kubernetes container name');
    assert.equal(rec.name, 'nginx', 'named by its Kubernetes container name');
    assert.equal(rec.image, image, 'the image the CRI names');
    assert.equal(rec.nameSource, 'annotations');
    const mnt = findNs(list, nsInode(member.pid, 'mnt'));
    assert.equal(mnt?.label, 'web-0/nginx (containerd, k8s shop)', `its mnt namespace: ${describeNs(mnt)}`);
    assert.equal(mnt?.container?.pod, 'web-0');
    assert.equal(mnt?.container?.k8sNamespace, 'shop');
    const net = findNs(list, nsInode(sandbox.pid, 'net'));
    assert.equal(net?.container?.pod, 'web-0', `the sandbox's net namespace carries the pod: ${describeNs(net)}`);
    assert.equal(
      net?.label,
      'pod web-0 (containerd, k8s shop)',
      "the sandbox's net namespace is labelled with the pod",
    );
    assert.equal(net?.container?.id, sandbox.id, "the sandbox's net namespace is the sandbox's");
    const pod = recordOf(out, 'containerd', sandbox.id);
    assert.equal(pod.kind, 'pod', 'the sandbox is the pod');
    assert.equal(pod.name, 'web-0');
    assert.equal(pod.k8sNamespace, 'shop');
    assert.ok(pod.members?.includes(rec.key), `the pod lists its member: ${pod.members}`);
    assert.equal(sharingOf(rec, 'net').sharing, 'shared', "the member's net namespace is the pod's");
    assert.equal(sharingOf(rec, 'net').withKey, pod.key, "the member's net namespace is the pod's");

    const nerdRec = recordOf(out, 'containerd', nerd.id);
    assert.equal(nerdRec.name, `nsx-${process.pid}-nerd`, 'the nerdctl name');
    assert.equal(nerdRec.pid, ctr.taskPid(nerd.id, NERDCTL_NAMESPACE), "ctr's PID");
  },
);

const rootBwrap = needs({ root: 'runs bubblewrap as a test user', tools: ['bwrap', ...USER_TOOLS] });

test(
  'bubblewrap run by a user is a sandbox of engine bwrap holding its processes and namespaces',
  { skip: rootBwrap, timeout: 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const user = createUser(s, 'b');
    const bwrap = await s.start('runuser', [
      '-u',
      user.name,
      '--',
      'bwrap',
      '--unshare-all',
      '--die-with-parent',
      '--ro-bind',
      '/',
      '/',
      ...['sleep', '100000'],
    ]);
    const sleep = await s.inNewNamespace(bwrap, 'sleep', 'net');

    const out = containersJson();
    const rec = out.containers.find((c) => c.engine === 'bwrap' && c.pids.includes(sleep));
    assert.ok(rec, `a bwrap record holds PID ${sleep}: ${out.containers.map((c) => `${c.key} ${c.pids}`).join('; ')}`);
    assert.equal(sharingOf(rec, 'net').ns, nsInode(sleep, 'net'));
    assert.equal(sharingOf(rec, 'net').sharing, 'own');
    const net = findNs(listJson(), nsInode(sleep, 'net'));
    assert.equal(net?.container?.engine, 'bwrap', `its net namespace carries it: ${describeNs(net)}`);
  },
);

const rootLxc = needs({ root: 'creates an LXC container', tools: LXC_TOOLS });

test(
  "lxc: a container is named as lxc-create named it, with lxc-info's PID",
  { skip: rootLxc, timeout: 120_000 },
  async (t) => {
    const s = new Scenario(t);
    const lxc = await startLxc(s, `nsx-${process.pid}-lxc`);
    const out = containersJson();
    const rec = out.containers.find((c) => c.engine === 'lxc' && c.pid === lxc.pid);
    assert.ok(rec, `an lxc record with PID ${lxc.pid}: ${out.containers.map((c) => `${c.key} ${c.pid}`).join('; ')}`);
    assert.equal(rec.name, lxc.name);
    assert.equal(rec.unnamed, undefined);
    assertSharing(rec);
    const list = listJson();
    const uts = findNs(list, nsInode(lxc.pid, 'uts'));
    assert.equal(uts?.container?.name, lxc.name, `its uts namespace carries it: ${describeNs(uts)}`);
    assert.equal(uts?.label, `${lxc.name} (lxc)`);
  },
);

const rootNspawn = needs({ root: 'runs a systemd-nspawn machine', tools: NSPAWN_TOOLS });

test(
  'systemd-nspawn: a machine is named by its -M name, with the PID of its init',
  { skip: rootNspawn, timeout: 120_000 },
  async (t) => {
    const s = new Scenario(t);
    const machine = await startNspawn(s, `nsx-${process.pid}-m`);
    const out = containersJson();
    const rec = out.containers.find((c) => c.engine === 'nspawn' && c.pids.includes(machine.pid));
    assert.ok(
      rec,
      `an nspawn record holds ${machine.pid}: ${out.containers.map((c) => `${c.key} ${c.pids}`).join('; ')}`,
    );
    assert.equal(rec.name, machine.name);
    assert.equal(rec.pid, machine.pid, "the machine's init");
    assertSharing(rec);
    const mnt = findNs(listJson(), nsInode(machine.pid, 'mnt'));
    assert.equal(mnt?.label, `${machine.name} (nspawn)`, describeNs(mnt));
  },
);

const rootRefused = needs({
  root: 'starts a private dockerd and runs nsx as a user it refuses',
  tools: [...DOCKER_TOOLS, ...USER_TOOLS],
});

test(
  "an ordinary user not in the docker group: a private dockerd's containers are not named, and the refusal says " +
    'which group would help',
  { skip: rootRefused, timeout: 180_000 },
  async (t) => {
    const s = new Scenario(t);
    const cli = readableCli(s);
    const docker = await startDocker(s);
    const images = dockerImages(docker);
    const id = docker.run(`nsx-${process.pid}-secret`, images.shell, SLEEP);
    const user = createUser(s, 'd');

    const out = containersJson({ cli, wrapper: ['runuser', '-u', user.name, '--'] });
    const refusal = out.refusals.find((r) => r.socket === docker.socket);
    assert.ok(refusal, `a refusal for ${docker.socket}: ${JSON.stringify(out.refusals)}`);
    assert.equal(refusal.engine, 'docker');
    assert.match(refusal.hint, /docker group/, 'the hint names the docker group');
    const rec = out.containers.find((c) => c.engine === 'docker' && c.id === id);
    if (rec) {
      assert.equal(rec.name, id.slice(0, 12), 'only the short id is shown');
      assert.match(rec.unnamed ?? '', /docker/, `unnamed says why: ${rec.unnamed}`);
    }
    assert.ok(!JSON.stringify(out).includes(`nsx-${process.pid}-secret`), 'the name is not shown to the user');
  },
);
