// `oci pull`: digest by `skopeo inspect`, "up to date" when that digest's archive is cached, else `skopeo copy` to a temp name and rename.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { NotFoundError, PxError, RegistryAuthError, RegistryUnreachableError } from '../errors.js';
import { runPve } from '../host/pve-run.js';
import { parsePvesmPath, pvesmPath } from '../host/pvesm.js';
import { parseSkopeoInspect, runSkopeo, skopeoCopy, skopeoInspect, type RegistryCreds } from '../host/skopeo.js';
import { openAuthfile, type RegistryAuth } from './credentials.js';
import { readOciIndex, recordArchive, type OciArchive } from './index-file.js';
import { pinInUseArchive, type PinnedArchive } from './pin.js';
import { archiveNameOf, registryOf, type ImageRef } from './reference.js';

export const DEFAULT_OCI_STORAGE = 'local';
/** Shown under --dry-run where the registry's answer is not known yet. */
export const UNKNOWN_DIGEST = '(digest known after inspect)';

export interface PullInput {
  target: ImageRef;
  storage?: string;
  auth: RegistryAuth & { creds?: RegistryCreds };
  /** `--tls-verify=false`; else the package's setting; else skopeo's default (verify). */
  tlsVerify?: boolean;
  /** skopeo's progress output (a terminal, not --json); quiet otherwise. */
  progress?: boolean;
}

export interface PullResult {
  ref: string;
  digest: string;
  volid: string;
  path: string;
  size: number;
  outcome: 'pulled' | 'up-to-date';
  /** The archive this pull would have overwritten, kept under its digest's name because an app needs it. */
  pinned?: PinnedArchive;
}

/** What the registry and the template cache said, before anything is copied; holds the authfile open until `close()`. */
export interface PullSession {
  input: PullInput;
  storage: string;
  dest: { volid: string; path: string };
  digest: string;
  access: { tlsVerify?: boolean; authfile?: string };
  /** The index entry of the destination file, if any, and whether the file is there. */
  known?: OciArchive;
  cachedSize?: number;
  close(): Promise<void>;
}

async function sizeOf(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.size;
}

/** Errors a user can act on, with the flag that fixes them. */
function withPullHint(err: unknown): unknown {
  if (!(err instanceof PxError)) return err;
  if (err instanceof RegistryAuthError) err.hint = 'check --creds-file (one line "user:password") or --authfile';
  else if (err instanceof RegistryUnreachableError && /TLS|HTTPS|x509|certificate/.test(err.message)) err.hint = 'use --tls-verify=false for a plain-HTTP or self-signed registry';
  else if (err instanceof NotFoundError && !(err.hint ?? '').includes('tag')) err.hint = 'check the repository and tag (`skopeo list-tags docker://<repository>`)';
  return err;
}

/** The cache path PVE would give this archive on `storage` (`pvesm path local:vztmpl/app_1.0.tar`). */
export async function archivePath(ctx: Context, storage: string, name: string): Promise<{ volid: string; path: string }> {
  const volid = `${storage}:vztmpl/${name}`;
  return { volid, path: parsePvesmPath((await runPve(ctx.effects, pvesmPath(volid))).stdout) };
}

/**
 * The questions a pull asks, all at once: where the archive goes (`pvesm path`), which digest the
 * registry has (`skopeo inspect`), what the index and the cache hold. Nothing is changed yet except
 * the generated authfile, which the session keeps for the copy; `app install` runs this alongside preflight.
 */
export async function startPull(ctx: Context, input: PullInput): Promise<PullSession> {
  const { target } = input;
  const storage = input.storage ?? DEFAULT_OCI_STORAGE;
  const tlsVerify = input.tlsVerify ?? target.tlsVerify;
  const authfile = await openAuthfile(ctx, registryOf(target.image), input.auth);
  try {
    const access = { ...(tlsVerify === undefined ? {} : { tlsVerify }), ...(authfile.path ? { authfile: authfile.path } : {}) };
    const [dest, digest, index] = await Promise.all([
      archivePath(ctx, storage, archiveNameOf(target)),
      // Not read-only on purpose: under --dry-run the registry may be out of reach, and the plan shows the command instead.
      runSkopeo(ctx.effects, { ...skopeoInspect(target.ref, { ...access, noTags: true }), readOnly: false }).then((r) =>
        ctx.effects.afterApply(`read the digest of ${target.ref}`, async () => parseSkopeoInspect(r.stdout).digest, UNKNOWN_DIGEST),
      ),
      readOciIndex(ctx.paths, ctx.effects),
    ]);
    const known = index.find((a) => a.volid === dest.volid);
    const cachedSize = await sizeOf(dest.path);
    return { input, storage, dest, digest, access, ...(known ? { known } : {}), ...(cachedSize === undefined ? {} : { cachedSize }), close: () => authfile.close() };
  } catch (err) {
    await authfile.close();
    throw withPullHint(err);
  }
}

/** "Up to date", or copy to a temp name, rename, record. The authfile is removed as soon as the copy is done. */
export async function finishPull(ctx: Context, s: PullSession): Promise<PullResult> {
  const { target } = s.input;
  try {
    if (s.known && s.known.digest === s.digest && s.cachedSize !== undefined) {
      return { ref: target.ref, digest: s.digest, volid: s.dest.volid, path: s.dest.path, size: s.cachedSize, outcome: 'up-to-date' };
    }
    // PVE names the file per tag: a tag that moved to a new digest would overwrite an archive an app runs on or rolls back to.
    const pinned = s.known && s.cachedSize !== undefined ? await pinInUseArchive(ctx, s.known) : undefined;
    // PVE's own pull writes `<name>.tmp.<pid>` and renames it: a failed copy leaves no archive under the real name.
    const tmp = path.join(path.dirname(s.dest.path), `${path.basename(s.dest.path)}.tmp.${process.pid}`);
    ctx.report.info(`pulling ${target.ref} into ${s.dest.volid}`);
    try {
      await runSkopeo(ctx.effects, { ...skopeoCopy(target.ref, tmp, { ...s.access, quiet: !s.input.progress }), ...(s.input.progress ? { showOutput: true } : {}) });
    } catch (err) {
      await ctx.effects.remove(tmp);
      throw err;
    } finally {
      await s.close();
    }
    await ctx.effects.rename(tmp, s.dest.path);
    const bytes = await ctx.effects.afterApply(`read the size of ${s.dest.path}`, async () => (await sizeOf(s.dest.path)) ?? 0, 0);
    const entry: OciArchive = {
      ref: target.ref,
      image: target.image,
      ...(target.tag ? { tag: target.tag } : {}),
      digest: s.digest,
      size: bytes,
      volid: s.dest.volid,
      storage: s.storage,
      path: s.dest.path,
      pulled_at: ctx.clock.now().toISOString(),
    };
    await recordArchive(ctx.effects, ctx.paths, entry);
    return { ref: target.ref, digest: s.digest, volid: s.dest.volid, path: s.dest.path, size: bytes, outcome: 'pulled', ...(pinned ? { pinned } : {}) };
  } catch (err) {
    throw withPullHint(err);
  }
}

export async function pullImage(ctx: Context, input: PullInput): Promise<PullResult> {
  const session = await startPull(ctx, input);
  try {
    return await finishPull(ctx, session);
  } finally {
    await session.close();
  }
}
