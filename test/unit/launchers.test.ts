/** launchers.ts: the program a launcher's command line runs, for the namespace's label. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { isLauncher, launchedProgram, scriptCommands } from '../../src/core/discovery/launchers';

const runs = (argv: string[], expected: string | null) =>
  assert.equal(launchedProgram(argv), expected, JSON.stringify(argv));

test('unshare: the program after its options, whether they take a value or not', () => {
  runs(['unshare', '--mount', '--pid', '--fork', 'sleep', '100'], 'sleep');
  runs(['/usr/bin/unshare', '-mpf', '--mount-proc', '/bin/sleep', '100'], 'sleep');
  runs(['unshare', '--propagation', 'slave', '--setgroups', 'deny', '-R', '/srv', '--wd', '/', 'nginx'], 'nginx');
  runs(
    ['unshare', '--net=/run/netns/x', '--kill-child=SIGTERM', '--monotonic', '3600', 'ping', '-c', '1', 'x'],
    'ping',
  );
  runs(['unshare', '-Rsleep', 'true'], 'true');
  runs(['unshare', '--user', '--map-user', '1000', '--map-group=1000', '--', '-dash-named', 'x'], '-dash-named');
});

test('nsenter, sudo, doas, setsid, nohup, env, timeout, nice, chroot, runuser and ip netns exec', () => {
  runs(['nsenter', '-t', '1234', '-n', '--', 'ss', '-lt'], 'ss');
  runs(['nsenter', '--target=1234', '--net', '--mount=/proc/1/ns/mnt', 'ip', 'a'], 'ip');
  runs(['sudo', '-u', 'root', '-E', 'FOO=1', 'tcpdump', '-i', 'eth0'], 'tcpdump');
  runs(['doas', '-u', 'www', 'php-fpm'], 'php-fpm');
  runs(['setsid', '-f', 'socat', '-'], 'socat');
  runs(['nohup', 'python3', 'x.py'], 'python3');
  runs(['env', '-i', '-u', 'B', 'A=1', 'B=2', 'node', 'server.js'], 'node');
  runs(['env', '-S', 'python3 -u', 'x.py'], 'python3');
  runs(['env', '--split-string=perl -w', 'x.pl'], 'perl');
  runs(['timeout', '-s', 'KILL', '--kill-after=5', '30', 'curl', 'x'], 'curl');
  runs(['nice', '-n', '10', 'make'], 'make');
  runs(['chroot', '--userspec', '1:1', '/srv/root', '/usr/sbin/httpd'], 'httpd');
  runs(['runuser', '-u', 'nobody', '--', 'id'], 'id');
  runs(['ip', 'netns', 'exec', 'blue', 'ping', '-c', '100', '192.0.2.1'], 'ping');
  runs(['ip', '-all', 'netns', 'exec', 'ss'], 'ss');
});

test('sh -c: the program the script execs, else its first command that is not a setup step', () => {
  runs(['sh', '-c', 'nest.sh 3'], 'nest.sh');
  runs(['sh', '-c', 'hostname box && ipcmk -Q >/dev/null && echo ready && exec sleep 600'], 'sleep');
  runs(['bash', '-ec', 'cd /srv; ./run.sh --port 80'], 'run.sh');
  runs(['sh', '-c', 'exec "/opt/my prog" --flag'], 'my prog');
  runs(['sh', '-c', 'ip link'], 'ip');
  runs(['dash', '-c', '# a comment\nFOO=1 exec 2>&1 redis-server'], 'redis-server');
});

test('sh -c with "$@" or $1 runs its arguments: nsx\'s own gate script', () => {
  const gate = ['/bin/sh', '-c', 'echo ready >&3; read -r _ <&3; exec 3<&-; exec "$@"', 'nsx-gate', '/bin/bash'];
  runs(
    ['/usr/bin/unshare', '--ipc', '--mount', '--fork', '--kill-child', '--propagation=private', '--', ...gate],
    'bash',
  );
  runs(['bash', '-c', '"$1" --verbose', 'name', 'prog'], 'prog');
  runs(['sh', '-c', 'exec "$@"', 'sh'], null);
});

test('a shell running a script file is named after the script; an interactive one says nothing', () => {
  runs(['/bin/sh', '/usr/local/bin/nest.sh', '3'], 'nest.sh');
  runs(['bash', '--norc', '-o', 'errexit', 'deploy.sh'], 'deploy.sh');
  runs(['bash'], null);
  runs(['-bash'], null);
  runs(['bash', '-i'], null);
});

test('launchers inside launchers are followed: sudo unshare sh -c exec', () => {
  runs(['sudo', 'unshare', '--net', 'sh', '-c', 'exec sleep 5'], 'sleep');
  runs(['setsid', '-f', 'unshare', '-n', 'env', 'X=1', 'timeout', '5', 'nohup', 'ping', 'x'], 'ping');
  runs(['busybox', 'sh', '-c', 'exec httpd -f'], 'httpd');
  runs(['node', '/opt/ns/dist/cli.js', 'new', '--type', 'net', '--', 'sleep', '3'], 'sleep');
  runs(['nsx', 'enter', '--pid', '1', '--', 'unshare', '-n', 'top'], 'top');
});

test('what cannot be told is null, never a guess: no command, a loop, a variable, a launcher that stops', () => {
  runs(['unshare', '--mount'], null);
  runs(['unshare', '--'], null);
  runs(['unshare', '--', ''], null);
  runs(['sh', '-c', 'while :; do sleep 1; done'], null);
  runs(['sh', '-c', '$CMD --x'], null);
  runs(['sh', '-c', '`which foo`'], null);
  runs(['sh', '-c', ''], null);
  runs(['node', '/opt/ns/dist/cli.js', 'new', '--type', 'net'], null);
  runs(['timeout', '5'], null);
  runs(['ip', 'link'], null);
  // A launcher that runs one that says nothing: the last program named.
  runs(['sudo', 'bash'], 'bash');
});

test('a program that is not a launcher is not one: its own name stands', () => {
  for (const argv of [['sleep', '5'], ['/usr/sbin/nginx', '-g', 'daemon off;'], ['node', 'server.js'], [], ['']]) {
    assert.equal(isLauncher(argv), false, JSON.stringify(argv));
    runs(argv, null);
  }
});

test('odd command lines: unterminated quotes, options only, NUL-free but control characters', () => {
  runs(['sh', '-c', "exec 'unterminated"], 'unterminated');
  runs(['sh', '-c', 'exec "a\\"b" x'], 'a"b');
  runs(['unshare', '-', 'x'], '-');
  runs(['unshare', '--', '\u001b]0;title\u0007'], '\u001b]0;title\u0007');
  runs(['env', '-S'], null);
  runs(['sudo', '-u'], null);
});

test('scriptCommands: operators split commands, quotes are removed, redirections left out', () => {
  assert.deepEqual(scriptCommands('echo ready >&3; read -r _ <&3; exec 3<&-; exec "$@" 2>&1'), [
    ['echo', 'ready'],
    ['read', '-r', '_'],
    ['exec'],
    ['exec', '$@'],
  ]);
  assert.deepEqual(scriptCommands("a 'b c' && d|e > /dev/null\nf"), [['a', 'b c'], ['d'], ['e'], ['f']]);
  assert.deepEqual(scriptCommands(`sleep 3600 & sleep 3600 & wait`), [['sleep', '3600'], ['sleep', '3600'], ['wait']]);
  assert.deepEqual(scriptCommands(`echo a#b "c"d'e'f\\ g # note`), [['echo', 'a#b', 'cdef g']]);
});

test('any command line: launchedProgram returns null or a non-empty name, and never throws', () => {
  const word = fc.oneof(
    fc.constantFrom(
      'unshare',
      'sh',
      '-c',
      '--',
      '-S',
      'sudo',
      'env',
      'exec',
      '"$@"',
      'ip',
      'netns',
      'exec',
      'nsenter',
      '-t',
      'x=1',
      ';',
      "'",
      '"',
    ),
    fc.string(),
  );
  fc.assert(
    fc.property(fc.array(word, { maxLength: 12 }), (argv) => {
      const name = launchedProgram(argv);
      return name === null || (typeof name === 'string' && name.length > 0);
    }),
    { numRuns: 5000 },
  );
});
