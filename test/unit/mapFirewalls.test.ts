/** The map's firewalls read after its topology: which namespaces need one, and how they join the drawing. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { NetDetails, NetFirewall, Unavailable } from '../../src/core/details/types';
import {
  firewallStatus,
  firewallsToRead,
  fullParts,
  FullParts,
  withFullParts,
} from '../../src/ui/network/mapFirewalls';
import { netGraph } from '../../src/core/network/graph';
import type { NamespaceRecord } from '../../src/core/model/snapshot';

const problem = (what: string): Unavailable => ({ what, reason: 'it could not be read', needsRoot: false });
const FIREWALL: NetFirewall = { nftables: { tables: [], nat: [] } };

function topology(ns: number, unavailable: Unavailable[] = []): NetDetails {
  return {
    ns,
    label: null,
    ownerNs: null,
    readAs: 'root',
    via: 'entered',
    unavailable,
    type: 'net',
    topology: true,
    interfaces: [
      {
        ifindex: 1,
        name: 'lo',
        state: 'UNKNOWN',
        mtu: 65536,
        mac: null,
        kind: null,
        addresses: [],
        master: null,
        rxBytes: 0,
        txBytes: 0,
      },
    ],
    routes: [],
  };
}

test('the first reading and Read Again ask for every firewall, even those known or being read', () => {
  const known = new Map<number, FullParts>([[1, { unavailable: [] }]]);
  assert.deepEqual(firewallsToRead([1, 2, 3], known, new Set([2]), true), [1, 2, 3]);
});

test('a new snapshot asks only for the namespaces that appeared: neither read nor being read', () => {
  const known = new Map<number, FullParts>([[1, { unavailable: [] }]]);
  assert.deepEqual(firewallsToRead([1, 2, 3, 4], known, new Set([2]), false), [3, 4]);
  assert.deepEqual(firewallsToRead([1], known, new Set(), false), []);
});

test('a full reading adds its firewall and what it could not read, once, to the topology', () => {
  const shared = problem('the name of the other end of v0');
  const { topology: _, ...read } = topology(1, [shared, problem('the processes holding 1 listening socket')]);
  const full: NetDetails = { ...read, firewall: FIREWALL };
  const unread = topology(2);
  const merged = withFullParts(
    new Map([
      [1, topology(1, [shared])],
      [2, unread],
    ]),
    new Map([[1, fullParts(full)]]),
  );
  assert.equal(merged.get(1)!.firewall, FIREWALL);
  assert.deepEqual(
    merged.get(1)!.unavailable.map((u) => u.what),
    ['the name of the other end of v0', 'the processes holding 1 listening socket'],
  );
  assert.equal(merged.get(2), unread, 'not read yet: left as it is, without a firewall');
});

test('the firewall read later gives the card its firewall row', () => {
  const records = [{ ns: 1, type: 'net', label: 'a', members: [], ghost: false } as unknown as NamespaceRecord];
  const before = netGraph(records, new Map([[1, topology(1)]]));
  const full: NetDetails = { ...topology(1), firewall: FIREWALL };
  const after = netGraph(records, withFullParts(new Map([[1, topology(1)]]), new Map([[1, fullParts(full)]])));
  assert.equal(before.namespaces[0]!.firewall, undefined);
  assert.deepEqual(after.namespaces[0]!.firewall, { filters: false, nat: false, rules: 0 });
});

test('the status says how many firewalls are still being read, and nothing when none is', () => {
  assert.equal(firewallStatus(0), '');
  assert.equal(firewallStatus(1), 'Reading the firewalls of 1 namespace…');
  assert.equal(firewallStatus(201), 'Reading the firewalls of 201 namespaces…');
});
