// The Debian 12 packages the tests use (and code-server, and `npm run bench`): the one list.
// `npm test` (scripts/test.mjs) installs the missing ones when run as root and names them
// otherwise. A test names the programs and files it needs (needs() in
// test/integration/helpers.ts) and is skipped, with the command that installs them, where one
// is missing. CommonJS, so that the TypeScript tests and the .mjs scripts load it alike.
'use strict';
const { accessSync, constants, statSync } = require('node:fs');
const path = require('node:path');

/** Each package, what of it is used (a program by name, a file by absolute path), and what for. */
const PACKAGES = [
  {
    name: 'util-linux',
    provides: ['unshare', 'nsenter', 'lsns', 'runuser', 'setpriv', 'setsid', 'taskset', 'ipcs', 'ipcmk'],
    for: 'making and entering namespaces, the lsns comparison, commands run as a test user, System V IPC objects',
  },
  {
    name: 'bsdutils',
    provides: ['script'],
    for: 'a terminal of its own (a pty) for nsx in the tests of held terminals',
  },
  {
    name: 'mount',
    provides: ['mount', 'umount', 'findmnt'],
    for: 'the mount and propagation tests and their findmnt comparison',
  },
  {
    name: 'iproute2',
    provides: ['ip', 'ss'],
    for: 'ip netns, veth pairs (nsx new --veth), the interfaces, routes and sockets comparison',
  },
  { name: 'hostname', provides: ['hostname', 'domainname'], for: 'nsx new --hostname and the UTS details comparison' },
  {
    name: 'nftables',
    provides: ['nft'],
    for: "a net namespace's nftables ruleset in its details, and the firewall test's rules",
  },
  {
    name: 'iptables',
    provides: ['iptables-legacy', 'iptables-legacy-save', 'ip6tables-legacy-save'],
    for: "a net namespace's legacy iptables rules in its details, and the firewall test's rules",
  },
  { name: 'iputils-ping', provides: ['ping'], for: 'the veth test pings the host end from inside' },
  { name: 'tcpdump', provides: ['tcpdump'], for: 'nsx capture and Capture Traffic… (run inside a net namespace)' },
  { name: 'passwd', provides: ['useradd', 'userdel'], for: 'the test users of the polkit and ordinary-user tests' },
  { name: 'procps', provides: ['pgrep'], for: 'the polkit tests check that nothing of the test user is left running' },
  {
    name: 'pkexec',
    provides: ['pkexec'],
    for: 'elevation through real polkit (--as-root, Show All Namespaces, Read as Root)',
  },
  {
    name: 'polkitd',
    provides: ['/usr/lib/polkit-1/polkitd', 'pkcheck'],
    for: 'the polkit daemon the real-polkit tests start when none runs',
  },
  {
    name: 'dbus',
    provides: ['dbus-daemon', 'dbus-send'],
    for: 'the system bus the real-polkit tests start when none runs',
  },
  {
    name: 'docker.io',
    provides: ['/usr/sbin/dockerd', '/usr/bin/docker'],
    for: 'the private dockerd the container tests start (test/engines/docker.ts)',
  },
  {
    name: 'containerd',
    provides: ['containerd', '/usr/bin/ctr'],
    for: "dockerd's containerd, and ctr for the Kubernetes (CRI) and nerdctl naming tests",
  },
  { name: 'runc', provides: ['runc'], for: 'the OCI runtime of the Docker, containerd and Podman tests' },
  { name: 'podman', provides: ['/usr/bin/podman'], for: 'the Podman tests, as root and rootless' },
  { name: 'catatonit', provides: ['catatonit'], for: "the pause image of a Podman pod's infra container" },
  { name: 'uidmap', provides: ['newuidmap', 'newgidmap'], for: "rootless Podman's user namespace for a test user" },
  { name: 'slirp4netns', provides: ['slirp4netns'], for: 'rootless Podman' },
  { name: 'busybox-static', provides: ['/bin/busybox'], for: 'the root filesystems of the test containers' },
  { name: 'bubblewrap', provides: ['bwrap'], for: 'the bubblewrap sandbox test' },
  {
    name: 'lxc',
    provides: ['lxc-create', 'lxc-start', 'lxc-stop', 'lxc-destroy', 'lxc-info'],
    for: 'the LXC container test',
  },
  {
    name: 'liblxc-common',
    provides: ['/usr/share/lxc/templates/lxc-busybox'],
    for: 'the busybox template the LXC container test creates its container from',
  },
  { name: 'systemd-container', provides: ['/usr/bin/systemd-nspawn'], for: 'the systemd-nspawn machine test' },
  { name: 'chromium', provides: ['/usr/bin/chromium'], for: 'the browser the e2e tests drive the workbench in' },
  { name: 'ripgrep', provides: ['/usr/bin/rg'], for: "search in code-server's workbench (e2e, npm start)" },
  {
    name: 'libkrb5-dev',
    provides: ['/usr/include/gssapi/gssapi.h'],
    for: "building code-server's kerberos module (its first install only)",
  },
  { name: 'make', provides: ['make'], for: "building code-server's native modules (its first install only)" },
  { name: 'g++', provides: ['g++'], for: "building code-server's native modules (its first install only)" },
  {
    name: 'python3',
    provides: ['python3'],
    for:
      "building code-server's native modules (first install only); the live engine's property test; " +
      "the findings' namespaces held by an fd",
  },
  { name: 'time', provides: ['/usr/bin/time'], for: 'peak memory in npm run bench' },
];

