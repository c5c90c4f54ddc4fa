/**
 * A UTS namespace: its hostname and domain name. /proc/sys/kernel/{hostname,domainname}
 * show the reading thread's UTS namespace, so root reads them from the thread that entered
 * it, and a user only those of the namespace nsx runs in.
 */
import * as fs from 'node:fs';
import { NamespaceRecord } from '../snapshot';
import { baseOf, DetailsContext, readInside } from './context';
import { ownNamespace } from './own';
import { UtsDetails } from './types';

export interface UtsNames {
  hostname: string;
  domainname: string;
}

/** The names of the calling thread's UTS namespace. Also runs in the reading thread. */
export function utsNames(procRoot = '/proc'): UtsNames {
  const read = (name: string) => fs.readFileSync(`${procRoot}/sys/kernel/${name}`, 'utf8').replace(/\n$/, '');
  return { hostname: read('hostname'), domainname: read('domainname') };
}

export async function readUts(ns: NamespaceRecord, ctx: DetailsContext): Promise<UtsDetails> {
  const details: UtsDetails = { ...baseOf(ns, ctx), type: 'uts' };
  const what = 'hostname and domain name';
  let names: UtsNames;
  if (ctx.threads) {
    const got = await readInside(ns, ctx, (threads, file) => threads.run('uts', file, ns.ns));
    if ('error' in got) {
      details.unavailable.push({ what, reason: got.error, needsRoot: false });
      return details;
    }
    names = got.value;
    details.via = got.via;
  } else if (ownNamespace(ctx, 'uts') === ns.ns) {
    try {
      names = utsNames(ctx.proc.procRoot);
    } catch (err) {
      details.unavailable.push({ what, reason: (err as Error).message, needsRoot: false });
      return details;
    }
    details.via = 'nsx runs in it: /proc/sys/kernel';
  } else {
    details.unavailable.push({ what, reason: 'they can be read only from inside, and entering it needs root', needsRoot: true });
    return details;
  }
  details.hostname = names.hostname;
  details.domainname = names.domainname;
  return details;
}
