/**
 * The programs nsx runs, by absolute path from root-owned system directories only: PATH
 * belongs to the user, and a program found through it must never run as root.
 */
import * as fs from 'node:fs';

const SYSTEM_DIRS = ['/usr/bin', '/usr/sbin', '/bin', '/sbin'];

/** Each tool and the Debian package that provides it. */
export const TOOL_PACKAGES = {
  nsenter: 'util-linux',
  unshare: 'util-linux',
  ip: 'iproute2',
  hostname: 'hostname',
  pkexec: 'pkexec',
  pkcheck: 'polkitd',
  sh: 'dash',
  env: 'coreutils',
  cat: 'coreutils',
  nft: 'nftables',
  'iptables-legacy-save': 'iptables',
  'ip6tables-legacy-save': 'iptables',
  tcpdump: 'tcpdump',
} as const;

export type Tool = keyof typeof TOOL_PACKAGES;

export class ToolMissingError extends Error {
  override name = 'ToolMissingError';
  constructor(readonly tool: Tool) {
    super(`${tool} is not installed (install the ${TOOL_PACKAGES[tool]} package)`);
  }
}

const found = new Map<Tool, string | null>();

export function findTool(tool: Tool): string | null {
  if (!found.has(tool)) {
    found.set(tool, SYSTEM_DIRS.map((dir) => `${dir}/${tool}`).find(isExecutableFile) ?? null);
  }
  return found.get(tool)!;
}

export function requireTool(tool: Tool): string {
  const path = findTool(tool);
  if (!path) throw new ToolMissingError(tool);
  return path;
}

function isExecutableFile(path: string): boolean {
  try {
    fs.accessSync(path, fs.constants.X_OK);
    return fs.statSync(path).isFile();
  } catch {
    return false;
  }
}
