/** Group By Containers (containerTree.ts) and the words of containers (containerPresentation.ts). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ContainerNamespace, ContainerRecord, Sharing } from '../../src/core/containers/types';
import { NS_TYPES, NsType, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import {
  containerRow,
  containerTooltip,
  hostSharedTooltip,
  sharingWords,
} from '../../src/ui/namespaces/containerPresentation';
import { namespaceTooltip, rowText } from '../../src/ui/namespaces/presentation';
import { Node, TreeModel } from '../../src/ui/namespaces/treeModel';
import { detailsView } from '../../src/ui/details/detailsViews';
import { enterTypeItems } from '../../src/ui/terminals/terminalChoices';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

// Namespaces of their own: dweb's, the pod's shared ones, each member's, a sandbox's.
const WEB = { net: 4026532601, uts: 4026532602, ipc: 4026532603, mnt: 4026532604, pid: 4026532605 };
const HOSTNET = { uts: 4026532611, ipc: 4026532612, mnt: 4026532613, pid: 4026532614 };
const POD = { net: 4026532621, uts: 4026532622, ipc: 4026532623 };
const PM1 = { mnt: 4026532631, pid: 4026532632 };
const PM2 = { mnt: 4026532641, pid: 4026532642 };
const BOX = { net: 4026532651 };
const NETNS = 4026532699;

function proc(pid: number, ppid: number, name: string, ns: Partial<Record<NsType, number>>): ProcessRecord {
  return { pid, ppid, uid: 0, user: 'root', name, command: `${name} --flag`, nspid: [pid], ns: { ...HOST, ...ns } };
}

/** All eight namespaces of a container: OWN as its own, SHARED with WITH, the rest the host's. */
function spaces(own: Partial<Record<NsType, number>>, shared: Partial<Record<NsType, number>> = {}, w = '') {
  return NS_TYPES.map((type): ContainerNamespace => {
    const sharing: Sharing = own[type] ? 'own' : shared[type] ? 'shared' : 'host';
    const ns = own[type] ?? shared[type] ?? HOST[type];
    return sharing === 'shared' ? { type, ns, sharing, with: w, withKey: 'podman/pod1' } : { type, ns, sharing };
  });
}

function record(extra: Partial<ContainerRecord> & Pick<ContainerRecord, 'key' | 'name' | 'engine'>): ContainerRecord {
  return {
    id: extra.key.split('/')[1]!,
    kind: 'container',
    state: 'running',
    pid: null,
    pids: [],
    namespaces: [],
    ...extra,
  };
}

function containers(): ContainerRecord[] {
  return [
    record({
      key: 'sandbox/700',
      name: 'sleep',
      engine: null,
      kind: 'sandbox',
      madeBy: 'unshare',
      pid: 700,
      pids: [700],
      namespaces: spaces(BOX),
    }),
    record({
      key: 'podman/pm2',
      name: 'pm2',
      engine: 'podman',
      pod: 'pod1',
      pid: 620,
      pids: [620],
      namespaces: spaces(PM2, POD, 'pod pod1'),
    }),
    record({
      key: 'docker/bbb',
      name: 'dweb',
      engine: 'docker',
      image: 'busybox:1',
      pid: 500,
      pids: [500, 501],
      namespaces: spaces(WEB),
      nameSource: 'api',
    }),
    record({
      key: 'podman/pod1',
      name: 'pod1',
      engine: 'podman',
      kind: 'pod',
      pid: 600,
      pids: [600],
      members: ['podman/pm1', 'podman/pm2'],
      namespaces: spaces(POD),
    }),
    record({
      key: 'docker/aaa',
      name: 'dhost',
      engine: 'docker',
      image: 'busybox:1',
      pid: 550,
      pids: [550],
      namespaces: spaces(HOSTNET),
    }),
    record({
      key: 'podman/pm1',
      name: 'pm1',
      engine: 'podman',
      pod: 'pod1',
      pid: 610,
      pids: [610],
      namespaces: spaces(PM1, POD, 'pod pod1'),
    }),
  ];
}

