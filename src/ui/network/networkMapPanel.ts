/**
 * The Network Map panel: every net namespace of the snapshot the Namespaces view shows,
 * its interfaces and the wires between them, drawn by the core (core/network) and redrawn
 * with each new snapshot while it is visible, what changed marked for a moment. One panel;
 * it acts through the tree (reveal), the Details panel (an interface) and the terminal
 * commands (its menu).
 */
import * as vscode from 'vscode';
import type { NetDetails } from '../../core/details/types';
import type { Snapshot } from '../../core/model/snapshot';
import type { NetGraph } from '../../core/network/graph';
import { layoutMap } from '../../core/network/layout';
import { mapSvg } from '../../core/network/mapSvg';
import { pathBetween } from '../../core/network/path';
import { ExtensionEnv } from '../shared/env';
import { NamespaceView } from '../namespaces/namespaceView';
import { createPanel, PanelHost, registerPanelSerializer } from '../shared/panelHost';
import { warn } from '../shared/notify';
import type { ShowDetails } from '../details/detailsPanel';
import { MapDrawing, mapDrawing, mapView, nextMarks, ShownMarks } from './mapModel';
import { isNetworkFromWebview, NetworkFromWebview, NetworkToWebview } from './protocol';
import { exportMap, PngExports } from './mapExport';
import { ReadWhenVisible } from './readWhenVisible';
import { firewallsToRead, fullParts, FullParts, withFullParts } from './mapFirewalls';

export const NETWORK_VIEW_TYPE = 'namespaceExplorer.networkMap';
/** How long what changed stays marked. */
const MARK_MS = 4000;

export class NetworkMapPanels implements vscode.Disposable {
  private current: NetworkMapPanel | undefined;
  private readonly serializer: vscode.Disposable;

  constructor(
    private readonly env: ExtensionEnv,
    private readonly view: NamespaceView,
    private readonly showDetails: ShowDetails,
  ) {
    this.serializer = registerPanelSerializer(env, NETWORK_VIEW_TYPE, (panel) => this.adopt(panel));
  }

  /** Opens the map (or brings it forward), with namespace NS selected when given. */
  show(ns?: number): void {
    if (!this.current) this.adopt(createPanel(this.env, NETWORK_VIEW_TYPE, 'Network Map'));
    else this.current.reveal();
    if (ns !== undefined) this.current!.focus(ns);
  }

  dispose(): void {
    this.serializer.dispose();
    this.current?.dispose();
  }

  private adopt(panel: vscode.WebviewPanel): void {
    if (this.current) {
      panel.dispose();
      return this.current.reveal();
    }
    this.current = new NetworkMapPanel(this.env, this.view, this.showDetails, panel, () => (this.current = undefined));
  }
}

class NetworkMapPanel {
  private drawing: MapDrawing | undefined;
  private graph: NetGraph | undefined;
  private snapshot: Snapshot | undefined;
  private reading: Promise<void> | undefined;
  private again = false;
  /** The last topology read (NetDetails.topology), by namespace. */
  private topology = new Map<number, NetDetails>();
  /** What the full reading of each namespace added (its firewall); kept across snapshots. */
  private readonly full = new Map<number, FullParts>();
  /** The namespaces whose full reading is under way. */
  private readonly asked = new Set<number>();
  /** Read every firewall at the next reading: the first one, and after Read Again. */
  private readAll = true;
  private marks: ShownMarks | undefined;
  private unmark: NodeJS.Timeout | undefined;
  private readonly pngs = new PngExports();
  private readonly host: PanelHost<NetworkToWebview, NetworkFromWebview>;

  constructor(
    private readonly env: ExtensionEnv,
    private readonly view: NamespaceView,
    private readonly showDetails: ShowDetails,
    private readonly panel: vscode.WebviewPanel,
    onDispose: () => void,
  ) {
    this.host = new PanelHost(env, panel, {
      what: 'Network Map',
      bundle: 'network',
      loading: 'Reading every network namespace…',
      blobImages: true,
      isMessage: isNetworkFromWebview,
      receive: (msg) => this.receive(msg),
      onDispose: () => {
        clearTimeout(this.unmark);
        onDispose();
      },
    });
    const reads = new ReadWhenVisible(() => void this.load(), panel.visible);
    this.host.track(
      view.onDidChangeSnapshot(() => reads.changed()),
      panel.onDidChangeViewState(() => reads.setVisible(panel.visible)),
    );
    reads.changed();
  }

  reveal(): void {
    this.panel.reveal();
  }

  focus(ns: number): void {
    this.host.post({ type: 'network/focus', ns });
  }

  dispose(): void {
    this.host.dispose();
  }

