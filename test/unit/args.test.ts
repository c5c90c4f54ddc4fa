/** src/cli/args.ts: every command and option of `nsx`, and every mistake as one UsageError line. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { parseCommand, UsageError } from '../../src/cli/args';

/** Asserts that argv is refused with a one-line UsageError matching `message`. */
function refused(argv: string[], message: RegExp): void {
  assert.throws(
    () => parseCommand(argv),
    (err: unknown) => {
      assert.ok(err instanceof UsageError, `UsageError for ${JSON.stringify(argv)}, got ${String(err)}`);
      assert.match(err.message, message);
      assert.ok(!err.message.includes('\n'), `one line: ${JSON.stringify(err.message)}`);
      return true;
    },
  );
}

test('no arguments, `help`, -h and --help ask for help', () => {
  for (const argv of [[], ['help'], ['-h'], ['--help'], ['list', '--help']])
    assert.deepEqual(parseCommand(argv), { name: 'help' }, argv.join(' '));
});

test('-V and --version ask for the version', () => {
  assert.deepEqual(parseCommand(['--version']), { name: 'version' });
  assert.deepEqual(parseCommand(['-V']), { name: 'version' });
});

test('list without options', () => {
  assert.deepEqual(parseCommand(['list']), { name: 'list', json: false, types: null, pid: null, asRoot: false });
});

test('list --json', () => {
  assert.deepEqual(parseCommand(['list', '--json']), {
    name: 'list',
    json: true,
    types: null,
    pid: null,
    asRoot: false,
  });
});

test('net --json --no-firewall: the map without its firewalls', () => {
  assert.deepEqual(parseCommand(['net', '--json', '--no-firewall']), {
    name: 'net',
    json: true,
    dot: false,
    noFirewall: true,
    asRoot: false,
  });
  assert.equal((parseCommand(['net']) as { noFirewall: boolean }).noFirewall, false);
});

test('list --type with one type, several types, = form and -t', () => {
  assert.deepEqual(parseCommand(['list', '--type', 'net']), {
    name: 'list',
    json: false,
    types: ['net'],
    pid: null,
    asRoot: false,
  });
  assert.deepEqual((parseCommand(['list', '--type=net,user']) as { types: unknown }).types, ['net', 'user']);
  assert.deepEqual((parseCommand(['list', '-t', 'pid, mnt']) as { types: unknown }).types, ['pid', 'mnt']);
});

test('list --pid and -p', () => {
  assert.deepEqual(parseCommand(['list', '--pid', '1']), {
    name: 'list',
    json: false,
    types: null,
    pid: 1,
    asRoot: false,
  });
  assert.deepEqual((parseCommand(['list', '-p', '4242']) as { pid: unknown }).pid, 4242);
  assert.deepEqual((parseCommand(['list', '--pid=4194304']) as { pid: unknown }).pid, 4194304);
});

test('tree defaults to the owner view', () => {
  assert.deepEqual(parseCommand(['tree']), { name: 'tree', json: false, types: null, mode: 'owner', asRoot: false });
});

test('tree --parent and tree --process', () => {
  assert.equal((parseCommand(['tree', '--parent']) as { mode: unknown }).mode, 'parent');
  assert.equal((parseCommand(['tree', '--process']) as { mode: unknown }).mode, 'process');
});

test('tree --json --type', () => {
  assert.deepEqual(parseCommand(['tree', '--json', '--type', 'user']), {
    name: 'tree',
    json: true,
    types: ['user'],
    mode: 'owner',
    asRoot: false,
  });
});

test('snapshot, with or without --json', () => {
  assert.deepEqual(parseCommand(['snapshot']), { name: 'snapshot', asRoot: false, output: null, details: false });
  assert.deepEqual(parseCommand(['snapshot', '--json']), {
    name: 'snapshot',
    asRoot: false,
    output: null,
    details: false,
  });
  assert.deepEqual(parseCommand(['snapshot', '--json', '--details']), {
    name: 'snapshot',
    asRoot: false,
    output: null,
    details: true,
  });
});

test('show takes one namespace inode', () => {
  assert.deepEqual(parseCommand(['show', '4026531840']), { name: 'show', ns: 4026531840, json: false, asRoot: false });
  assert.deepEqual(parseCommand(['show', '4026531840', '--json', '--as-root']), {
    name: 'show',
    ns: 4026531840,
    json: true,
    asRoot: true,
  });
  refused(['show'], /show needs a namespace inode/);
  refused(['show', 'net'], /'net' is not a namespace inode/);
  refused(['show', '1', '2'], /unexpected argument '2'/);
  refused(['show', '1', '--pid', '3'], /'show' takes no --pid option/);
});

