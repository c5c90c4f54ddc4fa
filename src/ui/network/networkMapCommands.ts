/**
 * Show Network Map (toolbar, palette, a net namespace's row), and the map's card menu:
 * Open Terminal in Namespace… and Debug Shell… on a card act as they do on its tree row;
 * Capture Traffic… on an interface's badge captures on that interface.
 */
import * as vscode from 'vscode';
import { CommandTable } from '../shared/env';
import { NamespaceView } from '../namespaces/namespaceView';
import type { NamespaceNode, Node } from '../namespaces/treeModel';
import { warn } from '../shared/notify';
import { NetworkMapPanels } from './networkMapPanel';
import type { CaptureTarget } from '../terminals/captureTraffic';

/** What VS Code passes a webview/context command: the card's data-vscode-context. */
interface CardContext {
  ns?: unknown;
  /** Set on an interface's badge. */
  ifname?: unknown;
}

export function networkMapCommands(view: NamespaceView, panels: NetworkMapPanels): CommandTable {
  const rowOf = (card: CardContext | undefined): NamespaceNode | undefined => {
    const record = view.current()?.namespaces.find((n) => n.ns === card?.ns);
    if (!record) return void warn('That namespace is gone since the map was drawn.');
    return { kind: 'namespace', id: `network-map/${record.ns}`, parent: undefined, ns: record, nested: [] };
  };
  return {
    'namespaceExplorer.showNetworkMap': {
      title: 'Show Network Map',
      run: (node?: Node) => panels.show(node?.kind === 'namespace' && node.ns.type === 'net' ? node.ns.ns : undefined),
    },
    'namespaceExplorer.networkMap.openTerminal': {
      title: 'Open Terminal in Namespace',
      run: async (card?: CardContext) => {
        const row = rowOf(card);
        if (row) await vscode.commands.executeCommand('namespaceExplorer.openTerminal', row);
      },
    },
    'namespaceExplorer.networkMap.debugShell': {
      title: 'Debug Shell',
      run: async (card?: CardContext) => {
        const row = rowOf(card);
        if (row) await vscode.commands.executeCommand('namespaceExplorer.debugShell', row);
      },
    },
    'namespaceExplorer.networkMap.captureTraffic': {
      title: 'Capture Traffic',
      run: async (badge?: CardContext) => {
        const row = rowOf(badge);
        if (!row || typeof badge?.ifname !== 'string') return;
        const target: CaptureTarget = { ns: row.ns.ns, ifname: badge.ifname };
        await vscode.commands.executeCommand('namespaceExplorer.captureTraffic', target);
      },
    },
  };
}
