/** src/cli/check.ts: nsx check's text, grouped by severity with each fix, and its JSON. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkJson, checkText } from '../../src/cli/check';
import type { Finding } from '../../src/core/findings/types';

const LO: Finding = {
  kind: 'loopback-down',
  severity: 'warning',
  ns: 4026532100,
  type: 'net',
  text: 'In net 4026532100 the loopback interface lo is down.',
  actions: [{ kind: 'command', label: 'Bring lo up', command: 'ip link set lo up', inNamespace: true }],
};
const ROOT: Finding = {
  kind: 'root-is-unprivileged-outside',
  severity: 'info',
  ns: 4026532103,
  type: 'user',
  text: 'Root in user 4026532103 is UID 1000 outside it.',
  actions: [{ kind: 'reveal', label: 'Show the parent', ns: 4026531837, type: 'user' }],
};

test('text: warnings then info, one line each, a command for inside run through nsx enter', () => {
  assert.equal(
    checkText([LO, ROOT], 9),
    [
      'Warnings (1):',
      '  loopback-down: In net 4026532100 the loopback interface lo is down.' +
        '  $ nsx enter --ns 4026532100 -- ip link set lo up',
      '',
      'Info (1):',
      '  root-is-unprivileged-outside: Root in user 4026532103 is UID 1000 outside it.',
      '',
    ].join('\n'),
  );
  assert.equal(checkText([], 9), 'No findings in 9 namespaces.\n');
});

test('text: a name with control characters is shown escaped', () => {
  assert.ok(!checkText([{ ...LO, text: 'net "\x1b[31mred"' }], 1).includes('\x1b'));
});

test('JSON: kind, severity, ns, type, text, the first command as written, and the actions', () => {
  assert.deepEqual(checkJson([LO, ROOT]), {
    findings: [
      {
        kind: LO.kind,
        severity: 'warning',
        ns: LO.ns,
        type: 'net',
        text: LO.text,
        command: 'ip link set lo up',
        actions: LO.actions,
      },
      {
        kind: ROOT.kind,
        severity: 'info',
        ns: ROOT.ns,
        type: 'user',
        text: ROOT.text,
        command: null,
        actions: ROOT.actions,
      },
    ],
  });
});
