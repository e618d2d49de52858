// `pct config` (sorted keys, description URL-escaped, raw lxc.* last) and `pct pending` (cur/new/del lines).
import type { Handler } from '../common/cli.js';
import { PveError, ParamError } from '../common/errors.js';
import { encodeText, type CtSection } from '../ct/conffile.js';
import { mergedSection, pendingDeletes } from '../ct/pending.js';
import { loadConfig } from '../ct/store.js';

export function printSection(section: CtSection): string {
  const values: Record<string, string> = { ...section.props };
  if (section.description !== undefined) values.description = encodeText(section.description);
  let out = '';
  for (const key of Object.keys(values).sort()) {
    if (key === 'digest') continue;
    out += `${key}: ${values[key]}\n`;
  }
  for (const [k, v] of section.lxc) out += `${k}: ${v}\n`;
  return out;
}

export const config: Handler = ({ params }) => {
  const vmid = Number(params.vmid);
  if (params.snapshot !== undefined && params.current === '1') {
    const msg = "cannot use 'snapshot' parameter with 'current'";
    throw new ParamError({ snapshot: msg, current: msg });
  }
  const conf = loadConfig(vmid);
  let section: CtSection;
  if (params.snapshot !== undefined) {
    const snap = conf.snapshots[params.snapshot];
    if (!snap) throw new PveError(`snapshot '${params.snapshot}' does not exist\n`);
    section = snap;
  } else {
    section = params.current === '1' ? conf : mergedSection(conf);
  }
  process.stdout.write(printSection(section));
};

export const pending: Handler = ({ params }) => {
  const conf = loadConfig(Number(params.vmid));
  const deletes = new Set(pendingDeletes(conf));
  const cur: Record<string, string> = { ...conf.props };
  const next: Record<string, string> = { ...conf.pending.props };
  delete next.delete;
  if (conf.description !== undefined) cur.description = encodeText(conf.description);
  if (conf.pending.description !== undefined) next.description = encodeText(conf.pending.description);
  let out = '';
  for (const key of [...new Set([...Object.keys(cur), ...Object.keys(next), ...deletes])].sort()) {
    if (key === 'digest') continue;
    const v = cur[key];
    const p = next[key];
    if (v !== undefined) {
      if (deletes.has(key)) out += `del ${key}: ${v}\n`;
      else if (p !== undefined) out += `cur ${key}: ${v}\nnew ${key}: ${p}\n`;
      else out += `cur ${key}: ${v}\n`;
    } else if (p !== undefined) {
      out += `new ${key}: ${p}\n`;
    }
  }
  process.stdout.write(out);
};
