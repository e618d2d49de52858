// An app's own OCI archive: the pulled one with env (and a numeric User) written into the image config, so PVE applies them at create.
//
// Why this way: PVE keeps a CT's env as ONE NUL-separated `env` property, and a NUL cannot pass through
// argv, so `pct set --env` carries one variable only; `pct create --env/--entrypoint` are overridden by
// the image's own values (pve-cli.md §5). The image config is where PVE itself reads env from, and every
// variable of it arrives as its own `lxc.environment.runtime` line. Only index.json, the manifest and the
// config change; the layer blobs are carried over unchanged.
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Context } from '../context.js';
import { UnexpectedOutputError } from '../errors.js';
import { parseSkopeoConfig, type OciImageConfig } from '../host/skopeo.js';
import { tarCreate, tarExtract } from './archive-commands.js';
import { withTarReader } from './tar-members.js';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

export interface ImageChanges {
  /** The app's variables; merged over the image's own (the app wins). */
  env: Record<string, string>;
  /** `uid:gid`, numeric, for images whose User PVE cannot resolve (no /etc/passwd). */
  user?: string;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

function blobMember(digest: string): string {
  return `blobs/${digest.replace(':', '/')}`;
}

function sha256(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

function json<T>(what: string, text: string): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new UnexpectedOutputError('tar', `${what} in the OCI archive is not JSON`, text.slice(0, 200));
  }
}

export interface ArchiveImage {
  index: { manifests?: Descriptor[] } & Record<string, unknown>;
  manifest: { config: Descriptor; layers: Descriptor[] } & Record<string, unknown>;
  /** The raw config document (kept whole: only Env and User are replaced). */
  rawConfig: Record<string, unknown> & { config?: Record<string, unknown> };
  config: OciImageConfig;
}

/** The image inside an OCI archive, read the way PVE does: the first image manifest of index.json (in-process: no child per member). */
export async function readArchiveImage(archive: string): Promise<ArchiveImage> {
  return withTarReader(archive, async (readMember) => {
    const read = async (member: string) => {
      const text = await readMember(member);
      if (text === undefined) throw new UnexpectedOutputError('tar', `${member} is missing from the OCI archive ${archive}`, '');
      return text;
    };
    const index = json<ArchiveImage['index']>('index.json', await read('index.json'));
    const desc = (index.manifests ?? []).find((d) => d.mediaType === MANIFEST);
    if (!desc) throw new UnexpectedOutputError('tar', `no image manifest in ${archive}'s index.json (a multi-arch index PVE cannot use?)`, JSON.stringify(index).slice(0, 200));
    const manifest = json<ArchiveImage['manifest']>('the manifest', await read(blobMember(desc.digest)));
    const configText = await read(blobMember(manifest.config.digest));
    return { index, manifest, rawConfig: json('the image config', configText), config: parseSkopeoConfig(configText) };
  });
}

/** True when the image's own config already says what the app needs: then the pulled archive is used as it is. */
export function imageNeedsChanges(img: ArchiveImage, changes: ImageChanges): boolean {
  const merged = Object.entries(mergeEnv(img.config.env, changes.env)).map(([k, v]) => `${k}=${v}`);
  const same = merged.length === img.config.env.length && merged.every((e, i) => e === img.config.env[i]);
  return !same || (changes.user !== undefined && img.rawConfig.config?.['User'] !== changes.user);
}

/** `A=1` entries of the image and the app's values merged: the app wins, the image's order is kept, new ones follow. */
export function mergeEnv(image: readonly string[], app: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of image) {
    const eq = e.indexOf('=');
    if (eq > 0) out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return { ...out, ...app };
}

/** The three documents of the derived image; digests of the new config and manifest. */
export function derivedDocuments(img: ArchiveImage, changes: ImageChanges): { files: Record<string, string>; manifestDigest: string } {
  const config = { ...img.rawConfig, config: { ...(img.rawConfig.config ?? {}), Env: Object.entries(mergeEnv(img.config.env, changes.env)).map(([k, v]) => `${k}=${v}`), ...(changes.user ? { User: changes.user } : {}) } };
  const configText = JSON.stringify(config);
  const configDigest = sha256(configText);
  const manifest = { ...img.manifest, config: { ...img.manifest.config, digest: configDigest, size: Buffer.byteLength(configText) } };
  const manifestText = JSON.stringify(manifest);
  const manifestDigest = sha256(manifestText);
  const desc = (img.index.manifests ?? []).find((d) => d.mediaType === MANIFEST)!;
  const index = { ...img.index, manifests: [{ ...desc, digest: manifestDigest, size: Buffer.byteLength(manifestText) }] };
  return {
    files: { [blobMember(configDigest)]: configText, [blobMember(manifestDigest)]: manifestText, 'index.json': JSON.stringify(index) },
    manifestDigest,
  };
}

/**
 * The archive `pct create` gets: the pulled one when nothing needs to change, else `<scratch>/<name>.tar`,
 * a copy whose index.json names a new manifest with the new config. The caller removes a `temporary`
 * one after `pct create` (it holds the app's env, secrets included: 0600 dir).
 */
export interface DerivedArchive {
  path: string;
  temporary: boolean;
  /** What `pct config` must show after create: the env, and the entrypoint PVE makes of Entrypoint + Cmd. */
  expected: { env: Record<string, string>; entrypoint?: string };
}

/** String::ShellQuote for one word, as pve-container quotes the entrypoint. */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (/^[\w!%+,\-./:=@^]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function entrypointOf(c: OciImageConfig): string | undefined {
  const cmd = [...c.entrypoint, ...c.cmd];
  return cmd.length > 0 && cmd[0] !== '/sbin/init' ? cmd.map(shellQuote).join(' ') : undefined;
}

/** `outDir`: a storage's template cache, for a CT made on another node (which sees storages, not this host's scratch). */
export async function deriveAppArchive(ctx: Context, archive: string, name: string, changes: ImageChanges, outDir?: string): Promise<DerivedArchive> {
  const img = await ctx.effects.afterApply(`read the image config in ${archive}`, () => readArchiveImage(archive), undefined);
  const entrypoint = img ? entrypointOf(img.config) : undefined;
  const expected = { env: img ? mergeEnv(img.config.env, changes.env) : changes.env, ...(entrypoint ? { entrypoint } : {}) };
  if (img && !imageNeedsChanges(img, changes)) return { path: archive, temporary: false, expected };
  const work = path.join(ctx.paths.scratchDir, `derive-${name}`);
  const out = outDir === undefined ? path.join(ctx.paths.scratchDir, `${name}.tar`) : path.join(outDir, `pxdeploy-app-${name}.tar`);
  await ctx.effects.remove(work);
  await ctx.effects.mkdir(work, { mode: 0o700 });
  const docs = img ? derivedDocuments(img, changes) : { files: { 'index.json': '(known after pull)' }, manifestDigest: '' };
  await ctx.effects.run(tarExtract(archive, work));
  // The old manifest and config blobs stay (unreferenced, a few hundred bytes); index.json is replaced.
  for (const [member, text] of Object.entries(docs.files)) await ctx.effects.writeFile(path.join(work, member), text, { mode: 0o600 });
  // Made 0600 first: tar keeps an existing file's mode, and a shared template cache is world-readable.
  if (outDir !== undefined) await ctx.effects.writeFile(out, '', { mode: 0o600 });
  await ctx.effects.run(tarCreate(out, work, ['oci-layout', 'index.json', 'blobs']));
  await ctx.effects.remove(work);
  return { path: out, temporary: true, expected };
}
