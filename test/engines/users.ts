/**
 * Test users for the engines run as someone else (rootless Podman, bubblewrap, the user
 * a private dockerd refuses): a new user with its own group, a home in /tmp, and the
 * subordinate id ranges useradd gives. Removal ends every process of its UID by PID, then
 * deletes the user and its home.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { killAll, processesOf, sh, type Defer } from './system';
import { waitFor } from '../integration/helpers';

export const USER_TOOLS = ['useradd', 'userdel', 'runuser'];

export interface TestUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

let users = 0;

/** A new user `nsxtest-PID-TAGN`, removed (with everything it runs) at cleanup. */
export function createUser(cleanup: Defer, tag = 'u'): TestUser {
  const name = `nsxtest-${process.pid}-${tag}${++users}`;
  const home = path.join('/tmp', name);
  let uid = -1;
  cleanup.defer(`test user ${name}`, () => removeUser(name, uid, home));
  sh('useradd', ['--create-home', '--home-dir', home, '--shell', '/bin/sh', '--user-group', name]);
  uid = Number(sh('id', ['-u', name]).trim());
  return { name, uid, gid: Number(sh('id', ['-g', name]).trim()), home };
}

/** Whether /etc/subuid and /etc/subgid give `name` a range (what rootless engines need). */
export function hasSubordinateIds(name: string): boolean {
  const has = (file: string): boolean =>
    readFileSync(file, 'utf8')
      .split('\n')
      .some((l) => l.startsWith(`${name}:`));
  return has('/etc/subuid') && has('/etc/subgid');
}

async function removeUser(name: string, uid: number, home: string): Promise<void> {
  if (uid >= 0) {
    await killAll(processesOf(uid));
    await waitFor(`every process of ${name} to end`, () => processesOf(uid).length === 0, 15_000);
  }
  if (spawnSync('id', ['-u', name], { stdio: 'ignore' }).status === 0) sh('userdel', ['--remove', name]);
  rmSync(home, { recursive: true, force: true });
}
