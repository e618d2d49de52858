// `pct list`: `%-10s %-10s %-12s %-20s` rows sorted by vmid; no output at all without CTs.
import type { Handler } from '../common/cli.js';
import { loadConfig, listVmids } from '../ct/store.js';
import { runningVmids } from '../lxc/state.js';

const row = (a: string, b: string, c: string, d: string): string => `${a.padEnd(10)} ${b.padEnd(10)} ${c.padEnd(12)} ${d.padEnd(20)}\n`;

export const list: Handler = () => {
  const vmids = listVmids();
  if (!vmids.length) return;
  const running = runningVmids();
  let out = row('VMID', 'Status', 'Lock', 'Name');
  for (const vmid of vmids) {
    let conf;
    try {
      conf = loadConfig(vmid);
    } catch {
      continue;
    }
    const name = (conf.props.hostname ?? `CT${vmid}`).replace(/\s+/g, '');
    out += row(String(vmid), running.has(vmid) ? 'running' : 'stopped', conf.props.lock ?? '', name);
  }
  process.stdout.write(out);
};