function snapshot(withContainers = true, uid = 0): Snapshot {
  const processes = [
    proc(1, 0, 'init', {}),
    proc(500, 1, 'httpd', WEB),
    proc(501, 500, 'sh', WEB),
    proc(550, 1, 'sleep', HOSTNET),
    proc(600, 1, 'catatonit', POD),
    proc(610, 1, 'sleep', { ...POD, ...PM1 }),
    proc(620, 1, 'sleep', { ...POD, ...PM2 }),
    proc(700, 1, 'sleep', BOX),
  ];
  const all: [NsType, number][] = [
    ...NS_TYPES.map((t): [NsType, number] => [t, HOST[t]]),
    ...[WEB, HOSTNET, POD, PM1, PM2, BOX].flatMap((set) => Object.entries(set) as [NsType, number][]),
  ];
  const namespaces = all.map(([type, ino]) =>
    nsRecord(
      ino,
      type,
      processes.filter((p) => p.ns[type] === ino),
      { label: ino === WEB.net ? 'dweb (docker)' : null },
    ),
  );
  namespaces.push(nsRecord(NETNS, 'net', [], { label: 'blue', nsfs: ['/run/netns/blue'], holders: [] }));
  const snap = snapshotOf(namespaces, processes, { uid });
  if (withContainers) snap.containers = containers();
  return snap;
}

const look = (m: TreeModel, n: Node) => rowText(n, m, new Set());
const labels = (m: TreeModel, nodes: Node[]) => nodes.map((n) => look(m, n).label);
const byLabel = (m: TreeModel, nodes: Node[], label: string) => {
  const found = nodes.find((n) => look(m, n).label === label);
  assert.ok(found, `a row labelled ${label} among ${labels(m, nodes).join(', ')}`);
  return found;
};

test('containers: pods and containers by engine then name, sandboxes after, the rest last; members under their pod', () => {
  const m = new TreeModel(snapshot(), 'containers');
  const roots = m.roots();
  assert.deepEqual(labels(m, roots), ['dhost', 'dweb', 'pod1', 'sleep', 'Outside containers (9)']);
  assert.deepEqual(labels(m, m.children(byLabel(m, roots, 'pod1')).slice(0, 2)), ['pm1', 'pm2']);
  const others = m.children(roots.at(-1)!);
  assert.ok(others.every((n) => n.kind === 'namespace' && (n.ns.label === null || n.ns.ns === NETNS)));
  assert.ok(others.some((n) => n.kind === 'namespace' && n.ns.ns === HOST.net));
});

test('a container row: name, then engine · image · state · processes; icon and menus by kind', () => {
  const m = new TreeModel(snapshot(), 'containers');
  const [dhost, dweb, pod, sandbox] = m.roots().map((n) => look(m, n));
  assert.deepEqual(dweb, {
    label: 'dweb',
    description: 'docker · busybox:1 · running · 2 processes',
    ariaLabel: 'container dweb, docker · busybox:1 · running · 2 processes',
    icon: 'package',
    contextValue: 'nsx:container:container',
  });
  assert.equal(dhost!.description, 'docker · busybox:1 · running · 1 process');
  assert.equal(pod!.description, 'podman pod · running · 2 containers');
  assert.equal(pod!.icon, 'layers');
  const lone = { ...containers()[3]!, members: [], k8sNamespace: 'shop' };
  assert.equal(
    containerRow({ kind: 'container', id: 'c', parent: undefined, container: lone }).description,
    'podman pod · k8s shop · running · 1 process',
  );
  assert.equal(sandbox!.description, 'made by unshare · 1 process');
  assert.equal(sandbox!.icon, 'beaker');
  // The Debug Shell's menu matches `viewItem =~ /\bcontainer\b/`.
  for (const row of [dhost, dweb, pod, sandbox]) assert.match(row!.contextValue, /\bcontainer\b/);
});