test('an unknown option is a UsageError naming it', () => {
  refused(['list', '--foo'], /unknown option '--foo'/);
  refused(['list', '-x'], /unknown option '-x'/);
});

test('a PID that is not a positive integer is a UsageError', () => {
  refused(['list', '--pid', 'abc'], /'abc' is not a process ID/);
  refused(['list', '--pid', '0'], /'0' is not a process ID/);
  refused(['list', '--pid=-1'], /'-1' is not a process ID/);
  refused(['list', '--pid', '-1'], /^'-1' is not a process ID$/);
  refused(['list', '-p', '-5'], /^'-5' is not a process ID$/);
  refused(['list', '--pid', '1.5'], /'1.5' is not a process ID/);
  refused(['list', '--pid', '0x10'], /not a process ID/);
  refused(['list', '--pid', '99999999999'], /not a process ID/);
});

test('--pid without a value is a UsageError', () => {
  refused(['list', '--pid'], /--pid.*needs a value/);
  // A known option is an option, not a value that starts with a dash.
  refused(['list', '--pid', '--json'], /--pid.*needs a value/);
  refused(['list', '--pid', '-t', 'net'], /--pid.*needs a value/);
});

test('a value that starts with a dash is the value, checked as such', () => {
  assert.equal((parseCommand(['new', '--type', 'uts', '--hostname', '-x']) as { hostname: unknown }).hostname, '-x');
  refused(['propagation', '--path', '-x'], /^'-x' is not an absolute path$/);
  refused(['list', '--type', '-net'], /^unknown namespace type '-net'/);
  assert.equal((parseCommand(['snapshot', '-o', '-x.json']) as { output: unknown }).output, '-x.json');
});

test('an unknown namespace type is a UsageError listing the types', () => {
  refused(['list', '--type', 'network'], /unknown namespace type 'network'.*net/);
  refused(['tree', '-t', 'net,bogus'], /unknown namespace type 'bogus'/);
});

test('an unknown command is a UsageError listing the commands', () => {
  refused(['lsit'], /unknown command 'lsit'.*list/);
});

test('names of Object.prototype members are unknown commands too', () => {
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty']) {
    refused([name], new RegExp(`unknown command '${name}'`));
    refused([name, '--json'], new RegExp(`unknown command '${name}'`));
  }
});

test('--parent with --process is a UsageError', () => {
  refused(['tree', '--parent', '--process'], /--parent.*--process/);
});

test('an option another command takes is a UsageError naming the command', () => {
  refused(['tree', '--pid', '1'], /'tree' takes no --pid option/);
  refused(['list', '--parent'], /'list' takes no --parent option/);
  refused(['snapshot', '--type', 'net'], /'snapshot' takes no --type option/);
});

test('an extra argument is a UsageError', () => {
  refused(['list', 'extra'], /unexpected argument 'extra'/);
});

test('a value given to a boolean option is refused as such, not as a missing value', () => {
  refused(['list', '--json=yes'], /--json/);
  assert.throws(
    () => parseCommand(['list', '--json=yes']),
    (err: Error) => !/needs a value/.test(err.message),
    'the message must not say that --json needs a value',
  );
});

test('--as-root on list, tree and snapshot sets asRoot; snapshot --output and -o name the file', () => {
  assert.equal((parseCommand(['list', '--as-root']) as { asRoot: unknown }).asRoot, true);
  assert.equal((parseCommand(['tree', '--process', '--as-root']) as { asRoot: unknown }).asRoot, true);
  assert.deepEqual(parseCommand(['snapshot', '--as-root', '--output', 'out.json']), {
    name: 'snapshot',
    asRoot: true,
    output: 'out.json',
    details: false,
  });
  assert.deepEqual(parseCommand(['snapshot', '-o', '/tmp/s.json']), {
    name: 'snapshot',
    asRoot: false,
    output: '/tmp/s.json',
    details: false,
  });
});

test('enter --pid without a command: every field at its default, command null (the shell)', () => {
  assert.deepEqual(parseCommand(['enter', '--pid', '42']), {
    name: 'enter',
    pid: 42,
    ns: null,
    container: null,
    types: null,
    asRoot: false,
    startTime: null,
    hold: false,
    command: null,
  });
});

