// A component's release on the host: an artifact (path or URL, checksum verified here) or a git ref archived at its commit.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { ConfigError, ExitCode, NotFoundError, PxError } from '../errors.js';
import { gitArchive, gitCloneBare, gitResolveRef, isLocalRepo, parseCommit } from '../host/git.js';
import { fill, type AppModel, type ServiceName } from './app-model.js';
import type { InstanceConfig } from './config-schema.js';
import { zipEntries, zipFind, zipRead } from './zip.js';

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

/** The digest a `sha256sum`-format file gives for `name` (or its only line, when that is a bare digest). */
export function digestFromSumFile(text: string, name: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const l of lines) {
    const m = /^([0-9a-f]{64})\s+\*?(.+)$/.exec(l);
    if (m && path.basename(m[2]!) === name) return m[1];
  }
  // A lone bare digest covers whatever file it sits next to; a line naming another file never does.
  const only = lines.length === 1 ? /^([0-9a-f]{64})$/.exec(lines[0]!) : null;
  return only?.[1];
}

async function expectedDigest(location: string, version: string, o: { sha256?: string; sha256_file?: string; pkgSha?: string; pkgShaUrl?: string; member?: boolean }): Promise<string | undefined> {
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
  // The release carries its own checksum (a `.sha256` member covering the binary): checked once the zip is read.
  if (o.member) return undefined;
  throw new ConfigError([{ path: 'sources', message: `no checksum for version ${version}: give sources.<component>.sha256_file (or sha256) in the instance config` }]);
}

/** The zip member a catalog artifact names (`sha256_member`, `binary`), placeholders filled. */
interface MemberCheck {
  member: string;
  binary: string;
}

/**
 * A release zip that carries its own checksum (Vikunja: `<binary>.sha256` next to the binary): the digest the
 * member gives for the binary must be the binary's. Returns the binary's digest.
 */
export function verifyZipMember(zip: Buffer, what: string, check: MemberCheck): string {
  const entries = zipEntries(zip, what);
  const member = (name: string, role: string) => {
    const e = zipFind(entries, name);
    if (e) return e;
    const elsewhere = entries.find((x) => path.posix.basename(x.name) === path.posix.basename(name));
    throw new PxError(
      elsewhere ? `${what}: ${role} ${name} is at ${elsewhere.name}, not at the archive root` : `${what} has no ${role} ${name}`,
      ExitCode.other,
      'the archive is not laid out as the catalog describes; nothing was deployed',
    );
  };
  const sums = member(check.member, 'checksum member');
  const bin = member(check.binary, 'binary');
  const want = digestFromSumFile(zipRead(zip, sums, what).toString('utf8'), path.posix.basename(check.binary));
  if (!want) throw new PxError(`${check.member} in ${what} has no sha256 for ${check.binary}`, ExitCode.other, 'the archive is not the release it claims to be; nothing was deployed');
  const got = sha256Of(zipRead(zip, bin, what));
  if (got !== want) throw checksumMismatch(`${check.binary} in ${what}`, want, got);
  return got;
}

/** Every check the artifact has: the whole file against `want`, and the binary against the zip's own checksum member. */
function verifyArtifact(bytes: Buffer, location: string, want: string | undefined, check: MemberCheck | undefined): string {
  const got = sha256Of(bytes);
  if (want !== undefined && got !== want) throw checksumMismatch(location, want, got);
  if (check) verifyZipMember(bytes, location, check);
  return got;
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
  const values = { version, arch: app.bg.arch.amd64 ?? 'amd64' };
  const location = fill(template, values);
  const format: 'tar' | 'zip' = a?.format ?? (location.endsWith('.zip') ? 'zip' : 'tar');
  // The catalog's layout (checksum member, binary) describes the release whichever URL or path it comes from.
  const member = over?.sha256_member ?? a?.sha256_member;
  const check = format === 'zip' && member && a?.binary ? { member: fill(member, values), binary: fill(a.binary, values) } : undefined;
  // The catalog's pinned digest covers its own default release only.
  const pkgSha = !over?.artifact && version === app.bg.version ? a?.sha256 : undefined;
  const pkgShaUrl = !over?.artifact && a?.sha256_url ? fill(a.sha256_url, values) : undefined;
  const want = await expectedDigest(location, version, { sha256: over?.sha256, sha256_file: over?.sha256_file, pkgSha, pkgShaUrl, member: check !== undefined });

  if (location.startsWith('/')) {
    const got = verifyArtifact(await readHost(location, 'release artifact'), location, want, check);
    return { component: svc, version, file: location, format, sha256: got, scratch: false };
  }
  const file = path.join(ctx.paths.scratchDir, `${id}-${svc}-${path.basename(new URL(location).pathname)}`);
  const got = await ctx.effects.afterApply(`download ${location} and check its sha256`, async () => {
    const res = await fetch(location).catch((err: Error) => {
      throw new PxError(`cannot download ${location}: ${err.cause instanceof Error ? err.cause.message : err.message}`, ExitCode.other);
    });
    if (!res.ok) throw new PxError(`cannot download ${location}: HTTP ${res.status}`, ExitCode.other);
    const bytes = Buffer.from(await res.arrayBuffer());
    const digest = verifyArtifact(bytes, location, want, check);
    await ctx.effects.writeFile(file, bytes, { mode: 0o600 });
    return digest;
  }, want);
  return { component: svc, version, file, format, ...(got ? { sha256: got } : {}), scratch: true };
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
