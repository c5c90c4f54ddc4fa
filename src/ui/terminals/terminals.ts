/**
 * "Open Terminal in Namespace…" and "New Isolated Terminal…": both ask what to do, check
 * it with the same plan `nsx` uses, and open a terminal that runs `nsx enter` / `nsx new`,
 * which asks polkit for root itself when it is needed.
 */
import * as vscode from 'vscode';
import { hostnameProblem, Propagation, PROPAGATIONS } from '../../core/terminals/argv';
import {
  EnterError,
  EnterPlan,
  EnterRequest,
  enterTitle,
  identityProblem,
  planEnter,
} from '../../core/terminals/enter';
import { IsolateError, NewRequest, newTitle, planNew } from '../../core/terminals/isolate';
import { NamespaceRecord, NS_TYPES, NsType, Snapshot } from '../../core/model/snapshot';
import { DEFAULT_SUBNET } from '../../core/terminals/veth';
import { ExtensionEnv, guarded } from '../shared/env';
import { RootRunner } from '../elevation/elevation';
import { NamespaceView } from '../namespaces/namespaceView';
import { currentCaller } from '../../core/terminals/rootNeeded';
import { nsxTerminalOptions, startedAfter, startTime } from '../shared/runtime';
import { namespacesBelow } from './terminalMarks';
import { Node } from '../namespaces/treeModel';
import { inform, warn } from '../shared/notify';

const TYPE_WORDS: Readonly<Record<NsType, string>> = {
  cgroup: 'its own view of the cgroup tree',
  ipc: 'its own System V IPC and POSIX message queues',
  mnt: 'its own mounts',
  net: 'its own network stack',
  pid: 'its own process IDs',
  time: 'its own monotonic and boot clocks',
  user: 'its own user and group IDs',
  uts: 'its own hostname',
};

interface TypeItem extends vscode.QuickPickItem {
  types: NsType[];
}

