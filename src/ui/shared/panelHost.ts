/**
 * The host side of a webview panel, one for every panel: its page (a strict
 * Content-Security-Policy, scripts by nonce only, assets from dist/webview only), the
 * messages both ways, and its end. The page says `…/ready` each time it loads (first open,
 * after being hidden, after a window reload); until then nothing is posted, and then it
 * gets the latest message of each type, so a page drawn again shows what it showed. A
 * message from the page is checked with the panel's guard before anything reads it, and
 * a handler's failure is logged and shown as a command's is (`guarded`).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { ExtensionEnv, guarded } from './env';

/** A message either way: `scope/method` and its data. */
interface Message {
  type: string;
}

/** The page's first message, sent each time it loads. */
type Ready = { type: `${string}/ready` };

export interface PanelSpec<FromWebview extends Message> {
  /** The panel's name in an error: `Mount Propagation failed: …`. */
  what: string;
  /** dist/webview/BUNDLE.js and .css; dist/webview/BUNDLE-{light,dark}.svg as its icon when `icon`. */
  bundle: string;
  icon?: boolean;
  /** Said on the page until its script draws. */
  loading: string;
  /** The panel's protocol guard. */
  isMessage: (msg: unknown) => msg is FromWebview;
  /** What the page asks for; `…/ready` is the host's own. */
  receive: (msg: Exclude<FromWebview, Ready>) => unknown;
  /** The panel was closed (or the extension stops). */
  onDispose?: () => void;
  /** Images the page makes itself (`blob:`: a drawing turned into a PNG on a canvas). */
  blobImages?: boolean;
}

/** The panels' scripts, styles and codicons (not cli.js, not koffi). */
function webviewDir(extension: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(extension.extensionUri, 'dist', 'webview');
}

function panelOptions(extension: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, enableFindWidget: true, localResourceRoots: [webviewDir(extension)] };
}

/** A new panel of VIEW_TYPE in the active editor column, allowed what every panel page needs. */
export function createPanel(env: ExtensionEnv, viewType: string, title: string): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(viewType, title, vscode.ViewColumn.Active, panelOptions(env.extension));
}

/**
 * Brings panels of VIEW_TYPE back after a window reload: RESTORE gets the panel, allowed
 * what every panel page needs, and what its page saved with setState. Needs
 * `onWebviewPanel:VIEW_TYPE` among the activation events.
 */
export function registerPanelSerializer(
  env: ExtensionEnv,
  viewType: string,
  restore: (panel: vscode.WebviewPanel, state: unknown) => void,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(viewType, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
      panel.webview.options = panelOptions(env.extension);
      restore(panel, state);
    },
  });
}

export class PanelHost<ToWebview extends Message, FromWebview extends Message> implements vscode.Disposable {
  private ready = false;
  private ended = false;
  /** The latest message of each type, in the order they were posted. */
  private readonly latest = new Map<string, ToWebview>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly env: ExtensionEnv,
    readonly panel: vscode.WebviewPanel,
    private readonly spec: PanelSpec<FromWebview>,
  ) {
    if (spec.icon) {
      const icon = (theme: string) => vscode.Uri.joinPath(webviewDir(env.extension), `${spec.bundle}-${theme}.svg`);
      panel.iconPath = { light: icon('light'), dark: icon('dark') };
    }
    panel.webview.html = this.page();
    const receive = guarded(env, spec.what, (msg: FromWebview) => this.receive(msg));
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((msg: unknown) => {
        if (spec.isMessage(msg)) return void receive(msg);
        env.log.warn(`${spec.what}: ignored a message its page does not send: ${JSON.stringify(msg)?.slice(0, 200)}`);
      }),
    );
  }

  /** Closed: what is under way drops its answer. */
  get disposed(): boolean {
    return this.ended;
  }

  /** Disposed with the panel. */
  track(...disposables: vscode.Disposable[]): void {
    this.disposables.push(...disposables);
  }

  /** Sends MSG now, once, if the page is there to get it: a request, not a state to show again. */
  postOnce(msg: ToWebview): boolean {
    if (this.ended || !this.ready) return false;
    void this.panel.webview.postMessage(msg);
    return true;
  }

  /** Sends MSG when the page is ready, and again each time it loads, until one of its type replaces it. */
  post(msg: ToWebview): void {
    if (this.ended) return;
    this.latest.delete(msg.type);
    this.latest.set(msg.type, msg);
    // A hidden webview drops messages; it says `ready` again when shown.
    if (this.ready) void this.panel.webview.postMessage(msg);
  }

  dispose(): void {
    if (this.ended) return;
    this.ended = true;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.spec.onDispose?.();
    this.panel.dispose();
  }

  private receive(msg: FromWebview): unknown {
    if (!isReady(msg)) return this.spec.receive(msg as Exclude<FromWebview, Ready>);
    this.ready = true;
    for (const kept of this.latest.values()) void this.panel.webview.postMessage(kept);
    return undefined;
  }

  /** The page of the bundle, saying what it loads until its script draws. */
  private page(): string {
    const { webview } = this.panel;
    const nonce = randomBytes(18).toString('base64');
    const dir = webviewDir(this.env.extension);
    const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(dir, name)).toString();
    const csp = [
      "default-src 'none'",
      `script-src 'nonce-${nonce}'`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `img-src ${webview.cspSource}${this.spec.blobImages ? ' blob:' : ''}`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset(`${this.spec.bundle}.css`)}">
<title>${this.spec.what}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">${this.spec.loading}</p></main>
<script nonce="${nonce}" src="${asset(`${this.spec.bundle}.js`)}"></script>
</body>
</html>`;
  }
}

function isReady(msg: Message): msg is Ready {
  return msg.type.endsWith('/ready');
}
