/**
 * Capture Traffic… in a real VS Code: from the row of a net namespace the test made and
 * joined to another by a veth pair, pick the veth, then "In a Terminal": the terminal
 * `capture cap0 in NAME` shows the packets of a ping that runs between the two.
 *
 * Needs root: it makes the namespaces and the veth pair (removed at the end with the
 * namespaces) and captures as root.
 */
import { test } from 'node:test';
import {
  answerInputBox,
  clickMenuItem,
  contextMenu,
  expand,
  ms,
  needsE2e,
  nsRow,
  openWithNamespaces,
  pickQuickItem,
  quickPickItems,
  revealRow,
  runCommand,
  terminalTabs,
  waitForTerminalText,
  waitUntil,
} from './workbench';
import { run, Scenario } from '../integration/helpers';

const skip = needsE2e({
  root: 'makes net namespaces joined by a veth pair and captures on it',
  tools: ['ip', 'ping', 'tcpdump', 'nsenter'],
});

test(
  'Capture Traffic… on a net namespace row, in a terminal: the packets of a ping over the veth',
  { skip, timeout: 5 * 60_000 },
  async (t) => {
    const s = new Scenario(t);
    const tag = `nsxe2e-${process.pid}-cap`;
    const [a, b] = [`${tag}-a`, `${tag}-b`];
    const net = s.netns(a);
    const other = s.netns(b);
    const subnet = `10.${200 + (process.pid % 50)}.${process.pid % 250}`;
    run('ip', ['link', 'add', 'cap0', 'netns', a, 'type', 'veth', 'peer', 'name', 'cap1', 'netns', b]);
    run('ip', ['-n', a, 'addr', 'add', `${subnet}.1/30`, 'dev', 'cap0']);
    run('ip', ['-n', b, 'addr', 'add', `${subnet}.2/30`, 'dev', 'cap1']);
    run('ip', ['-n', a, 'link', 'set', 'cap0', 'up']);
    run('ip', ['-n', b, 'link', 'set', 'cap1', 'up']);
    await s.start('ip', ['netns', 'exec', a, 'ping', '-i', '0.5', `${subnet}.2`]);

    const wb = await openWithNamespaces(t, { name: 'capture', groupByType: true });
    t.after(() => wb.close());
    const { page } = wb;
    await wb.step(`filter by ${a}`, async () => {
      await runCommand(page, 'Namespace Explorer: Filter…');
      await answerInputBox(page, a);
    });
    await wb.step('expand net', async () => expand(await revealRow(page, /^net \(\d+\)$/)));
    // Their findings (lo down in a, no process in b) come in the Findings group above the
    // rows: a right-click as they arrive lands on the row that moved under the pointer.
    await wb.step('the findings about both namespaces are in', () =>
      wb.waitForState(
        (st) => [net, other].every((ino) => st.findings.some((f) => f.ns === ino)),
        `findings about net ${net} and net ${other}`,
        20_000,
      ),
    );
    const row = await wb.step(`find net namespace ${net}`, () => revealRow(page, nsRow(net)));
    const started = performance.now();
    await wb.step('right-click it → Capture Traffic…', async () => {
      await contextMenu(row);
      await clickMenuItem(page, 'Capture Traffic…');
    });
    await wb.step('its interfaces are offered: lo and cap0 with its address', () =>
      waitUntil(
        'the interface pick lists cap0',
        async () => (await quickPickItems(page)).some((i) => i.label === 'cap0'),
        20_000,
      ),
    );
    await wb.screenshot('capture-interfaces');
    await wb.step('pick cap0', () => pickQuickItem(page, 'cap0'));
    await wb.step('pick In a Terminal', () => pickQuickItem(page, /In a Terminal/));
    const title = `capture cap0 in ${a}`;
    await wb.step(`a terminal ${title} opens`, () =>
      waitUntil('its tab', async () => (await terminalTabs(page)).includes(title), 20_000),
    );
    await wb.step('it shows the packets of the ping', () =>
      waitForTerminalText(
        page,
        new RegExp(`IP ${subnet.replaceAll('.', '\\.')}\\.2 > ${subnet.replaceAll('.', '\\.')}\\.1: ICMP echo reply`),
        30_000,
      ),
    );
    t.diagnostic(`the first packet shown ${ms(started)} after the click`);
    await wb.screenshot('capture-terminal', { parkMouse: true });
  },
);
