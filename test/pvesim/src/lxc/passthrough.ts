// devN passthrough as PVE's pre-start hook does it: a device node per devN with the configured mode/uid/gid, bind-mounted into the CT.
import fs from 'node:fs';
import path from 'node:path';
import { PveError } from '../common/errors.js';
import { simPaths } from '../common/paths.js';
import { run } from '../common/run.js';
import { parsePropertyString } from '../common/schema.js';
import type { CtSection } from '../ct/conffile.js';
import { devFormat, MAX_MOUNT_POINTS } from '../ct/options.js';

const IDMAP_BASE = 100000;

/** Where the prepared node of `devPath` lives on the host (`$PVESIM_ROOT/lxc/<vmid>/passthrough/dev/…`). */
export function passthroughPath(vmid: number, devPath: string): string {
  return path.join(simPaths().lxcpath, String(vmid), 'passthrough', devPath.replace(/^\/+/, ''));
}

/**
 * mknod a copy of every devN's host node (same type and numbers) with `mode` (default: the host node's
 * permission bits) and owner `uid`/`gid` (default 0), mapped into the CT's id range when unprivileged.
 */
export function preparePassthrough(vmid: number, conf: CtSection): void {
  const base = path.join(simPaths().lxcpath, String(vmid), 'passthrough');
  fs.rmSync(base, { recursive: true, force: true });
  const unpriv = conf.props.unprivileged === '1';
  for (let i = 0; i < MAX_MOUNT_POINTS; i++) {
    const value = conf.props[`dev${i}`];
    if (value === undefined) continue;
    const dev = parsePropertyString(devFormat, value);
    let st: fs.Stats;
    try {
      st = fs.statSync(dev.path!);
    } catch {
      throw new PveError(`Device ${dev.path} does not exist\n`);
    }
    if (!st.isBlockDevice() && !st.isCharacterDevice()) throw new PveError(`${dev.path} is not a device\n`);
    const major = Math.floor(st.rdev / 256) & 0xfff;
    const minor = (st.rdev & 0xff) | ((st.rdev >> 12) & 0xfff00);
    const node = passthroughPath(vmid, dev.path!);
    fs.mkdirSync(path.dirname(node), { recursive: true, mode: 0o755 });
    const res = run('mknod', [node, st.isBlockDevice() ? 'b' : 'c', String(major), String(minor)]);
    if (res.status !== 0) throw new PveError(`failed to create device node ${node}: ${res.stderr.trim()}\n`);
    const mode = dev.mode ? Number.parseInt(dev.mode, 8) : st.mode & 0o7777;
    fs.chmodSync(node, mode);
    const shift = unpriv ? IDMAP_BASE : 0;
    fs.chownSync(node, Number(dev.uid ?? 0) + shift, Number(dev.gid ?? 0) + shift);
  }
}
