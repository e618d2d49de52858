// Shared by the cluster unit tests: recorded pvesh answers and a PXDEPLOY_ROOT whose etc/pve looks like pmxcfs.
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExpectedCommand } from '../../../src/host/recording-runner.js';

export const fx = (name: string) => path.resolve(import.meta.dirname, 'fixtures', name);
export const hostFx = (name: string) => path.resolve(import.meta.dirname, '../../fixtures/host', name);

/** `pvesh get <path> [extra] --output-format json` answered from a recorded file. */
export const get = (p: string, file: string, extra: string[] = []): ExpectedCommand => ({ file: 'pvesh', args: ['get', p, ...extra, '--output-format', 'json'], stdoutFile: file });

/** nodes/<n>/lxc per node; `lxc` → the first node's (as pvesim), or `local` → `opts.local` (as pmxcfs). */
export function pveRoot(nodes: string[], opts: { corosync?: boolean; local?: string } = {}): string {
  const root = mkdtempSync(path.join(tmpdir(), 'pxd-cluster-'));
  for (const n of nodes) mkdirSync(path.join(root, 'etc/pve/nodes', n, 'lxc'), { recursive: true });
  if (opts.corosync) writeFileSync(path.join(root, 'etc/pve/corosync.conf'), 'totem {}\n');
  if (opts.local) symlinkSync(`nodes/${opts.local}`, path.join(root, 'etc/pve/local'));
  else symlinkSync(`nodes/${nodes[0]}/lxc`, path.join(root, 'etc/pve/lxc'));
  return root;
}
