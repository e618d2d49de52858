// Building blocks shared by the spec schemas: ranged integers, names, paths — each with its own human message.
import { z } from 'zod';
import { show } from '../problems/show.js';

/** Whole number in [min, max]; out of range says both bounds and the value given. */
export function intBetween(min: number, max: number) {
  return z
    .number()
    .int()
    .superRefine((n, ctx) => {
      if (n < min || n > max) ctx.addIssue({ code: 'custom', message: `must be between ${min} and ${max}, got ${n}` });
    });
}

/** A string matching `re`; otherwise `"<value>" <explain>`. */
export function matching(re: RegExp, explain: string) {
  return z.string().superRefine((s, ctx) => {
    if (!re.test(s)) ctx.addIssue({ code: 'custom', message: `${show(s)} ${explain}` });
  });
}

/** The reason `p` is not a clean absolute path, or undefined when it is one. */
export function absolutePathProblem(p: string): string | undefined {
  if (!p.startsWith('/')) return `${show(p)} is not an absolute path (it must start with "/")`;
  if (/[\0\n\r]/.test(p)) return `${show(p)} contains a control character`;
  // pct refuses mp=<path> containing /./ or /../ (pve-cli.md §3.2); we refuse them everywhere so a path means what it says.
  if (p.split('/').some((seg) => seg === '.' || seg === '..')) return `${show(p)} must not contain "." or ".." components`;
  return undefined;
}

/** `/a/b/` → `/a/b`, `//a` → `/a`: one spelling per directory, so duplicates are found. */
export function normalizeAbsolutePath(p: string): string {
  const squeezed = p.replace(/\/{2,}/g, '/');
  return squeezed.length > 1 ? squeezed.replace(/\/+$/, '') : squeezed;
}

/** Absolute path without `.`/`..` components, normalized (see normalizeAbsolutePath). */
export function absolutePath() {
  return z
    .string()
    .superRefine((p, ctx) => {
      const problem = absolutePathProblem(p);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .transform(normalizeAbsolutePath);
}

/** Linux user or group name as useradd accepts by default (NAME_REGEX), at most 32 characters. */
export const LINUX_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;

export function linuxName(what: 'user' | 'group') {
  return matching(LINUX_NAME, `is not a valid ${what} name: lower-case letters, digits, "_" and "-", starting with a letter or "_", at most 32 characters`);
}

/** One DNS label (RFC 1123): what a container hostname is. */
export const DNS_LABEL = /^(?=.{1,63}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function dnsLabel() {
  return matching(DNS_LABEL, 'is not a valid hostname: use a-z, 0-9 and "-" (not first or last), at most 63 characters');
}

/** Unix ids as the kernel allows them (2^32 - 1 is reserved as "no id"). */
export const MAX_UNIX_ID = 4294967294;
