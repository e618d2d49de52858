// `oci pull <package|image[:tag]|image@digest>`: a catalog name resolves to its package's image and tag, anything else is an image.
import type { Package } from '../catalog/schema.js';
import { UsageError } from '../errors.js';
import { looksLikePackageName, parseImageRef, type ImageRef } from './reference.js';

export function packageImageRef(pkg: Package, tag?: string): ImageRef {
  if (!pkg.oci) throw new UsageError(`package ${pkg.name} has no oci: section (it is not an OCI app)`);
  const ref = parseImageRef(`${pkg.oci.image}:${tag ?? pkg.oci.tag}`);
  return { ...ref, pkg: pkg.name, tlsVerify: pkg.oci.registry_tls };
}

export function resolvePullTarget(packages: readonly Package[], text: string): ImageRef {
  const pkg = looksLikePackageName(text) ? packages.find((p) => p.name === text) : undefined;
  return pkg ? packageImageRef(pkg) : parseImageRef(text);
}
