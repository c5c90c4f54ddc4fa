/** detailsViews.ts: what the Namespace Details panel is sent, from hand-made details. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detailSections } from '../../src/core/details/sections';
import { NetDetails, UtsDetails } from '../../src/core/details/types';
import { DetailsInput, detailsName, detailsView } from '../../src/ui/details/detailsViews';
import { nsRecord } from './records';

const record = nsRecord(4026532181, 'net', [], { label: 'red' });

const net: NetDetails = {
  type: 'net',
  ns: 4026532181,
  label: 'red',
  ownerNs: { ns: 4026532300, label: 'podman' },
  readAs: 'user',
  via: '/proc/1234/net',
  unavailable: [
    { what: 'MAC, MTU and state of the interfaces', reason: 'entering the namespace needs root', needsRoot: true },
  ],
  interfaces: [
    {
      ifindex: 1,
      name: 'lo',
      state: null,
      mtu: null,
      mac: null,
      kind: 'loopback',
      addresses: [{ family: 'inet', address: '127.0.0.1', prefixlen: 8, scope: 'host' }],
      master: null,
      rxBytes: 0,
      txBytes: 0,
    },
    {
      ifindex: 2,
      name: 'veth-red',
      state: null,
      mtu: null,
      mac: null,
      kind: 'veth',
      addresses: [{ family: 'inet', address: '10.9.0.1', prefixlen: 30, scope: 'global' }],
      master: null,
      peer: { ifindex: 3, name: 'veth-blue', ns: 4026532999, label: 'blue' },
      rxBytes: 10,
      txBytes: 20,
    },
  ],
  routes: [],
};

function input(over: Partial<DetailsInput> = {}): DetailsInput {
  return {
    record,
    present: true,
    details: net,
    failure: null,
    readAt: '2025-01-01T12:00:00.000Z',
    elevated: false,
    root: false,
    nameOf: (ino) => (ino === 4026532999 ? 'net 4026532999 (blue)' : undefined),
    ...over,
  };
}

test("the sections are the core's, in its order, with the same texts", () => {
  const view = detailsView(input());
  assert.equal(view.status, 'ok');
  assert.equal(view.problem, null);
  const core = detailSections(net);
  assert.deepEqual(
    view.sections.map((s) => [s.id, s.kind, s.columns, s.empty]),
    core.map((s) => [s.id, s.kind, s.columns, s.empty]),
  );
  assert.deepEqual(
    view.sections.map((s) => s.rows.map((r) => r.map((c) => c.text))),
    core.map((s) => s.rows.map((r) => r.map((c) => c.text))),
  );
  assert.deepEqual(view.heading, {
    type: 'net',
    icon: 'globe',
    ns: 4026532181,
    label: 'red',
    name: 'net 4026532181 (red)',
    container: null,
    unnamed: null,
    readAs: 'user',
    via: '/proc/1234/net',
  });
});

test("a veth peer's cell links to its namespace, named as the tree knows it; a namespace the tree does not know is named by its inode", () => {
  const link = detailsView(input()).sections[0]!.rows[1]!.at(-1)!;
  assert.equal(link.ns, 4026532999);
  assert.equal(link.nsName, 'net 4026532999 (blue)');
  assert.match(link.text, /veth-blue/);
  const unknown = detailsView(input({ nameOf: () => undefined })).sections[0]!.rows[1]!.at(-1)!;
  assert.equal(unknown.nsName, 'namespace 4026532999');
  assert.equal(detailsView(input()).sections[0]!.rows[0]!.at(-1)!.ns, undefined, 'the loopback links nowhere');
});

test('the owner user namespace links to it, named as the tree knows it', () => {
  const related = detailsView(
    input({ nameOf: (ino) => (ino === 4026532300 ? 'user 4026532300 (podman)' : undefined) }),
  ).sections.find((s) => s.id === 'related')!;
  assert.deepEqual(related.rows, [
    [
      { text: 'Owner user namespace' },
      { text: 'user 4026532300 (podman)', ns: 4026532300, nsName: 'user 4026532300 (podman)' },
    ],
  ]);
});

test("Show All Namespaces is offered only when it would fill something in: a part needs root, the tree is the user's, the editor is not root", () => {
  assert.equal(detailsView(input()).offerShowAll, true);
  assert.equal(detailsView(input({ elevated: true })).offerShowAll, false);
  assert.equal(detailsView(input({ root: true })).offerShowAll, false);
  const noRootNeeded = {
    ...net,
    unavailable: [{ what: 'owners of the sockets', reason: 'the process exited', needsRoot: false }],
  };
  const view = detailsView(input({ details: noRootNeeded }));
  assert.equal(view.offerShowAll, false);
  assert.deepEqual(view.unavailable, noRootNeeded.unavailable);
});

test('a namespace gone from the snapshot says so and keeps what was read; without root it may only be hidden', () => {
  const gone = detailsView(input({ present: false }));
  assert.equal(gone.status, 'gone');
  assert.equal(gone.offerShowAll, false);
  assert.equal(gone.sections.length, detailSections(net).length, 'the last reading stays, to be drawn greyed');
  assert.match(
    gone.problem!,
    /^The last scan did not find net 4026532181 \(red\): it is gone, or it cannot be seen without root\. What it held when last read is shown greyed\.$/,
  );
  const asRoot = detailsView(input({ present: false, root: true, details: undefined }));
  assert.equal(asRoot.problem, 'The last scan did not find net 4026532181 (red): it is gone.');
  assert.deepEqual(asRoot.sections, []);
});

test('before the first reading the panel is loading; a failed first reading is an error, a failed later one keeps the earlier reading', () => {
  const loading = detailsView(input({ details: undefined, readAt: null }));
  assert.equal(loading.status, 'loading');
  assert.equal(loading.heading.readAs, null);
  assert.equal(loading.readAt, null);
  const failed = detailsView(input({ details: undefined, failure: 'namespace 4026532181 is gone' }));
  assert.equal(failed.status, 'failed');
  assert.equal(failed.problem, 'Reading net 4026532181 (red) failed: namespace 4026532181 is gone');
  const again = detailsView(input({ failure: 'EIO' }));
  assert.equal(again.status, 'ok');
  assert.match(again.problem!, /earlier reading: EIO$/);
  assert.deepEqual(
    again.sections.map((s) => s.id),
    ['net-interfaces', 'net-routes', 'related'],
  );
});

test('hostile text (control characters in a hostname, a label, a reason) arrives printable', () => {
  const uts: UtsDetails = {
    type: 'uts',
    ns: 4026532200,
    label: 'evil\u001b[31m',
    ownerNs: { ns: 4026532300, label: 'own\u001ber' },
    readAs: 'root',
    via: 'entered through /proc/77/ns/uts\n',
    unavailable: [{ what: 'domain\u0007name', reason: 'bad\rreason', needsRoot: false }],
    hostname: 'host\u001b]0;pwned\u0007',
  };
  const view = detailsView(
    input({ record: nsRecord(4026532200, 'uts', [], { label: 'evil\u001b[31m' }), details: uts }),
  );
  assert.equal(view.heading.name, 'uts 4026532200 (evil\\033[31m)');
  assert.equal(view.heading.via, 'entered through /proc/77/ns/uts\\012');
  assert.deepEqual(
    view.sections[0]!.rows[0]!.map((c) => c.text),
    ['Hostname', 'host\\033]0;pwned\\007'],
  );
  assert.deepEqual(view.unavailable, [{ what: 'domain\\007name', reason: 'bad\\015reason', needsRoot: false }]);
  const strings = (v: unknown): string[] =>
    typeof v === 'string' ? [v] : typeof v === 'object' && v !== null ? Object.values(v).flatMap(strings) : [];
  assert.deepEqual(
    // eslint-disable-next-line no-control-regex -- control characters are what it looks for
    strings(view).filter((t) => /[\u0000-\u001f\u007f]/.test(t)),
    [],
    'no control character anywhere',
  );
});

test('a label that is only the inode again is not repeated', () => {
  assert.equal(detailsName({ type: 'pid', ns: 4026531836, label: '4026531836' }), 'pid 4026531836');
  assert.equal(
    detailsView(input({ record: nsRecord(4026531836, 'pid', [], { label: '4026531836' }), details: undefined })).heading
      .label,
    null,
  );
  assert.equal(detailsName({ type: 'pid', ns: 4026531836, label: null }), 'pid 4026531836');
});
