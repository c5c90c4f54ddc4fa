/**
 * NETLINK_SOCK_DIAG of inet sockets, on dumps captured in a real namespace
 * (test/fixtures/net/sockets, made by make.sh): the rows from the dump are those the same
 * moment's /proc/net/{tcp,tcp6,udp,udp6} give, and the sockets `ss -tuan` printed.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { NetlinkError, NLMSG_DONE, splitMessages } from '../../src/core/details/net/netlink';
import {
  connectionRows,
  listeningRows,
  parseConnections,
  parseSockets,
  SocketEntry,
} from '../../src/core/details/net/procNet';
import { inetDiagRequest, parseInetDiag, SOCK_DIAG_BY_FAMILY } from '../../src/core/details/net/sockDiag';
import { FIXTURES } from './fixture-probe';

const DIR = path.join(FIXTURES, 'net', 'sockets');
const FILES = [
  ['tcp', 'tcp', 'inet'],
  ['tcp6', 'tcp', 'inet6'],
  ['udp', 'udp', 'inet'],
  ['udp6', 'udp', 'inet6'],
] as const;

const dump = (file: string): SocketEntry[] =>
  splitMessages(fs.readFileSync(path.join(DIR, `diag-${file}.bin`)))
    .filter((m) => m.type === SOCK_DIAG_BY_FAMILY)
    .map((m) => parseInetDiag(m.payload));
const procText = (file: string) => fs.readFileSync(path.join(DIR, file), 'utf8');
const sorted = <T>(xs: T[]) => xs.map((x) => JSON.stringify(x)).sort();

test('the request is a dump of SOCK_DIAG_BY_FAMILY: struct inet_diag_req_v2 with the family, protocol and states', () => {
  const req = inetDiagRequest(7, 'udp', 'inet6');
  const le = os.endianness() === 'LE';
  const u32 = (at: number) => (le ? req.readUInt32LE(at) : req.readUInt32BE(at));
  const u16 = (at: number) => (le ? req.readUInt16LE(at) : req.readUInt16BE(at));
  assert.equal(req.length, 16 + 56);
  assert.equal(u32(0), req.length);
  assert.equal(u16(4), SOCK_DIAG_BY_FAMILY);
  assert.equal(u16(6), 0x301, 'NLM_F_REQUEST | NLM_F_DUMP');
  assert.equal(u32(8), 7);
  assert.deepEqual([req[16], req[17]], [10, 17], 'AF_INET6, IPPROTO_UDP');
  assert.equal(u32(20), 0x1ffe, 'states 1 to 12: not 13, bound but inactive, which /proc does not list');
  assert.ok(
    req.subarray(24).every((b) => b === 0),
    'no socket id: every socket',
  );
  assert.deepEqual([inetDiagRequest(1, 'tcp', 'inet')[16], inetDiagRequest(1, 'tcp', 'inet')[17]], [2, 6]);
});

test('each captured dump ends with NLMSG_DONE and holds as many sockets as the /proc file of the same moment', () => {
  for (const [file] of FILES) {
    const msgs = splitMessages(fs.readFileSync(path.join(DIR, `diag-${file}.bin`)));
    assert.equal(msgs.at(-1)!.type, NLMSG_DONE, file);
    const lines = procText(file).trim().split('\n').length - 1;
    assert.equal(dump(file).length, lines, file);
  }
});

for (const [file, protocol, family] of FILES) {
  test(`the dump of ${protocol} ${family} gives the rows /proc/net/${file} gives: listening and connected`, () => {
    const entries = dump(file);
    const listening = parseSockets(procText(file), protocol, family);
    const connected = parseConnections(procText(file), protocol, family);
    assert.equal(listening.skipped + connected.skipped, 0);
    assert.deepEqual(sorted(listeningRows(entries, protocol, family)), sorted(listening.rows));
    assert.deepEqual(sorted(connectionRows(entries, protocol, family)), sorted(connected.rows));
    assert.ok(listening.rows.length > 0 && connected.rows.length > 0, 'the scenario has both kinds');
  });
}

test('the sockets of the dumps are those `ss -tuan` printed: protocol, state, both ends', () => {
  const end = (e: { address: string; port: number }) =>
    `${e.address.includes(':') ? `[${e.address}]` : e.address}:${e.port === 0 ? '*' : e.port}`;
  const SS_STATE: Record<string, string> = { ESTABLISHED: 'ESTAB' };
  const ours = FILES.flatMap(([file, protocol, family]) => [
    ...listeningRows(dump(file), protocol, family).map((r) => {
      const wildcard = family === 'inet' ? '0.0.0.0' : '::';
      return [protocol, protocol === 'tcp' ? 'LISTEN' : 'UNCONN', end(r), end({ address: wildcard, port: 0 })];
    }),
    ...connectionRows(dump(file), protocol, family).map((r) => [
      protocol,
      SS_STATE[r.state] ?? r.state,
      end(r.local),
      end(r.remote),
    ]),
  ]);
  // ss writes a dual-stack wildcard as "*".
  const ss = fs
    .readFileSync(path.join(DIR, 'ss-tuan.txt'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .map(([proto, state, , , local, peer]) => [proto, state, local, peer].map((s) => s!.replace(/^\*:/, '[::]:')));
  assert.deepEqual(sorted(ours), sorted(ss));
  assert.ok(
    ours.some((r) => r[1] === 'TIME-WAIT'),
    'a TIME-WAIT socket is in the scenario',
  );
});

test('a TIME-WAIT socket has inode 0 (no file holds it); held ones have theirs', () => {
  const tcp = connectionRows(dump('tcp'), 'tcp', 'inet');
  assert.deepEqual(
    tcp.filter((r) => r.state === 'TIME-WAIT').map((r) => r.inode),
    [0],
  );
  assert.ok(tcp.filter((r) => r.state === 'ESTABLISHED').every((r) => r.inode > 0));
});

test('malformed socket messages: short, or of another family, are NetlinkErrors; random bytes are nothing else', () => {
  const real = splitMessages(fs.readFileSync(path.join(DIR, 'diag-tcp.bin')))[0]!.payload;
  assert.throws(() => parseInetDiag(real.subarray(0, 71)), /malformed socket message: 71 bytes/);
  const unix = Buffer.from(real);
  unix[0] = 1;
  assert.throws(() => parseInetDiag(unix), /family 1/);
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
      try {
        parseInetDiag(Buffer.from(bytes));
      } catch (err) {
        if (!(err instanceof NetlinkError)) throw err;
      }
    }),
  );
});
