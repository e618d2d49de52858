// pveam: update, available, list <storage>, download <storage> <template>, remove <volid>.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Handler, ToolSpec } from '../common/cli.js';
import { PveError, ParamError } from '../common/errors.js';
import { simPaths } from '../common/paths.js';
import { runWorker } from '../common/task.js';
import { storageDef } from '../storage/storagecfg.js';
import { listVolumes, parseVolume, volumePath } from '../storage/volumes.js';
import { readIndex } from './index.js';

const CLI = 'PVE::CLI::pveam';

const update: Handler = () => {
  if (readIndex() === undefined) {
    process.stderr.write('update failed - see /var/log/pveam.log for details\n');
    return;
  }
  process.stdout.write('update successful\n');
};

const available: Handler = ({ params }) => {
  const entries = (readIndex() ?? []).filter((e) => !params.section || e.section === params.section);
  entries.sort((a, b) => (a.section !== b.section ? (a.section < b.section ? -1 : 1) : a.template < b.template ? -1 : a.template > b.template ? 1 : 0));
  process.stdout.write(entries.map((e) => `${e.section.padEnd(15)} ${e.template}\n`).join(''));
};

const list: Handler = ({ params }) => {
  const storage = storageDef(params.storage!);
  if (!storage.content.has('vztmpl')) throw new PveError('Storage does not support templates!\n');
  let out = `${'NAME'.padEnd(60)} ${'SIZE'.padEnd(6)}\n`;
  for (const vol of listVolumes(storage, 'vztmpl')) out += `${vol.volid.padEnd(60)} ${(vol.size / 1048576).toFixed(2).padEnd(4)}MB\n`;
  process.stdout.write(out);
};

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

const download: Handler = async ({ params }) => {
  const entry = (readIndex() ?? []).find((e) => e.template === params.template);
  if (!entry) throw new ParamError({ template: 'no such template' });
  const storage = storageDef(params.storage!);
  if (!storage.content.has('vztmpl')) throw new PveError(`storage '${storage.id}' does not support templates\n`);
  const dir = path.join(storage.path, 'template', 'cache');
  const dest = path.join(dir, entry.template);
  const src = path.join(simPaths().mirrorDir, entry.template);
  const url = `file://${src}`;
  await runWorker((task) => {
    if (fs.existsSync(dest) && entry.sha256 && sha256(dest) === entry.sha256) {
      task.log('calculating checksum of existing file...OK, got correct file already, no need to download');
      return;
    }
    fs.mkdirSync(dir, { recursive: true });
    task.log(`downloading ${url} to ${dest}`);
    const tmp = `${dest}.tmp.${process.pid}`;
    try {
      fs.copyFileSync(src, tmp);
    } catch (err) {
      throw new PveError(`download failed: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `${url}: 404 Not Found` : (err as Error).message}\n`);
    }
    if (entry.sha256) {
      const got = sha256(tmp);
      if (got !== entry.sha256) {
        fs.rmSync(tmp, { force: true });
        throw new PveError(`checksum mismatch: got '${got}' != expect '${entry.sha256}'\n`);
      }
      task.log('calculating checksum...OK, checksum verified');
    }
    fs.renameSync(tmp, dest);
    task.log(`download of '${url}' to '${dest}' finished`);
  });
};

const remove: Handler = ({ params }) => {
  const volid = params.template_path!;
  const vol = parseVolume(volid);
  if (vol.vtype !== 'vztmpl') throw new PveError(`unable to use volume ${volid} - content type needs to be 'vztmpl'\n`);
  try {
    fs.unlinkSync(volumePath(vol));
  } catch {
    /* pveam remove is silent when unlink fails */
  }
};

const storageParam = { type: 'string' as const, pattern: /[a-z][a-z0-9\-_.]*[a-z0-9]/i };

export const pveamTool: ToolSpec = {
  name: 'pveam',
  commands: {
    update: { apiClass: CLI, args: [], params: {}, load: async () => update },
    available: { apiClass: CLI, args: [], params: { section: { type: 'string', optional: true, enum: ['system', 'mail', 'turnkeylinux'] } }, load: async () => available },
    list: { apiClass: CLI, args: ['storage'], params: { storage: storageParam }, load: async () => list },
    download: {
      apiClass: 'PVE::API2::Nodes::Nodeinfo',
      args: ['storage', 'template'],
      params: { storage: storageParam, template: { type: 'string', maxLength: 255 } },
      load: async () => download,
    },
    remove: { apiClass: CLI, args: ['template_path'], params: { template_path: { type: 'string' } }, load: async () => remove },
  },
};
