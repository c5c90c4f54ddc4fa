/** src/core/elevation.ts: the kernel's capability rules for user namespaces, and whose rights a terminal needs. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { Caller, enterPrivilege, holdsCapabilitiesIn, newPrivilege } from '../../src/core/terminals/rootNeeded';
import { NamespaceRecord, NsType } from '../../src/core/model/snapshot';

const ALICE = 1000;
const BOB = 1001;

// The user namespace tree, as discovery reports it (pns = parent, ownerUid = creator's UID).
const INIT = 4026531837;
const ALICE_CHILD = 4026532001; // made by alice in the initial namespace
const BOB_CHILD = 4026532002; // made by bob in the initial namespace
const ALICE_UNDER_BOB = 4026532003; // made by alice inside bob's namespace
const BOB_UNDER_ALICE = 4026532004; // made by bob inside alice's namespace
const DEEP = 4026532005; // made by root below BOB_UNDER_ALICE
const UNKNOWN = 4026539999;

type UserRec = Pick<NamespaceRecord, 'pns' | 'ownerUid'>;
const USERNS: ReadonlyMap<number, UserRec> = new Map<number, UserRec>([
  [INIT, { pns: null, ownerUid: 0 }],
  [ALICE_CHILD, { pns: INIT, ownerUid: ALICE }],
  [BOB_CHILD, { pns: INIT, ownerUid: BOB }],
  [ALICE_UNDER_BOB, { pns: BOB_CHILD, ownerUid: ALICE }],
  [BOB_UNDER_ALICE, { pns: ALICE_CHILD, ownerUid: BOB }],
  [DEEP, { pns: BOB_UNDER_ALICE, ownerUid: 0 }],
]);

const root: Caller = { uid: 0, userns: INIT };
const alice: Caller = { uid: ALICE, userns: INIT };

const ns = (type: NsType, ino: number, ons: number | null): Pick<NamespaceRecord, 'type' | 'ns' | 'ons'> => ({
  type,
  ns: ino,
  ons,
});

test('holdsCapabilitiesIn: root in the initial user namespace holds them there and in every descendant', () => {
  for (const target of [INIT, ALICE_CHILD, BOB_CHILD, ALICE_UNDER_BOB, BOB_UNDER_ALICE, DEEP]) {
    assert.equal(holdsCapabilitiesIn(target, root, USERNS), true, String(target));
  }
});

test('holdsCapabilitiesIn: a user who is not root holds none in its own user namespace', () => {
  assert.equal(holdsCapabilitiesIn(INIT, alice, USERNS), false);
});

test("holdsCapabilitiesIn: the owner of a child of the caller's user namespace holds them in it", () => {
  assert.equal(holdsCapabilitiesIn(ALICE_CHILD, alice, USERNS), true);
  assert.equal(holdsCapabilitiesIn(BOB_CHILD, { uid: BOB, userns: INIT }, USERNS), true);
});

test('holdsCapabilitiesIn: owning a child gives them in every namespace below it, whoever made those', () => {
  assert.equal(holdsCapabilitiesIn(BOB_UNDER_ALICE, alice, USERNS), true);
  assert.equal(holdsCapabilitiesIn(DEEP, alice, USERNS), true);
});

test("holdsCapabilitiesIn: not another user's child, nor a grandchild the caller owns below another user's namespace", () => {
  assert.equal(holdsCapabilitiesIn(BOB_CHILD, alice, USERNS), false);
  // The owner rule applies only to a namespace whose parent is the caller's own.
  assert.equal(holdsCapabilitiesIn(ALICE_UNDER_BOB, alice, USERNS), false);
  // Bob owns BOB_UNDER_ALICE, but its parent is alice's namespace, not bob's.
  assert.equal(holdsCapabilitiesIn(BOB_UNDER_ALICE, { uid: BOB, userns: INIT }, USERNS), false);
});

test('holdsCapabilitiesIn: a namespace discovery does not know is false, even for root', () => {
  assert.equal(holdsCapabilitiesIn(UNKNOWN, root, USERNS), false);
  assert.equal(holdsCapabilitiesIn(UNKNOWN, alice, USERNS), false);
});

test('holdsCapabilitiesIn: root inside a child user namespace holds nothing in its parent or its siblings', () => {
  const containerRoot: Caller = { uid: 0, userns: ALICE_CHILD };
  assert.equal(holdsCapabilitiesIn(ALICE_CHILD, containerRoot, USERNS), true);
  assert.equal(holdsCapabilitiesIn(BOB_UNDER_ALICE, containerRoot, USERNS), true);
  assert.equal(holdsCapabilitiesIn(INIT, containerRoot, USERNS), false);
  assert.equal(holdsCapabilitiesIn(BOB_CHILD, containerRoot, USERNS), false);
  assert.equal(holdsCapabilitiesIn(ALICE_UNDER_BOB, containerRoot, USERNS), false);
});

test('holdsCapabilitiesIn: without the owner UID (no hierarchy probe) ownership gives nothing', () => {
  const blind = new Map<number, UserRec>([
    [INIT, { pns: null }],
    [ALICE_CHILD, { pns: INIT }],
  ]);
  assert.equal(holdsCapabilitiesIn(ALICE_CHILD, alice, blind), false);
  assert.equal(holdsCapabilitiesIn(ALICE_CHILD, root, blind), true);
});

/**
 * user_namespaces(7), as rules: a process has every capability in namespace T when, for T
 * or one of its ancestors A, either A is the process's own namespace and it is root there,
 * or A's parent is the process's namespace and the process's UID created A.
 */
