// `pct status <vmid> [--verbose]`: `status: running|stopped`, or every vmstatus key sorted (cpu skipped).
import type { Handler } from '../common/cli.js';
import { loadConfig } from '../ct/store.js';
import { vmstatus } from '../ct/vmstatus.js';

export const status: Handler = ({ params }) => {
  const vmid = Number(params.vmid);
  const conf = loadConfig(vmid);
  const stat = vmstatus(vmid, conf, undefined, params.verbose === '1');
  if (params.verbose !== '1') {
    process.stdout.write(`status: ${stat.status || 'unknown'}\n`);
    return;
  }
  let out = '';
  for (const key of Object.keys(stat).sort()) {
    if (key === 'cpu') continue;
    out += `${key}: ${stat[key]}\n`;
  }
  process.stdout.write(out);
};
