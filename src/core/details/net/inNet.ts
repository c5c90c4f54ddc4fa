/**
 * Runs a host program inside a net namespace, as root: what the kernel tells only through
 * a tool's own protocol (nftables, legacy iptables) is asked by that tool from inside.
 * Only the net namespace is entered (nsenter --net), so the program, its libraries and its
 * configuration are the host's, never files the namespace's owner chose. The namespace
 * file is opened here and checked to be the namespace asked for, then handed to nsenter
 * as an open descriptor, so that what is entered is what was checked.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findTool, ToolMissingError } from '../../linux/tools';
import type { NamespaceRecord } from '../../model/snapshot';
import { DetailsContext, entrances } from '../context';

const TIMEOUT_MS = 10_000;
/** A ruleset of a busy host (thousands of container rules) is a few MiB of JSON. */
const MAX_OUTPUT = 64 * 1024 * 1024;

/** Runs ARGV in the net namespace open as FD here, which the child gets as its fd 3. */
function runWithNetFd(nsenter: string, fd: number, argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(nsenter, ['--net=/proc/self/fd/3', '--', ...argv], {
      stdio: ['ignore', 'pipe', 'pipe', fd],
      timeout: TIMEOUT_MS,
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    child.stdout!.on('data', (b: Buffer) => {
      size += b.length;
      if (size > MAX_OUTPUT) child.kill();
      else out.push(b);
    });
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      const said = Buffer.concat(err).toString('utf8').trim().split('\n')[0];
      const how = size > MAX_OUTPUT ? 'printed too much' : signal ? `was ended by ${signal}` : `exited with ${code}`;
      reject(new Error(`${path.basename(argv[0]!)} ${how}${said ? `: ${said}` : ''}`));
    });
  });
}

/**
 * The standard output of ARGV (ARGV[0] absolute) run inside the net namespace NS, through
 * the first of its entrances that works, and that entrance; or why it failed.
 */
export async function runInNet(
  ns: NamespaceRecord,
  ctx: DetailsContext,
  argv: string[],
): Promise<{ stdout: string; via: string } | { error: string }> {
  const nsenter = findTool('nsenter');
  if (!nsenter) return { error: new ToolMissingError('nsenter').message };
  let last = 'nothing visible keeps it open, so it cannot be entered';
  for (const way of entrances(ns, ctx)) {
    let fd: number;
    try {
      fd = fs.openSync(way.file, 'r');
    } catch (err) {
      last = `${way.via}: ${(err as Error).message}`;
      continue;
    }
    try {
      if (fs.fstatSync(fd).ino !== ns.ns) {
        last = `${way.via}: it now holds another namespace`;
        continue;
      }
      return { stdout: await runWithNetFd(nsenter, fd, argv), via: way.via };
    } catch (err) {
      return { error: (err as Error).message };
    } finally {
      fs.closeSync(fd);
    }
  }
  return { error: last };
}
