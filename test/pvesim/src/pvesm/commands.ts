// pvesm: status (PVE's printf widths), path <volid>, list <storage> [--content] [--vmid].
import type { Handler, ToolSpec } from '../common/cli.js';
import { readStorageConfig, storageDef } from '../storage/storagecfg.js';
import { storageStatus } from '../storage/status.js';
import { listVolumes, pathOfVolid } from '../storage/volumes.js';

const status: Handler = ({ params }) => {
  let defs = [...readStorageConfig().values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (params.storage) defs = [storageDef(params.storage, false)];
  if (params.content) {
    const wanted = params.content.split(',');
    defs = defs.filter((d) => wanted.some((c) => d.content.has(c)));
  }
  if (params.enabled === '1') defs = defs.filter((d) => !d.disabled);
  const maxlen = Math.max(0, ...defs.map((d) => d.id.length)) + 1;
  let out = `${'Name'.padEnd(maxlen)} ${'Type'.padStart(10)} ${'Status'.padStart(10)} ${'Total (KiB)'.padStart(15)} ${'Used (KiB)'.padStart(15)} ${'Available (KiB)'.padStart(15)} ${'%'.padStart(8)}\n`;
  for (const d of defs) {
    const st = d.disabled ? { active: false, total: 0, used: 0, avail: 0 } : storageStatus(d);
    const state = d.disabled ? 'disabled' : st.active ? 'active' : 'inactive';
    const kib = (n: number): string => String(Math.floor(n / 1024)).padStart(15);
    const pct = d.disabled || !st.total ? 'N/A'.padStart(8) : `${((st.used / st.total) * 100).toFixed(2).padStart(7)}%`;
    out += `${d.id.padEnd(maxlen)} ${d.type.padStart(10)} ${state.padStart(10)} ${kib(st.total)} ${kib(st.used)} ${kib(st.avail)} ${pct}\n`;
  }
  process.stdout.write(out);
};

const path: Handler = ({ params }) => {
  process.stdout.write(`${pathOfVolid(params.volume!)}\n`);
};

const list: Handler = ({ params }) => {
  const def = storageDef(params.storage!);
  const vols = listVolumes(def, params.content, params.vmid === undefined ? undefined : Number(params.vmid));
  const maxName = Math.max(0, ...vols.map((v) => v.volid.length));
  const digits = String(Math.max(0, ...vols.map((v) => v.size))).length;
  const base = (a: string, b: string, c: string, d: string): string => `${a.padEnd(maxName)} ${b.padEnd(7)} ${c.padEnd(9)} ${d.padStart(digits)}`;
  let out = `${base('Volid', 'Format', 'Type', 'Size')} VMID\n`;
  for (const v of vols) if (v.vmid) out += `${base(v.volid, v.format, v.content, String(v.size))} ${v.vmid}\n`;
  const unowned = vols.filter((v) => !v.vmid).sort((a, b) => (a.format < b.format ? -1 : a.format > b.format ? 1 : 0));
  for (const v of unowned) out += `${base(v.volid, v.format, v.content, String(v.size))}\n`;
  process.stdout.write(out);
};

const storageId = { type: 'string' as const, pattern: /[a-z][a-z0-9\-_.]*[a-z0-9]/i };
const contentEnum = ['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'import'];

export const pvesmTool: ToolSpec = {
  name: 'pvesm',
  commands: {
    status: {
      apiClass: 'PVE::API2::Storage::Status',
      args: [],
      params: {
        storage: { ...storageId, optional: true },
        content: { type: 'string', optional: true, list: true },
        enabled: { type: 'boolean', optional: true },
        target: { type: 'string', optional: true },
        format: { type: 'boolean', optional: true },
      },
      load: async () => status,
    },
    path: { apiClass: 'PVE::CLI::pvesm', args: ['volume'], params: { volume: { type: 'string' } }, load: async () => path },
    list: {
      apiClass: 'PVE::API2::Storage::Content',
      args: ['storage'],
      params: { storage: storageId, content: { type: 'string', optional: true, enum: contentEnum }, vmid: { type: 'integer', optional: true, minimum: 100, maximum: 999999999 } },
      load: async () => list,
    },
  },
};
