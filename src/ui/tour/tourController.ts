/**
 * The walkthrough "Linux namespaces, hands-on": its buttons open New Isolated Terminals
 * made for their step, and a step is checked off (a context key its `completionEvents`
 * waits for) once a snapshot shows the namespaces it asked for below that terminal.
 */
import * as vscode from 'vscode';
import { currentCaller } from '../../core/terminals/rootNeeded';
import { DEFAULT_SUBNET } from '../../core/terminals/veth';
import { CommandTable, ExtensionEnv, registerCommands } from '../shared/env';
import { warn } from '../shared/notify';
import { TerminalController, TerminalNamespaces } from '../terminals/terminals';
import { requestFor, stepSeen, TOUR_ID, tourContextKey, TourStepId, TourTerminal, tourTerminal } from './tourSteps';

export class TourController implements vscode.Disposable {
  /** The terminals the tour opened, with the button each came from. */
  private readonly opened = new Map<vscode.Terminal, TourTerminal>();
  private readonly done = new Set<TourStepId>();
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly env: ExtensionEnv,
    private readonly terminals: TerminalController,
  ) {
    this.disposables = [
      terminals.onDidSeeNamespaces((seen) => this.check(seen)),
      vscode.window.onDidCloseTerminal((terminal) => this.opened.delete(terminal)),
      registerCommands(env, this.commands()),
    ];
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private commands(): CommandTable {
    return {
      'namespaceExplorer.tour.show': {
        title: 'Open Hands-on Tour',
        run: () =>
          vscode.commands.executeCommand(
            'workbench.action.openWalkthrough',
            `${this.env.extension.extension.id}#${TOUR_ID}`,
            false,
          ),
      },
      'namespaceExplorer.tour.open': { title: "Open the tour's terminal", run: (id?: unknown) => this.open(id) },
    };
  }

  private async open(id: unknown): Promise<void> {
    const terminal = tourTerminal(id);
    if (typeof terminal === 'string') return void warn(`Cannot open the terminal: ${terminal}.`);
    const caller = currentCaller();
    const subnet = vscode.workspace.getConfiguration('namespaceExplorer').get<string>('vethSubnet', DEFAULT_SUBNET);
    const request = requestFor(terminal, caller.uid === 0, subnet);
    this.env.log.info(`tour: step ${terminal.step}`);
    const opened = await this.terminals.openIsolated(request, caller);
    // Its namespaces may have been seen while it opened: the next look checks them.
    if (opened) this.opened.set(opened, terminal);
  }

  private check({ terminal, namespaces, snapshot }: TerminalNamespaces): void {
    const made = this.opened.get(terminal);
    if (!made || this.done.has(made.step) || !stepSeen(made, namespaces, snapshot)) return;
    this.done.add(made.step);
    this.env.log.info(`tour: step ${made.step} done`);
    void vscode.commands.executeCommand('setContext', tourContextKey(made.step), true);
  }
}
