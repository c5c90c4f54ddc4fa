/**
 * "Capture Traffic…": `nsx capture` in a terminal, on an interface of a net namespace (the
 * network map passes one; a net namespace row asks which), printing the packets or writing
 * a .pcap file chosen in a save dialog. nsx asks polkit for root itself when it is needed.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { NamespaceRecord, Snapshot } from '../../core/model/snapshot';
import { NetInterface } from '../../core/details/types';
import { findTool } from '../../core/linux/tools';
import { captureArgs, CaptureError, CapturePlan, captureTitle, planCapture } from '../../core/terminals/capture';
import { currentCaller } from '../../core/terminals/rootNeeded';
import { ExtensionEnv } from '../shared/env';
import { RootRunner } from '../elevation/elevation';
import { NamespaceView } from '../namespaces/namespaceView';
import { nsxTerminalOptions } from '../shared/runtime';
import { inform, warn } from '../shared/notify';

/** What the network map passes: an interface of a net namespace. */
export interface CaptureTarget {
  ns: number;
  ifname: string;
}

type Argument = CaptureTarget | { kind: string; ns?: NamespaceRecord } | undefined;

export async function captureTraffic(env: ExtensionEnv, view: NamespaceView, root: RootRunner, arg: Argument) {
  const snapshot = view.current();
  if (!snapshot) return void inform('The namespaces are still being scanned; try again in a moment.');
  const chosen = await chooseInterface(view, snapshot, arg);
  if (!chosen) return;
  if (!findTool('tcpdump'))
    return void warn(
      'Cannot capture: tcpdump is not installed (install the tcpdump package: apt-get install tcpdump).',
    );
  const caller = currentCaller();
  let plan: CapturePlan;
  try {
    plan = planCapture(snapshot, { ns: chosen.ns, iface: chosen.ifname }, caller);
  } catch (err) {
    if (err instanceof CaptureError) return void warn(`Cannot capture: ${err.message}.`);
    throw err;
  }
  const file = await chooseOutput(plan);
  if (file === null) return;
  const args = captureArgs(chosen.ns, chosen.ifname, file);
  if (plan.enter.privilege === 'root' && caller.uid !== 0 && !(await root.ready(args))) return;
  env.log.info(`terminal: nsx ${args.join(' ')}`);
  vscode.window
    .createTerminal(nsxTerminalOptions(root.runtime, captureTitle(plan.iface, plan.label), args, 'pulse'))
    .show();
}

/** The interface passed, or one of the clicked net namespace's, picked. */
async function chooseInterface(
  view: NamespaceView,
  snapshot: Snapshot,
  arg: Argument,
): Promise<CaptureTarget | undefined> {
  if (arg && 'ifname' in arg && typeof arg.ns === 'number') return arg;
  const ns = arg && 'kind' in arg && arg.kind === 'namespace' ? arg.ns : undefined;
  if (ns?.type !== 'net') return undefined;
  const record = snapshot.namespaces.find((n) => n.ns === ns.ns) ?? ns;
  const details = await view.details.get(record.ns).catch(() => undefined);
  const interfaces = details?.type === 'net' ? (details.interfaces ?? []) : [];
  const ifname = interfaces.length ? await pickInterface(record, interfaces) : await askInterface(record);
  return ifname === undefined ? undefined : { ns: record.ns, ifname };
}

async function pickInterface(ns: NamespaceRecord, interfaces: NetInterface[]): Promise<string | undefined> {
  const items = interfaces.map((i) => ({
    label: i.name,
    description: [i.kind, i.state, ...i.addresses.map((a) => `${a.address}/${a.prefixlen}`)].filter(Boolean).join('  '),
  }));
  const picked = await vscode.window.showQuickPick(items, {
    title: `Capture Traffic in ${ns.label ?? `net:[${ns.ns}]`}: which interface?`,
    placeHolder: 'tcpdump runs on this interface, inside the namespace',
  });
  return picked?.label;
}

/** Without the namespace's interfaces (only root can read them), the name is asked for. */
function askInterface(ns: NamespaceRecord): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: `Capture Traffic in ${ns.label ?? `net:[${ns.ns}]`}`,
    prompt: 'The interface to capture on (its namespace can be read only as root, so its interfaces are not listed)',
    value: 'eth0',
  });
}

/** Undefined for the terminal, a file's path, or null when cancelled. */
async function chooseOutput(plan: CapturePlan): Promise<string | undefined | null> {
  const terminal = { label: '$(terminal) In a Terminal', description: 'tcpdump prints the packets', file: false };
  const file = { label: '$(save) To a .pcap File…', description: 'for Wireshark or tcpdump -r', file: true };
  const how = await vscode.window.showQuickPick([terminal, file], {
    title: `${captureTitle(plan.iface, plan.label)}: where to?`,
    placeHolder:
      plan.enter.privilege === 'root'
        ? 'Capturing needs root: polkit asks for the password in the terminal; Ctrl-C there ends it'
        : 'Ctrl-C in the terminal ends it',
  });
  if (!how) return null;
  if (!how.file) return undefined;
  const uri = await vscode.window.showSaveDialog({
    title: `${captureTitle(plan.iface, plan.label)}: save the packets as`,
    defaultUri: vscode.Uri.file(path.join(os.homedir(), `${plan.iface}.pcap`)),
    filters: { 'Packet captures': ['pcap'] },
  });
  return uri ? uri.fsPath : null;
}
