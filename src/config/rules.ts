// Cross-field rules of a container spec, checked on the raw document so they report alongside schema problems.
//
// They read the parsed YAML, not zod's output, because zod skips refinements of any object with a
// problem inside it; one bad field must not hide an unrelated rule. Each rule therefore checks the
// types it relies on and stays silent when they are wrong (the schema reports those).
import type { SpecPath } from './problems/path.js';
import { formatPath } from './problems/path.js';
import { normalizeAbsolutePath } from './schema/primitives.js';
import { parseCidr4 } from './schema/net.js';

export interface RuleProblem {
  path: SpecPath;
  message: string;
}

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** Report the second and later items of `items` sharing a key (as returned by `keyOf`; undefined keys are ignored). */
function duplicates(
  items: unknown[],
  base: SpecPath,
  field: string,
  keyOf: (item: Obj) => string | undefined,
  describe: (key: string) => string,
): RuleProblem[] {
  const first = new Map<string, number>();
  const out: RuleProblem[] = [];
  items.forEach((raw, i) => {
    const item = obj(raw);
    const key = item ? keyOf(item) : undefined;
    if (key === undefined) return;
    const seen = first.get(key);
    if (seen === undefined) first.set(key, i);
    else out.push({ path: [...base, i, field], message: `${describe(key)} is already used by ${formatPath([...base, seen])}` });
  });
  return out;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function containerRules(ct: Obj): RuleProblem[] {
  const out: RuleProblem[] = [];
  const base = ['container'];

  const features = obj(ct['features']);
  if (features?.['keyctl'] === true && ct['unprivileged'] === false) {
    out.push({ path: [...base, 'features', 'keyctl'], message: 'keyctl is only available for unprivileged containers (container.unprivileged is false)' });
  }

  const net = obj(ct['network']);
  if (net) {
    const ip = net['ip'] ?? 'dhcp';
    if (net['gateway'] !== undefined && ip === 'dhcp') {
      // An error rather than a warning: pct would write gw= next to ip=dhcp and the DHCP lease overrides it,
      // so the line does nothing but suggest a static setup that is not there.
      out.push({ path: [...base, 'network', 'gateway'], message: 'a gateway needs a static ip (ip is "dhcp", which brings its own gateway): remove gateway or set ip to an address/prefix' });
    }
    if (typeof ip === 'string' && typeof net['gateway'] === 'string') {
      const c = parseCidr4(ip);
      if (!('error' in c) && c.address === net['gateway']) {
        out.push({ path: [...base, 'network', 'gateway'], message: `the gateway ${net['gateway']} is the container's own address` });
      }
    }
    const ip6 = net['ip6'];
    if (net['gw6'] !== undefined && (ip6 === undefined || ip6 === 'dhcp' || ip6 === 'auto')) {
      out.push({ path: [...base, 'network', 'gw6'], message: `gw6 needs a static ip6 (ip6 is ${ip6 === undefined ? 'not set' : JSON.stringify(ip6)})` });
    }
  }

  const mounts = list(ct['mount_points']);
  const mpBase = [...base, 'mount_points'];
  out.push(...duplicates(mounts, mpBase, 'id', (m) => str(m['id']), (id) => `mount point id "${id}"`));
  out.push(
    ...duplicates(mounts, mpBase, 'container', (m) => (typeof m['container'] === 'string' ? normalizeAbsolutePath(m['container']) : undefined), (p) => `container path ${p}`),
  );
  mounts.forEach((raw, i) => {
    const m = obj(raw);
    if (!m) return;
    const path = [...mpBase, i];
    const hasHost = m['host'] !== undefined;
    const hasStorage = m['storage'] !== undefined;
    if (hasHost && hasStorage) out.push({ path: [...path, 'storage'], message: 'give either host (bind mount a host directory) or storage (new volume), not both' });
    else if (!hasHost && !hasStorage) out.push({ path: [...path, 'host'], message: 'required: host (a host directory to bind mount) or storage (a storage for a new volume, with size)' });
    else if (hasStorage && m['size'] === undefined) out.push({ path: [...path, 'size'], message: 'required for a storage volume (e.g. "10G")' });
    else if (hasHost && m['size'] !== undefined) out.push({ path: [...path, 'size'], message: 'only applies to a storage volume; a bind mount of a host directory has no size' });
  });

  const devices = list(ct['devices']);
  const devBase = [...base, 'devices'];
  out.push(...duplicates(devices, devBase, 'path', (d) => str(d['path']), (p) => `device ${p}`));
  devices.forEach((raw, i) => {
    const d = obj(raw);
    if (!d) return;
    if ((d['major'] === undefined) !== (d['minor'] === undefined)) {
      const missing = d['major'] === undefined ? 'major' : 'minor';
      out.push({ path: [...devBase, i, missing], message: `required when ${missing === 'major' ? 'minor' : 'major'} is given (give both or neither)` });
    }
  });
  return out;
}

function provisioningRules(prov: Obj, ct: Obj | undefined): RuleProblem[] {
  const out: RuleProblem[] = [];
  const base = ['provisioning'];
  if (prov['docker'] === true && obj(ct?.['features'])?.['nesting'] !== true) {
    out.push({ path: [...base, 'docker'], message: 'Docker inside a container needs container.features.nesting: true' });
  }
  out.push(...duplicates(list(prov['scripts']), [...base, 'scripts'], 'name', (s) => str(s['name']), (n) => `script name "${n}"`));
  const users = list(prov['users']);
  out.push(...duplicates(users, [...base, 'users'], 'username', (u) => str(u['username']), (n) => `username "${n}"`));
  out.push(...duplicates(users, [...base, 'users'], 'uid', (u) => (typeof u['uid'] === 'number' ? String(u['uid']) : undefined), (n) => `uid ${n}`));
  return out;
}

/** Every cross-field problem of a container spec document (as parsed from YAML, before the schema). */
export function containerSpecRules(doc: unknown): RuleProblem[] {
  const root = obj(doc);
  if (!root) return [];
  const ct = obj(root['container']);
  const prov = obj(root['provisioning']);
  return [...(ct ? containerRules(ct) : []), ...(prov ? provisioningRules(prov, ct) : [])];
}
