/** src/core/containers/find.ts: the container a person means by a name, an id, an id prefix or a PID. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { containerTitle, ContainerQueryError, findContainer, refusalNote } from '../../src/core/containers/find';
import type { ContainerRecord } from '../../src/core/containers/types';

function container(name: string, id: string, pids: number[], extra: Partial<ContainerRecord> = {}): ContainerRecord {
  return {
    engine: 'docker',
    id,
    name,
    key: `${extra.engine ?? 'docker'}/${id}`,
    kind: 'container',
    state: 'running',
    pid: pids[0] ?? null,
    pids,
    namespaces: [],
    nameSource: 'api',
    ...extra,
  };
}

const DWEB = container('dweb', '898e30928e07' + 'a'.repeat(52), [1569, 1600]);
const DNOSHELL = container('dnoshell', '64b3ca29b227' + 'b'.repeat(52), [2001]);
const WEB1 = container('web1', 'f4e8d9d8e24a' + 'c'.repeat(52), [3001], { engine: 'podman' });
const PM1 = container('pm1', '4a0042c0593f' + 'd'.repeat(52), [4002], { engine: 'podman', pod: 'pod1' });
const POD1 = container('pod1', '1ebfe5d76e57' + 'e'.repeat(52), [4001, 4002], { engine: 'podman', kind: 'pod' });
const STOPPED = container('dold', '898e11111111' + 'f'.repeat(52), [], { state: 'exited' });
const TWIN = container('dweb', '77aa00000000' + '0'.repeat(52), [5001], { engine: 'podman' });
const ALL = [DWEB, DNOSHELL, WEB1, PM1, POD1, STOPPED];

function refused(containers: ContainerRecord[], query: string, reason: string, message: RegExp): ContainerQueryError {
  try {
    findContainer(containers, query);
  } catch (err) {
    assert.ok(err instanceof ContainerQueryError, String(err));
    assert.equal(err.reason, reason);
    assert.match(err.message, message);
    return err;
  }
  assert.fail(`'${query}' was found`);
}

test('a container is found by its name', () => {
  assert.equal(findContainer(ALL, 'dnoshell'), DNOSHELL);
  assert.equal(findContainer(ALL, ' web1 '), WEB1);
});

test('a container is found by its full id, and by a unique prefix of at least 4 hex digits, in any case', () => {
  assert.equal(findContainer(ALL, DNOSHELL.id), DNOSHELL);
  assert.equal(findContainer(ALL, '64b3'), DNOSHELL);
  assert.equal(findContainer(ALL, 'F4E8D9'), WEB1);
  refused(ALL, '64b', 'none', /no container matches '64b'/);
});

test('a prefix that several ids share lists them, with engine and short id', () => {
  const err = refused([DWEB, STOPPED, WEB1], '898e', 'several', /'898e' matches 2 containers/);
  assert.match(err.message, /dweb \(docker, 898e30928e07\), dold \(docker, 898e11111111\); give its id/);
});

test('a name two engines use is ambiguous, and the id then tells them apart', () => {
  refused([...ALL, TWIN], 'dweb', 'several', /dweb \(docker, 898e30928e07\), dweb \(podman, 77aa00000000\)/);
  assert.equal(findContainer([...ALL, TWIN], '77aa'), TWIN);
});

test('a name wins over an id prefix that reads the same', () => {
  const named = container('beef', 'aaaa' + '1'.repeat(60), [7001]);
  const prefixed = container('other', 'beef' + '2'.repeat(60), [7002]);
  assert.equal(findContainer([named, prefixed], 'beef'), named);
});

test('the PID of any of its processes names the container; a pod member is its container, not its pod', () => {
  assert.equal(findContainer(ALL, '1600'), DWEB);
  assert.equal(findContainer(ALL, '4002'), PM1);
  assert.equal(findContainer(ALL, '4001'), POD1);
});

test('a PID in no container fails as outside, with the PID, for those that take any process', () => {
  const err = refused(ALL, '4242', 'outside', /PID 4242 is in no container/);
  assert.equal(err.pid, 4242);
});

test('no match lists a few names that exist', () => {
  refused(ALL, 'dwbe', 'none', /no container matches 'dwbe' \(there are: dweb, dnoshell, web1, pm1, pod1 and 1 more\)/);
  refused([], 'dweb', 'none', /no container matches 'dweb': none was found/);
});

test('a container that is not running says so', () => {
  refused(ALL, 'dold', 'stopped', /^dold \(docker\) is not running \(exited\)$/);
  refused([container('gone', 'abcdef', [], { state: 'running' })], 'gone', 'stopped', /gone \(docker\) is not running/);
});

test('a Kubernetes container is found as pod/container', () => {
  const k8s = container('nginx', 'abcd' + '3'.repeat(60), [8001], {
    engine: 'containerd',
    pod: 'web-0',
    k8sContainer: 'nginx',
    k8sNamespace: 'shop',
  });
  assert.equal(findContainer([k8s], 'web-0/nginx'), k8s);
});

test('titles and refusal notes read as messages do', () => {
  assert.equal(containerTitle(DWEB), 'dweb (docker)');
  assert.equal(containerTitle(POD1), 'pod pod1 (podman)');
  assert.equal(refusalNote(undefined), '');
  assert.equal(
    refusalNote([{ engine: 'docker', socket: '/run/docker.sock', hint: 'join the docker group' }]),
    "; docker's socket /run/docker.sock refused you: join the docker group",
  );
});
