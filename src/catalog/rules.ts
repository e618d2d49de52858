// Cross-field rules of a package, checked on the schema's output (they assume every field has the right type).
import type { SpecPath } from '../config/problems/path.js';
import type { Package } from './schema.js';
import { placeholdersIn } from './schema/primitives.js';

export interface RuleProblem {
  path: SpecPath;
  message: string;
}

/** Placeholders each template may use; anything else is a typo that would reach the container verbatim. */
const SOURCE_PLACEHOLDERS = ['version', 'arch'];
const COMMAND_PLACEHOLDERS = ['bin', 'dir', 'file', 'port', 'backend_port', 'color', 'version', 'config', 'data'];

function unknownPlaceholders(value: string, allowed: readonly string[], path: SpecPath): RuleProblem[] {
  const bad = placeholdersIn(value).filter((p) => !allowed.includes(p));
  return bad.map((p) => ({ path, message: `unknown placeholder {${p}} (allowed here: ${allowed.map((a) => `{${a}}`).join(', ')})` }));
}

export function packageRules(pkg: Package): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (!pkg.oci && !pkg.bluegreen) out.push({ path: [], message: 'a package needs an "oci:" section, a "bluegreen:" section, or both' });
  if (pkg.oci) out.push(...ociRules(pkg.oci));
  if (pkg.bluegreen) out.push(...bluegreenRules(pkg.bluegreen));
  return out;
}

function ociRules(oci: NonNullable<Package['oci']>): RuleProblem[] {
  const out: RuleProblem[] = [];
  const seenPorts = new Map<string, number>();
  oci.ports.forEach((p, i) => {
    const key = `${p.port}/${p.protocol}`;
    const first = seenPorts.get(key);
    if (first !== undefined) out.push({ path: ['oci', 'ports', i, 'port'], message: `${key} is already listed at oci.ports[${first}]` });
    else seenPorts.set(key, i);
  });
  if (oci.health.type === 'http' && !oci.ports.some((p) => p.port === oci.health.port && p.protocol === 'tcp')) {
    out.push({ path: ['oci', 'health', 'port'], message: `${oci.health.port} is not one of the tcp ports in oci.ports` });
  }
  if (oci.health.type === 'http' && oci.health.path === undefined) out.push({ path: ['oci', 'health', 'path'], message: 'required for an http check (or set type: tcp)' });
  if (oci.health.type === 'tcp' && oci.health.path !== undefined) out.push({ path: ['oci', 'health', 'path'], message: 'a tcp check has no path (remove it or set type: http)' });

  for (const [name, v] of Object.entries(oci.env)) {
    const at = ['oci', 'env', name];
    if (v.required && v.default !== undefined) out.push({ path: [...at, 'default'], message: 'a required variable has no default (remove one of them)' });
    if (v.generate && !v.secret) out.push({ path: [...at, 'generate'], message: 'only secrets are generated (add secret: true)' });
    if (v.generate && (v.required || v.default !== undefined)) out.push({ path: [...at, 'generate'], message: 'a generated secret is neither required nor given a default' });
  }

  const names = new Map<string, number>();
  const paths = new Map<string, number>();
  oci.volumes.forEach((v, i) => {
    const n = names.get(v.name);
    if (n !== undefined) out.push({ path: ['oci', 'volumes', i, 'name'], message: `"${v.name}" is already used by oci.volumes[${n}]` });
    else names.set(v.name, i);
    const p = paths.get(v.path);
    if (p !== undefined) out.push({ path: ['oci', 'volumes', i, 'path'], message: `${v.path} is already mounted by oci.volumes[${p}]` });
    else paths.set(v.path, i);
  });

  oci.traps.forEach((t, i) => {
    if (t.kind === 'volume_owner' && !names.has(t.volume)) out.push({ path: ['oci', 'traps', i, 'volume'], message: `no volume named "${t.volume}" in oci.volumes` });
    if (t.kind === 'requires_service') {
      t.env.forEach((e, j) => {
        if (!(e in oci.env)) out.push({ path: ['oci', 'traps', i, 'env', j], message: `${e} is not declared in oci.env` });
      });
    }
  });
  return out;
}

