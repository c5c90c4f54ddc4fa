/** A PNG of the map, drawn from the host's SVG on a canvas, for Export PNG. */
import type { NetworkToWebview } from '../../src/ui/network/protocol';
import { vscode } from './state';

/** Canvases larger than this fail in Chromium: a huge map is drawn smaller. */
const MAX_SIDE = 16000;
const MAX_AREA = 120_000_000;

export async function renderPng(msg: Extract<NetworkToWebview, { type: 'network/renderPng' }>): Promise<void> {
  try {
    const scale = Math.min(
      2,
      MAX_SIDE / msg.width,
      MAX_SIDE / msg.height,
      Math.sqrt(MAX_AREA / (msg.width * msg.height)),
    );
    const url = URL.createObjectURL(new Blob([msg.svg], { type: 'image/svg+xml' }));
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(msg.width * scale);
    canvas.height = Math.ceil(msg.height * scale);
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.drawImage(image, 0, 0, canvas.width, canvas.height);
    URL.revokeObjectURL(url);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('the canvas made no image');
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    vscode.postMessage({ type: 'network/png', id: msg.id, data: btoa(binary), error: null });
  } catch (err) {
    vscode.postMessage({ type: 'network/png', id: msg.id, data: null, error: (err as Error)?.message ?? String(err) });
  }
}
