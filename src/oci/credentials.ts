// Registry credentials from a `user:password` file, handed to skopeo as a 0600 auth.json (never argv: `ps` shows argv).
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { UsageError } from '../errors.js';
import type { RegistryCreds } from '../host/skopeo.js';

export interface RegistryAuth {
  /** `--creds-file F`: a file holding `user:password`. */
  credsFile?: string;
  /** `--authfile F`: skopeo's own containers-auth.json, passed through. */
  authfile?: string;
}

export async function readCredsFile(file: string): Promise<RegistryCreds> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read --creds-file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  const line = text.split('\n')[0]!.replace(/\r$/, '');
  const colon = line.indexOf(':');
  if (colon <= 0 || colon === line.length - 1) throw new UsageError(`--creds-file ${file} must hold one line "user:password"`);
  return { username: line.slice(0, colon), password: line.slice(colon + 1) };
}

/** What a masked log or output must never show: the password, the pair and its base64 form (auth.json's `auth`). */
export function credentialSecrets(creds: RegistryCreds | undefined): string[] {
  if (!creds) return [];
  const pair = `${creds.username}:${creds.password}`;
  return [pair, creds.password, Buffer.from(pair).toString('base64')];
}

export function authJson(registry: string, creds: RegistryCreds): string {
  const auth = Buffer.from(`${creds.username}:${creds.password}`).toString('base64');
  return `${JSON.stringify({ auths: { [registry]: { auth } } }, null, 2)}\n`;
}

/** An authfile skopeo can read, for as long as the caller needs it; `close()` removes a generated one (idempotent). */
export interface OpenAuthfile {
  path: string | undefined;
  close(): Promise<void>;
}

/**
 * The user's own authfile (`--authfile`), or one generated from `--creds-file` in the scratch dir
 * (0600). Open it once per command: the inspect and the copy share it.
 */
export async function openAuthfile(ctx: Context, registry: string, auth: RegistryAuth & { creds?: RegistryCreds }): Promise<OpenAuthfile> {
  if (auth.authfile !== undefined || !auth.creds) return { path: auth.authfile, close: async () => undefined };
  const file = path.join(ctx.paths.scratchDir, `auth-${randomBytes(6).toString('hex')}.json`);
  await ctx.effects.writeFile(file, authJson(registry, auth.creds), { mode: 0o600 });
  let open = true;
  return {
    path: file,
    close: async () => {
      if (!open) return;
      open = false;
      await ctx.effects.remove(file);
    },
  };
}

/** Run `fn` with an open authfile, removed afterwards whatever happens. */
export async function withAuthfile<T>(ctx: Context, registry: string, auth: RegistryAuth & { creds?: RegistryCreds }, fn: (authfile: string | undefined) => Promise<T>): Promise<T> {
  const file = await openAuthfile(ctx, registry, auth);
  try {
    return await fn(file.path);
  } finally {
    await file.close();
  }
}
