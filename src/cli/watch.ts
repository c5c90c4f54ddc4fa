/**
 * `nsx watch`: each change as it happens, one line (or one JSON object) per event, until
 * interrupted or until whoever reads the output goes away.
 */
import { LiveEvent, snapshotEvents } from '../core/live/events';
import { LiveLoop } from '../core/live/liveLoop';
import { MountEvent, MountTables } from '../core/live/mountEvents';
import { ProcSource } from '../core/linux/procfs';
import { NS_TYPES, NsType, Snapshot } from '../core/model/snapshot';
import { printable } from '../core/text/printable';
import { outputClosed } from '../core/linux/outputClosed';
import type { Command } from './args';
import { out, say } from './output';

type WatchCommand = Extract<Command, { name: 'watch' }>;

type Watched =
  LiveEvent | MountEvent | { event: 'watching'; namespaces: number; processes: number; intervalMs: number };

export async function watch(command: WatchCommand): Promise<number> {
  const types = command.types ?? NS_TYPES;
  const proc = new ProcSource();
  const mounts = command.mounts ? new MountTables(proc) : undefined;
  const emit = (e: Watched) => {
    const time = new Date();
    out(command.json ? JSON.stringify({ time: time.toISOString(), ...e }) + '\n' : `${clock(time)} ${eventText(e)}\n`);
  };
  let shown: Snapshot | undefined;
  /** Mount namespaces whose tables the kernel said changed since the last tick. */
  const tablesChanged = new Set<number>();
  const ended = new Promise<void>((resolve) => {
    const loop = new LiveLoop(
      { proc },
      command.intervalMs,
      ({ snapshot, changed }) => {
        if (outputClosed(1)) return finish();
        if (!shown) {
          mounts?.update(snapshot);
          emit({ event: 'watching', ...counts(snapshot), intervalMs: command.intervalMs });
        } else if (changed) for (const e of snapshotEvents(shown, snapshot, types)) emit(e);
        if (shown && mounts) {
          // Without the kernel's watch, every table is read at every tick.
          for (const e of mounts.update(snapshot, loop.mounts ? tablesChanged : undefined)) emit(e);
          tablesChanged.clear();
        }
        shown = snapshot;
      },
      (err) => say(`watching failed for a moment: ${(err as Error).message ?? String(err)}`),
    );
    const finish = () => {
      loop.stop();
      resolve();
    };
    loop.mounts?.onChange((mntns) => mntns.forEach((ns) => tablesChanged.add(ns)));
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
    loop.start();
  });
  await ended;
  return 0;
}

function counts(snapshot: Snapshot): { namespaces: number; processes: number } {
  return { namespaces: snapshot.namespaces.length, processes: snapshot.processes.length };
}

/** `14:02:07.513`, local time. */
function clock(t: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const ms = String(t.getMilliseconds()).padStart(3, '0');
  return `${two(t.getHours())}:${two(t.getMinutes())}:${two(t.getSeconds())}.${ms}`;
}

/** `net 4026532200 "blue"` */
function nsText(e: { type: NsType; ns: number; label: string | null }): string {
  return `${e.type} ${e.ns}${e.label ? ` ${printable(JSON.stringify(e.label))}` : ''}`;
}

function mntText(e: MountEvent): string {
  return nsText({ type: 'mnt', ns: e.mntns, label: e.label });
}

export function eventText(e: Watched): string {
  switch (e.event) {
    case 'watching':
      return `watching ${e.namespaces} namespaces and ${e.processes} processes, every ${e.intervalMs} ms (Ctrl-C ends)`;
    case 'namespace-appeared':
      return `+ ${nsText(e)} appeared, held by ${printable(e.heldBy)}`;
    case 'namespace-gone':
      return `- ${nsText(e)} went away`;
    case 'process-entered':
      return `> ${printable(e.command)} (${e.pid}) entered ${nsText(e)}`;
    case 'process-left':
      return `< ${printable(e.command)} (${e.pid}) left ${nsText(e)}`;
    case 'holder-added':
      return `+ ${nsText(e)} now also held by ${printable(e.what)}`;
    case 'holder-removed':
      return `- ${nsText(e)} no longer held by ${printable(e.what)}`;
    case 'mount-added':
      return `+ mount ${printable(e.target)} (${e.fstype} ${printable(e.source)}, ${e.propagation}) in ${mntText(e)}`;
    case 'mount-removed':
      return `- mount ${printable(e.target)} (${e.fstype}) gone from ${mntText(e)}`;
    case 'propagation-changed':
      return `~ mount ${printable(e.target)} ${e.from} → ${e.to} in ${mntText(e)}`;
  }
}
