/**
 * Who a command runs for: the user's passwd entry, and under pkexec the user who asked
 * (PKEXEC_UID) rather than root.
 */
import * as fs from 'node:fs';
import { parsePasswd } from './procfs';

export interface Account {
  uid: number;
  gid: number;
  name: string;
  home: string;
  shell: string;
}

export function parsePasswdEntry(text: string, uid: number): Account | null {
  for (const line of text.split('\n')) {
    const [name, , u, g, , home, shell] = line.split(':');
    if (u !== undefined && Number(u) === uid && /^\d+$/.test(u) && /^\d+$/.test(g ?? '')) {
      return { uid, gid: Number(g), name: name!, home: home || '/', shell: shell?.trim() || '/bin/sh' };
    }
  }
  return null;
}

export function account(uid: number, passwdPath = '/etc/passwd'): Account {
  let text = '';
  try {
    text = fs.readFileSync(passwdPath, 'utf8');
  } catch {
    // No passwd file (a minimal container): fall back to what the kernel knows.
  }
  const gid = uid === process.getuid?.() ? (process.getgid?.() ?? uid) : uid;
  return parsePasswdEntry(text, uid) ?? { uid, gid, name: String(uid), home: '/', shell: '/bin/sh' };
}

/** The name of group GID (/etc/group has passwd's `name:x:id:` shape), or undefined. */
export function groupName(gid: number, groupPath = '/etc/group'): string | undefined {
  try {
    return parsePasswd(fs.readFileSync(groupPath, 'utf8')).get(gid);
  } catch {
    return undefined;
  }
}

/** The user who ran pkexec to run this process, if it was. */
export function pkexecCaller(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const asked = env.PKEXEC_UID;
  return asked && /^\d+$/.test(asked) ? Number(asked) : undefined;
}

/** The user a command is for: whoever ran pkexec, else the caller. */
export function requestingUid(env: NodeJS.ProcessEnv = process.env): number {
  return pkexecCaller(env) ?? process.getuid?.() ?? 0;
}
