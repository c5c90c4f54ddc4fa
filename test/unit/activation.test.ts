/** activation.ts: a failure while wiring leaves the commands answering with the reason, nothing half registered. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activateOrExplain, ActivationHost } from '../../src/ui/shared/activation';

function host() {
  const events: string[] = [];
  const registration = (name: string) => ({ dispose: () => events.push(`dispose ${name}`) });
  const h: ActivationHost = {
    subscriptions: [registration('log')],
    log: { error: (message) => events.push(`log ${message}`) },
    show: (reason) => events.push(`show ${reason}`),
    explain: (reason) => events.push(`explain ${reason}`),
  };
  return { h, events, registration };
}

test('a step that throws: what it registered is disposed, last first, then the commands explain why', () => {
  const { h, events, registration } = host();
  assert.throws(
    () =>
      activateOrExplain(h, () => {
        h.subscriptions.push(registration('view'), registration('commands'));
        throw new Error('no /proc');
      }),
    /no \/proc/,
  );
  const reason = 'Namespace Explorer could not start: no /proc';
  assert.deepEqual(events, [
    'log activation failed',
    'dispose commands',
    'dispose view',
    `show ${reason}`,
    `explain ${reason}`,
  ]);
  assert.equal(h.subscriptions.length, 1, 'what was registered before activation stays');
});

test('a registration that fails to dispose does not stop the others', () => {
  const { h, events, registration } = host();
  const broken = {
    dispose: () => {
      throw new Error('gone');
    },
  };
  assert.throws(() =>
    activateOrExplain(h, () => {
      h.subscriptions.push(registration('view'), broken);
      throw 'not an Error';
    }),
  );
  assert.deepEqual(events, [
    'log activation failed',
    'log disposing after the failed activation failed',
    'dispose view',
    'show Namespace Explorer could not start: not an Error',
    'explain Namespace Explorer could not start: not an Error',
  ]);
});

test('wiring that succeeds returns what it made and disposes nothing', () => {
  const { h, events, registration } = host();
  const made = activateOrExplain(h, () => {
    h.subscriptions.push(registration('view'));
    return 'the view';
  });
  assert.equal(made, 'the view');
  assert.deepEqual(events, []);
  assert.equal(h.subscriptions.length, 2);
});
