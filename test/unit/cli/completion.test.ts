// bash completion: the generated script is sourced in a real bash and asked, word by word, what it offers.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bashCompletion } from '../../../src/cli/completion.js';
import { createIo } from '../../../src/cli/io.js';
import { buildProgram } from '../../../src/cli/program.js';

let script: string;
let root: string;

beforeAll(() => {
  script = path.join(mkdtempSync(path.join(os.tmpdir(), 'pxd-compl-')), 'pxdeploy.bash');
  writeFileSync(script, bashCompletion(buildProgram(createIo(), '0.0.0'), { oci: ['jellyfin', 'grafana'], bluegreen: ['vikunja'] }));
  // A node as the script reads it: two instance configs, two CT configs, two cluster nodes.
  root = mkdtempSync(path.join(os.tmpdir(), 'pxd-compl-root-'));
  mkdirSync(path.join(root, 'etc/pxdeploy/instances'), { recursive: true });
  for (const id of ['notes-demo', 'vikunja-main']) writeFileSync(path.join(root, 'etc/pxdeploy/instances', `${id}.yaml`), '');
  mkdirSync(path.join(root, 'etc/pve/lxc'), { recursive: true });
  for (const vmid of [200, 201]) writeFileSync(path.join(root, 'etc/pve/lxc', `${vmid}.conf`), '');
  for (const n of ['pve', 'pve2']) mkdirSync(path.join(root, 'etc/pve/nodes', n), { recursive: true });
});

/** What bash offers after `pxdeploy <line>` (the last word is the one being completed; '' for a new word). */
function offers(line: string): string[] {
  const words = ['pxdeploy', ...line.split(' ')];
  const program = `source ${JSON.stringify(script)}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}
_pxdeploy; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '-c', program], { encoding: 'utf8', env: { PATH: process.env.PATH, PXDEPLOY_ROOT: root } });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

describe('pxdeploy completion bash', () => {
  it('offers the top-level commands, then a group\'s subcommands', () => {
    expect(offers('')).toEqual(expect.arrayContaining(['install', 'update', 'rollback', 'backup', 'oci', 'ct', 'inventory', 'completion']));
    expect(offers('in')).toEqual(['install', 'inventory']);
    expect(offers('oci ')).toEqual(['list', 'pull', 'rm', 'search']);
    expect(offers('ct cr')).toEqual(['create']);
  });

  it('offers a command\'s own options and the global ones, never another command\'s', () => {
    const update = offers('update --');
    expect(update).toEqual(expect.arrayContaining(['--color', '--release', '--skip-backup', '--json', '--dry-run', '--help']));
    expect(update).not.toContain('--purge-backups');
    expect(offers('ct create --n')).toEqual(['--node']);
  });

  it('completes arguments from the node: instance ids (and <app>-main), catalog apps, vmids', () => {
    expect(offers('update ')).toEqual(['notes-demo', 'vikunja-main']);
    expect(offers('install ')).toEqual(['notes-demo', 'vikunja-main']); // existing ids, and vikunja-main from the catalog (once)
    expect(offers('oci pull j')).toEqual(['jellyfin']);
    expect(offers('app install ')).toEqual(['grafana', 'jellyfin']);
    expect(offers('ct start 2')).toEqual(['200', '201']);
  });

  it('completes option values: nodes, files, and nothing after the first positional', () => {
    expect(offers('ct create --node ')).toEqual(['pve', 'pve2']);
    expect(offers('install --node pve2 v')).toEqual(['vikunja-main']); // the option's value is not taken for a command
    expect(offers(`validate -f ${root}/etc/pve/l`)).toEqual([`${root}/etc/pve/lxc`]);
    expect(offers('update notes-demo ')).toEqual([]);
  });
});