test('under a container: its namespaces marked own, the host’s in one row, then its processes as a tree', () => {
  const m = new TreeModel(snapshot(), 'containers');
  const dweb = byLabel(m, m.roots(), 'dweb');
  const rows = m.children(dweb).map((n) => look(m, n));
  assert.deepEqual(
    rows.map((r) => [r.label, r.description.split(' · ')[0]]),
    [
      [`ipc ${WEB.ipc}`, 'own'],
      [`mnt ${WEB.mnt}`, 'own'],
      [`net ${WEB.net}`, 'own'],
      [`pid ${WEB.pid}`, 'own'],
      [`uts ${WEB.uts}`, 'own'],
      ['host: cgroup, time, user', 'the host’s own, not the container’s'],
      ['httpd', '500'],
    ],
  );
  assert.equal(rows[2]!.contextValue, 'nsx:ns:net');
  const host = m.children(dweb).find((n) => n.kind === 'hostShared')!;
  assert.equal(
    host.kind === 'hostShared' && hostSharedTooltip(host),
    'dweb has the host’s cgroup, time, user namespaces (the initial ones), as every process outside a container has: ' +
      'they are listed once, under Outside containers.',
  );
  const httpd = m.children(dweb).at(-1)!;
  assert.deepEqual(labels(m, m.children(httpd)), ['sh']);
  // A namespace row under a container expands to its members as anywhere else.
  assert.deepEqual(labels(m, m.children(m.children(dweb)[2]!)), ['httpd']);
});

test('a --network host container has its net in the host row; pod members share the pod’s namespaces', () => {
  const m = new TreeModel(snapshot(), 'containers');
  const dhost = m.children(byLabel(m, m.roots(), 'dhost')).map((n) => look(m, n).label);
  assert.ok(dhost.includes('host: cgroup, net, time, user'), dhost.join(', '));
  const pod = byLabel(m, m.roots(), 'pod1');
  const pm1 = byLabel(m, m.children(pod), 'pm1');
  const net = m
    .children(pm1)
    .map((n) => look(m, n))
    .find((r) => r.label === `net ${POD.net}`);
  assert.match(net!.description, /^shared with pod pod1 · /);
  const podNet = m
    .children(pod)
    .map((n) => look(m, n))
    .find((r) => r.label === `net ${POD.net}`);
  assert.match(podNet!.description, /^own · /);
  assert.equal(sharingWords({ type: 'net', ns: 1, sharing: 'shared' }), 'shared');
});

test('findNamespace under Containers: a shared namespace under its owner, a member’s own under the member, the host’s outside', () => {
  const m = new TreeModel(snapshot(), 'containers');
  const path = (ino: number) => {
    const names: string[] = [];
    for (let n: Node | undefined = m.findNamespace(ino); n; n = n.parent) names.unshift(look(m, n).label);
    return names;
  };
  assert.deepEqual(path(POD.net), ['pod1', `net ${POD.net}`]);
  assert.deepEqual(path(PM2.mnt), ['pod1', 'pm2', `mnt ${PM2.mnt}`]);
  assert.deepEqual(path(HOST.net), ['Outside containers (9)', `net ${HOST.net}`]);
  assert.deepEqual(path(NETNS), ['Outside containers (9)', 'blue']);
  assert.deepEqual(path(WEB.net), ['dweb', `net ${WEB.net}`]);
});

test('the filter under Containers keeps containers by name, image, PID or a namespace, and the namespaces outside that match', () => {
  const shown = (filter: string) => {
    const m = new TreeModel(snapshot(), 'containers', filter);
    return labels(m, m.roots());
  };
  assert.deepEqual(shown('dweb'), ['dweb']);
  assert.deepEqual(shown('pm2'), ['pod1']);
  // A PID's host namespaces are outside containers.
  assert.deepEqual(shown('501'), ['dweb', 'Outside containers (3)']);
  assert.deepEqual(shown(String(PM1.pid)), ['pod1']);
  assert.deepEqual(shown('blue'), ['Outside containers (1)']);
  assert.deepEqual(shown('busybox'), ['dhost', 'dweb']);
  // Without the filter the tree has it: a reveal clears the filter first (hiddenByFilter).
  assert.equal(new TreeModel(snapshot(), 'containers', 'dweb').findNamespace(POD.net), undefined);
});

