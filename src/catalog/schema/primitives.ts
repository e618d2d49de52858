// Small value schemas shared by the catalog: package names, ports, env names, URLs, sha256 and `{placeholder}` templates.
import { z } from 'zod';
import { intBetween, matching } from '../../config/schema/primitives.js';
import { show } from '../../config/problems/show.js';

/** A package name is also a file name and the prefix of instance ids (`vikunja` → `vikunja-main`). */
export const PACKAGE_NAME = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export function packageName() {
  return matching(PACKAGE_NAME, 'is not a package name: lower-case letters, digits and "-" (not first or last), at most 63 characters');
}

export const port = () => intBetween(1, 65535);

export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function envName() {
  return matching(ENV_NAME, 'is not an environment variable name: letters, digits and "_", not starting with a digit');
}

export function httpUrl() {
  return z.string().superRefine((s, ctx) => {
    let ok = false;
    try {
      const u = new URL(s.replace(/\{[a-z_]+\}/g, 'x'));
      ok = u.protocol === 'http:' || u.protocol === 'https:';
    } catch {
      ok = false;
    }
    if (!ok) ctx.addIssue({ code: 'custom', message: `${show(s)} is not an http(s) URL` });
  });
}

export function sha256() {
  return matching(/^[0-9a-f]{64}$/, 'is not a sha256 digest (64 lower-case hex digits)');
}

/** Non-empty single-line text (descriptions, reasons). */
export function text() {
  return z.string().trim().min(1);
}

/** Absolute path inside a container, as config/ accepts them (no `.`/`..`). */
export { absolutePath } from '../../config/schema/primitives.js';

/** `{name}` placeholders in a template string, in order of appearance. */
export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1] ?? '');
}
