/**
 * A UTS namespace: its hostname and domain name. /proc/sys/kernel/{hostname,domainname}
 * show the reading thread's UTS namespace, so root reads them from the thread that entered
 * it, and a user only those of the namespace nsx runs in.
 */
import * as fs from 'node:fs';
import { NamespaceRecord } from '../model/snapshot';
import { baseOf, DetailsContext, seenFromInside } from './context';
import type { UtsNames } from './threadProtocol';
import { UtsDetails } from './types';

/** The names of the calling thread's UTS namespace. Also runs in the reading thread. */
export function utsNames(procRoot = '/proc'): UtsNames {
  const read = (name: string) => fs.readFileSync(`${procRoot}/sys/kernel/${name}`, 'utf8').replace(/\n$/, '');
  return { hostname: read('hostname'), domainname: read('domainname') };
}

export async function readUts(ns: NamespaceRecord, ctx: DetailsContext): Promise<UtsDetails> {
  const details: UtsDetails = { ...baseOf(ns, ctx), type: 'uts' };
  const got = await seenFromInside(ns, ctx, 'uts', {
    read: () => utsNames(ctx.proc.procRoot),
    via: '/proc/sys/kernel',
  });
  if ('error' in got) {
    details.unavailable.push({ what: 'hostname and domain name', reason: got.error, needsRoot: got.needsRoot });
    return details;
  }
  details.via = got.via;
  details.hostname = got.value.hostname;
  details.domainname = got.value.domainname;
  return details;
}
