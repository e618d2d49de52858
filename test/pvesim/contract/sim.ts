// Runs the built pvesim commands (test/pvesim/bin first on PATH) as subprocesses and cleans up the CTs tests create.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const BIN = path.resolve(import.meta.dirname, '../bin');
export const ROOT = process.env.PVESIM_ROOT || '/var/lib/pvesim';
export const NODE = process.env.PVESIM_NODE || 'pve';
export const DEBIAN = 'debian-12-standard_12.12-1_amd64.tar.zst';
export const BUSYBOX = 'busybox-1.35-default_20251101_amd64.tar.xz';
/** A generated MAC as pvesim writes it (datacenter default prefix). */
export const MAC = 'BC:24:11:[0-9A-F]{2}:[0-9A-F]{2}:[0-9A-F]{2}';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  node?: string;
  input?: string;
  env?: Record<string, string>;
}

/** `tool args...` exactly as a user would run it, with PVESIM_NODE set when `node` is given. */
export function sim(tool: 'pct' | 'pveam' | 'pvesm' | 'pvesh', args: string[], opts: RunOptions = {}): Result {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: `${BIN}:${process.env.PATH}`, ...opts.env };
  if (opts.node) env.PVESIM_NODE = opts.node;
  const res = spawnSync(tool, args, { env, input: opts.input ?? '', encoding: 'utf8', cwd: '/', timeout: 170_000 });
  if (res.error) throw res.error;
  return { code: res.status ?? 128, stdout: res.stdout, stderr: res.stderr };
}

export const pct = (args: string[], opts?: RunOptions): Result => sim('pct', args, opts);

/** Like `pct`, but the command must succeed; returns stdout. */
export function pctOk(args: string[], opts?: RunOptions): string {
  const res = pct(args, opts);
  if (res.code !== 0) throw new Error(`pct ${args.join(' ')} failed (${res.code}):\n${res.stdout}${res.stderr}`);
  return res.stdout;
}

export function configPath(vmid: number, node = NODE): string {
  return path.join(ROOT, 'etc/pve/nodes', node, 'lxc', `${vmid}.conf`);
}

/** Remove a test CT whatever state it is in (locked, protected, running). */
export function removeCt(vmid: number, node = NODE): void {
  if (!fs.existsSync(configPath(vmid, node))) return;
  pct(['unlock', String(vmid)], { node });
  pct(['set', String(vmid), '--protection', '0'], { node });
  const res = pct(['destroy', String(vmid), '--force', '--purge'], { node });
  if (res.code !== 0 && fs.existsSync(configPath(vmid, node))) {
    throw new Error(`cleanup of CT ${vmid} failed: ${res.stderr}`);
  }
}

/** A busybox CT (small, boots in ~0.2 s) on vmbr0 with a static IP. */
export function createBusybox(vmid: number, ip: string | undefined, extra: string[] = [], node?: string): string {
  const net = ip ? ['--net0', `name=eth0,bridge=vmbr0,ip=${ip}/24,gw=10.203.0.1`] : [];
  return pctOk(['create', String(vmid), `local:vztmpl/${BUSYBOX}`, '--storage', 'local-lvm', ...net, ...extra], node ? { node } : {});
}

/** First HTTP status of `url` within `timeoutMs` (000 when nothing answers). */
export async function httpStatus(url: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      if (Date.now() > deadline) return 0;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Drop a test node's (empty) directory again, so pvesh does not report the node afterwards. */
export function removeNodeDir(node: string): void {
  if (node === NODE) return;
  const dir = path.join(ROOT, 'etc/pve/nodes', node);
  try {
    fs.rmdirSync(path.join(dir, 'lxc'));
    fs.rmdirSync(dir);
  } catch {
    /* not empty or not there */
  }
}