test('ids are unique and stable, and every row knows its parent', () => {
  const ids = (m: TreeModel) => {
    const out: string[] = [];
    const walk = (nodes: Node[], parent: Node | undefined) => {
      for (const n of nodes) {
        assert.equal(n.parent, parent);
        out.push(n.id);
        walk(m.children(n), n);
      }
    };
    walk(m.roots(), undefined);
    return out;
  };
  const first = ids(new TreeModel(snapshot(), 'containers'));
  assert.equal(new Set(first).size, first.length);
  assert.deepEqual(ids(new TreeModel(snapshot(), 'containers')), first);
});

test('no container: one row says so, names the engine that refused and, to an ordinary user, offers Show All', () => {
  const user = snapshot(false, 1000);
  user.engineRefusals = [{ engine: 'docker', socket: '/run/docker.sock', hint: 'join the docker group' }];
  const m = new TreeModel(user, 'containers');
  const [info] = m.roots();
  assert.equal(info!.kind, 'info');
  assert.deepEqual(look(m, info!).label, 'No container or sandbox found');
  assert.equal(
    info!.kind === 'info' && info!.sentence,
    'No container or sandbox found: docker refused /run/docker.sock: join the docker group; ' +
      'other users’ containers need Show All Namespaces…',
  );
  assert.equal(info!.kind === 'info' && info!.action, 'showAll');
  const root = new TreeModel(snapshot(false, 0), 'containers').roots()[0]!;
  assert.ok(root.kind === 'info' && root.sentence === 'No container or sandbox found.' && !root.action);
  // Other groupings say nothing of containers.
  assert.ok(new TreeModel(user, 'type').roots().every((n) => n.kind !== 'info' || n.id !== 'info/containers'));
});

test('the tooltips: a container’s engine, id, image, state, pod and name source; a namespace’s container and why it has no name', () => {
  const [, pm2, dweb] = containers();
  const tip = containerTooltip({ ...dweb!, k8sNamespace: 'shop', unnamed: 'the engine refused' });
  assert.match(tip, /^\*\*dweb\*\* — docker container/);
  for (const line of [
    '- Engine: docker',
    '- Id: bbb',
    '- Image: busybox\\:1',
    '- State: running',
    '- Kubernetes namespace: shop',
    '- Name from the engine’s API',
    '- No name, only the id: the engine refused',
    '- 2 processes; first: PID 500',
  ])
    assert.ok(tip.includes(line), `${line} in ${tip}`);
  assert.match(containerTooltip(pm2!), /- Pod: pod1/);
  const m = new TreeModel(snapshot(), 'type');
  const ns = m.namespace(WEB.net)!;
  ns.container = { engine: 'docker', id: 'bbb', name: 'd*web', image: 'busybox:1', pod: 'p', k8sNamespace: 'shop' };
  ns.unnamed = 'its state is root’s';
  const text = namespaceTooltip(ns, m);
  assert.ok(
    text.includes('- Container: **d\\*web** (docker) · image busybox\\:1 · pod p · Kubernetes namespace shop'),
    text,
  );
  assert.ok(text.includes('- No name, only the id: its state is root’s'), text);
});

test('the Details header names the container and its engine; none without one', () => {
  const input = {
    present: true,
    details: undefined,
    failure: null,
    readAt: null,
    elevated: false,
    root: true,
    nameOf: () => undefined,
  };
  const record = { type: 'net' as const, ns: WEB.net, label: 'dweb (docker)' };
  const container = { engine: 'docker' as const, id: 'bbb', name: 'dweb', image: 'busybox:1' };
  const heading = detailsView({ ...input, record: { ...record, container } }).heading;
  assert.equal(heading.container, 'dweb · docker · image busybox:1');
  assert.equal(heading.unnamed, null);
  assert.equal(detailsView({ ...input, record }).heading.container, null);
});

test('Open Terminal on a container offers its first process’s namespaces, all of them picked', () => {
  const snap = snapshot();
  const offered = enterTypeItems(snap, 500, undefined)!;
  assert.equal(offered.all.picked, true);
  assert.ok(offered.items.slice(1).every((i) => !i.picked));
});