/** Where a program is looked for besides PATH: an ordinary user's PATH often lacks the sbin ones. */
const SYSTEM_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

/** The package that provides `tool`; throws for one not in the list, which must name it. */
function packageOf(tool) {
  const found = PACKAGES.find((p) => p.provides.includes(tool));
  if (!found)
    throw new Error(`${tool} is not in the package list of scripts/debian-packages.cjs: add it to its package there`);
  return found;
}

function isRegularFile(file, executable) {
  try {
    if (!statSync(file).isFile()) return false;
    if (executable) accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Whether `tool` is there: a file (absolute path) must be a regular file, a program an
 * executable regular file on PATH or in a system directory. A device or a directory in its
 * place does not count, which is how a mount namespace hides one (a bind mount of /dev/null).
 * `root` prefixes every path (a fixture tree); `searchPath` stands for PATH.
 */
function isPresent(tool, { root = '/', searchPath = process.env.PATH ?? '' } = {}) {
  packageOf(tool);
  if (path.isAbsolute(tool)) return isRegularFile(path.join(root, tool), false);
  const dirs = [...searchPath.split(':').filter((d) => path.isAbsolute(d)), ...SYSTEM_DIRS];
  return dirs.some((dir) => isRegularFile(path.join(root, dir, tool), true));
}

/** `sudo apt-get install …` for `packages` (without sudo for root). */
function installCommand(packages, { asRoot = process.getuid?.() === 0 } = {}) {
  return `${asRoot ? '' : 'sudo '}apt-get install -y --no-install-recommends ${packages.join(' ')}`;
}

/**
 * One line naming the missing ones among `tools`, their packages and the command that
 * installs them (no semicolon: needs() joins its reasons with one); null when every one is
 * there.
 */
function missingTools(tools, opts = {}) {
  const missing = tools.filter((t) => !isPresent(t, opts));
  if (missing.length === 0) return null;
  const packages = [...new Set(missing.map((t) => packageOf(t).name))];
  const named = missing.map((t) => `${path.basename(t)} (${packageOf(t).name})`).join(', ');
  const are = missing.length === 1 ? 'is' : 'are';
  return `needs ${named}, which ${are} not installed: ${installCommand(packages, opts)}`;
}

module.exports = { PACKAGES, packageOf, isPresent, installCommand, missingTools };