test('enter --ns with --type, --as-root, --start-time and --hold', () => {
  assert.deepEqual(
    parseCommand(['enter', '--ns', '4026532600', '--type', 'net', '--as-root', '--start-time', '123456', '--hold']),
    {
      name: 'enter',
      pid: null,
      ns: 4026532600,
      container: null,
      types: ['net'],
      asRoot: true,
      startTime: 123456,
      hold: true,
      command: null,
    },
  );
  assert.deepEqual((parseCommand(['enter', '-p', '7', '-t', 'net,uts']) as { types: unknown }).types, ['net', 'uts']);
});

test('enter: everything after -- is the command, unparsed, options and further -- included', () => {
  const command = ['ip', '--type', 'x', '--pid', 'nope', '--', '-h', '--json', 'a b'];
  assert.deepEqual((parseCommand(['enter', '--pid', '1', '--', ...command]) as { command: unknown }).command, command);
  // The options before `--` still apply; those after it are not nsx's.
  const parsed = parseCommand(['enter', '--pid', '1', '--type', 'net', '--', 'sh', '--help', '--version']) as {
    name: string;
    types: unknown;
    command: unknown;
  };
  assert.equal(parsed.name, 'enter');
  assert.deepEqual(parsed.types, ['net']);
  assert.deepEqual(parsed.command, ['sh', '--help', '--version']);
});

test('new: everything after -- is the command, unparsed, even --type', () => {
  assert.deepEqual(
    (parseCommand(['new', '--type', 'uts', '--', 'env', '--type', 'bogus', '-V']) as { command: unknown }).command,
    ['env', '--type', 'bogus', '-V'],
  );
});

test('enter needs exactly one of --pid, --ns and --container', () => {
  const one = /enter needs one of --pid PID, --ns INODE and --container NAME/;
  refused(['enter'], one);
  refused(['enter', '--type', 'net'], one);
  refused(['enter', '--pid', '1', '--ns', '4026531833'], one);
  refused(['enter', '--pid', '1', '--container', 'web'], one);
  refused(['enter', '--container', ' '], one);
});

test('enter --container takes a name, with --type and a command', () => {
  assert.deepEqual(parseCommand(['enter', '--container', 'dweb', '--type', 'net', '--', 'ip', 'a']), {
    name: 'enter',
    pid: null,
    ns: null,
    container: 'dweb',
    types: ['net'],
    asRoot: false,
    startTime: null,
    hold: false,
    command: ['ip', 'a'],
  });
});

test('debug takes a name, id or PID, and a command after --', () => {
  assert.deepEqual(parseCommand(['debug', 'dweb', '--', 'ps', '-e']), {
    name: 'debug',
    target: 'dweb',
    asRoot: false,
    startTime: null,
    hold: false,
    command: ['ps', '-e'],
  });
  assert.deepEqual(parseCommand(['debug', '1569', '--as-root', '--start-time', '99', '--hold']), {
    name: 'debug',
    target: '1569',
    asRoot: true,
    startTime: 99,
    hold: true,
    command: null,
  });
  refused(['debug'], /debug needs a container \(its name, id or a PID\), e\.g\. nsx debug web/);
  refused(['debug', 'a', 'b'], /unexpected argument 'b' \(put the command to run after '--'\)/);
  refused(['debug', 'a', '--type', 'net'], /'debug' takes no --type option/);
});

test('enter refuses a --ns or --start-time that is not a decimal number', () => {
  refused(['enter', '--ns', 'net:[4026531833]'], /'net:\[4026531833\]' is not a namespace inode/);
  refused(['enter', '--ns', '-5'], /^'-5' is not a namespace inode$/);
  refused(['enter', '--ns', '1e9'], /'1e9' is not a namespace inode/);
  refused(['enter', '--pid', '1', '--start-time', '12.5'], /'12.5' is not a start time/);
  refused(['enter', '--pid', '1', '--start-time', '99999999999999999'], /is not a start time/);
  refused(['enter', '--pid', '1', '--start-time', ''], /'' is not a start time/);
});

test('enter --pid is checked like list --pid', () => {
  refused(['enter', '--pid', '0'], /'0' is not a process ID/);
  refused(['enter', '--pid', '4194305'], /'4194305' is not a process ID/);
});