export function registerTerminalCommands(env: ExtensionEnv, view: NamespaceView, root: RootRunner): void {
  const { extension, log } = env;
  const { runtime } = root;
  /** Terminals that make namespaces: the PID of the process each runs, and what was revealed of them. */
  const isolated = new Map<
    vscode.Terminal,
    { pid?: number; asRoot: boolean; revealed: Set<number>; explained?: boolean }
  >();

  /** Reveals one at a time, each after those before: reveals running side by side can undo each other. */
  let revealing = Promise.resolve();
  const reveal = (ino: number, revealed: Set<number>, terminal: string) => {
    revealed.add(ino);
    revealing = revealing.then(async () => {
      // Not revealed (the tree was redrawn meanwhile): the next look tries again.
      if (!(await view.reveal(ino, { why: `the namespaces of terminal “${terminal}”` }))) revealed.delete(ino);
    });
  };

  const updateMarks = (snapshot: Snapshot | undefined) => {
    const marks = new Map<number, string>();
    const toReveal: number[] = [];
    if (snapshot) {
      for (const [terminal, made] of isolated) {
        if (made.pid === undefined) continue;
        const below = namespacesBelow(snapshot, made.pid);
        for (const ino of below.namespaces) {
          marks.set(ino, terminal.name);
          if (!made.revealed.has(ino)) {
            toReveal.push(ino);
            reveal(ino, made.revealed, terminal.name);
          }
        }
        if (made.asRoot && below.hidden && !made.explained) {
          made.explained = true;
          void explainRootTerminal(terminal.name);
        }
      }
    }
    view.setTerminalMarks(marks);
    if (toReveal.length) log.info(`terminal namespaces to reveal: ${toReveal.join(', ')}`);
  };

  const openTerminal = async (node?: Node) => {
    const snapshot = view.current();
    if (!snapshot) return void inform('The namespaces are still being scanned; try again in a moment.');
    if (node?.kind !== 'namespace' && node?.kind !== 'process') return;
    const ns = node.ns;
    if (ns.ghost)
      return void warn(
        `${ns.type} ${ns.ns} is a ghost: no process, fd or bind mount holds it, so it cannot be entered.`,
      );
    const pid = node.kind === 'process' ? node.process.pid : ns.pid;
    const caller = currentCaller();
    // Pinned now, against the snapshot the row came from: the picks below may take a while.
    const started = pid === null ? null : startTime(pid);
    if (pid !== null && (started === null || startedAfter(started, snapshot.takenAt))) {
      return void warn(
        `PID ${pid} is no longer the process shown (it exited${started === null ? '' : ' and its PID was reused'}); refresh and try again. Nothing was opened.`,
      );
    }

    let request: EnterRequest;
    if (pid === null) {
      request = { ns: ns.ns, asRoot: false };
    } else {
      const types = await pickTypesToEnter(snapshot, pid, ns);
      if (!types) return;
      request = { pid, types, asRoot: false };
    }
    let plan: EnterPlan;
    try {
      plan = planEnter(snapshot, request, caller);
    } catch (err) {
      if (err instanceof EnterError) return void warn(`Cannot open the terminal: ${err.message}.`);
      throw err;
    }
    if (caller.uid !== 0 && plan.privilege === 'root') {
      const asRoot = await pickIdentity();
      if (asRoot === undefined) return;
      plan = { ...plan, asRoot };
      if (identityProblem(plan)) {
        // As yourself the user namespace is out of reach (see identityProblem): enter the others.
        const types = plan.types.filter((t) => t !== 'user');
        if (types.length === 0)
          return void warn('As yourself, a user namespace only root may enter cannot be entered: choose As Root.');
        plan = { ...plan, types, namespaces: plan.namespaces.filter((n) => n.type !== 'user') };
      }
    }
    const args = ['enter'];
    if (plan.target.kind === 'process') {
      args.push('--pid', String(plan.target.pid), '--start-time', String(started), '--type', plan.types.join(',')); // pinned above
    } else {
      args.push('--ns', String(ns.ns));
    }
    if (plan.asRoot) args.push('--as-root');
    if (plan.privilege === 'root' && caller.uid !== 0 && !(await root.ready(args))) return;
    log.info(`terminal: nsx ${args.join(' ')}`);
    vscode.window.createTerminal(nsxTerminalOptions(runtime, enterTitle(plan), args, 'terminal')).show();
  };

  const newTerminal = async () => {
    const caller = currentCaller();
    const request = await askNewNamespaces(caller.uid === 0);
    if (!request) return;
    let plan;
    try {
      plan = planNew(request, caller);
    } catch (err) {
      if (err instanceof IsolateError) return void warn(`Cannot make the namespaces: ${err.message}.`);
      throw err;
    }
    const args = newArgs(request);
    if (plan.privilege === 'root' && caller.uid !== 0 && !(await root.ready(args))) return;
    log.info(`terminal: nsx ${args.join(' ')}`);
    const terminal = vscode.window.createTerminal(nsxTerminalOptions(runtime, newTitle(plan), args, 'terminal'));
    const made = { asRoot: plan.privilege === 'root' && caller.uid !== 0, revealed: new Set<number>() };
    isolated.set(terminal, made);
    terminal.show();
    const pid = await terminal.processId;
    if (isolated.get(terminal) !== made) return;
    log.info(`terminal ${terminal.name}: process ${pid ?? 'unknown'}`);
    isolated.set(terminal, { ...made, pid });
    // The namespaces exist a moment after the terminal starts: look now and twice more. A
    // scan that finds nothing new sends no snapshot, and the one that found them may have
    // come before the PID was known, so the marks are updated after each look.
    updateMarks(view.current());
    for (const delay of [500, 2000, 5000])
      setTimeout(() => void view.refreshNow().then(() => updateMarks(view.current())), delay);
  };

  extension.subscriptions.push(
    view.onDidChangeSnapshot(updateMarks),
    vscode.window.onDidCloseTerminal((terminal) => {
      if (isolated.delete(terminal)) updateMarks(view.current());
    }),
    vscode.commands.registerCommand(
      'namespaceExplorer.openTerminal',
      guarded(env, 'Open Terminal in Namespace', openTerminal),
    ),
    vscode.commands.registerCommand(
      'namespaceExplorer.newTerminal',
      guarded(env, 'New Isolated Terminal', newTerminal),
    ),
  );
}

/** A terminal made through polkit runs as root: the user's own scan cannot see into it. */
async function explainRootTerminal(name: string): Promise<void> {
  const choice = await inform(
    `“${name}” runs as root, through polkit: your own view cannot see into its namespaces. Show All Namespaces shows and marks them.`,
    'Show All Namespaces',
  );
  if (choice) await vscode.commands.executeCommand('namespaceExplorer.showAll');
}

/** Which of the process's namespaces to enter: the one clicked preselected, "all" offered. */
async function pickTypesToEnter(
  snapshot: Snapshot,
  pid: number,
  clicked: NamespaceRecord,
): Promise<NsType[] | undefined> {
  const proc = snapshot.processes.find((p) => p.pid === pid);
  const byIno = new Map(snapshot.namespaces.map((n) => [n.ns, n]));
  const own = snapshot.processes.find((p) => p.pid === process.pid)?.ns ?? {};
  // Not the user namespace the editor is in already: nsenter cannot enter it again (setns: EINVAL).
  const types = NS_TYPES.filter((t) => proc?.ns[t] !== undefined && (t !== 'user' || proc.ns.user !== own.user));
  if (!proc || types.length === 0) return [clicked.type];
  const all: TypeItem = { label: '$(check-all) All of them', description: types.join(', '), types };
  const items: TypeItem[] = [
    all,
    ...types.map((t) => {
      const ino = proc.ns[t]!;
      const label = byIno.get(ino)?.label;
      return {
        label: t,
        description: `${t}:[${ino}]${label ? ` · ${label}` : ''}${own[t] === ino ? ' · same as yours' : ''}`,
        picked: t === clicked.type,
        types: [t],
      };
    }),
  ];
  const chosen = await vscode.window.showQuickPick(items, {
    title: `Open Terminal in Namespace: ${proc.name} (${pid})`,
    placeHolder: 'Namespaces to enter (Space toggles, Enter opens the terminal)',
    canPickMany: true,
  });
  if (!chosen || chosen.length === 0) return undefined;
  return chosen.includes(all) ? types : NS_TYPES.filter((t) => chosen.some((c) => c.types.includes(t)));
}

