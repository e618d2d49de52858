// `pxdeploy oci ...`: pull OCI images into the template cache (skopeo), list and remove them, search the app catalog.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { emit, type CliIo } from './io.js';
import { makeContext, runOperation } from './context.js';
import { renderTable } from './table.js';

function tlsOf(value: string | undefined): boolean | undefined {
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') throw new UsageError(`invalid --tls-verify=${value}: use true or false`);
  return value === 'true';
}

export function humanSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? n : n.toFixed(1)} ${units[u]}`;
}

/** `--creds-file` / `--authfile`, read before anything runs; the password becomes a secret of the operation. */
export async function registryAuthOf(opts: { credsFile?: string; authfile?: string }) {
  if (opts.credsFile !== undefined && opts.authfile !== undefined) throw new UsageError('give --creds-file or --authfile, not both');
  const { readCredsFile, credentialSecrets } = await import('../oci/credentials.js');
  const creds = opts.credsFile === undefined ? undefined : await readCredsFile(opts.credsFile);
  return { auth: { ...(opts.authfile ? { authfile: opts.authfile } : {}), ...(creds ? { creds } : {}) }, secrets: credentialSecrets(creds) };
}

/**
 * `packages/<name>.yml` alone, when the name is a package file: one parse instead of the whole catalog
 * (about half a second of YAML and schema work at start-up). Undefined sends the caller to the full
 * catalog, which also resolves `name-suffix` and suggests close names.
 */
export async function loadNamedPackage(name: string) {
  if (!/^[a-z][a-z0-9-]*$/.test(name)) return undefined;
  const { loadPackageFile, packagesDir, PACKAGE_EXT } = await import('../catalog/index.js');
  const { join } = await import('node:path');
  const r = await loadPackageFile(join(packagesDir(), `${name}${PACKAGE_EXT}`));
  return r.ok ? r.pkg : undefined;
}

/** skopeo's progress on a terminal only: not under --json, and never into a pipe or a log. */
export function showPullProgress(io: CliIo, stderrIsTTY: boolean = process.stderr.isTTY === true): boolean {
  return stderrIsTTY && !io.flags().json;
}

export function registerOci(program: Command, io: CliIo): void {
  const oci = program
    .command('oci')
    .description('OCI images as PVE 9.1 templates: pull (with registry auth), list, remove; search the app catalog')
    .addHelpText(
      'after',
      `
Examples:
  $ sudo pxdeploy oci pull jellyfin                       the catalog's image and tag
  $ sudo pxdeploy oci pull ghcr.io/owner/app:1.2 --creds-file /root/ghcr.creds
  $ sudo pxdeploy oci pull 127.0.0.1:5000/demo/app:1.0 --tls-verify=false
  $ pxdeploy oci list --json
  $ pxdeploy oci search media
  $ sudo pxdeploy oci rm local:vztmpl/app_1.0.tar`,
    );

  oci
    .command('pull')
    .description('pull an image into the storage\'s template cache under PVE 9.1\'s file name ("up to date" when the digest is there)')
    .argument('<ref>', 'a catalog package, image[:tag] (default :latest) or image@sha256:…')
    .option('--storage <storage>', 'storage with vztmpl content', 'local')
    .option('--creds-file <file>', 'registry credentials: a file with one line "user:password" (never on the command line)')
    .option('--authfile <file>', 'a containers auth.json (as written by `skopeo login`)')
    .option('--tls-verify <bool>', 'false for a plain-HTTP or self-signed registry')
    .action(async (text: string, opts: { storage: string; credsFile?: string; authfile?: string; tlsVerify?: string }) => {
      const tlsVerify = tlsOf(opts.tlsVerify);
      const { auth, secrets } = await registryAuthOf(opts);
      const { loadCatalog } = await import('../catalog/index.js');
      const { packageImageRef, resolvePullTarget } = await import('../oci/target.js');
      const one = await loadNamedPackage(text);
      const target = one?.oci ? packageImageRef(one) : resolvePullTarget((await loadCatalog()).packages, text);
      const { pullImage } = await import('../oci/pull.js');
      await runOperation(
        io,
        { resource: 'oci', operation: 'oci-pull', secrets },
        (ctx) => ctx.effects.withLock('oci', 'oci-pull', () => pullImage(ctx, { target, storage: opts.storage, auth, progress: showPullProgress(io), ...(tlsVerify === undefined ? {} : { tlsVerify }) })),
        (r) => (r.outcome === 'up-to-date' ? `${r.ref} is up to date (${r.digest}) in ${r.volid}` : `pulled ${r.ref} (${r.digest}, ${humanSize(r.size)}) into ${r.volid}`),
      );
    });

  oci
    .command('list')
    .description('the pulled archives: name, tag, digest, size, when, and which CTs use them')
    .action(async () => {
      const ctx = await makeContext(io);
      const { listArchives } = await import('../oci/list.js');
      const archives = await listArchives(ctx);
      emit(io, { archives }, () => {
        if (archives.length === 0) return 'no OCI archives pulled by pxdeploy';
        return renderTable(
          ['ARCHIVE', 'IMAGE', 'TAG', 'DIGEST', 'SIZE', 'PULLED', 'USED BY'],
          archives.map((a) => [
            a.volid + (a.missing ? ' (missing)' : ''),
            a.image,
            a.tag ?? '-',
            a.digest.replace(/^sha256:/, '').slice(0, 12),
            humanSize(a.size),
            a.pulled_at.replace(/\.\d+Z$/, 'Z'),
            [...a.users, ...a.rollback.map((h) => `${h} (rollback)`)].join(', ') || '-',
          ]),
        );
      });
    });

  oci
    .command('search')
    .description('search the app catalog (name, tags, description)')
    .argument('<term>', 'a word; "" lists every package')
    .action(async (term: string) => {
      const { loadCatalog, searchPackages } = await import('../catalog/index.js');
      const hits = searchPackages((await loadCatalog()).packages.filter((p) => p.oci), term);
      const rows = hits.map((h) => ({ name: h.pkg.name, description: h.pkg.description, image: h.pkg.oci!.image, tag: h.pkg.oci!.tag, tags: h.pkg.tags, match: h.match }));
      emit(io, { packages: rows }, () =>
        rows.length === 0 ? `no package matches '${term}'` : renderTable(['NAME', 'IMAGE', 'TAGS', 'DESCRIPTION'], rows.map((r) => [r.name, `${r.image}:${r.tag}`, r.tags.join(','), r.description])),
      );
    });

  oci
    .command('rm')
    .description('remove a pulled archive; refused while a CT uses it or an app keeps it for rollback, unless --force')
    .argument('<ref>', 'volid, file name or image reference')
    .option('--force', 'remove it even though it is in use')
    .action(async (text: string, opts: { force?: boolean }) => {
      const { removeArchive } = await import('../oci/remove.js');
      await runOperation(io, { resource: 'oci', operation: 'oci-rm' }, (ctx) => ctx.effects.withLock('oci', 'oci-rm', () => removeArchive(ctx, text, { force: !!opts.force })), (r) =>
        [`removed ${r.removed.join(', ')}`, ...r.forced.map((v) => `  warning: ${v} was in use (--force)`)].join('\n'),
      );
    });
}