test('enter refuses an unknown type and the options of other commands', () => {
  refused(['enter', '--pid', '1', '--type', 'network'], /unknown namespace type 'network'/);
  refused(['enter', '--pid', '1', '--json'], /'enter' takes no --json option/);
  refused(['enter', '--pid', '1', '--veth'], /'enter' takes no --veth option/);
});

test('new needs --type', () => {
  refused(['new'], /new needs --type/);
  refused(['new', '--hostname', 'box', '--', 'sh'], /new needs --type/);
});

test('new with every option', () => {
  assert.deepEqual(
    parseCommand([
      'new',
      '--type',
      'net,uts,pid,mnt,user',
      '--hostname',
      'box',
      '--mount-proc',
      '--propagation',
      'slave',
      '--map-root',
      '--veth',
      '--subnet',
      '10.9.0.0/24',
      '--hold',
      '--',
      'bash',
      '-l',
    ]),
    {
      name: 'new',
      types: ['net', 'uts', 'pid', 'mnt', 'user'],
      hostname: 'box',
      mountProc: true,
      propagation: 'slave',
      mapRoot: true,
      veth: true,
      subnet: '10.9.0.0/24',
      hold: true,
      command: ['bash', '-l'],
    },
  );
});

test('new with only --type leaves hostname, propagation and subnet out and the flags false', () => {
  const parsed = parseCommand(['new', '--type', 'net']);
  assert.deepEqual(parsed, {
    name: 'new',
    types: ['net'],
    mountProc: false,
    mapRoot: false,
    veth: false,
    hold: false,
    command: null,
  });
  for (const key of ['hostname', 'propagation', 'subnet']) assert.ok(!Object.hasOwn(parsed, key), `no ${key} key`);
});

test('new accepts each propagation and refuses an unknown one, listing them', () => {
  for (const p of ['private', 'slave', 'shared', 'unchanged']) {
    assert.equal(
      (parseCommand(['new', '--type', 'mnt', '--propagation', p]) as { propagation: unknown }).propagation,
      p,
    );
  }
  refused(
    ['new', '--type', 'mnt', '--propagation', 'rprivate'],
    /unknown propagation 'rprivate' \(private, slave, shared, unchanged\)/,
  );
});

test('new refuses --subnet without --veth', () => {
  refused(['new', '--type', 'net', '--subnet', '10.9.0.0/24'], /--subnet is for --veth/);
});

test('new refuses the options of enter and list', () => {
  refused(['new', '--type', 'net', '--pid', '1'], /'new' takes no --pid option/);
  refused(['new', '--type', 'net', '--as-root'], /'new' takes no --as-root option/);
  refused(['new', '--type', 'net', '--json'], /'new' takes no --json option/);
});

test('a stray positional after enter or new hints to put the command after --', () => {
  refused(['enter', '--pid', '1', 'bash'], /unexpected argument 'bash' \(put the command to run after '--'\)/);
  refused(['new', '--type', 'net', 'ip', 'a'], /unexpected argument 'ip' \(put the command to run after '--'\)/);
});

test('a stray positional after a command that runs nothing gets no such hint', () => {
  assert.throws(
    () => parseCommand(['list', 'bash']),
    (err: Error) =>
      err instanceof UsageError && /unexpected argument 'bash'/.test(err.message) && !/--/.test(err.message),
  );
});

test("a command after -- for list, tree, snapshot or the policy commands: '<name>' runs no command", () => {
  for (const name of ['list', 'tree', 'snapshot', 'install-policy', 'remove-policy'])
    refused([name, '--', 'x'], new RegExp(`'${name}' runs no command`));
  refused(['list', '--'], /'list' runs no command/);
});

test("-- with nothing after it: no command after '--'", () => {
  refused(['enter', '--pid', '1', '--'], /no command after '--'/);
  refused(['new', '--type', 'net', '--'], /no command after '--'/);
});

test('install-policy and remove-policy take no options', () => {
  assert.deepEqual(parseCommand(['install-policy']), { name: 'install-policy' });
  assert.deepEqual(parseCommand(['remove-policy']), { name: 'remove-policy' });
  refused(['install-policy', '--as-root'], /'install-policy' takes no --as-root option/);
  refused(['remove-policy', '--json'], /'remove-policy' takes no --json option/);
  refused(['install-policy', 'now'], /unexpected argument 'now'/);
});

