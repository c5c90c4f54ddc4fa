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
import { IsolateError, NewPlan, NewRequest, newTitle, planNew } from '../../core/terminals/isolate';
import { NamespaceRecord, NsType, Snapshot } from '../../core/model/snapshot';
import { DEFAULT_SUBNET } from '../../core/terminals/veth';
import { CommandTable, ExtensionEnv, registerCommands } from '../shared/env';
import { RootRunner } from '../elevation/elevation';
import { NamespaceView } from '../namespaces/namespaceView';
import { Caller, currentCaller } from '../../core/terminals/rootNeeded';
import { nsxTerminalOptions, startedAfter, startTime } from '../shared/runtime';
import { namespacesBelow } from './terminalMarks';
import { openDebugShell } from './debugShell';
import { captureTraffic } from './captureTraffic';
import { Node } from '../namespaces/treeModel';
import { inform, warn } from '../shared/notify';
import {
  chosenTypes,
  enterArgs,
  enterTypeItems,
  newArgs,
  NewOption,
  newOptionItems,
  newRequest,
  newTypeItems,
  PROPAGATION_WORDS,
  staleProcessNote,
  withoutUserNamespace,
} from './terminalChoices';

/** A terminal that makes namespaces: the PID of the process it runs, and what was revealed of them. */
interface MadeTerminal {
  pid?: number | undefined;
  asRoot: boolean;
  revealed: Set<number>;
  explained?: boolean;
}

/** What a snapshot shows of the namespaces an isolated terminal made: those below its process. */
export interface TerminalNamespaces {
  terminal: vscode.Terminal;
  namespaces: ReadonlySet<number>;
  snapshot: Snapshot;
}