function bluegreenRules(bg: NonNullable<Package['bluegreen']>): RuleProblem[] {
  const out: RuleProblem[] = [];
  if (!bg.database.supported.includes(bg.database.default)) {
    out.push({ path: ['bluegreen', 'database', 'default'], message: `"${bg.database.default}" is not in bluegreen.database.supported` });
  }
  if (bg.database.supported.includes('sqlite') && bg.database.sqlite_path === undefined) {
    out.push({ path: ['bluegreen', 'database', 'sqlite_path'], message: 'required when sqlite is supported' });
  }

  if (bg.components.backend.optional) out.push({ path: ['bluegreen', 'components', 'backend', 'optional'], message: 'the backend is what the app is: only the mcp component can be optional' });
  const used = new Map<number, string>();
  const claim = (port: number, where: SpecPath, label: string): void => {
    const prev = used.get(port);
    if (prev !== undefined) out.push({ path: where, message: `port ${port} is already used by ${prev}` });
    else used.set(port, label);
  };
  const services = [['backend', bg.components.backend], ['mcp', bg.components.mcp]] as const;
  for (const [name, c] of services) {
    if (!c) continue;
    const base = ['bluegreen', 'components', name];
    claim(c.ports.blue, [...base, 'ports', 'blue'], `${name} blue`);
    claim(c.ports.green, [...base, 'ports', 'green'], `${name} green`);
    const src = c.source;
    if ((src.artifact ? 1 : 0) + (src.git ? 1 : 0) !== 1) out.push({ path: [...base, 'source'], message: 'give exactly one of "artifact:" or "git:"' });
    if (src.artifact) {
      const a = src.artifact;
      const at = [...base, 'source', 'artifact'];
      if ((a.url ? 1 : 0) + (a.path ? 1 : 0) !== 1) out.push({ path: at, message: 'give exactly one of "url:" or "path:"' });
      if (!a.sha256 && !a.sha256_url && !a.sha256_member) out.push({ path: at, message: 'needs a checksum: sha256, sha256_url or sha256_member (unverified downloads are refused)' });
      if (a.sha256 && a.url?.includes('{version}')) out.push({ path: [...at, 'sha256'], message: 'a pinned sha256 cannot match every {version}; use sha256_url or sha256_member' });
      for (const key of ['url', 'sha256_url', 'sha256_member', 'binary'] as const) {
        const v = a[key];
        if (v !== undefined) out.push(...unknownPlaceholders(v, SOURCE_PLACEHOLDERS, [...at, key]));
      }
    }
    if (src.git) out.push(...unknownPlaceholders(src.git.ref, SOURCE_PLACEHOLDERS, [...base, 'source', 'git', 'ref']));
    c.build.forEach((cmd, i) => out.push(...unknownPlaceholders(cmd, COMMAND_PLACEHOLDERS, [...base, 'build', i])));
    out.push(...unknownPlaceholders(c.run, COMMAND_PLACEHOLDERS, [...base, 'run']));
    for (const [k, v] of Object.entries(c.env)) out.push(...unknownPlaceholders(v, COMMAND_PLACEHOLDERS, [...base, 'env', k]));
  }
  const fe = bg.components.frontend;
  if (fe) {
    claim(fe.ports.http, ['bluegreen', 'components', 'frontend', 'ports', 'http'], 'frontend http');
    claim(fe.ports.https, ['bluegreen', 'components', 'frontend', 'ports', 'https'], 'frontend https');
    if (fe.mcp_prefix !== undefined && !bg.components.mcp) out.push({ path: ['bluegreen', 'components', 'frontend', 'mcp_prefix'], message: 'there is no mcp component to route to' });
  }
  if (bg.migrations.command) out.push(...unknownPlaceholders(bg.migrations.command, COMMAND_PLACEHOLDERS, ['bluegreen', 'migrations', 'command']));
  for (const key of ['dump', 'restore'] as const) {
    const v = bg.backup[key];
    if (v !== undefined) out.push(...unknownPlaceholders(v, COMMAND_PLACEHOLDERS, ['bluegreen', 'backup', key]));
  }
  if (!bg.backup.dump && bg.backup.paths.length === 0) out.push({ path: ['bluegreen', 'backup'], message: 'say how to back up: "dump:" or "paths:"' });
  if (bg.config.template.startsWith('/') || bg.config.template.split('/').includes('..')) {
    out.push({ path: ['bluegreen', 'config', 'template'], message: 'must be a path inside the packages directory (relative, no "..")' });
  }
  return out;
}
