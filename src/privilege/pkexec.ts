/**
 * Running nsx as root through pkexec: the argv (the installed helper when there is one,
 * else the editor's own runtime), the environment pkexec accepts, and what its exit
 * statuses mean in plain words.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { findTool, requireTool } from '../core/linux/tools';

/** What runs cli.js: Node, or the editor's Electron binary acting as Node. */
export interface Runtime {
  execPath: string;
  /** pkexec empties the environment, so ELECTRON_RUN_AS_NODE=1 must be on the command line. */
  electron: boolean;
  cli: string;
}

export function currentRuntime(cli: string): Runtime {
  return { execPath: process.execPath, electron: !!process.versions.electron, cli };
}

/** The launchers of the helper installed with the polkit policy (policy.ts), root's alone. */
export interface InstalledHelper {
  /** Runs `nsx ARGS`. */
  helper: string;
  /** Runs `nsx snapshot --json --details` and nothing else, whatever it is given. */
  scanner: string;
}

/**
 * The scan as root, with what is inside each namespace: the one command the installed
 * policy lets polkit remember a password for, so one prompt fetches everything root sees.
 */
export const SCAN_ARGS: readonly string[] = ['snapshot', '--json', '--details'];

/**
 * `pkexec <helper> ARGS`: the root-owned helper when installed (its scan-only launcher for
 * the scan), else this runtime and cli.js.
 */
export function elevatedArgv(args: readonly string[], runtime: Runtime, installed: InstalledHelper | null): string[] {
  const pkexec = requireTool('pkexec');
  if (installed) {
    const scan = args.length === SCAN_ARGS.length && args.every((a, i) => a === SCAN_ARGS[i]);
    return scan ? [pkexec, installed.scanner] : [pkexec, installed.helper, ...args];
  }
  return [pkexec, ...runtimeArgv(runtime, requireTool('env')), ...args];
}

/** The runtime running cli.js; Electron told on the command line to act as Node. */
function runtimeArgv(runtime: Runtime, env: string): string[] {
  return [...(runtime.electron ? [env, 'ELECTRON_RUN_AS_NODE=1'] : []), runtime.execPath, runtime.cli];
}

/** The same without pkexec: what to run by hand (`sudo …`) when pkexec is not installed. */
export function manualArgv(args: readonly string[], runtime: Runtime): string[] {
  return ['sudo', ...runtimeArgv(runtime, 'env'), ...args];
}

/** pkexec refuses to run at all when $SHELL is not listed in /etc/shells. */
export function pkexecEnv(env: NodeJS.ProcessEnv = process.env, shells = readShells()): NodeJS.ProcessEnv {
  if (env.SHELL && shells.includes(env.SHELL)) return env;
  return { ...env, SHELL: shells.includes('/bin/bash') ? '/bin/bash' : (shells[0] ?? '/bin/sh') };
}

function readShells(): string[] {
  try {
    return fs
      .readFileSync('/etc/shells', 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l.startsWith('/'));
  } catch {
    return [];
  }
}

export type PkexecFailure = 'dismissed' | 'no-polkit' | 'no-agent' | 'not-authorised';

/**
 * What pkexec (and pkcheck) print when polkitd cannot be asked: no system bus ("Could not
 * connect"), or none on it and none to start ("Error checking for authorization … not
 * provided by any .service files").
 */
const POLKIT_UNREACHABLE = /Error getting authority|Error checking for authorization|Could not connect/i;

/**
 * pkexec's own failures: 126 when the prompt was dismissed, 127 when polkit said no or
 * could not be asked. The helper never exits with these itself (see cli.ts), so they are
 * unambiguous. `stderr` is null when pkexec wrote to the terminal unseen and polkit was
 * reachable; then only whether it had a terminal to ask on tells a missing agent from a
 * refusal.
 */
export function pkexecFailure(
  status: number | null,
  stderr: string | null = '',
  hadTerminal = true,
): PkexecFailure | null {
  if (status === 126) return 'dismissed';
  if (status !== 127) return null;
  if (stderr === null) return hadTerminal ? 'not-authorised' : 'no-agent';
  if (POLKIT_UNREACHABLE.test(stderr)) return 'no-polkit';
  return /authentication agent/i.test(stderr) ? 'no-agent' : 'not-authorised';
}

/**
 * Why polkitd cannot be asked, in polkit's own words, or null when it can (or there is no
 * pkcheck to tell). For a pkexec that shared the terminal, whose words went there unseen:
 * pkcheck reaches polkitd the same way, and fails the same way.
 */
export function polkitUnreachable(): string | null {
  const pkcheck = findTool('pkcheck');
  if (!pkcheck) return null;
  const r = spawnSync(pkcheck, ['--action-id', 'org.freedesktop.policykit.exec', '--process', String(process.pid)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 10_000,
  });
  return POLKIT_UNREACHABLE.test(r.stderr ?? '') ? r.stderr : null;
}

export const PKEXEC_MESSAGES: Readonly<Record<PkexecFailure, string>> = {
  dismissed: 'the password prompt was dismissed; nothing was run',
  'no-polkit':
    'polkit is not running here: pkexec could not reach polkitd on the system bus (start it, or run the ' +
    'command with sudo)',
  'no-agent':
    'no polkit authentication agent is running to ask for the password (usual in a remote or browser ' +
    'session); run it in a terminal, where pkexec asks there',
  'not-authorised':
    'polkit did not authorise it: the password was wrong, no agent could ask for it, or a rule forbids it',
};

/** Why this editor cannot see the host's processes at all, or null. */
export function sandboxReason(env: NodeJS.ProcessEnv = process.env, root = ''): string | null {
  if (fs.existsSync(`${root}/.flatpak-info`)) {
    return (
      'this editor runs in a Flatpak sandbox, which has its own PID namespace: it cannot see or enter ' +
      "the host's namespaces. Install the editor from a .deb or .rpm, or use the nsx command in a host terminal"
    );
  }
  if (env.SNAP && env.SNAP_NAME && !isClassicSnap(`${root}${env.SNAP}`)) {
    return (
      `this editor runs as the Snap '${env.SNAP_NAME}', whose confinement hides the host's processes. ` +
      `Use a classic or .deb install of the editor, or the nsx command in a host terminal`
    );
  }
  return null;
}

/** A classic snap (as VS Code's is) sees the host like any other program. */
function isClassicSnap(snapDir: string): boolean {
  try {
    return /^confinement:\s*classic\s*$/m.test(fs.readFileSync(`${snapDir}/meta/snap.yaml`, 'utf8'));
  } catch {
    return false;
  }
}
