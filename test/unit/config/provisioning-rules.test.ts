// Each rule of the provisioning section fails with its exact message, line and path.
import { describe, expect, it } from 'vitest';
import { KEY_ALICE, problemsOf, withContainer } from './helpers.js';

/** Lines from line 5 on: line 4 is `provisioning:`. */
const prov = (rest: string): string => withContainer(`provisioning:\n${rest}`);

const cases: [name: string, rest: string, expected: string[]][] = [
  ['packages not a list', '  packages: curl\n', ['ct.yaml:5 provisioning.packages: must be a list, got "curl"']],
  ['package looks like an option', '  packages: [curl, "--allow-unauthenticated"]\n', ['ct.yaml:5 provisioning.packages[1]: "--allow-unauthenticated" is not a package name']],
  ['package with space', '  packages: ["curl git"]\n', ['ct.yaml:5 provisioning.packages[0]: "curl git" is not a package name']],
  ['docker without nesting', '  docker: true\n', ['ct.yaml:5 provisioning.docker: Docker inside a container needs container.features.nesting: true']],
  ['tailscale without auth key', '  tailscale:\n    hostname: web\n', ['ct.yaml:5 provisioning.tailscale.auth_key: required']],
  ['tailscale empty auth key', '  tailscale:\n    auth_key: ""\n', ['ct.yaml:6 provisioning.tailscale.auth_key: must not be empty']],
  [
    'tailscale key shape (value not echoed)',
    '  tailscale:\n    auth_key: hunter2-secret\n',
    ['ct.yaml:6 provisioning.tailscale.auth_key: does not look like a Tailscale auth key (they start with "tskey-")'],
  ],
  ['tailscale key of the wrong type (value not echoed)', '  tailscale:\n    auth_key: 12345\n', ['ct.yaml:6 provisioning.tailscale.auth_key: must be a string, got the value']],
  ['tailscale hostname', '  tailscale:\n    auth_key: tskey-auth-x\n    hostname: My_Host\n', ['ct.yaml:7 provisioning.tailscale.hostname: "My_Host" is not a valid hostname: use a-z, 0-9 and "-" (not first or last), at most 63 characters']],
  [
    'route with host bits',
    '  tailscale:\n    auth_key: tskey-auth-x\n    advertise_routes: [10.0.0.5/24]\n',
    ['ct.yaml:7 provisioning.tailscale.advertise_routes[0]: "10.0.0.5/24" has host bits set (did you mean "10.0.0.0/24"?)'],
  ],
  [
    'route not a CIDR',
    '  tailscale:\n    auth_key: tskey-auth-x\n    advertise_routes: [10.0.0.0]\n',
    ['ct.yaml:7 provisioning.tailscale.advertise_routes[0]: "10.0.0.0" is not a CIDR route (add a prefix length, e.g. "10.0.0.0/24")'],
  ],
  [
    'default route',
    '  tailscale:\n    auth_key: tskey-auth-x\n    advertise_routes: [0.0.0.0/0]\n',
    ['ct.yaml:7 provisioning.tailscale.advertise_routes[0]: "0.0.0.0/0" is a default route: tailscale only offers it through an exit node, which pxdeploy does not set up'],
  ],
  [
    'bad IPv6 route',
    '  tailscale:\n    auth_key: tskey-auth-x\n    advertise_routes: ["fd00::/200"]\n',
    ['ct.yaml:7 provisioning.tailscale.advertise_routes[0]: "fd00::/200" is not a CIDR route (e.g. "10.0.0.0/24" or "fd00::/64")'],
  ],
  ['script without name and content', '  scripts:\n    - interpreter: sh\n', ['ct.yaml:6 provisioning.scripts[0].content: required', 'ct.yaml:6 provisioning.scripts[0].name: required']],
  [
    'script name format',
    '  scripts:\n    - name: set up\n      content: x\n',
    ['ct.yaml:6 provisioning.scripts[0].name: "set up" is not a script name: letters, digits, ".", "_" and "-", at most 64 characters'],
  ],
  [
    'interpreter unknown',
    '  scripts:\n    - name: a\n      content: x\n      interpreter: python\n',
    ['ct.yaml:8 provisioning.scripts[0].interpreter: "python" is not one of bash, sh, python3 (did you mean "python3"?)'],
  ],
  ['empty content', '  scripts:\n    - name: a\n      content: ""\n', ['ct.yaml:7 provisioning.scripts[0].content: must not be empty']],
  [
    'run_as not a user name',
    '  scripts:\n    - name: a\n      content: x\n      run_as: Admin\n',
    ['ct.yaml:8 provisioning.scripts[0].run_as: "Admin" is not a valid user name: lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters'],
  ],
  [
    'relative working dir',
    '  scripts:\n    - name: a\n      content: x\n      working_dir: opt/app\n',
    ['ct.yaml:8 provisioning.scripts[0].working_dir: "opt/app" is not an absolute path (it must start with "/")'],
  ],
  [
    'environment name and value',
    '  scripts:\n    - name: a\n      content: x\n      environment:\n        1ST: x\n        LIST: [a]\n',
    [
      'ct.yaml:9 provisioning.scripts[0].environment.1ST: "1ST" is not a valid environment variable name (letters, digits and "_", not starting with a digit)',
      'ct.yaml:10 provisioning.scripts[0].environment.LIST: must be a string, number or true/false, got a list',
    ],
  ],
  ['timeout above range', '  scripts:\n    - name: a\n      content: x\n      timeout: 86401\n', ['ct.yaml:8 provisioning.scripts[0].timeout: must be between 1 and 86400, got 86401']],
  ['timeout zero', '  scripts:\n    - name: a\n      content: x\n      timeout: 0\n', ['ct.yaml:8 provisioning.scripts[0].timeout: must be between 1 and 86400, got 0']],
  [
    'duplicate script names',
    '  scripts:\n    - name: setup\n      content: a\n    - name: setup\n      content: b\n',
    ['ct.yaml:8 provisioning.scripts[1].name: script name "setup" is already used by provisioning.scripts[0]'],
  ],
  [
    'ssh key placeholder',
    '  ssh_keys:\n    - ssh-rsa AAAAB3... user@host\n',
    ['ct.yaml:6 provisioning.ssh_keys[0]: not an SSH public key: the key data is not base64; expected "<type> <base64 key> [comment]", e.g. "ssh-ed25519 AAAAC3Nza… user@host"'],
  ],
  [
    'ssh key unknown type',
    '  ssh_keys:\n    - ssh-foo AAAA x\n',
    ['ct.yaml:6 provisioning.ssh_keys[0]: not an SSH public key: unknown key type "ssh-foo"; expected "<type> <base64 key> [comment]", e.g. "ssh-ed25519 AAAAC3Nza… user@host"'],
  ],
  [
    'ssh key type does not match its data',
    `  ssh_keys:\n    - ${KEY_ALICE.replace('ssh-ed25519', 'ssh-rsa')}\n`,
    ['ct.yaml:6 provisioning.ssh_keys[0]: not an SSH public key: the key data is not a ssh-rsa key (truncated or mixed up?)'],
  ],
  [
    'private key pasted',
    '  ssh_keys:\n    - |\n      -----BEGIN OPENSSH PRIVATE KEY-----\n      b3BlbnNzaC1rZXktdjEAAAAA\n      -----END OPENSSH PRIVATE KEY-----\n',
    ['ct.yaml:6 provisioning.ssh_keys[0]: this is a private key: only public keys (the .pub file) belong here'],
  ],
  ['user name format', '  users:\n    - username: Bob\n', ['ct.yaml:6 provisioning.users[0].username: "Bob" is not a valid user name: lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters']],
  ['user name too long', `  users:\n    - username: ${'u'.repeat(33)}\n`, [`ct.yaml:6 provisioning.users[0].username: "${'u'.repeat(33)}" is not a valid user name: lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters`]],
  ['user root', '  users:\n    - username: root\n', ['ct.yaml:6 provisioning.users[0].username: "root" exists in every container; put root\'s keys under provisioning.ssh_keys']],
  ['user uid 0', '  users:\n    - username: app\n      uid: 0\n', ['ct.yaml:7 provisioning.users[0].uid: must be between 1 and 4294967294, got 0']],
  ['user group name', '  users:\n    - username: app\n      groups: [Wheel]\n', ['ct.yaml:7 provisioning.users[0].groups[0]: "Wheel" is not a valid group name: lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters']],
  ['user shell relative', '  users:\n    - username: app\n      shell: bash\n', ['ct.yaml:7 provisioning.users[0].shell: "bash" is not an absolute path (it must start with "/")']],
  ['user home relative', '  users:\n    - username: app\n      home: home/app\n', ['ct.yaml:7 provisioning.users[0].home: "home/app" is not an absolute path (it must start with "/")']],
  [
    'user ssh key',
    '  users:\n    - username: app\n      ssh_keys: [nope]\n',
    ['ct.yaml:7 provisioning.users[0].ssh_keys[0]: not an SSH public key: unknown key type "nope"; expected "<type> <base64 key> [comment]", e.g. "ssh-ed25519 AAAAC3Nza… user@host"'],
  ],
  [
    'duplicate usernames and uids',
    '  users:\n    - username: app\n      uid: 1000\n    - username: app\n      uid: 1000\n',
    ['ct.yaml:8 provisioning.users[1].username: username "app" is already used by provisioning.users[0]', 'ct.yaml:9 provisioning.users[1].uid: uid 1000 is already used by provisioning.users[0]'],
  ],
];

describe('provisioning section rules', () => {
  it.each(cases)('%s', (_name, rest, expected) => {
    expect(problemsOf(prov(rest))).toEqual(expected);
  });

  it('never echoes a secret value in any message', () => {
    const problems = problemsOf(prov('  tailscale:\n    auth_key: [hunter2]\n  scripts:\n    - name: a\n      content: x\n      environment:\n        DB_PASSWORD: { hunter2: 1 }\n'));
    expect(problems).toEqual([
      'ct.yaml:6 provisioning.tailscale.auth_key: must be a string, got the value',
      'ct.yaml:11 provisioning.scripts[0].environment.DB_PASSWORD: must be a string, number or true/false, got a mapping',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