function manPageOracle(target: number, caller: Caller, userns: ReadonlyMap<number, UserRec>): boolean {
  const chain: number[] = [];
  for (let at: number | null = target; at !== null && userns.has(at) && !chain.includes(at); at = userns.get(at)!.pns)
    chain.push(at);
  if (!userns.has(target)) return false;
  return chain.some(
    (a) =>
      (a === caller.userns && caller.uid === 0) ||
      (userns.get(a)!.pns === caller.userns && userns.get(a)!.ownerUid === caller.uid),
  );
}

test('property: holdsCapabilitiesIn agrees with the rules of user_namespaces(7) on any user namespace tree', () => {
  const tree = fc.integer({ min: 1, max: 12 }).chain((n) =>
    fc.tuple(
      // Each namespace's parent is an earlier one (index 0 is the initial namespace).
      fc.tuple(
        ...Array.from({ length: n }, (_, i) => (i === 0 ? fc.constant(-1) : fc.integer({ min: 0, max: i - 1 }))),
      ),
      fc.array(fc.constantFrom(0, ALICE, BOB), { minLength: n, maxLength: n }),
      fc.integer({ min: 0, max: n - 1 }),
      fc.constantFrom(0, ALICE, BOB),
      fc.integer({ min: 0, max: n }), // n: a namespace nobody knows
    ),
  );
  fc.assert(
    fc.property(tree, ([parents, owners, callerAt, uid, targetAt]) => {
      const ino = (i: number) => 5000 + i;
      const userns = new Map<number, UserRec>(
        parents.map((p, i) => [ino(i), { pns: p < 0 ? null : ino(p), ownerUid: owners[i]! }]),
      );
      const caller: Caller = { uid, userns: ino(callerAt) };
      assert.equal(holdsCapabilitiesIn(ino(targetAt), caller, userns), manPageOracle(ino(targetAt), caller, userns));
    }),
  );
});

test('enterPrivilege: root needs nothing, whatever the target', () => {
  assert.equal(enterPrivilege([ns('net', 1, INIT)], INIT, root, USERNS), 'none');
  assert.equal(enterPrivilege([ns('net', 1, BOB_CHILD)], BOB_CHILD, root, USERNS), 'none');
  assert.equal(enterPrivilege([ns('net', 1, null)], null, root, USERNS), 'none');
});

test("enterPrivilege: a process in the caller's own user namespace needs root", () => {
  assert.equal(enterPrivilege([ns('net', 1, INIT)], INIT, alice, USERNS), 'root');
});

