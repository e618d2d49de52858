// `oci pull`: digest by `skopeo inspect`, "up to date" when that digest's archive is cached, else `skopeo copy` to a temp name and rename.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { NotFoundError, PxError, RegistryAuthError, RegistryUnreachableError } from '../errors.js';
import { runPve } from '../host/pve-run.js';
import { parsePvesmPath, pvesmPath } from '../host/pvesm.js';
import { parseSkopeoInspect, runSkopeo, skopeoCopy, skopeoInspect, type RegistryCreds } from '../host/skopeo.js';
import { withAuthfile, type RegistryAuth } from './credentials.js';
import { readOciIndex, recordArchive, type OciArchive } from './index-file.js';
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
}

export interface PullResult {
  ref: string;
  digest: string;
  volid: string;
  path: string;
  size: number;
  outcome: 'pulled' | 'up-to-date';
}

async function sizeOf(file: string): Promise<number | undefined> {
  return (await stat(file).catch(() => undefined))?.size;
}

/** Errors a user can act on, with the flag that fixes them. */
function withPullHint(err: unknown): unknown {
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

export async function pullImage(ctx: Context, input: PullInput): Promise<PullResult> {
  const { target } = input;
  const storage = input.storage ?? DEFAULT_OCI_STORAGE;
  const tlsVerify = input.tlsVerify ?? target.tlsVerify;
  const name = archiveNameOf(target);
  const dest = await archivePath(ctx, storage, name);
  try {
    return await withAuthfile(ctx, registryOf(target.image), input.auth, async (authfile) => {
      const access = { ...(tlsVerify === undefined ? {} : { tlsVerify }), ...(authfile ? { authfile } : {}) };
      // Not read-only on purpose: under --dry-run the registry may be out of reach, and the plan shows the command instead.
      const inspected = await runSkopeo(ctx.effects, { ...skopeoInspect(target.ref, { ...access, noTags: true }), readOnly: false });
      const digest = await ctx.effects.afterApply(`read the digest of ${target.ref}`, async () => parseSkopeoInspect(inspected.stdout).digest, UNKNOWN_DIGEST);
      const known = (await readOciIndex(ctx.paths, ctx.effects)).find((a) => a.volid === dest.volid);
      const size = await sizeOf(dest.path);
      if (known && known.digest === digest && size !== undefined) {
        return { ref: target.ref, digest, volid: dest.volid, path: dest.path, size, outcome: 'up-to-date' as const };
      }
      // PVE's own pull writes `<name>.tmp.<pid>` and renames it: a failed copy leaves no archive under the real name.
      const tmp = path.join(path.dirname(dest.path), `${name}.tmp.${process.pid}`);
      ctx.report.info(`pulling ${target.ref} into ${dest.volid}`);
      try {
        await runSkopeo(ctx.effects, skopeoCopy(target.ref, tmp, { ...access, quiet: true }));
      } catch (err) {
        await ctx.effects.remove(tmp);
        throw err;
      }
      await ctx.effects.rename(tmp, dest.path);
      const bytes = await ctx.effects.afterApply(`read the size of ${dest.path}`, async () => (await sizeOf(dest.path)) ?? 0, 0);
      const entry: OciArchive = {
        ref: target.ref,
        image: target.image,
        ...(target.tag ? { tag: target.tag } : {}),
        digest,
        size: bytes,
        volid: dest.volid,
        storage,
        path: dest.path,
        pulled_at: ctx.clock.now().toISOString(),
      };
      await recordArchive(ctx.effects, ctx.paths, entry);
      return { ref: target.ref, digest, volid: dest.volid, path: dest.path, size: bytes, outcome: 'pulled' as const };
    });
  } catch (err) {
    throw err instanceof PxError ? withPullHint(err) : err;
  }
}
