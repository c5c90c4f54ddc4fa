/**
 * Launchers: programs that set something up and run another (`unshare`, `nsenter`, `sudo`,
 * `sh -c`, `env`, `nsx` …). A namespace whose senior process is one is named after the
 * program it runs, read from its command line: `unshare --mount --fork sleep 100` is
 * `sleep`, `sh -c 'nest.sh 3'` is `nest.sh`.
 *
 * Only argv is read; nothing is looked up or run. Options are parsed the way each tool's
 * getopt does (util-linux tools stop at the first operand), so that an option's value is
 * never taken for the program.
 */

/** How a launcher's own options look: which take a value in the next argument. */
interface OptionSyntax {
  /** Short options that take a value (`-R DIR`, or `-RDIR`). */
  short?: string;
  /** Long options that take a value (`--root DIR`, or `--root=DIR`). */
  long?: readonly string[];
}

/** The index of the first operand of ARGS (after `--`, or the first word not an option). */
function firstOperand(args: readonly string[], syntax: OptionSyntax): number {
  let i = 0;
  while (i < args.length) {
    const a = args[i]!;
    if (a === '--') return i + 1;
    if (a.startsWith('--')) {
      const name = a.slice(2);
      i += !name.includes('=') && syntax.long?.includes(name) ? 2 : 1;
    } else if (a.startsWith('-') && a.length > 1) {
      // A bundle (`-fp`); a letter that takes a value takes the rest, or the next argument.
      const letters = a.slice(1);
      const at = [...letters].findIndex((c) => syntax.short?.includes(c));
      i += at === letters.length - 1 ? 2 : 1;
    } else return i;
  }
  return i;
}

/** ARGS without their first N words; null when nothing is left. */
const after = (args: readonly string[] | null, n: number): string[] | null =>
  args && args.length > n ? args.slice(n) : null;

/** ARGS from the first operand on; null when there is none (the launcher runs a shell, or nothing). */
function commandAfterOptions(args: readonly string[], syntax: OptionSyntax = {}): string[] | null {
  return after(args, firstOperand(args, syntax));
}

/** `NAME=value` words before a command (env, sudo, a shell). */
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

function withoutAssignments(args: readonly string[] | null): string[] | null {
  if (!args) return null;
  const at = args.findIndex((a) => !ASSIGNMENT.test(a));
  return at < 0 ? null : args.slice(at);
}

const basename = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

// ─── shell scripts (`sh -c SCRIPT`) ────────────────────────────────────────────────────

/** Builtins and commands that only set things up before the real one. */
const SETUP = new Set([
  'cd',
  'echo',
  'printf',
  'read',
  'set',
  'export',
  'trap',
  'ulimit',
  'umask',
  ':',
  'true',
  'false',
  'shift',
  'wait',
  'test',
  '[',
  'hostname',
  'mount',
  'umount',
  'ip',
  'ipcmk',
]);
/** Words that start a compound command: what runs inside cannot be told from the first words. */
const KEYWORDS = new Set([
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'while',
  'until',
  'for',
  'do',
  'done',
  'case',
  'esac',
  'function',
  '{',
  '}',
  '(',
  ')',
  '!',
  '[[',
  'select',
  'time',
  'coproc',
]);

/**
 * The simple commands of a shell script, as words with quotes removed; operators (`;`,
 * `&&`, `|`, newline …) separate them and redirections are left out. Enough to find the
 * program a one-line `sh -c` runs; not a shell parser.
 */
export function scriptCommands(script: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word: string | null = null;
  let redirect = false;
  const endWord = () => {
    if (word === null) return;
    if (redirect) redirect = false;
    else words.push(word);
    word = null;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push(words);
    words = [];
  };
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === "'") {
      const close = script.indexOf("'", i + 1);
      const end = close < 0 ? script.length : close;
      word = (word ?? '') + script.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      let text = '';
      for (i++; i < script.length && script[i] !== '"'; i++)
        text += script[i] === '\\' && i + 1 < script.length ? script[++i] : script[i];
      word = (word ?? '') + text;
    } else if (c === '\\' && i + 1 < script.length) {
      if (script[i + 1] !== '\n') word = (word ?? '') + script[i + 1];
      i++;
    } else if (c === '<' || c === '>') {
      // `3<&-`, `>/dev/null`, `2>&1`: a digit word just before is the fd, the next word the target.
      if (word !== null && /^\d+$/.test(word)) word = null;
      endWord();
      while (script[i + 1] === '<' || script[i + 1] === '>' || script[i + 1] === '&') i++;
      if (/^[-\d]/.test(script[i + 1] ?? '') && script[i] === '&') {
        while (/[-\d]/.test(script[i + 1] ?? '')) i++;
      } else redirect = true;
    } else if (c === ';' || c === '&' || c === '|' || c === '\n' || c === '(' || c === ')') {
      endCommand();
      if (c === '(' || c === ')') commands.push([c]);
    } else if (c === ' ' || c === '\t') {
      endWord();
    } else if (c === '#' && word === null) {
      const eol = script.indexOf('\n', i);
      i = eol < 0 ? script.length : eol - 1;
    } else {
      // A run of plain characters at once: a label reads one script per namespace.
      let end = i + 1;
      while (end < script.length && !WORD_BREAKS.has(script[end]!)) end++;
      word = (word ?? '') + script.slice(i, end);
      i = end - 1;
    }
  }
  endCommand();
  return commands;
}

