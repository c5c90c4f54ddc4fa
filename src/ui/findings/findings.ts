/**
 * Findings in the editor: which of those the worker found are shown (not dismissed per
 * namespace, not of a kind switched off in settings), and what their actions do, from the
 * Findings group's rows and from the Details panel.
 */
import * as vscode from 'vscode';
import type { Finding } from '../../core/findings/types';
import { CommandTable, ExtensionEnv, registerCommands } from '../shared/env';
import type { NamespaceView } from '../namespaces/namespaceView';
import type { Node } from '../namespaces/treeModel';
import { inform, warn } from '../shared/notify';
import { findingKey, fixOf, revealsOf, shownFindings } from './findingText';

const DISMISSED_KEY = 'namespaceExplorer.dismissedFindings';
const DISABLED_SETTING = 'namespaceExplorer.findings.disabled';
/** Inodes are reused over months: only the latest dismissals are kept. */
const DISMISSED_KEPT = 500;

/** A finding as a command is given it: a Findings row, or the finding itself (from the Details panel). */
type FindingArg = Node | Finding | undefined;

export class FindingsController implements vscode.Disposable {
  private found: readonly Finding[] = [];
  private shownNow: readonly Finding[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the findings shown change. */
  readonly onDidChange = this.changed.event;
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly env: ExtensionEnv,
    private readonly view: NamespaceView,
  ) {
    this.disposables = [
      this.changed,
      view.onDidReceiveFindings((findings) => {
        this.found = findings;
        this.apply();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(DISABLED_SETTING)) this.apply();
      }),
      registerCommands(env, this.commands()),
    ];
    this.apply();
  }

  /** The findings shown (not dismissed, not of a kind switched off). */
  shown(): readonly Finding[] {
    return this.shownNow;
  }

  /** The findings shown about namespace INO. */
  shownFor(ino: number): Finding[] {
    return this.shownNow.filter((f) => f.ns === ino);
  }

  async copyFix(command: string): Promise<void> {
    await vscode.env.clipboard.writeText(command);
    void inform(`Copied: ${command}`);
  }

  /** Opens a terminal in FINDING's namespace (the usual picks) with COMMAND typed, not run: the user reads it first. */
  async runFix(finding: Finding, command: string): Promise<void> {
    const node = this.view.provider.findNamespace(finding.ns);
    if (!node) return void warn(`${finding.type} ${finding.ns} is no longer in the Namespaces view.`);
    await vscode.commands.executeCommand('namespaceExplorer.openTerminal', node, command);
  }

  async reveal(ino: number, why?: string): Promise<void> {
    if (await this.view.reveal(ino, { select: true, ...(why ? { why } : {}) })) return;
    void warn(`Namespace ${ino} is not in the Namespaces view: it is gone, or not visible to you.`);
  }

  async dismiss(finding: Finding): Promise<void> {
    const kept = this.dismissed().filter((k) => k !== findingKey(finding));
    await this.env.extension.workspaceState.update(
      DISMISSED_KEY,
      [...kept, findingKey(finding)].slice(-DISMISSED_KEPT),
    );
    this.env.log.info(`finding dismissed: ${finding.kind} of ${finding.type} ${finding.ns}`);
    this.apply();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }

  private commands(): CommandTable {
    const on = (title: string, run: (f: Finding) => unknown) => ({
      title,
      run: (arg?: FindingArg) => {
        const f = findingOf(arg);
        return f && run(f);
      },
    });
    return {
      'namespaceExplorer.revealFinding': on('Reveal Namespace', (f) => this.reveal(f.ns)),
      'namespaceExplorer.copyFindingFix': on('Copy Fix Command', (f) => {
        const fix = fixOf(f);
        return fix && this.copyFix(fix.command);
      }),
      'namespaceExplorer.runFindingFix': on('Run Fix in Terminal', (f) => {
        const fix = fixOf(f);
        return fix?.inNamespace && this.runFix(f, fix.command);
      }),
      'namespaceExplorer.revealFindingRelated': on('Reveal Related Namespace', (f) => this.revealRelated(f)),
      'namespaceExplorer.dismissFinding': on('Dismiss Finding', (f) => this.dismiss(f)),
      'namespaceExplorer.restoreDismissedFindings': {
        title: 'Restore Dismissed Findings',
        run: () => this.restoreDismissed(),
      },
    };
  }

  private async revealRelated(f: Finding): Promise<void> {
    const reveals = revealsOf(f);
    const picked =
      reveals.length > 1
        ? (
            await vscode.window.showQuickPick(
              reveals.map((a) => ({ label: a.label, description: `${a.type} ${a.ns}`, action: a })),
              { title: 'Reveal Related Namespace' },
            )
          )?.action
        : reveals[0];
    if (picked) await this.reveal(picked.ns, picked.label);
  }

  private async restoreDismissed(): Promise<void> {
    const count = this.dismissed().length;
    await this.env.extension.workspaceState.update(DISMISSED_KEY, undefined);
    this.apply();
    void inform(count ? `${count} dismissed findings are shown again.` : 'No finding was dismissed.');
  }

  private dismissed(): string[] {
    return this.env.extension.workspaceState.get<string[]>(DISMISSED_KEY, []);
  }

  private apply(): void {
    const disabled = vscode.workspace.getConfiguration().get<string[]>(DISABLED_SETTING, []);
    const shown = shownFindings(this.found, new Set(this.dismissed()), new Set(disabled));
    void vscode.commands.executeCommand(
      'setContext',
      'namespaceExplorer.findingsDismissed',
      this.dismissed().length > 0,
    );
    if (JSON.stringify(shown) === JSON.stringify(this.shownNow)) return;
    this.shownNow = shown;
    this.view.setFindings(shown);
    this.changed.fire();
  }
}

function findingOf(arg: FindingArg): Finding | undefined {
  if (!arg) return undefined;
  if ('finding' in arg && arg.kind === 'finding') return arg.finding;
  return 'severity' in arg ? arg : undefined;
}
