// The appliance index pvesim's pveam serves: $PVESIM_ROOT/etc/pveam/available.tsv (section, template, sha256).
import fs from 'node:fs';
import { simPaths } from '../common/paths.js';

export interface AplEntry {
  section: string;
  template: string;
  sha256: string;
}

export function readIndex(): AplEntry[] | undefined {
  let raw: string;
  try {
    raw = fs.readFileSync(simPaths().pveamIndex, 'utf8');
  } catch {
    return undefined;
  }
  return raw
    .split('\n')
    .filter((l) => l.trim() && !l.startsWith('#'))
    .map((l) => {
      const [section = '', template = '', sha256 = ''] = l.split('\t');
      return { section: section.trim(), template: template.trim(), sha256: sha256.trim() };
    })
    .filter((e) => e.section && e.template);
}
