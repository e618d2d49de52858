// A component's release on the host: an artifact (path or URL, checksum verified here) or a git ref archived at its commit.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { ConfigError, ExitCode, NotFoundError, PxError } from '../errors.js';
import { gitArchive, gitCloneBare, gitResolveRef, isLocalRepo, parseCommit } from '../host/git.js';
import { fill, type AppModel, type ServiceName } from './app-model.js';
import type { InstanceConfig } from './config-schema.js';

export interface ResolvedSource {
  component: ServiceName;
  version: string;
  /** The archive on the host, ready for `pct push`. */
  file: string;
  format: 'tar' | 'zip';
  sha256?: string;
  commit?: string;
  /** A scratch file pxdeploy made (download or git archive), removed after the push. */
  scratch: boolean;
}

export interface VersionChoice {
  version?: string;
  ref?: string;
}

/** The version deployed for a component: --version, else the component's own, else the instance's, else the catalog's. */
export function versionOf(app: AppModel, config: InstanceConfig, svc: ServiceName, choice: VersionChoice): string {
  return choice.version ?? config.sources[svc]?.version ?? config.version ?? app.bg.version;
}

function checksumMismatch(file: string, want: string, got: string): PxError {
  return new PxError(`checksum mismatch for ${file}: expected sha256 ${want}, got ${got}`, ExitCode.other, 'the artifact is not the release it claims to be; nothing was deployed');
}

function sha256Of(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function readHost(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch {
    throw new NotFoundError(`${what} ${file} does not exist`, 'build or download it first (apps/notes/build.sh OUTDIR for the demo app)');
  }
}

/** The digest a `sha256sum`-format file gives for `name` (or its only line). */
export function digestFromSumFile(text: string, name: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const l of lines) {
    const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(l);
    if (m && path.basename(m[2]!) === name) return m[1];
  }
  const only = lines.length === 1 ? /^([0-9a-f]{64})\b/.exec(lines[0]!) : null;
  return only?.[1];
}

async function expectedDigest(location: string, version: string, o: { sha256?: string; sha256_file?: string; pkgSha?: string; pkgShaUrl?: string }): Promise<string> {
  if (o.sha256) return o.sha256;
  const name = path.basename(location);
  if (o.sha256_file) {
    const file = fill(o.sha256_file, { version });
    const d = digestFromSumFile((await readHost(file, 'checksum file')).toString('utf8'), name);
    if (!d) throw new PxError(`${file} has no sha256 for ${name}`, ExitCode.other);
    return d;
  }
  if (o.pkgShaUrl) {
    const res = await fetch(o.pkgShaUrl);
    if (!res.ok) throw new PxError(`cannot fetch ${o.pkgShaUrl}: HTTP ${res.status}`, ExitCode.other);
    const d = digestFromSumFile(await res.text(), name);
    if (!d) throw new PxError(`${o.pkgShaUrl} has no sha256 for ${name}`, ExitCode.other);
    return d;
  }
  if (o.pkgSha) return o.pkgSha;
  throw new ConfigError([{ path: 'sources', message: `no checksum for version ${version}: give sources.<component>.sha256_file (or sha256) in the instance config` }]);
}

export async function resolveSource(ctx: Context, app: AppModel, config: InstanceConfig, id: string, svc: ServiceName, choice: VersionChoice): Promise<ResolvedSource> {
  const spec = app.services.find((s) => s.name === svc)!.spec;
  const over = config.sources[svc];
  const version = versionOf(app, config, svc, choice);
  const git = over?.git ?? (over?.artifact ? undefined : spec.source.git);
  if (git) return resolveGit(ctx, id, svc, git.repo, choice.ref ?? fill(git.ref, { version }));

  const a = spec.source.artifact;
  const template = over?.artifact ?? a?.url ?? a?.path;
  if (!template) throw new ConfigError([{ path: `sources.${svc}`, message: 'the catalog gives no artifact for this component; set sources.<component>.artifact' }]);
  const location = fill(template, { version, arch: 'amd64' });
  const format: 'tar' | 'zip' = a?.format ?? (location.endsWith('.zip') ? 'zip' : 'tar');
  // The catalog's pinned digest covers its own default release only.
  const pkgSha = !over?.artifact && version === app.bg.version ? a?.sha256 : undefined;
  const pkgShaUrl = !over?.artifact && a?.sha256_url ? fill(a.sha256_url, { version, arch: 'amd64' }) : undefined;
  const want = await expectedDigest(location, version, { sha256: over?.sha256, sha256_file: over?.sha256_file, pkgSha, pkgShaUrl });

  if (location.startsWith('/')) {
    const got = sha256Of(await readHost(location, 'release artifact'));
    if (got !== want) throw checksumMismatch(location, want, got);
    return { component: svc, version, file: location, format, sha256: got, scratch: false };
  }
  const file = path.join(ctx.paths.scratchDir, `${id}-${svc}-${path.basename(new URL(location).pathname)}`);
  await ctx.effects.afterApply(`download ${location} and check its sha256`, async () => {
    const res = await fetch(location);
    if (!res.ok) throw new PxError(`cannot download ${location}: HTTP ${res.status}`, ExitCode.other);
    const bytes = new Uint8Array(await res.arrayBuffer());
    const got = sha256Of(bytes);
    if (got !== want) throw checksumMismatch(location, want, got);
    await ctx.effects.writeFile(file, bytes, { mode: 0o600 });
    return true;
  }, false);
  return { component: svc, version, file, format, sha256: want, scratch: true };
}

/** A git source's version is its ref (`v2`, `main`); the commit it resolved to is recorded next to it. */
async function resolveGit(ctx: Context, id: string, svc: ServiceName, repo: string, ref: string): Promise<ResolvedSource> {
  let gitDir = repo;
  if (!isLocalRepo(repo)) {
    gitDir = path.join(ctx.paths.scratchDir, `${id}-${svc}.git`);
    await ctx.effects.remove(gitDir);
    await ctx.effects.run(gitCloneBare(repo, gitDir));
  } else {
    gitDir = path.join(repo, '.git');
    if (!(await readFile(path.join(gitDir, 'HEAD')).then(() => true, () => false))) gitDir = repo;
  }
  const commit = await ctx.effects.afterApply(`resolve ${ref} in ${repo}`, async () => {
    const r = await ctx.effects.run(gitResolveRef(gitDir, ref), { allowFailure: true });
    const c = parseCommit(r.stdout);
    if (!c) throw new NotFoundError(`ref ${ref} not found in ${repo}`);
    return c;
  }, '(commit of ' + ref + ')');
  const file = path.join(ctx.paths.scratchDir, `${id}-${svc}-${commit.slice(0, 12)}.tar.gz`);
  await ctx.effects.mkdir(ctx.paths.scratchDir);
  await ctx.effects.run(gitArchive(gitDir, commit, file));
  return { component: svc, version: ref, file, format: 'tar', commit, scratch: true };
}
