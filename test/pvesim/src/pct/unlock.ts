// `pct unlock <vmid>`: remove any `lock:`; `no lock found trying to remove any lock` when there is none.
import type { Handler } from '../common/cli.js';
import { loadConfig, removeLock } from '../ct/store.js';

export const unlock: Handler = async ({ params }) => {
  const vmid = Number(params.vmid);
  loadConfig(vmid);
  await removeLock(vmid);
};