async function pickIdentity(): Promise<boolean | undefined> {
  const me = { label: '$(account) As Me', description: 'your own user inside', asRoot: false };
  const root = { label: '$(shield) As Root', description: 'root inside', asRoot: true };
  const chosen = await vscode.window.showQuickPick([me, root], {
    title: 'Open Terminal in Namespace: as whom?',
    placeHolder: 'Either way, entering needs root: polkit asks for the administrator password',
  });
  return chosen?.asRoot;
}

interface OptionItem extends vscode.QuickPickItem {
  option: 'mountProc' | 'mapRoot' | 'veth' | 'propagation';
}

/** Types, then the options that apply to them, then the hostname and propagation if asked. */
async function askNewNamespaces(root: boolean): Promise<NewRequest | undefined> {
  const defaults: NsType[] = root ? ['ipc', 'mnt', 'net', 'pid', 'uts'] : ['ipc', 'mnt', 'net', 'pid', 'user', 'uts'];
  const typeItems = NS_TYPES.map((t) => ({ label: t, description: TYPE_WORDS[t], picked: defaults.includes(t) }));
  const chosen = await vscode.window.showQuickPick(typeItems, {
    title: 'New Isolated Terminal: namespaces to make',
    placeHolder: root
      ? 'Space toggles, Enter goes on'
      : 'With a user namespace no password is needed; without one, polkit asks',
    canPickMany: true,
  });
  if (!chosen?.length) return undefined;
  const types = chosen.map((c) => c.label as NsType);
  const has = (...wanted: NsType[]) => wanted.every((t) => types.includes(t));
  const subnet = vscode.workspace.getConfiguration('namespaceExplorer').get<string>('vethSubnet', DEFAULT_SUBNET);

  const optionItems: OptionItem[] = [];
  if (has('pid', 'mnt'))
    optionItems.push({
      label: 'Fresh /proc',
      description: 'a /proc that shows only the new PID namespace',
      picked: true,
      option: 'mountProc',
    });
  if (has('user'))
    optionItems.push({
      label: 'Map me to root',
      description: 'be root inside the new user namespace',
      picked: true,
      option: 'mapRoot',
    });
  if (has('net')) {
    optionItems.push({
      label: 'Connect to the host (veth)',
      description: `a veth pair with addresses from ${subnet}${root ? '' : '; needs root'} (otherwise only lo)`,
      picked: false,
      option: 'veth',
    });
  }
  if (has('mnt'))
    optionItems.push({
      label: 'Change mount propagation…',
      description: 'private unless changed',
      picked: false,
      option: 'propagation',
    });
  let options = new Set<OptionItem['option']>();
  if (optionItems.length) {
    const picked = await vscode.window.showQuickPick(optionItems, {
      title: 'New Isolated Terminal: options',
      placeHolder: 'Space toggles, Enter goes on',
      canPickMany: true,
    });
    if (!picked) return undefined;
    options = new Set(picked.map((p) => p.option));
  }

  const request: NewRequest = {
    types,
    mountProc: options.has('mountProc'),
    mapRoot: options.has('mapRoot'),
    veth: options.has('veth'),
  };
  if (request.veth) request.subnet = subnet;
  if (has('uts')) {
    const hostname = await vscode.window.showInputBox({
      title: 'New Isolated Terminal: hostname',
      prompt: 'The hostname inside the new UTS namespace (empty keeps the current one)',
      value: 'isolated',
      validateInput: (v) => (v.trim() === '' ? undefined : (hostnameProblem(v.trim()) ?? undefined)),
    });
    if (hostname === undefined) return undefined;
    if (hostname.trim()) request.hostname = hostname.trim();
  }
  if (options.has('propagation')) {
    const words: Record<Propagation, string> = {
      private: 'mounts stay on their side (the default)',
      slave: 'mounts made on the host appear inside, not the other way',
      shared: 'mounts appear on both sides',
      unchanged: 'keep what the host has',
    };
    const picked = await vscode.window.showQuickPick(
      PROPAGATIONS.map((p) => ({ label: p, description: words[p] })),
      { title: 'New Isolated Terminal: mount propagation' },
    );
    if (!picked) return undefined;
    request.propagation = picked.label as Propagation;
  }
  return request;
}

function newArgs(req: NewRequest): string[] {
  const args = ['new', '--type', req.types.join(',')];
  if (req.hostname) args.push('--hostname', req.hostname);
  if (req.mountProc) args.push('--mount-proc');
  if (req.propagation) args.push('--propagation', req.propagation);
  if (req.mapRoot) args.push('--map-root');
  if (req.veth) args.push('--veth', '--subnet', req.subnet ?? DEFAULT_SUBNET);
  return args;
}
