/**
 * Command lines for util-linux tools, built as argv arrays from validated values and
 * quoted for a shell only when shown to a person.
 */
import { holderFile, NamespaceRecord, NsType } from './snapshot';

/** nsenter's option for each namespace type. */
export const NSENTER_OPTION: Readonly<Record<NsType, string>> = {
  cgroup: '--cgroup',
  ipc: '--ipc',
  mnt: '--mount',
  net: '--net',
  pid: '--pid',
  time: '--time',
  user: '--user',
  uts: '--uts',
};

/**
 * `nsenter` into one namespace: through a member process when it has one, else through a
 * bind mount or an fd that holds it. Null for a ghost, which nothing can open.
 */
export function nsenterArgv(ns: Pick<NamespaceRecord, 'type' | 'pid' | 'holders'>): string[] | null {
  const option = NSENTER_OPTION[ns.type];
  if (ns.pid !== null) return ['nsenter', '--target', String(ns.pid), option];
  const [holder] = ns.holders;
  return holder ? ['nsenter', `${option}=${holderFile(holder, ns.type)}`] : null;
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quotes argv for a POSIX shell so that a person can paste it. */
export function shellQuote(argv: readonly string[]): string {
  return argv.map((a) => (a !== '' && SHELL_SAFE.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)).join(' ');
}
