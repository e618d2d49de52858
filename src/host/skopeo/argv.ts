// skopeo commands as data: copy (registry → OCI archive), inspect, list-tags; credentials marked secret.
import { UsageError } from '../../errors.js';
import type { HostCommand } from '../command.js';

const SKOPEO = 'skopeo';

const TRANSPORTS = ['docker://', 'oci-archive:', 'oci:', 'dir:', 'docker-archive:', 'docker-daemon:', 'containers-storage:'];

/** `nginx:1.27` → `docker://nginx:1.27`; a reference that already names a transport is left alone. */
export function withTransport(ref: string): string {
  return TRANSPORTS.some((t) => ref.startsWith(t)) ? ref : `docker://${ref}`;
}

export interface RegistryCreds {
  username: string;
  password: string;
}

export interface RegistryAccess {
  /** false for a plain-HTTP or self-signed registry. Omitted: skopeo's default (verify). */
  tlsVerify?: boolean;
  creds?: RegistryCreds;
  /** Path of a containers-auth.json (`skopeo login` writes one). */
  authfile?: string;
  retryTimes?: number;
}

function credsArg(creds: RegistryCreds): string {
  if (creds.username === '' || creds.username.includes(':')) throw new UsageError('registry username must be non-empty and contain no ":"');
  return `${creds.username}:${creds.password}`;
}

/** The pair and the bare password: a tool may echo either. */
function credSecrets(creds: RegistryCreds | undefined): { secrets?: string[] } {
  if (!creds) return {};
  return { secrets: [credsArg(creds), creds.password].filter((s) => s !== '') };
}

/** `--retry-times`, `--tls-verify=`, `--authfile`, `--creds` in that order; `src` prefixes the copy-side names. */
function accessArgs(a: RegistryAccess, prefix: '' | 'src-'): string[] {
  const out: string[] = [];
  if (a.retryTimes !== undefined) out.push('--retry-times', String(a.retryTimes));
  // skopeo's boolean flags only take a value in the `--flag=value` form.
  if (a.tlsVerify !== undefined) out.push(`--${prefix}tls-verify=${a.tlsVerify}`);
  if (a.authfile !== undefined) out.push('--authfile', a.authfile);
  if (a.creds) out.push(`--${prefix}creds`, credsArg(a.creds));
  return out;
}

export interface SkopeoCopyOptions extends RegistryAccess {
  /** No progress output (default true: progress lines are noise in logs). */
  quiet?: boolean;
  /** Tag recorded inside the archive (`oci-archive:<path>:<tag>`); PVE itself writes none. */
  destTag?: string;
  timeoutMs?: number;
}

/**
 * `skopeo copy docker://<image> oci-archive:<path>`, the same single-image copy PVE's "Pull from OCI
 * Registry" does (never `--all`: PVE cannot read a nested index).
 */
export function skopeoCopy(image: string, archivePath: string, opts: SkopeoCopyOptions = {}): HostCommand {
  const args = ['copy'];
  if (opts.quiet ?? true) args.push('-q');
  args.push(...accessArgs(opts, 'src-'), withTransport(image), `oci-archive:${archivePath}${opts.destTag ? `:${opts.destTag}` : ''}`);
  return { file: SKOPEO, args, timeoutMs: opts.timeoutMs ?? 30 * 60 * 1000, ...credSecrets(opts.creds) };
}

export interface SkopeoInspectOptions extends RegistryAccess {
  /** Print the image's OCI config instead of the summary. */
  config?: boolean;
  /** Skip listing the repository's tags (faster; RepoTags comes back empty). */
  noTags?: boolean;
}

export function skopeoInspect(image: string, opts: SkopeoInspectOptions = {}): HostCommand {
  const args = ['inspect'];
  if (opts.config) args.push('--config');
  if (opts.noTags) args.push('--no-tags');
  args.push(...accessArgs(opts, ''), withTransport(image));
  return { file: SKOPEO, args, readOnly: true, ...credSecrets(opts.creds) };
}

/** A repository has no tag: `registry:5000/demo/app`, not `.../app:1.0`. */
export function skopeoListTags(repository: string, opts: RegistryAccess = {}): HostCommand {
  const ref = withTransport(repository);
  const lastSegment = ref.slice(ref.lastIndexOf('/') + 1);
  if (!ref.startsWith('docker://') || lastSegment.includes(':') || ref.includes('@')) {
    throw new UsageError(`list-tags takes a docker repository without tag or digest: ${repository}`);
  }
  return { file: SKOPEO, args: ['list-tags', ...accessArgs(opts, ''), ref], readOnly: true, ...credSecrets(opts.creds) };
}

/**
 * The file name PVE gives a pulled image: everything up to the last `/` dropped, characters outside
 * `[a-zA-Z0-9_.-]` replaced by `_`, `.tar` appended (`docker.io/library/nginx:1.27-alpine` →
 * `nginx_1.27-alpine.tar`), so archives pxdeploy pulls look like ones pulled from the PVE UI.
 */
export function pveOciArchiveName(reference: string): string {
  const ref = reference.replace(/^docker:\/\//, '');
  const base = ref.slice(Math.max(ref.lastIndexOf('/'), ref.lastIndexOf('\\')) + 1);
  return `${base.replace(/[^a-zA-Z0-9_.-]/g, '_')}.tar`;
}
