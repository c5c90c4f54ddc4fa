/**
 * Findings in the editor (src/ui/findings/findingText.ts, the tree model's Findings group
 * and row marks, the Details panel's view of them), on hand-made Finding records.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Finding, FINDING_KINDS } from '../../src/core/findings/types';
import { NS_TYPES, NsType, ProcessRecord } from '../../src/core/model/snapshot';
import { findingKey, findingMark, findingTooltip, shownFindings } from '../../src/ui/findings/findingText';
import { namespaceTooltip, rowText } from '../../src/ui/namespaces/presentation';
import { NamespaceNode, Node, TreeModel } from '../../src/ui/namespaces/treeModel';
import { findingView } from '../../src/ui/details/detailsViews';
import { isDetailsFromWebview } from '../../src/ui/details/protocol';
import { HOST } from './fixture-probe';
import { nsRecord, snapshotOf } from './records';

const BOX_PID = 4026532700;
const BOX_NET = 4026532701;

const procPitfall: Finding = {
  kind: 'proc-of-other-pidns',
  severity: 'warning',
  ns: BOX_PID,
  type: 'pid',
  text: 'sleep (PID 300) is in pid 4026532700, but its /proc is the host’s: ps there lists the host’s processes.',
  actions: [
    { kind: 'command', label: 'Start it with its own /proc', command: 'unshare --pid --fork --mount-proc sleep 1000' },
    { kind: 'reveal', label: 'Reveal the host’s PID namespace', ns: HOST.pid, type: 'pid' },
  ],
};
const loDown: Finding = {
  kind: 'loopback-down',
  severity: 'warning',
  ns: BOX_NET,
  type: 'net',
  text: 'net 4026532701 has lo down: even ping 127.0.0.1 fails.',
  actions: [{ kind: 'command', label: 'Bring lo up', command: 'ip link set lo up', inNamespace: true }],
};
const rootInside: Finding = {
  kind: 'root-is-unprivileged-outside',
  severity: 'info',
  ns: HOST.user,
  type: 'user',
  text: 'root in user 4026531837 is you outside.',
  actions: [],
};

function proc(pid: number, ppid: number, name: string, ns: Partial<Record<NsType, number>>): ProcessRecord {
  return { pid, ppid, uid: 0, user: 'root', name, command: name, nspid: [pid], ns: { ...HOST, ...ns } };
}

function model(findings: Finding[], grouping: 'type' | 'containers' = 'type'): TreeModel {
  const processes = [proc(1, 0, 'init', {}), proc(300, 1, 'sleep', { pid: BOX_PID, net: BOX_NET })];
  const members = (t: NsType, ino: number) => processes.filter((p) => p.ns[t] === ino);
  const namespaces = [
    ...NS_TYPES.map((t) => nsRecord(HOST[t], t, members(t, HOST[t]), { label: 'host' })),
    nsRecord(BOX_PID, 'pid', members('pid', BOX_PID), { label: 'sleep' }),
    nsRecord(BOX_NET, 'net', members('net', BOX_NET), { label: 'sleep' }),
  ].sort((a, b) => a.ns - b.ns);
  return new TreeModel(snapshotOf(namespaces, processes), grouping, '', undefined, findings);
}

test('dismissed findings (per namespace and kind) and kinds switched off are not shown', () => {
  const all = [procPitfall, loDown, rootInside];
  assert.deepEqual(shownFindings(all, new Set(), new Set()), all);
  assert.deepEqual(shownFindings(all, new Set([findingKey(loDown)]), new Set()), [procPitfall, rootInside]);
  assert.deepEqual(shownFindings(all, new Set([`${BOX_PID}:loopback-down`]), new Set()), all, 'another inode');
  assert.deepEqual(shownFindings(all, new Set(), new Set(['root-is-unprivileged-outside'])), [procPitfall, loDown]);
});

test('the Findings group comes first, expanded by the tree, its count in the description, warnings before infos', () => {
  const m = model([rootInside, loDown, procPitfall]);
  const [first, second] = m.roots();
  assert.equal(first!.kind, 'findings');
  assert.equal(second!.kind, 'group', 'the type groups follow');
  const group = rowText(first!, m, new Set());
  assert.deepEqual([group.label, group.description, group.icon], ['Findings', '3', 'lightbulb']);
  const rows = m.children(first!);
  assert.deepEqual(
    rows.map((r) => r.kind === 'finding' && r.finding.kind),
    ['proc-of-other-pidns', 'loopback-down', 'root-is-unprivileged-outside'],
  );
  assert.deepEqual(
    rows.map((r) => r.id),
    [
      `findings/${BOX_PID}:proc-of-other-pidns`,
      `findings/${BOX_NET}:loopback-down`,
      `findings/${HOST.user}:root-is-unprivileged-outside`,
    ],
  );
});

test('no findings, no group; the group is there in the container grouping too', () => {
  assert.ok(
    model([])
      .roots()
      .every((n) => n.kind !== 'findings'),
  );
  assert.equal(model([loDown], 'containers').roots()[0]!.kind, 'findings');
});

test("a finding's row: the sentence as label, its severity's icon and colour, the actions it has in its contextValue", () => {
  const m = model([procPitfall, loDown, rootInside]);
  const rows = m.children(m.roots()[0]!);
  const [pitfall, lo, info] = rows.map((r) => rowText(r, m, new Set()));
  assert.equal(pitfall!.label, procPitfall.text);
  assert.deepEqual([pitfall!.icon, pitfall!.tone], ['warning', 'warning']);
  assert.equal(pitfall!.contextValue, 'nsx:finding:warning:copy:reveal');
  assert.equal(lo!.contextValue, 'nsx:finding:warning:copy:run', 'a command inside the namespace can be run');
  assert.deepEqual([info!.icon, info!.tone, info!.contextValue], ['info', 'info', 'nsx:finding:info']);
  assert.match(pitfall!.ariaLabel, /^warning: .*\(pid 4026532700\)$/);
});

function namespaceNode(m: TreeModel, ino: number): NamespaceNode {
  for (const group of m.roots()) {
    if (group.kind !== 'group') continue;
    for (const n of m.children(group) as Node[]) if (n.kind === 'namespace' && n.ns.ns === ino) return n;
  }
  throw new Error(`no row for ${ino}`);
}

test("a namespace's row is marked, after a terminal's mark, and its icon takes the worst severity's colour", () => {
  const m = model([procPitfall, rootInside]);
  const row = rowText(namespaceNode(m, BOX_PID), m, new Set(), new Map([[BOX_PID, 'pid of sleep']]));
  assert.match(row.description, /^terminal: pid of sleep · ⚠ \/proc of another PID namespace · pid 4026532700/);
  assert.equal(row.tone, 'warning');
  const info = rowText(namespaceNode(m, HOST.user), m, new Set());
  assert.match(info.description, /^ⓘ root inside only · /);
  assert.equal(info.tone, 'info');
  const plain = rowText(namespaceNode(m, BOX_NET), m, new Set());
  assert.equal(plain.tone, undefined);
  assert.doesNotMatch(plain.description, /⚠|ⓘ/);
});

test('several findings on one namespace: the worst one named, the others counted', () => {
  assert.equal(findingMark([rootInside, { ...loDown, ns: HOST.user }]), '⚠ lo down +1');
  assert.equal(findingMark([]), undefined);
});

test("a namespace's tooltip starts with its findings' sentences", () => {
  const m = model([procPitfall]);
  const tip = namespaceTooltip(m.namespace(BOX_PID)!, m);
  assert.ok(tip.startsWith('⚠ sleep \\(PID 300\\) is in pid 4026532700'), tip);
  assert.doesNotMatch(namespaceTooltip(m.namespace(BOX_NET)!, m), /⚠/);
});

test("a finding's tooltip explains it and gives the fix in a code block; nothing from the system can form markup", () => {
  const tip = findingTooltip(procPitfall, 'pid 4026532700 (sleep)');
  assert.match(tip, /^⚠ \*\*Warning\*\* — pid 4026532700 \\\(sleep\\\)/);
  assert.match(tip, /`\/proc` \(`unshare --mount-proc`/, 'what it means');
  assert.match(tip, /\n```\nunshare --pid --fork --mount-proc sleep 1000\n```/);
  assert.match(tip, /Reveal the host’s PID namespace: pid 4026531836/);
  const hostile: Finding = {
    ...loDown,
    text: 'lo of [x](command:evil) is down',
    actions: [{ kind: 'command', label: 'fix', command: 'echo ```\n[a](https://x)' }],
    subjects: ['![img](https://x/y.png)'],
  };
  const t = findingTooltip(hostile, 'net 1');
  assert.doesNotMatch(t, /[^\\]\[x\]\(command/);
  assert.ok(t.includes('````\necho ```\\012[a](https://x)\n````'), 'the fence outlasts the backticks, on one line');
  assert.ok(t.includes('- \\!\\[img\\]'));
});

test('the Details panel: per command Copy (and Run when it runs inside), Reveal per namespace, and Dismiss', () => {
  const pitfall = findingView(procPitfall);
  assert.equal(pitfall.key, `${BOX_PID}:proc-of-other-pidns`);
  assert.deepEqual(pitfall.commands, ['unshare --pid --fork --mount-proc sleep 1000']);
  assert.deepEqual(
    pitfall.actions.map((a) => [a.index, a.do]),
    [
      [0, 'copy'],
      [1, 'reveal'],
      [-1, 'dismiss'],
    ],
  );
  assert.deepEqual(
    findingView(loDown).actions.map((a) => [a.index, a.do, a.label]),
    [
      [0, 'copy', 'Copy: Bring lo up'],
      [0, 'run', 'Run in Terminal'],
      [-1, 'dismiss', 'Dismiss'],
    ],
  );
  assert.ok(isDetailsFromWebview({ type: 'details/finding', key: pitfall.key, index: 0, do: 'copy' }));
  assert.ok(!isDetailsFromWebview({ type: 'details/finding', key: pitfall.key, index: 0, do: 'rm' }));
  assert.ok(!isDetailsFromWebview({ type: 'details/finding', key: 1, index: 0, do: 'copy' }));
});

test('the setting that switches kinds off offers exactly the kinds there are, each described', () => {
  const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8'));
  const items = pkg.contributes.configuration.properties['namespaceExplorer.findings.disabled'].items;
  assert.deepEqual(items.enum, [...FINDING_KINDS]);
  assert.equal(items.enumDescriptions.length, FINDING_KINDS.length);
});