test('enterPrivilege: a target whose user namespace is not known needs root', () => {
  assert.equal(enterPrivilege([ns('net', 1, ALICE_CHILD)], null, alice, USERNS), 'root');
});

test('enterPrivilege: namespaces owned by a user namespace the caller owns are entered through it (userns)', () => {
  assert.equal(
    enterPrivilege([ns('net', 1, ALICE_CHILD), ns('uts', 2, ALICE_CHILD)], ALICE_CHILD, alice, USERNS),
    'userns',
  );
});

test('enterPrivilege: namespaces owned below the target user namespace count as owned', () => {
  assert.equal(
    enterPrivilege(
      [ns('net', 1, ALICE_CHILD), ns('mnt', 2, BOB_UNDER_ALICE), ns('pid', 3, DEEP)],
      ALICE_CHILD,
      alice,
      USERNS,
    ),
    'userns',
  );
});

test("enterPrivilege: the user type itself, when it is the target's user namespace, is userns", () => {
  assert.equal(enterPrivilege([ns('user', ALICE_CHILD, INIT)], ALICE_CHILD, alice, USERNS), 'userns');
  assert.equal(
    enterPrivilege([ns('user', ALICE_CHILD, INIT), ns('net', 1, ALICE_CHILD)], ALICE_CHILD, alice, USERNS),
    'userns',
  );
});

test("enterPrivilege: a user type other than the target's user namespace needs root", () => {
  assert.equal(enterPrivilege([ns('user', BOB_UNDER_ALICE, ALICE_CHILD)], ALICE_CHILD, alice, USERNS), 'root');
});

test('enterPrivilege: one namespace owned by an ancestor of the target user namespace makes it root', () => {
  // A process in alice's user namespace that still shares the host's cgroup namespace.
  assert.equal(enterPrivilege([ns('net', 1, ALICE_CHILD), ns('cgroup', 2, INIT)], ALICE_CHILD, alice, USERNS), 'root');
});

test('enterPrivilege: a namespace whose owner is unknown makes it root', () => {
  assert.equal(enterPrivilege([ns('net', 1, ALICE_CHILD), ns('ipc', 2, null)], ALICE_CHILD, alice, USERNS), 'root');
});

test("enterPrivilege: another user's namespace, or alice's below another user's, needs root", () => {
  assert.equal(enterPrivilege([ns('net', 1, BOB_CHILD)], BOB_CHILD, alice, USERNS), 'root');
  assert.equal(enterPrivilege([ns('net', 1, ALICE_UNDER_BOB)], ALICE_UNDER_BOB, alice, USERNS), 'root');
});

test('enterPrivilege: a process deeper below the owned namespace is entered through its own user namespace', () => {
  assert.equal(enterPrivilege([ns('net', 1, DEEP)], DEEP, alice, USERNS), 'userns');
  // ...but a namespace owned between DEEP and alice's namespace is above DEEP: root.
  assert.equal(enterPrivilege([ns('net', 1, DEEP), ns('uts', 2, BOB_UNDER_ALICE)], DEEP, alice, USERNS), 'root');
});

test('newPrivilege: root needs nothing, with or without a user namespace or veth', () => {
  for (const types of [['net'], ['user', 'net'], ['pid', 'mnt']] as NsType[][]) {
    for (const veth of [false, true])
      assert.equal(newPrivilege(types, veth, { uid: 0 }), 'none', `${types} veth=${veth}`);
  }
});

test('newPrivilege: a user making a new user namespace needs nothing, unless it wants a veth pair', () => {
  assert.equal(newPrivilege(['user', 'net', 'uts'], false, { uid: ALICE }), 'none');
  assert.equal(newPrivilege(['user'], false, { uid: ALICE }), 'none');
  assert.equal(newPrivilege(['user', 'net'], true, { uid: ALICE }), 'root');
});

test('newPrivilege: a user making namespaces without a new user namespace needs root', () => {
  assert.equal(newPrivilege(['net', 'uts'], false, { uid: ALICE }), 'root');
  assert.equal(newPrivilege(['net'], true, { uid: ALICE }), 'root');
});
