// An OCI image reference as skopeo and `pct create` take it: registry/repository without tag or digest.
import { z } from 'zod';
import { show } from '../../config/problems/show.js';

/** distribution reference grammar, name part only (lower-case path components, optional registry host[:port]). */
const IMAGE = /^(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
/** A tag: pct's oci-registry-pull needs one, and digests are not accepted there (pve-cli.md §5). */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

export function imageName() {
  return z.string().superRefine((s, ctx) => {
    if (s.includes('@')) ctx.addIssue({ code: 'custom', message: `${show(s)}: give the image without a digest (PVE pulls by tag only)` });
    else if (/:[^/]*$/.test(s) && !/^[^/]+:[0-9]+\/.+/.test(s)) ctx.addIssue({ code: 'custom', message: `${show(s)}: give the tag in "tag:", not in the image name` });
    else if (!IMAGE.test(s)) ctx.addIssue({ code: 'custom', message: `${show(s)} is not an image name like "docker.io/library/nginx" or "ghcr.io/owner/repo"` });
  });
}

export function imageTag() {
  return z.string().superRefine((s, ctx) => {
    if (!TAG.test(s)) ctx.addIssue({ code: 'custom', message: `${show(s)} is not an image tag (letters, digits, "_", "." and "-", at most 128)` });
  });
}

/** `ghcr.io/x/y` stays, `vikunja/vikunja` → `docker.io/vikunja/vikunja`, `nginx` → `docker.io/library/nginx`. */
export function fullImageName(image: string): string {
  const first = image.split('/')[0] ?? '';
  const hasRegistry = image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (hasRegistry) return image;
  return image.includes('/') ? `docker.io/${image}` : `docker.io/library/${image}`;
}
