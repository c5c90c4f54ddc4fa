/**
 * tun and tap devices and the processes holding them: fdinfo read from a /proc tree made
 * here, the tun data of a link message, and the words nsx net, the map and Details use.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test, TestContext } from 'node:test';
import type { DetailsContext } from '../../src/core/details/context';
import { parseLink } from '../../src/core/details/net/netlink';
import { netSections } from '../../src/core/details/net/netSections';
import { addTunHolders, parseTunIff } from '../../src/core/details/net/tunHolders';
import { tunWords } from '../../src/core/details/net/tunWords';
import type { ThreadRunner } from '../../src/core/details/threads';
import type { NetInterface } from '../../src/core/details/types';
import { ProcSource } from '../../src/core/linux/procfs';
import type { ProcessRecord } from '../../src/core/model/snapshot';
import { badgeTooltip, badgeText } from '../../src/core/network/cardContent';
import { netGraph } from '../../src/core/network/graph';
import { interfaceText } from '../../src/cli/net';
import { netDetails, netInterface, nsRecord, snapshotOf } from './records';

const NS = 4026532950;
/** As the kernel writes it for an fd attached to nsxprobe1. */
const FDINFO = 'pos:\t0\nflags:\t02100002\nmnt_id:\t24\nino:\t104\niff:\tnsxprobe1\n';

test('parseTunIff: the device an fd of /dev/net/tun is attached to; none before TUNSETIFF', () => {
  assert.equal(parseTunIff(FDINFO), 'nsxprobe1');
  assert.equal(parseTunIff('pos:\t0\nflags:\t02\nmnt_id:\t24\nino:\t104\n'), null);
});

const iface = (name: string, over: Partial<NetInterface> = {}): NetInterface =>
  netInterface(name, { state: 'DOWN', ...over });

const member = (pid: number, name: string, uid = 0): ProcessRecord => ({
  pid,
  ppid: 1,
  uid,
  user: 'root',
  name,
  command: name,
  nspid: [pid],
  ns: { net: NS },
});

/** A /proc tree: PID → its fds (a target each, and the fdinfo of the tun ones); null: fd/ cannot be listed. */
function procTree(t: TestContext, fds: Record<number, Record<number, [string, string?]> | null>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'nsx-tun-'));
  t.after(() => fs.rmSync(root, { recursive: true, force: true }));
  for (const [pid, list] of Object.entries(fds)) {
    fs.mkdirSync(path.join(root, pid, 'fdinfo'), { recursive: true });
    if (list === null) {
      fs.writeFileSync(path.join(root, pid, 'fd'), '');
      continue;
    }
    fs.mkdirSync(path.join(root, pid, 'fd'));
    for (const [fd, [target, info]] of Object.entries(list)) {
      fs.symlinkSync(target, path.join(root, pid, 'fd', fd));
      if (info) fs.writeFileSync(path.join(root, pid, 'fdinfo', fd), info);
    }
  }
  return root;
}

function context(root: string, processes: ProcessRecord[], asRoot: boolean): DetailsContext {
  const snapshot = snapshotOf([nsRecord(NS, 'net', processes)], processes, { uid: asRoot ? 0 : 1000, procRoot: root });
  // Only whether it reads as root matters here: nothing is entered.
  return { snapshot, proc: new ProcSource(root), users: new Map(), threads: asRoot ? ({} as ThreadRunner) : null };
}

const tap = (mode: 'tun' | 'tap', persistent: boolean) => ({ mode, persistent, holders: null });

test('as root: every process of the namespace holding a tun device, by the name its fdinfo gives; none is none', (t) => {
  const root = procTree(t, {
    11: { 0: ['/dev/null'], 3: ['/dev/net/tun', FDINFO.replace('nsxprobe1', 'tap0')] },
    12: { 5: ['/dev/net/tun', FDINFO.replace('nsxprobe1', 'tap0')], 6: ['/dev/net/tun', 'pos:\t0\n'] },
  });
  const ctx = context(root, [member(11, 'qemu'), member(12, 'vhost')], true);
  const interfaces = [
    iface('lo', { kind: 'loopback' }),
    iface('tap0', { kind: 'tun', tun: tap('tap', false) }),
    iface('tun9', { kind: 'tun', tun: tap('tun', true) }),
  ];
  addTunHolders(interfaces, ctx.snapshot.namespaces[0]!, ctx);
  assert.equal(interfaces[0]!.tun, undefined);
  assert.deepEqual(interfaces[1]!.tun, {
    mode: 'tap',
    persistent: false,
    holders: [
      { pid: 11, comm: 'qemu' },
      { pid: 12, comm: 'vhost' },
    ],
  });
  assert.deepEqual(interfaces[2]!.tun, { mode: 'tun', persistent: true, holders: [] });
});

