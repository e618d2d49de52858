// What `oci pull` was asked for: a catalog package or an image reference, resolved to image, tag or digest, and PVE's archive name.
import { fullImageName } from '../catalog/schema/oci-image.js';
import { UsageError } from '../errors.js';
import { pveOciArchiveName } from '../host/skopeo.js';

export interface ImageRef {
  /** Full image name without tag or digest (`docker.io/jellyfin/jellyfin`). */
  image: string;
  tag?: string;
  digest?: string;
  /** `image:tag` or `image@digest`: what skopeo is given (without transport). */
  ref: string;
  /** The catalog package it came from, if any. */
  pkg?: string;
  /** From the package: false for a plain-HTTP registry. */
  tlsVerify?: boolean;
}

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** `nginx`, `nginx:1.27`, `ghcr.io/a/b@sha256:…`, `127.0.0.1:5000/demo/app:1.0`; a bare image means `:latest`. */
export function parseImageRef(text: string): ImageRef {
  const t = text.replace(/^docker:\/\//, '');
  if (t === '' || /\s/.test(t)) throw new UsageError(`invalid image reference ${JSON.stringify(text)}`);
  const at = t.indexOf('@');
  if (at >= 0) {
    const digest = t.slice(at + 1);
    if (!DIGEST.test(digest)) throw new UsageError(`invalid digest in ${JSON.stringify(text)}: expected sha256:<64 hex>`);
    const image = fullImageName(t.slice(0, at));
    return { image, digest, ref: `${image}@${digest}` };
  }
  const lastSlash = t.lastIndexOf('/');
  const colon = t.indexOf(':', lastSlash + 1);
  const name = colon >= 0 ? t.slice(0, colon) : t;
  const tag = colon >= 0 ? t.slice(colon + 1) : 'latest';
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) throw new UsageError(`invalid tag ${JSON.stringify(tag)} in ${JSON.stringify(text)}`);
  if (!/^[a-z0-9]/.test(name.slice(lastSlash + 1))) throw new UsageError(`invalid image name in ${JSON.stringify(text)}`);
  const image = fullImageName(name);
  return { image, tag, ref: `${image}:${tag}` };
}

/** A word without `/`, `:` or `@` is a catalog name when such a package exists; anything else is an image. */
export function looksLikePackageName(text: string): boolean {
  return /^[a-z][a-z0-9-]*$/.test(text);
}

/** PVE 9.1's file name for a pull of this reference (pve-cli.md §5): `app_1.0.tar`. */
export function archiveNameOf(ref: ImageRef): string {
  return pveOciArchiveName(ref.ref);
}

/** The registry host part of a full image name (`docker.io`, `127.0.0.1:5000`): the key of an auth.json entry. */
export function registryOf(image: string): string {
  return image.split('/')[0]!;
}
