/** src/ui/tour/tourSteps.ts: each tour button's terminal, when its step is done, and package.json's walkthrough. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { planNew } from '../../src/core/terminals/isolate';
import { newArgs } from '../../src/ui/terminals/terminalChoices';
import {
  requestFor,
  stepSeen,
  TOUR_ID,
  TOUR_STEP_IDS,
  TOUR_TERMINALS,
  tourContextKey,
  tourTerminal,
} from '../../src/ui/tour/tourSteps';
import { nsRecord, snapshotOf } from './records';

const REPO = path.resolve(__dirname, '..', '..');
const SUBNET = '10.200.0.0/24';

test('requestFor: root gets the namespaces as they are, an ordinary user inside a user namespace mapped to root', () => {
  const lo = TOUR_TERMINALS.netLo!;
  assert.deepEqual(requestFor(lo, true, SUBNET), { types: ['net'] });
  assert.deepEqual(requestFor(lo, false, SUBNET), { types: ['user', 'net'], mapRoot: true });
  const user = TOUR_TERMINALS.userMaps!;
  assert.deepEqual(requestFor(user, false, SUBNET), { types: ['user'], mapRoot: true });
});

test('requestFor: the veth pair to the host takes the subnet, and stays without a user namespace for root to make', () => {
  const host = TOUR_TERMINALS.netVethHost!;
  assert.deepEqual(requestFor(host, false, '10.9.0.0/24'), { types: ['net'], veth: true, subnet: '10.9.0.0/24' });
  assert.deepEqual(requestFor(host, true, SUBNET), { types: ['net'], veth: true, subnet: SUBNET });
});

test('every button opens a terminal planNew accepts: without a password for an ordinary user, unless it says root', () => {
  for (const [id, terminal] of Object.entries(TOUR_TERMINALS)) {
    const asUser = planNew(requestFor(terminal, false, SUBNET), { uid: 1000 });
    assert.equal(asUser.privilege, terminal.needsRoot ? 'root' : 'none', `${id} as an ordinary user`);
    assert.equal(planNew(requestFor(terminal, true, SUBNET), { uid: 0 }).privilege, 'none', `${id} as root`);
    assert.ok(requestFor(terminal, false, SUBNET).types.includes(terminal.seen.type), `${id} makes what it waits for`);
  }
});

test('the --mount-proc pitfall is the one PID step without a fresh /proc', () => {
  assert.deepEqual(newArgs(requestFor(TOUR_TERMINALS.pidMountProc!, true, SUBNET)), ['new', '--type', 'pid,mnt']);
  assert.deepEqual(newArgs(requestFor(TOUR_TERMINALS.pidOne!, false, SUBNET)), [
    'new',
    '--type',
    'user,pid,mnt',
    '--mount-proc',
    '--map-root',
  ]);
});

test('tourTerminal: an id that names no button, or no string at all, is a sentence', () => {
  assert.equal(tourTerminal('netLo'), TOUR_TERMINALS.netLo);
  assert.equal(tourTerminal('nope'), 'the tour has no step "nope"');
  assert.equal(tourTerminal('__proto__'), 'the tour has no step "__proto__"');
  assert.equal(tourTerminal(undefined), 'the tour has no step undefined');
  assert.equal(tourTerminal(['netLo']), 'the tour has no step ["netLo"]');
});

test('stepSeen: done once enough namespaces of its type are below the terminal, others not counted', () => {
  const snapshot = snapshotOf(
    [
      nsRecord(1, 'net', []),
      nsRecord(2, 'net', []),
      nsRecord(3, 'net', []),
      nsRecord(4, 'user', []),
      nsRecord(5, 'pid', []),
    ],
    [],
  );
  const veth = TOUR_TERMINALS.netVeth!;
  assert.equal(stepSeen(TOUR_TERMINALS.netLo!, new Set([4, 1]), snapshot), true);
  assert.equal(stepSeen(veth, new Set([4, 1]), snapshot), false, 'one net namespace of two');
  assert.equal(stepSeen(veth, new Set([4, 1, 5]), snapshot), false, 'a PID namespace is no second net namespace');
  assert.equal(stepSeen(veth, new Set([1, 2]), snapshot), true);
  assert.equal(stepSeen(TOUR_TERMINALS.netBridge!, new Set([1, 2]), snapshot), false);
  assert.equal(stepSeen(TOUR_TERMINALS.netBridge!, new Set([1, 2, 3]), snapshot), true);
  assert.equal(stepSeen(veth, new Set([1, 99]), snapshot), false, 'an inode the snapshot does not list');
  assert.equal(stepSeen(TOUR_TERMINALS.userMaps!, new Set(), snapshot), false, 'nothing below yet');
});

interface Step {
  id: string;
  description: string;
  media: { markdown: string };
  completionEvents: string[];
}

test("package.json's walkthrough: each step in order, its page, its buttons, checked off by its context key", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
    contributes: { walkthroughs: { id: string; title: string; steps: Step[] }[] };
  };
  const [tour] = pkg.contributes.walkthroughs;
  assert.equal(tour?.id, TOUR_ID);
  assert.equal(tour.title, 'Linux namespaces, hands-on');
  assert.deepEqual(
    tour.steps.map((s) => s.id),
    [...TOUR_STEP_IDS],
  );
  const linked = new Set<string>();
  for (const step of tour.steps) {
    assert.deepEqual(step.completionEvents, [`onContext:${tourContextKey(step.id as never)}`]);
    assert.ok(fs.existsSync(path.join(REPO, step.media.markdown)), `${step.media.markdown} exists`);
    const buttons = [...step.description.matchAll(/\(command:namespaceExplorer\.tour\.open\?([^)]+)\)/g)];
    assert.ok(buttons.length > 0, `${step.id} has a button`);
    for (const [, query] of buttons) {
      const [id] = JSON.parse(decodeURIComponent(query!)) as [string];
      const terminal = tourTerminal(id);
      assert.ok(typeof terminal !== 'string', terminal as string);
      assert.equal(terminal.step, step.id, `${id} checks off its own step`);
      linked.add(id);
    }
  }
  assert.deepEqual([...linked].sort(), Object.keys(TOUR_TERMINALS).sort(), 'every terminal has its button');
});
