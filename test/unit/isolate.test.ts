/** src/core/isolate.ts: what `nsx new` and "New Isolated Terminal…" may make, checked before anything is made. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { IsolateError, NewRequest, newTitle, planNew } from '../../src/core/terminals/isolate';
import { NS_TYPES, NsType } from '../../src/core/model/snapshot';

const ROOT = { uid: 0 };
const USER = { uid: 1000 };

function refused(req: NewRequest, message: string | RegExp, caller = USER): void {
  assert.throws(
    () => planNew(req, caller),
    (err: unknown) => {
      assert.ok(err instanceof IsolateError, `IsolateError, got ${String(err)}`);
      if (typeof message === 'string') assert.equal(err.message, message);
      else assert.match(err.message, message);
      return true;
    },
  );
}

test('planNew: the defaults for a bare request', () => {
  assert.deepEqual(planNew({ types: ['net'] }, ROOT), {
    types: ['net'],
    hostname: null,
    mountProc: false,
    propagation: 'private',
    mapRoot: false,
    veth: null,
    privilege: 'none',
  });
});

test('planNew: no type at all is refused', () => {
  refused({ types: [] }, 'choose at least one namespace type to make');
});

test('planNew: types come out in NS_TYPES order, without duplicates', () => {
  assert.deepEqual(planNew({ types: ['uts', 'user', 'net', 'mnt', 'pid', 'net'] }, ROOT).types, [
    'mnt',
    'net',
    'pid',
    'user',
    'uts',
  ]);
});

test('property: planNew types are the requested set in NS_TYPES order', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...NS_TYPES), { minLength: 1, maxLength: 12 }), (types) => {
      const plan = planNew({ types }, ROOT);
      assert.deepEqual(
        plan.types,
        NS_TYPES.filter((t) => types.includes(t)),
      );
    }),
  );
});

test('planNew: a hostname needs a uts namespace', () => {
  refused({ types: ['net'], hostname: 'box' }, 'a hostname needs a new uts namespace');
  assert.equal(planNew({ types: ['uts'], hostname: 'box' }, ROOT).hostname, 'box');
});

test("planNew: an invalid hostname is refused with hostnameProblem's words", () => {
  refused({ types: ['uts'], hostname: 'my box' }, /'my box' is not a valid hostname/);
  refused({ types: ['uts'], hostname: '' }, 'a hostname cannot be empty');
  refused({ types: ['uts'], hostname: 'a'.repeat(65) }, /longer than 64 characters/);
});

test('planNew: --mount-proc needs both a pid and a mnt namespace, naming what is missing', () => {
  refused({ types: ['net'], mountProc: true }, 'a fresh /proc needs a new pid and mnt namespace');
  refused({ types: ['pid'], mountProc: true }, 'a fresh /proc needs a new mnt namespace');
  refused({ types: ['mnt'], mountProc: true }, 'a fresh /proc needs a new pid namespace');
  assert.equal(planNew({ types: ['pid', 'mnt'], mountProc: true }, ROOT).mountProc, true);
});

test('planNew: a propagation needs a mnt namespace; an unknown one is refused', () => {
  refused({ types: ['net'], propagation: 'slave' }, 'mount propagation needs a new mnt namespace');
  assert.equal(planNew({ types: ['mnt'], propagation: 'shared' }, ROOT).propagation, 'shared');
  refused(
    { types: ['mnt'], propagation: 'rshared' as never },
    'propagation must be one of private, slave, shared, unchanged',
  );
});

test('planNew: mapping to root needs a user namespace', () => {
  refused({ types: ['net'], mapRoot: true }, 'mapping you to root needs a new user namespace');
  assert.equal(planNew({ types: ['user'], mapRoot: true }, USER).mapRoot, true);
});

test('planNew: a veth pair needs a net namespace', () => {
  refused({ types: ['uts'], veth: true }, 'a veth pair needs a new net namespace');
});

test('planNew: a veth pair takes the default subnet, or the one given', () => {
  assert.deepEqual(planNew({ types: ['net'], veth: true }, ROOT).veth, {
    base: ((10 * 256 + 200) * 256 + 0) * 256,
    prefix: 24,
  });
  assert.deepEqual(planNew({ types: ['net'], veth: true, subnet: '192.168.77.0/28' }, ROOT).veth, {
    base: ((192 * 256 + 168) * 256 + 77) * 256,
    prefix: 28,
  });
});

test('planNew: a subnet without a veth pair is refused', () => {
  refused({ types: ['net'], subnet: '10.9.0.0/24' }, 'a subnet is only for a veth pair');
  refused({ types: ['net'], veth: false, subnet: '10.9.0.0/24' }, 'a subnet is only for a veth pair');
});

test("planNew: a bad subnet is refused with parseSubnet's words", () => {
  refused({ types: ['net'], veth: true, subnet: '8.8.8.0/24' }, /8\.8\.8\.0\/24 is not a private range/);
  refused({ types: ['net'], veth: true, subnet: '10.0.0.0/31' }, /too small/);
  refused({ types: ['net'], veth: true, subnet: 'nope' }, /'nope' is not an IPv4 subnet/);
});

test('planNew: options left out without their type are not checked against it', () => {
  const plan = planNew({ types: ['user'], mountProc: false, mapRoot: false, veth: false }, USER);
  assert.deepEqual(plan, {
    types: ['user'],
    hostname: null,
    mountProc: false,
    propagation: 'private',
    mapRoot: false,
    veth: null,
    privilege: 'none',
  });
});

test('planNew privilege: root needs nothing, veth or not', () => {
  assert.equal(planNew({ types: ['net'], veth: true }, ROOT).privilege, 'none');
  assert.equal(planNew({ types: ['uts'] }, ROOT).privilege, 'none');
});

test('planNew privilege: a user with a new user namespace and no veth needs nothing', () => {
  assert.equal(
    planNew({ types: ['user', 'net', 'uts', 'pid', 'mnt'], hostname: 'box', mountProc: true, mapRoot: true }, USER)
      .privilege,
    'none',
  );
});

test('planNew privilege: a user asking for a veth pair needs root, even with a user namespace', () => {
  assert.equal(planNew({ types: ['user', 'net'], veth: true }, USER).privilege, 'root');
});

test('planNew privilege: a user without a new user namespace needs root', () => {
  assert.equal(planNew({ types: ['net', 'uts'] }, USER).privilege, 'root');
});

test('newTitle: the types joined with +, then the hostname and veth when there are', () => {
  assert.equal(newTitle({ types: ['net'], hostname: null, veth: null }), 'new net');
  assert.equal(
    newTitle({ types: ['mnt', 'net', 'pid', 'uts'], hostname: 'box', veth: null }),
    'new mnt+net+pid+uts, hostname box',
  );
  assert.equal(
    newTitle({ types: ['net', 'user'], hostname: null, veth: { base: 0, prefix: 24 } }),
    'new net+user, veth',
  );
  assert.equal(
    newTitle(planNew({ types: ['uts', 'net'], hostname: 'web1', veth: true }, ROOT)),
    'new net+uts, hostname web1, veth',
  );
});

test('property: a plan planNew returns passes its own type checks (every option has its type)', () => {
  const req = fc.record(
    {
      types: fc.array(fc.constantFrom(...NS_TYPES), { maxLength: 8 }),
      hostname: fc.constantFrom('box', 'bad name'),
      mountProc: fc.boolean(),
      propagation: fc.constantFrom('private', 'slave', 'shared', 'unchanged' as const),
      mapRoot: fc.boolean(),
      veth: fc.boolean(),
      subnet: fc.constantFrom('10.9.0.0/24', '8.8.8.0/24'),
    },
    { requiredKeys: ['types'] },
  );
  fc.assert(
    fc.property(req, fc.constantFrom(0, 1000), (r, uid) => {
      let plan;
      try {
        plan = planNew(r as NewRequest, { uid });
      } catch (err) {
        assert.ok(err instanceof IsolateError, String(err));
        return;
      }
      const has = (t: NsType) => plan.types.includes(t);
      if (plan.hostname !== null) assert.ok(has('uts') && plan.hostname === 'box');
      if (plan.mountProc) assert.ok(has('pid') && has('mnt'));
      if (r.propagation !== undefined) assert.ok(has('mnt'));
      if (plan.mapRoot) assert.ok(has('user'));
      if (plan.veth) assert.ok(has('net') && r.subnet !== '8.8.8.0/24');
      if (r.subnet !== undefined) assert.ok(r.veth);
      assert.equal(plan.privilege, uid === 0 ? 'none' : has('user') && !plan.veth ? 'none' : 'root');
    }),
  );
});

test('planNew: without root, a hostname or network inside an unmapped new user namespace is refused up front', () => {
  const user = { uid: 1000 };
  assert.throws(
    () => planNew({ types: ['user', 'uts'], hostname: 'h' }, user),
    /the hostname inside a new user namespace needs mapping you to root/,
  );
  assert.throws(
    () => planNew({ types: ['user', 'net'] }, user),
    /the network inside a new user namespace needs mapping you to root/,
  );
  assert.equal(planNew({ types: ['user', 'net', 'uts'], hostname: 'h', mapRoot: true }, user).privilege, 'none');
  assert.equal(
    planNew({ types: ['user', 'uts'], hostname: 'h' }, { uid: 0 }).hostname,
    'h',
    'root sets it up with its own rights',
  );
  assert.equal(planNew({ types: ['user', 'ipc'] }, user).mapRoot, false, 'nothing to set up');
});