/** The terminal commands, and the marks and reveals of the namespaces the isolated terminals make. */
export class TerminalController implements vscode.Disposable {
  private readonly isolated = new Map<vscode.Terminal, MadeTerminal>();
  private readonly seen = new vscode.EventEmitter<TerminalNamespaces>();
  /** Each look at the isolated terminals' namespaces, per terminal whose process is known. */
  readonly onDidSeeNamespaces = this.seen.event;
  /** Reveals one at a time, each after those before: reveals running side by side can undo each other. */
  private revealing = Promise.resolve();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly env: ExtensionEnv,
    private readonly view: NamespaceView,
    private readonly root: RootRunner,
  ) {
    this.disposables = [
      view.onDidChangeSnapshot((snapshot) => this.updateMarks(snapshot)),
      vscode.window.onDidCloseTerminal((terminal) => {
        if (this.isolated.delete(terminal)) this.updateMarks(view.current());
      }),
      registerCommands(env, this.commands()),
      this.seen,
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private commands(): CommandTable {
    return {
      'namespaceExplorer.openTerminal': {
        title: 'Open Terminal in Namespace',
        run: (node?: Node, typed?: string) => this.openTerminal(node, typed),
      },
      'namespaceExplorer.newTerminal': { title: 'New Isolated Terminal', run: () => this.newTerminal() },
      'namespaceExplorer.debugShell': {
        title: 'Debug Shell',
        run: (node?: Node) => openDebugShell(this.env, this.view, this.root, node),
      },
      'namespaceExplorer.captureTraffic': {
        title: 'Capture Traffic',
        run: (arg?: Parameters<typeof captureTraffic>[3]) => captureTraffic(this.env, this.view, this.root, arg),
      },
    };
  }

  /** TYPED: a command typed into the shell, not run (a finding's fix, for the user to read first). */
  private async openTerminal(node?: Node, typed?: string): Promise<void> {
    const snapshot = this.view.current();
    if (!snapshot) return void inform('The namespaces are still being scanned; try again in a moment.');
    if (node?.kind === 'container') {
      // All of its namespaces offered, as its first process has them.
      const { pid, name } = node.container;
      if (pid === null) return void warn(`No process runs in ${name}, so its namespaces cannot be entered.`);
      return this.enter(snapshot, undefined, pid, typed);
    }
    if (node?.kind !== 'namespace' && node?.kind !== 'process') return;
    const ns = node.ns;
    if (ns.ghost)
      return void warn(
        `${ns.type} ${ns.ns} is a ghost: no process, fd or bind mount holds it, so it cannot be entered.`,
      );
    return this.enter(snapshot, ns, node.kind === 'process' ? node.process.pid : ns.pid, typed);
  }

  /** Enters namespaces of process PID (the one clicked, NS, preselected), or NS itself when no process is in it. */
  private async enter(
    snapshot: Snapshot,
    ns: NamespaceRecord | undefined,
    pid: number | null,
    typed?: string,
  ): Promise<void> {
    const caller = currentCaller();
    // Pinned now, against the snapshot the row came from: the picks below may take a while.
    const started = pid === null ? null : startTime(pid);
    if (pid !== null && (started === null || startedAfter(started, snapshot.takenAt))) {
      return void warn(staleProcessNote(pid, started));
    }
    const plan = await askEnterPlan(snapshot, ns, pid, caller);
    if (!plan) return;
    // The inode counts only without a process, when NS is the one clicked; the start time is the one pinned above.
    const args = enterArgs(plan, ns?.ns ?? 0, started);
    if (plan.privilege === 'root' && caller.uid !== 0 && !(await this.root.ready(args))) return;
    this.env.log.info(`terminal: nsx ${args.join(' ')}`);
    const terminal = vscode.window.createTerminal(
      nsxTerminalOptions(this.root.runtime, enterTitle(plan), args, 'terminal'),
    );
    terminal.show();
    if (typed) await this.type(terminal, typed, plan.privilege === 'root' && caller.uid !== 0);
  }

  /** Types TYPED at the shell's prompt; copied instead when polkit asks for a password in the terminal first. */
  private async type(terminal: vscode.Terminal, typed: string, asksPassword: boolean): Promise<void> {
    if (!asksPassword) return terminal.sendText(typed, false);
    await vscode.env.clipboard.writeText(typed);
    void inform(`Copied: ${typed} — paste it in “${terminal.name}” once you are in.`);
  }

  private async newTerminal(): Promise<void> {
    const caller = currentCaller();
    const request = await askNewNamespaces(caller.uid === 0);
    if (request) await this.openIsolated(request, caller);
  }

  /**
   * New Isolated Terminal for a request made already (the tour's buttons), asking nothing
   * but polkit, when root is needed; the terminal, or undefined when refused or cancelled.
   */
  async openIsolated(request: NewRequest, caller: Caller = currentCaller()): Promise<vscode.Terminal | undefined> {
    let plan: NewPlan;
    try {
      plan = planNew(request, caller);
    } catch (err) {
      if (err instanceof IsolateError) return void warn(`Cannot make the namespaces: ${err.message}.`);
      throw err;
    }
    const args = newArgs(request);
    if (plan.privilege === 'root' && caller.uid !== 0 && !(await this.root.ready(args))) return undefined;
    this.env.log.info(`terminal: nsx ${args.join(' ')}`);
    const options = nsxTerminalOptions(this.root.runtime, newTitle(plan), args, 'terminal');
    const terminal = vscode.window.createTerminal(options);
    const made = { asRoot: plan.privilege === 'root' && caller.uid !== 0, revealed: new Set<number>() };
    this.isolated.set(terminal, made);
    terminal.show();
    await this.watch(terminal, made);
    return terminal;
  }

  /** Marks and reveals the namespaces TERMINAL makes, once its process is known. */
  private async watch(terminal: vscode.Terminal, made: MadeTerminal): Promise<void> {
    const pid = await terminal.processId;
    if (this.isolated.get(terminal) !== made) return;
    this.env.log.info(`terminal ${terminal.name}: process ${pid ?? 'unknown'}`);
    this.isolated.set(terminal, { ...made, pid });
    // The namespaces exist a moment after the terminal starts: look now and twice more. A
    // scan that finds nothing new sends no snapshot, and the one that found them may have
    // come before the PID was known, so the marks are updated after each look.
    this.updateMarks(this.view.current());
    for (const delay of [500, 2000, 5000])
      setTimeout(() => void this.view.refreshNow().then(() => this.updateMarks(this.view.current())), delay);
  }

  /** Marks the namespaces below each isolated terminal's process, and reveals those new. */
  private updateMarks(snapshot: Snapshot | undefined): void {
    const marks = new Map<number, string>();
    const toReveal: number[] = [];
    if (snapshot) {
      for (const [terminal, made] of this.isolated) {
        if (made.pid === undefined) continue;
        const below = namespacesBelow(snapshot, made.pid);
        this.seen.fire({ terminal, namespaces: below.namespaces, snapshot });
        for (const ino of below.namespaces) {
          marks.set(ino, terminal.name);
          if (!made.revealed.has(ino)) {
            toReveal.push(ino);
            this.reveal(ino, made.revealed, terminal.name);
          }
        }
        if (made.asRoot && below.hidden && !made.explained) {
          made.explained = true;
          void explainRootTerminal(terminal.name);
        }
      }
    }
    this.view.setTerminalMarks(marks);
    if (toReveal.length) this.env.log.info(`terminal namespaces to reveal: ${toReveal.join(', ')}`);
  }

  private reveal(ino: number, revealed: Set<number>, terminal: string): void {
    revealed.add(ino);
    this.revealing = this.revealing.then(async () => {
      // Not revealed (the tree was redrawn meanwhile): the next look tries again.
      if (!(await this.view.reveal(ino, { why: `the namespaces of terminal “${terminal}”` }))) revealed.delete(ino);
    });
  }
}

/** A terminal made through polkit runs as root: the user's own scan cannot see into it. */
async function explainRootTerminal(name: string): Promise<void> {
  const choice = await inform(
    `“${name}” runs as root, through polkit: your own view cannot see into its namespaces. ` +
      'Show All Namespaces shows and marks them.',
    'Show All Namespaces',
  );
  if (choice) await vscode.commands.executeCommand('namespaceExplorer.showAll');
}

/**
 * What Open Terminal in Namespace enters, asked of the user (which types, as whom);
 * undefined when cancelled, or impossible (and said why).
 */
async function askEnterPlan(
  snapshot: Snapshot,
  ns: NamespaceRecord | undefined,
  pid: number | null,
  caller: Caller,
): Promise<EnterPlan | undefined> {
  let request: EnterRequest;
  if (pid === null) {
    if (!ns) return undefined;
    request = { ns: ns.ns, asRoot: false };
  } else {
    const types = await pickTypesToEnter(snapshot, pid, ns);
    if (!types) return undefined;
    request = { pid, types, asRoot: false };
  }
  let plan: EnterPlan;
  try {
    plan = planEnter(snapshot, request, caller);
  } catch (err) {
    if (err instanceof EnterError) return void warn(`Cannot open the terminal: ${err.message}.`);
    throw err;
  }
  if (caller.uid === 0 || plan.privilege !== 'root') return plan;
  const asRoot = await pickIdentity();
  if (asRoot === undefined) return undefined;
  plan = { ...plan, asRoot };
  if (!identityProblem(plan)) return plan;
  // As yourself the user namespace is out of reach (see identityProblem): enter the others.
  const others = withoutUserNamespace(plan);
  if (!others) void warn('As yourself, a user namespace only root may enter cannot be entered: choose As Root.');
  return others;
}

/** Which of the process's namespaces to enter: the one clicked preselected, "all" offered. */
async function pickTypesToEnter(
  snapshot: Snapshot,
  pid: number,
  clicked: NamespaceRecord | undefined,
): Promise<NsType[] | undefined> {
  const offered = enterTypeItems(snapshot, pid, clicked);
  if (!offered) return clicked && [clicked.type];
  const chosen = await vscode.window.showQuickPick(offered.items, {
    title: `Open Terminal in Namespace: ${offered.name} (${pid})`,
    placeHolder: 'Namespaces to enter (Space toggles, Enter opens the terminal)',
    canPickMany: true,
  });
  if (!chosen || chosen.length === 0) return undefined;
  return chosenTypes(chosen, offered.all);
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

/** Types, then the options that apply to them, then the hostname and propagation if asked. */
async function askNewNamespaces(root: boolean): Promise<NewRequest | undefined> {
  const types = await pickNewTypes(root);
  if (!types) return undefined;
  const subnet = vscode.workspace.getConfiguration('namespaceExplorer').get<string>('vethSubnet', DEFAULT_SUBNET);
  const options = await pickNewOptions(types, subnet, root);
  if (!options) return undefined;
  const request = newRequest(types, options, subnet);
  if (types.includes('uts')) {
    const hostname = await askHostname();
    if (hostname === undefined) return undefined;
    if (hostname.trim()) request.hostname = hostname.trim();
  }
  if (options.has('propagation')) {
    const propagation = await pickPropagation();
    if (!propagation) return undefined;
    request.propagation = propagation;
  }
  return request;
}

async function pickNewTypes(root: boolean): Promise<NsType[] | undefined> {
  const chosen = await vscode.window.showQuickPick(newTypeItems(root), {
    title: 'New Isolated Terminal: namespaces to make',
    placeHolder: root
      ? 'Space toggles, Enter goes on'
      : 'With a user namespace no password is needed; without one, polkit asks',
    canPickMany: true,
  });
  return chosen?.length ? chosen.map((c) => c.label) : undefined;
}

/** The options chosen among those that apply to TYPES (none asked when none applies). */
async function pickNewOptions(
  types: readonly NsType[],
  subnet: string,
  root: boolean,
): Promise<Set<NewOption> | undefined> {
  const items = newOptionItems(types, subnet, root);
  if (!items.length) return new Set();
  const picked = await vscode.window.showQuickPick(items, {
    title: 'New Isolated Terminal: options',
    placeHolder: 'Space toggles, Enter goes on',
    canPickMany: true,
  });
  return picked && new Set(picked.map((p) => p.option));
}

function askHostname(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'New Isolated Terminal: hostname',
    prompt: 'The hostname inside the new UTS namespace (empty keeps the current one)',
    value: 'isolated',
    validateInput: (v) => (v.trim() === '' ? undefined : (hostnameProblem(v.trim()) ?? undefined)),
  });
}

async function pickPropagation(): Promise<Propagation | undefined> {
  const picked = await vscode.window.showQuickPick(
    PROPAGATIONS.map((p) => ({ label: p, description: PROPAGATION_WORDS[p] })),
    { title: 'New Isolated Terminal: mount propagation' },
  );
  return picked?.label;
}
