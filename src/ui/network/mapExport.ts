/**
 * Export of the network map: the SVG as the host draws it (with a style of its own), or a
 * PNG that the page renders from that SVG on a canvas; written where the user chooses.
 */
import * as os from 'node:os';
import * as vscode from 'vscode';
import type { MapLayout } from '../../core/network/layout';
import { inform, warn } from '../shared/notify';
import type { NetworkToWebview } from './protocol';

/** PNGs asked of the page, by id, until it answers. */
export class PngExports {
  private next = 1;
  private readonly waiting = new Map<number, (png: { data: string | null; error: string | null }) => void>();

  ask(post: (id: number) => boolean): Promise<{ data: string | null; error: string | null }> {
    const id = this.next++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      if (!post(id)) {
        this.waiting.delete(id);
        resolve({ data: null, error: 'the panel is not shown' });
      }
    });
  }

  answer(id: number, data: string | null, error: string | null): void {
    this.waiting.get(id)?.({ data, error });
    this.waiting.delete(id);
  }
}

export async function exportMap(
  format: 'svg' | 'png',
  svg: string,
  layout: MapLayout,
  pngs: PngExports,
  post: (msg: NetworkToWebview) => boolean,
): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  const target = await vscode.window.showSaveDialog({
    title: `Export the Network Map as ${format.toUpperCase()}`,
    defaultUri: vscode.Uri.joinPath(folder, `network-map.${format}`),
    filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
  });
  if (!target) return;
  let bytes: Uint8Array;
  if (format === 'svg') bytes = Buffer.from(svg, 'utf8');
  else {
    const { width, height } = layout;
    const png = await pngs.ask((id) => post({ type: 'network/renderPng', id, svg, width, height }));
    if (!png.data) return void warn(`The PNG could not be made: ${png.error ?? 'no answer from the panel'}.`);
    bytes = Buffer.from(png.data, 'base64');
  }
  await vscode.workspace.fs.writeFile(target, bytes);
  void inform(`The network map was written to ${target.fsPath}.`);
}