test('property: any non-empty argv after -- comes back as the command, element for element', () => {
  const word = fc.oneof(
    fc.constantFrom('--', '-', '--type', '--pid', '-h', '--help', '--version', '-V', 'list', '', ' '),
    fc.string(),
  );
  fc.assert(
    fc.property(
      fc.array(word, { minLength: 1, maxLength: 8 }),
      fc.constantFrom(['enter', '--pid', '1'], ['new', '--type', 'net']),
      (command, head) => {
        const parsed = parseCommand([...head, '--', ...command]) as { name: string; command: unknown };
        assert.equal(parsed.name, head[0]);
        assert.deepEqual(parsed.command, command);
      },
    ),
  );
});

test('mounts: the own namespace by default, --pid or --ns, --json and --as-root', () => {
  assert.deepEqual(parseCommand(['mounts']), { name: 'mounts', pid: null, ns: null, json: false, asRoot: false });
  assert.deepEqual(parseCommand(['mounts', '--pid', '42', '--json']), {
    name: 'mounts',
    pid: 42,
    ns: null,
    json: true,
    asRoot: false,
  });
  assert.deepEqual(parseCommand(['mounts', '--ns', '4026531841', '--as-root']), {
    name: 'mounts',
    pid: null,
    ns: 4026531841,
    json: false,
    asRoot: true,
  });
});

test('propagation needs an absolute --path, and takes --pid or --ns', () => {
  assert.deepEqual(parseCommand(['propagation', '--path', '/mnt/x', '--pid', '7', '--json']), {
    name: 'propagation',
    pid: 7,
    ns: null,
    path: '/mnt/x',
    json: true,
    asRoot: false,
  });
  refused(['propagation'], /needs --path/);
  refused(['propagation', '--path', 'mnt/x'], /not an absolute path/);
});

test('mounts and propagation refuse --pid with --ns, and options of other commands', () => {
  refused(['mounts', '--pid', '1', '--ns', '4026531841'], /one of --pid PID and --ns INODE/);
  refused(['propagation', '--path', '/x', '--pid', '1', '--ns', '2'], /one of --pid PID and --ns INODE/);
  refused(['mounts', '--path', '/x'], /'mounts' takes no --path option/);
  refused(['mounts', '--ns', 'abc'], /'abc' is not a namespace inode/);
  refused(['mounts', '--', 'ls'], /'mounts' runs no command/);
});

test('capture: a target, an interface, a file or - for stdout, and the arguments of tcpdump after --', () => {
  assert.deepEqual(parseCommand(['capture', '--ns', '4026532600', '--iface', 'veth0', '--', '-c', '3', 'icmp']), {
    name: 'capture',
    pid: null,
    ns: 4026532600,
    iface: 'veth0',
    write: null,
    startTime: null,
    hold: false,
    tcpdump: ['-c', '3', 'icmp'],
  });
  const toFile = parseCommand(['capture', '-p', '42', '-i', 'lo', '-w', 'out.pcap', '--hold']);
  assert.deepEqual([toFile.name, (toFile as { write: unknown }).write], ['capture', 'out.pcap']);
  assert.equal((parseCommand(['capture', '--pid', '1', '-i', 'lo', '--write', '-']) as { write: unknown }).write, '-');
});

test('capture refuses a missing or doubled target, no interface, and an empty file name', () => {
  assert.throws(() => parseCommand(['capture', '--iface', 'lo']), /one of --pid PID and --ns INODE/);
  assert.throws(() => parseCommand(['capture', '--pid', '1', '--ns', '2', '-i', 'lo']), /one of --pid/);
  assert.throws(() => parseCommand(['capture', '--pid', '1']), /needs --iface NAME/);
  assert.throws(() => parseCommand(['capture', '--pid', '1', '-i', 'lo', '--write=']), /--write needs a file name/);
  assert.throws(() => parseCommand(['capture', '--pid', '1', '-i', 'lo', '--type', 'net']), /takes no --type/);
});

test('check, with --json, --strict, --type and --as-root', () => {
  assert.deepEqual(parseCommand(['check']), { name: 'check', json: false, strict: false, types: null, asRoot: false });
  assert.deepEqual(parseCommand(['check', '--json', '--strict', '--type', 'net,pid', '--as-root']), {
    name: 'check',
    json: true,
    strict: true,
    types: ['net', 'pid'],
    asRoot: true,
  });
  refused(['check', '--type', 'nett'], /unknown namespace type 'nett'/);
  refused(['check', '--pid', '1'], /'check' takes no --pid option/);
  refused(['check', 'extra'], /unexpected argument 'extra'/);
  refused(['list', '--strict'], /'list' takes no --strict option/);
});