/** The characters that end a run of plain ones in a word (`#` starts a comment only before a word). */
const WORD_BREAKS = new Set([...`'"\\<>;&|\n() \t`]);

/**
 * What `sh -c SCRIPT NAME ARGS…` runs: the program it `exec`s, else its first command that
 * is not a setup step; `"$@"` stands for ARGS. Null when that cannot be told (a loop, a
 * program named by a variable).
 */
function scriptProgram(script: string, positional: readonly string[]): string[] | null {
  const commands = scriptCommands(script).map((words) => withoutAssignments(words) ?? []);
  const program = (words: string[]): string[] | null => {
    const [first] = words;
    if (first === undefined) return null;
    if (first === '$@' || first === '$*') return positional.length ? [...positional, ...words.slice(1)] : null;
    const n = /^\$\{?([1-9])\}?$/.exec(first);
    if (n)
      return positional[Number(n[1]) - 1] !== undefined ? [positional[Number(n[1]) - 1]!, ...words.slice(1)] : null;
    return /[$`]/.test(first) ? null : words;
  };
  // The program a script `exec`s replaces the shell: that is what keeps running.
  for (const words of commands) {
    if (KEYWORDS.has(words[0] ?? '')) break;
    if (words[0] !== 'exec') continue;
    const rest = words.slice(1 + firstOperand(words.slice(1), { short: 'a' }));
    if (rest.length) return program(rest);
  }
  const simple: string[][] = [];
  for (const words of commands) {
    if (KEYWORDS.has(words[0] ?? '')) break;
    if (words.length && words[0] !== 'exec') simple.push(words);
  }
  // Only setup steps (`sh -c 'ip link'`): the first of them is what it runs.
  const main = simple.find((words) => !SETUP.has(words[0]!)) ?? simple[0];
  return main ? program(main) : null;
}

/** What a shell (`sh`, `bash` …) runs: a `-c` script, or a script file; null for an interactive shell. */
function shellCommand(args: readonly string[]): string[] | null {
  let script = false;
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--' || a === '-') {
      i++;
      break;
    }
    if (a.startsWith('--')) continue; // --norc, --login, --posix …
    if (!/^[-+]/.test(a) || a.length === 1) break;
    if (a.startsWith('-') && a.includes('c')) script = true;
    // -o OPTION (and bash's -O OPTION) take the next word.
    if (/[oO]$/.test(a)) i++;
  }
  const operands = args.slice(i);
  if (!operands.length) return null;
  if (!script) return [operands[0]!, ...operands.slice(1)];
  return scriptProgram(operands[0]!, operands.slice(2));
}

// ─── the launchers ─────────────────────────────────────────────────────────────────────

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ash', 'ksh', 'mksh', 'yash']);

/** Each launcher's arguments (argv without argv[0]) → the argv it runs, or null. */
const LAUNCHERS: ReadonlyMap<string, (args: readonly string[]) => string[] | null> = new Map(
  Object.entries({
    unshare: (args) =>
      commandAfterOptions(args, {
        short: 'RwSGl',
        long: [
          'propagation',
          'setgroups',
          'root',
          'wd',
          'setuid',
          'setgid',
          'monotonic',
          'boottime',
          'map-user',
          'map-group',
          'map-users',
          'map-groups',
          'load-interp',
        ],
      }),
    nsenter: (args) => commandAfterOptions(args, { short: 'tSG', long: ['target', 'setuid', 'setgid', 'wdns', 'env'] }),
    setsid: (args) => commandAfterOptions(args),
    nohup: (args) => commandAfterOptions(args),
    sudo: (args) =>
      withoutAssignments(
        commandAfterOptions(args, {
          short: 'ugCDhprtTUR',
          long: [
            'user',
            'group',
            'close-from',
            'chdir',
            'host',
            'prompt',
            'role',
            'type',
            'command-timeout',
            'other-user',
            'chroot',
          ],
        }),
      ),
    doas: (args) => commandAfterOptions(args, { short: 'uC' }),
    runuser: (args) =>
      args.includes('-u') || args.includes('--user')
        ? commandAfterOptions(args, {
            short: 'ugGw',
            long: ['user', 'group', 'supp-group', 'whitelist-environment', 'session-command', 'shell'],
          })
        : null,
    env: envCommand,
    timeout: (args) => after(commandAfterOptions(args, { short: 'ks', long: ['kill-after', 'signal'] }), 1),
    chroot: (args) => after(commandAfterOptions(args, { long: ['userspec', 'groups'] }), 1),
    nice: (args) => commandAfterOptions(args, { short: 'n', long: ['adjustment'] }),
    ionice: (args) => commandAfterOptions(args, { short: 'cnp', long: ['class', 'classdata', 'pid', 'pgid', 'uid'] }),
    stdbuf: (args) => commandAfterOptions(args, { short: 'ioe', long: ['input', 'output', 'error'] }),
    taskset: (args) => after(commandAfterOptions(args), 1),
    busybox: (args) => after(args, 0),
    ip: (args) => {
      const at = args.indexOf('netns');
      if (at < 0 || args[at + 1] !== 'exec') return null;
      const all = args.slice(0, at).some((a) => a === '-all' || a === '-a');
      const rest = args.slice(at + (all ? 2 : 3));
      return rest.length ? rest : null;
    },
  }),
);

/**
 * What `env` runs, after its options and NAME=value words; `-S STRING` (a shebang's way
 * of passing several words) is split into words first.
 */
function envCommand(args: readonly string[]): string[] | null {
  const end = firstOperand(args, { short: 'uC', long: ['unset', 'chdir'] });
  for (let i = 0; i < end; i++) {
    const a = args[i]!;
    const separate = a === '-S' || a === '--split-string';
    const words = separate
      ? (args[i + 1] ?? '')
      : a.startsWith('--split-string=')
        ? a.slice('--split-string='.length)
        : /^-S./.test(a)
          ? a.slice(2)
          : null;
    if (words !== null)
      return withoutAssignments([...words.split(/\s+/).filter(Boolean), ...args.slice(i + (separate ? 2 : 1))]);
  }
  return withoutAssignments(after(args, end));
}

/** nsx's own `new` and `enter` (`node …/cli.js new … -- CMD`, or `nsx …`) run what follows `--`. */
function nsxCommand(argv: readonly string[]): string[] | null {
  const at = basename(argv[0]!) === 'nsx' ? 1 : basename(argv[1] ?? '') === 'cli.js' ? 2 : -1;
  if (at < 0 || (argv[at] !== 'new' && argv[at] !== 'enter')) return null;
  const dash = argv.indexOf('--', at);
  return dash >= 0 && dash + 1 < argv.length ? argv.slice(dash + 1) : null;
}

/** Whether ARGV is nsx's own (`nsx …`, or `node …/cli.js …` as the editor runs it). */
export function isNsx(argv: readonly string[]): boolean {
  return basename(argv[0]!) === 'nsx' || basename(argv[1] ?? '') === 'cli.js';
}

/** The name argv[0] gives a program: its file name (a login shell's leading `-` dropped). */
export function programName(argv0: string): string {
  const name = basename(argv0);
  return name.startsWith('-') && SHELLS.has(name.slice(1)) ? name.slice(1) : name;
}

/** Whether the program ARGV runs is a launcher (by its name, as /proc/PID/status gives it, or argv[0]). */
export function isLauncher(argv: readonly string[]): boolean {
  if (!argv.length) return false;
  const name = programName(argv[0]!);
  return LAUNCHERS.has(name) || SHELLS.has(name) || isNsx(argv);
}

/** Launchers wrapped in launchers (`sudo unshare … sh -c …`) are followed this deep. */
const MAX_DEPTH = 8;

/**
 * The name of the program a launcher's command line runs, its own launchers skipped too
 * (`sudo unshare --net sh -c 'exec sleep 5'` → `sleep`); null when ARGV is not a
 * launcher's, or what it runs cannot be told from it (an interactive shell, a loop).
 */
export function launchedProgram(argv: readonly string[]): string | null {
  const key = argv.join('\0');
  let program = launched.get(key);
  if (program === undefined) {
    if (launched.size >= LAUNCHED_KEPT) launched.clear();
    launched.set(key, (program = followLaunchers(argv)));
  }
  return program;
}

/**
 * The programs of the command lines seen lately: every snapshot labels each namespace by
 * its senior process, mostly the same launchers with the same scripts as the last time.
 */
const launched = new Map<string, string | null>();
const LAUNCHED_KEPT = 4096;

function followLaunchers(argv: readonly string[]): string | null {
  let current: readonly string[] = argv;
  let found: string | null = null;
  for (let depth = 0; depth < MAX_DEPTH && current.length && isLauncher(current); depth++) {
    const name = programName(current[0]!);
    const next = isNsx(current)
      ? nsxCommand(current)
      : SHELLS.has(name)
        ? shellCommand(current.slice(1))
        : LAUNCHERS.get(name)!(current.slice(1));
    if (!next?.length || !next[0]) return found;
    current = next;
    found = programName(current[0]!) || null;
  }
  return found;
}
