// Normalise option values before they are stored (net MACs, tags, DNS lists, env) as update_pct_config does.
import type { CtSection } from './conffile.js';
import { checkConfigValue } from './conffile.js';
import { normalizeNet } from './network.js';
import { parsePropertyString, printPropertyString } from '../common/schema.js';
import { devFormat } from './options.js';

/** Stored form of one option value given on the command line. */
export function normalizeOptionValue(key: string, value: string): string {
  if (/^net\d+$/.test(key)) return normalizeNet(value);
  // devN: printed path first, then the other keys sorted (`dev0: /dev/ttyUSB0,gid=20,mode=0660`)
  if (/^dev\d+$/.test(key)) return printPropertyString(parsePropertyString(devFormat, checkConfigValue(key, value)), devFormat);
  if (key === 'tags') {
    const tags = [...new Set(value.split(/[;,\s]+/).filter(Boolean).map((t) => t.toLowerCase()))].sort();
    return tags.join(';');
  }
  if (key === 'nameserver' || key === 'searchdomain') return value.split(/[;,\s]+/).filter(Boolean).join(' ');
  return checkConfigValue(key, value);
}

/** `env` (NUL separated NAME=value list) replaces the section's `lxc.environment.runtime` entries, which come first. */
export function applyEnv(section: CtSection, env: string | undefined): void {
  const rest = section.lxc.filter(([k]) => k !== 'lxc.environment.runtime');
  const vars = env === undefined ? [] : env.split('\0').filter(Boolean).map((v): [string, string] => ['lxc.environment.runtime', v]);
  section.lxc = [...vars, ...rest];
}

/** Set (or replace) single-valued raw lxc entries, keeping their place when they exist. */
export function setLxcEntry(section: CtSection, key: string, value: string): void {
  const idx = section.lxc.findIndex(([k]) => k === key);
  if (idx >= 0) section.lxc[idx] = [key, value];
  else section.lxc.push([key, value]);
}