test('as root: a member whose open files cannot be listed makes a holder unknown, not absent', (t) => {
  const root = procTree(t, { 11: null });
  const ctx = context(root, [member(11, 'qemu')], true);
  const interfaces = [iface('tun9', { kind: 'tun', tun: tap('tun', true) })];
  addTunHolders(interfaces, ctx.snapshot.namespaces[0]!, ctx);
  assert.equal(interfaces[0]!.tun!.holders, null);
});

test('as a user (who cannot tell a tun device from /proc/PID/net): a holder it can see says what the device is', (t) => {
  const fd = { 3: ['/dev/net/tun', FDINFO.replace('nsxprobe1', 'tun0')] as [string, string] };
  // 22 is another user's: its fds are not looked at (they would be refused).
  const root = procTree(t, { 21: fd, 22: { 3: ['/dev/net/tun', FDINFO.replace('nsxprobe1', 'eth0')] } });
  const ctx = context(root, [member(21, 'openvpn', 1000), member(22, 'other', 1001)], false);
  const interfaces = [iface('tun0', { state: null }), iface('eth0', { state: null })];
  addTunHolders(interfaces, ctx.snapshot.namespaces[0]!, ctx);
  assert.deepEqual(interfaces[0]!.tun, { mode: null, persistent: null, holders: [{ pid: 21, comm: 'openvpn' }] });
  assert.equal(interfaces[1]!.tun, undefined);
});

test('tunWords: who holds it; where no process of its namespace does, what that means', () => {
  const held = [{ pid: 812, comm: 'openvpn' }];
  assert.equal(tunWords({ mode: 'tun', persistent: false, holders: held }), 'held by openvpn (812)');
  assert.equal(tunWords({ mode: 'tap', persistent: true, holders: [] }), 'persistent, held by no process');
  assert.equal(tunWords({ mode: 'tap', persistent: false, holders: [] }), 'held by a process of another namespace');
  assert.equal(tunWords({ mode: null, persistent: null, holders: [] }), 'held by no process of its namespace');
  assert.match(tunWords({ mode: 'tun', persistent: true, holders: null }), /^held by: unknown \(/);
});

/** An attribute: length, type, payload, padded to 4 bytes. */
function nla(type: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16LE(4 + payload.length, 0);
  head.writeUInt16LE(type, 2);
  const pad = Buffer.alloc((4 - (payload.length % 4)) % 4);
  return Buffer.concat([head, payload, pad]);
}

test('parseLink: a tun device in tap mode, not persistent, as IFLA_INFO_DATA says (IFLA_TUN_TYPE, IFLA_TUN_PERSIST)', () => {
  const ifinfo = Buffer.alloc(16);
  ifinfo.writeInt32LE(7, 4);
  const data = Buffer.concat([nla(3, Buffer.from([2])), nla(6, Buffer.from([0]))]);
  const linkinfo = Buffer.concat([nla(1, Buffer.from('tun\0')), nla(2, data)]);
  const msg = Buffer.concat([ifinfo, nla(3, Buffer.from('tap0\0')), nla(18, linkinfo)]);
  const link = parseLink(msg);
  assert.equal(link.kind, 'tun');
  assert.deepEqual(link.tun, { tap: true, persistent: false });
  const persistentTun = Buffer.concat([nla(3, Buffer.from([1])), nla(6, Buffer.from([1]))]);
  const tunInfo = Buffer.concat([nla(1, Buffer.from('tun\0')), nla(2, persistentTun)]);
  assert.deepEqual(parseLink(Buffer.concat([ifinfo, nla(3, Buffer.from('tun0\0')), nla(18, tunInfo)])).tun, {
    tap: false,
    persistent: true,
  });
});

test('a held tap is a "tap" on its badge, its holder in the tooltip, nsx net text and JSON, and the Details row', () => {
  const tun = { mode: 'tap' as const, persistent: false, holders: [{ pid: 812, comm: 'qemu' }] };
  const d = netDetails(NS, { interfaces: [iface('tap0', { kind: 'tun', tun })] });
  const graph = netGraph([nsRecord(NS, 'net', [member(812, 'qemu')])], new Map([[NS, d]]));
  const g = graph.namespaces[0]!.interfaces[0]!;
  assert.deepEqual(JSON.parse(JSON.stringify(g)).tun, tun);
  assert.equal(badgeText(g, undefined), 'tap0 tap DOWN');
  assert.equal(badgeTooltip(g, undefined), 'tap0 tap DOWN\nheld by qemu (812)');
  assert.equal(interfaceText(g), 'tap DOWN (held by qemu (812))');
  const row = netSections(d)[0]!.rows[0]!.map((c) => c.text);
  assert.equal(row.at(-1), 'tap · held by qemu (812)');
});
