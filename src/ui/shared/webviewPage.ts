/**
 * What the webview panels share: the one directory their pages may load from, and a page
 * with a strict Content-Security-Policy (scripts by nonce only) that loads a bundle of
 * webview/ and its stylesheet from there.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

/** The panels' scripts, styles and codicons (not cli.js, not koffi). */
export function webviewDir(extension: vscode.ExtensionContext): vscode.Uri {
  return vscode.Uri.joinPath(extension.extensionUri, 'dist', 'webview');
}

export function webviewOptions(extension: vscode.ExtensionContext): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, enableFindWidget: true, localResourceRoots: [webviewDir(extension)] };
}

/** The page of bundle BUNDLE (dist/webview/BUNDLE.js and .css), saying LOADING until its script draws. */
export function webviewPage(
  webview: vscode.Webview,
  extension: vscode.ExtensionContext,
  page: { bundle: string; title: string; loading: string },
): string {
  const nonce = randomBytes(18).toString('base64');
  const asset = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(webviewDir(extension), name)).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `img-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" id="vscode-codicon-stylesheet" href="${asset('codicon.css')}">
<link rel="stylesheet" href="${asset(`${page.bundle}.css`)}">
<title>${page.title}</title>
</head>
<body>
<main id="app" aria-busy="true"><p class="loading">${page.loading}</p></main>
<script nonce="${nonce}" src="${asset(`${page.bundle}.js`)}"></script>
</body>
</html>`;
}
