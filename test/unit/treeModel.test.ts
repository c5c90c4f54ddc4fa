/** The sidebar's tree model and row texts, on a small hand-written snapshot. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nsenterArgv, shellQuote } from '../../src/core/terminals/argv';
import { NS_TYPES, NsType, ProcessRecord, Snapshot } from '../../src/core/model/snapshot';
import { namespaceTooltip, rowText } from '../../src/ui/namespaces/presentation';
import { NamespaceNode, Node, TreeModel } from '../../src/ui/namespaces/treeModel';
import { HOST } from './fixture-probe';
import { nsRecord as ns } from './records';

const CHILD_USER = 4026532500;
const CHILD_NET = 4026532600;
const CHILD_PID = 4026532700;
const NETNS = 4026532800;

function proc(
  pid: number,
  ppid: number,
  name: string,
  ns: Partial<Record<NsType, number>>,
  nspid = [pid],
): ProcessRecord {
  return { pid, ppid, uid: 0, user: 'root', name, command: `${name} --flag`, nspid, ns: { ...HOST, ...ns } };
}

function snapshot(): Snapshot {
  const init = proc(1, 0, 'init', {});
  const shell = proc(100, 1, 'bash', {});
  const unshare = proc(200, 100, 'unshare', { user: CHILD_USER, net: CHILD_NET });
  const inner = proc(201, 200, 'sh', { user: CHILD_USER, net: CHILD_NET, pid: CHILD_PID }, [201, 1]);
  const sleeper = proc(202, 201, 'sleep', { user: CHILD_USER, net: CHILD_NET, pid: CHILD_PID }, [202, 2]);
  const processes = [init, shell, unshare, inner, sleeper];
  const member = (type: NsType, ino: number) => processes.filter((p) => p.ns[type] === ino);
  const namespaces = [
    ...NS_TYPES.map((t) => ns(HOST[t], t, member(t, HOST[t]), { label: 'host' })),
    ns(CHILD_USER, 'user', member('user', CHILD_USER), { pns: HOST.user, ons: HOST.user, ownerUid: 0 }),
    ns(CHILD_NET, 'net', member('net', CHILD_NET), { ons: CHILD_USER, label: 'unshare' }),
    ns(CHILD_PID, 'pid', member('pid', CHILD_PID), { pns: HOST.pid, ons: CHILD_USER }),
    ns(NETNS, 'net', [], {
      label: 'blue',
      nsfs: ['/run/netns/blue'],
      holders: [{ kind: 'bindmount', pid: 1, path: '/run/netns/blue', mntns: HOST.mnt }],
    }),
  ].sort((a, b) => a.ns - b.ns);
  return {
    version: 1,
    takenAt: '2026-01-01T00:00:00.000Z',
    scanner: { uid: 1000, procRoot: '/proc', durationMs: 5 },
    capabilities: { hierarchy: true },
    hidden: { total: 3, byReason: { EACCES: 3, vanished: 0 } },
    namespaces,
    processes,
  };
}

const labels = (model: TreeModel, nodes: Node[]) => nodes.map((n) => rowText(n, model, new Set()).label);

test('by type: a row about hidden processes, then eight groups with their counts', () => {
  const model = new TreeModel(snapshot(), 'type');
  const roots = model.roots();
  assert.equal(roots[0].kind, 'info');
  const info = rowText(roots[0], model, new Set());
  assert.deepEqual([info.label, info.description], ['3 processes hidden', 'other users’ — Show All Namespaces…']);
  assert.equal(info.ariaLabel, '3 processes of other users hidden — Show All Namespaces…');
  assert.deepEqual(labels(model, roots.slice(1)), [
    'cgroup (1)',
    'ipc (1)',
    'mnt (1)',
    'net (3)',
    'pid (2)',
    'time (1)',
    'user (2)',
    'uts (1)',
  ]);
});

test('a namespace row is labelled by the engine label, else type and inode, and describes members and holders', () => {
  const model = new TreeModel(snapshot(), 'type');
  const net = model.children(model.roots().find((n) => n.kind === 'group' && n.type === 'net')!);
  const texts = net.map((n) => rowText(n, model, new Set([HOST.net])));
  assert.deepEqual(
    texts.map((t) => [t.label, t.description]),
    [
      ['host', 'net 4026531833 · 2 processes · root · yours'],
      ['unshare', 'net 4026532600 · 3 processes · root'],
      ['blue', 'net 4026532800 · no process · bind mount'],
    ],
  );
  assert.equal(texts[2].ariaLabel, 'net namespace 4026532800, blue, net 4026532800 · no process · bind mount');
  assert.equal(texts[2].contextValue, 'nsx:ns:net');
});

test('expanding a namespace shows its members as a process tree with PID chains, then its holders', () => {
  const model = new TreeModel(snapshot(), 'type');
  const pidGroup = model.roots().find((n) => n.kind === 'group' && n.type === 'pid')!;
  const child = model.children(pidGroup).find((n) => n.kind === 'namespace' && n.ns.ns === CHILD_PID)!;
  const [top] = model.children(child);
  assert.equal(top.kind, 'process');
  assert.deepEqual(rowText(top, model, new Set()).description, '201 → 1 · root');
  const [nested] = model.children(top);
  assert.equal(rowText(nested, model, new Set()).ariaLabel, 'process 202 sleep --flag, PID chain 202 → 2');

  const netGroup = model.roots().find((n) => n.kind === 'group' && n.type === 'net')!;
  const blue = model.children(netGroup).find((n) => n.kind === 'namespace' && n.ns.ns === NETNS)!;
  const [holder] = model.children(blue);
  assert.equal(holder.kind, 'holder');
  assert.deepEqual(
    [rowText(holder, model, new Set()).label, rowText(holder, model, new Set()).description],
    ['/run/netns/blue', 'bind mount, seen in mnt 4026531832 (host)'],
  );
});

test('PID and user namespace rows say how deep they are nested; the initial ones and other types say nothing', () => {
  const s = snapshot();
  // A second PID namespace inside the child one: depth 2.
  const grandchild = ns(4026532701, 'pid', [], { pns: CHILD_PID, ons: CHILD_USER });
  s.namespaces.push(grandchild);
  const model = new TreeModel(s, 'type');
  const description = (ino: number) => rowText(model.findNamespace(ino)!, model, new Set()).description;
  assert.equal(description(CHILD_PID), 'depth 1 · 2 processes · root');
  assert.equal(description(4026532701), 'depth 2 · no process');
  assert.equal(description(CHILD_USER), 'depth 1 · 3 processes · root');
  assert.doesNotMatch(description(HOST.pid), /depth/);
  assert.doesNotMatch(description(CHILD_NET), /depth/);
  assert.match(
    rowText(model.findNamespace(4026532701)!, model, new Set()).ariaLabel,
    /, depth 2 · /,
    'a screen reader hears it too',
  );
});

test('by owner: each namespace sits under the user namespace that owns it', () => {
  const model = new TreeModel(snapshot(), 'owner');
  const hostUser = model.roots().find((n): n is NamespaceNode => n.kind === 'namespace')!;
  assert.equal(hostUser.ns.ns, HOST.user);
  const owned = model.children(hostUser).filter((n): n is NamespaceNode => n.kind === 'namespace');
  assert.ok(owned.some((n) => n.ns.ns === CHILD_USER));
  const childUser = owned.find((n) => n.ns.ns === CHILD_USER)!;
  const underChild = model.children(childUser);
  assert.deepEqual(
    underChild.filter((n): n is NamespaceNode => n.kind === 'namespace').map((n) => n.ns.ns),
    [CHILD_NET, CHILD_PID],
  );
  // Members sit in a folder of their own beside the nested namespaces.
  const folder = underChild.find((n) => n.kind === 'members')!;
  assert.equal(rowText(folder, model, new Set()).label, 'Processes (3)');
  assert.deepEqual(
    model.children(folder).map((n) => (n.kind === 'process' ? n.process.pid : 0)),
    [200],
  );
});

test('by parent: only PID and user namespaces, nested by parent', () => {
  const model = new TreeModel(snapshot(), 'parent');
  const roots = model.roots().filter((n): n is NamespaceNode => n.kind === 'namespace');
  assert.deepEqual(roots.map((n) => n.ns.ns).sort(), [HOST.pid, HOST.user].sort());
  const hostPid = roots.find((n) => n.ns.ns === HOST.pid)!;
  assert.deepEqual(
    model
      .children(hostPid)
      .filter((n): n is NamespaceNode => n.kind === 'namespace')
      .map((n) => n.ns.ns),
    [CHILD_PID],
  );
});

test('ids are stable across snapshots and unique within one, and every node knows its parent', () => {
  const collect = (model: TreeModel) => {
    const ids: string[] = [];
    const walk = (nodes: Node[], parent: Node | undefined) => {
      for (const n of nodes) {
        assert.equal(n.parent, parent);
        ids.push(n.id);
        walk(model.children(n), n);
      }
    };
    walk(model.roots(), undefined);
    return ids;
  };
  for (const grouping of ['type', 'owner', 'parent'] as const) {
    const first = collect(new TreeModel(snapshot(), grouping));
    assert.equal(new Set(first).size, first.length, `unique ids by ${grouping}`);
    assert.deepEqual(collect(new TreeModel(snapshot(), grouping)), first, `stable ids by ${grouping}`);
  }
});

test('the filter matches PID, command, label and inode, and keeps the ancestors of matches', () => {
  const byPid = new TreeModel(snapshot(), 'type', '202');
  const counts = labels(byPid, byPid.roots().slice(1));
  assert.deepEqual(counts, [
    'cgroup (1)',
    'ipc (1)',
    'mnt (1)',
    'net (1)',
    'pid (1)',
    'time (1)',
    'user (1)',
    'uts (1)',
  ]);
  const byLabel = new TreeModel(snapshot(), 'owner', 'blue');
  const top = byLabel.roots().filter((n): n is NamespaceNode => n.kind === 'namespace');
  assert.deepEqual(
    top.map((n) => n.ns.ns),
    [HOST.user],
  );
  assert.deepEqual(
    byLabel
      .children(top[0])
      .filter((n): n is NamespaceNode => n.kind === 'namespace')
      .map((n) => n.ns.ns),
    [NETNS],
  );
  const byInode = new TreeModel(snapshot(), 'type', String(CHILD_PID));
  assert.equal(byInode.findNamespace(CHILD_PID)?.ns.ns, CHILD_PID);
  assert.equal(byInode.findNamespace(CHILD_NET), undefined);
});

test('findNamespace builds the path to a nested namespace', () => {
  const model = new TreeModel(snapshot(), 'owner');
  const node = model.findNamespace(CHILD_PID)!;
  const path: number[] = [];
  for (let n: Node | undefined = node; n; n = n.parent) if (n.kind === 'namespace') path.unshift(n.ns.ns);
  assert.deepEqual(path, [HOST.user, CHILD_USER, CHILD_PID]);
});

test('the tooltip names owner, parent, creator, senior process and holders', () => {
  const s = snapshot();
  const model = new TreeModel(s, 'type');
  const pid = s.namespaces.find((n) => n.ns === CHILD_PID)!;
  const tip = namespaceTooltip(pid, model);
  assert.match(tip, /\*\*pid 4026532700\*\*/);
  assert.match(tip, /Owner: user 4026532500/);
  assert.match(tip, /Parent: pid 4026531836 \(host\)/);
  assert.match(tip, /senior: PID 201/);
  const blue = namespaceTooltip(
    s.namespaces.find((n) => n.ns === NETNS)!,
    model,
  );
  // Markdown escapes removed: what the hover shows.
  assert.match(
    blue.replace(/\\(.)/g, '$1'),
    /Held by:\n- bind mount \/run\/netns\/blue, seen in mnt 4026531832 \(host\)/,
  );
});

test('nsenter commands go through a member PID, else through a holder file; ghosts have none', () => {
  const s = snapshot();
  assert.deepEqual(nsenterArgv(s.namespaces.find((n) => n.ns === CHILD_NET)!), ['nsenter', '--target', '200', '--net']);
  assert.deepEqual(nsenterArgv(s.namespaces.find((n) => n.ns === NETNS)!), ['nsenter', '--net=/run/netns/blue']);
  assert.equal(nsenterArgv({ type: 'user', pid: null, holders: [] }), null);
  assert.equal(shellQuote(['nsenter', '--net=/run/netns/a b', "it's"]), `nsenter '--net=/run/netns/a b' 'it'\\''s'`);
});