  private async receive(msg: Exclude<NetworkFromWebview, { type: 'network/ready' }>): Promise<void> {
    switch (msg.type) {
      case 'network/select':
        return this.revealInTree(msg.ns);
      case 'network/interface': {
        const record = this.snapshot?.namespaces.find((n) => n.ns === msg.ns);
        if (!record) return void warn(`Namespace ${msg.ns} is gone.`);
        return this.showDetails(record, msg.ifname);
      }
      case 'network/path': {
        const path = this.graph && pathBetween(this.graph, msg.from, msg.to);
        const view = { from: msg.from, to: msg.to, namespaces: path?.namespaces ?? [], links: path?.links ?? null };
        return this.host.post({ type: 'network/path', path: view });
      }
      case 'network/refresh':
        if (this.view.elevated) return void (await vscode.commands.executeCommand('namespaceExplorer.refresh'));
        this.view.details.forget();
        this.readAll = true;
        return this.load();
      case 'network/showAll':
        return void (await vscode.commands.executeCommand('namespaceExplorer.showAll'));
      case 'network/export':
        return this.export(msg.format);
      case 'network/png':
        return this.pngs.answer(msg.id, msg.data, msg.error);
    }
  }

  private async revealInTree(ns: number): Promise<void> {
    const record = this.snapshot?.namespaces.find((n) => n.ns === ns);
    const name = record ? `net ${ns}${record.label ? ` (${record.label})` : ''}` : `net ${ns}`;
    if (await this.view.reveal(ns, { select: true, why: name })) return;
    void warn(`${name} is not in the Namespaces view: it is gone, not in this grouping, or not visible to you.`);
  }

  /** Reads the net namespaces of the snapshot shown; one reading at a time, again if a snapshot came meanwhile. */
  private load(): Promise<void> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = this.read().finally(() => {
      this.reading = undefined;
      if (this.again && !this.host.disposed) {
        this.again = false;
        void this.load();
      }
    });
    return this.reading;
  }

  /**
   * Draws the map from the topology of every net namespace, read in one request, then asks
   * for the firewalls it lacks (firewallsToRead), which come later (readFirewalls).
   */
  private async read(): Promise<void> {
    const snapshot = this.view.current();
    // Restored after a reload, before the first scan: that scan's event brings us back.
    if (!snapshot) return void this.view.refreshNow();
    this.host.post({ type: 'network/busy', busy: true });
    const started = Date.now();
    const nets = snapshot.namespaces.filter((n) => n.type === 'net' && !n.ghost).map((n) => n.ns);
    const read = await this.view.details.topology(nets).catch(() => []);
    const topology = new Map<number, NetDetails>();
    for (const d of read) if (!('error' in d) && d.type === 'net') topology.set(d.ns, d);
    if (this.host.disposed) return;
    const readMs = Date.now() - started;
    this.snapshot = snapshot;
    this.topology = topology;
    for (const ns of this.full.keys()) if (!topology.has(ns)) this.full.delete(ns);
    // Root's scan brought full details; a user's reading has no firewall to read.
    const wanted =
      snapshot.details || process.geteuid?.() !== 0
        ? []
        : firewallsToRead([...topology.keys()], this.full, this.asked, this.readAll);
    this.readAll = false;
    for (const ns of wanted) this.asked.add(ns);
    this.redraw();
    this.host.post({ type: 'network/busy', busy: false });
    const took = `read in ${readMs} ms, drawn ${Date.now() - started} ms after the start`;
    this.env.log.info(`network map: the topology of ${nets.length} namespaces ${took}`);
    if (wanted.length) void this.readFirewalls(wanted, started);
  }

  /** The full details of WANTED (the shared cache's, as the Details panel reads them), then the map again. */
  private async readFirewalls(wanted: number[], started: number): Promise<void> {
    const read = await Promise.allSettled(wanted.map((ns) => this.view.details.get(ns)));
    for (const [i, r] of read.entries()) {
      this.asked.delete(wanted[i]!);
      if (r.status === 'fulfilled' && r.value.type === 'net' && this.topology.has(r.value.ns))
        this.full.set(r.value.ns, fullParts(r.value));
    }
    if (this.host.disposed) return;
    this.redraw();
    this.env.log.info(`network map: ${wanted.length} firewalls read and drawn in ${Date.now() - started} ms`);
  }

  /** A new drawing from what has been read, marking what changed since the last. */
  private redraw(): void {
    if (!this.snapshot) return;
    this.drawing = mapDrawing(this.snapshot, withFullParts(this.topology, this.full), this.graph);
    this.graph = this.drawing.graph;
    this.marks = nextMarks(this.drawing.changes, this.marks, Date.now(), MARK_MS);
    this.draw();
  }

  /** Draws the map, with the marks while their time lasts; drawn again without them when it is up. */
  private draw(): void {
    if (!this.drawing || !this.snapshot) return;
    clearTimeout(this.unmark);
    const left = this.marks ? this.marks.until - Date.now() : 0;
    const drawing = left > 0 ? { ...this.drawing, changes: this.marks!.changes } : this.drawing;
    const options = {
      marked: left > 0,
      elevated: this.view.elevated,
      root: process.geteuid?.() === 0,
      firewallsReading: this.asked.size,
    };
    this.host.post({ type: 'network/map', view: mapView(drawing, this.snapshot, options) });
    if (left > 0) this.unmark = setTimeout(() => this.draw(), left);
  }

  private async export(format: 'svg' | 'png'): Promise<void> {
    if (!this.graph) return void warn('The network map is still being read; try again in a moment.');
    const layout = layoutMap(this.graph);
    const svg = mapSvg(this.graph, layout, { standalone: true });
    await exportMap(format, svg, layout, this.pngs, (msg) => this.host.postOnce(msg));
  }
}
