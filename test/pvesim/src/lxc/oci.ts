// OCI archives as PVE 9.1 reads them: detect the layout in a `.tar`, unpack the first image manifest with umoci, read its config.
import fs from 'node:fs';
import path from 'node:path';
import { PveError } from '../common/errors.js';
import { cmdString, run } from '../common/run.js';
import { IDMAP_BASE } from './lxcconf.js';

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const CONFIG = 'application/vnd.oci.image.config.v1+json';
const LAYER_TYPES = new Set([
  'application/vnd.oci.image.layer.v1.tar',
  'application/vnd.oci.image.layer.v1.tar+gzip',
  'application/vnd.oci.image.layer.v1.tar+zstd',
]);

/** archive_is_oci_format: an uncompressed `.tar` listing `oci-layout`, `index.json` and something under `blobs/`. */
export function isOciArchive(archive: string): boolean {
  if (!archive.endsWith('.tar')) return false;
  const res = run('tar', ['-tf', archive]);
  if (res.status !== 0) return false;
  const entries = res.stdout.split('\n').map((e) => e.replace(/^\.\//, ''));
  return entries.includes('oci-layout') && entries.includes('index.json') && entries.some((e) => e.startsWith('blobs/'));
}

export interface OciImageConfig {
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  Env?: string[] | null;
  WorkingDir?: string;
  StopSignal?: string;
  User?: string;
  Volumes?: Record<string, unknown> | null;
}

interface Descriptor {
  mediaType?: string;
  digest: string;
  annotations?: Record<string, string>;
}

function blobPath(layout: string, digest: string): string {
  const [algo, hex] = digest.split(':');
  return path.join(layout, 'blobs', algo!, hex!);
}

function readJson<T>(file: string, what: string): T {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch (err) {
    throw new PveError(`Error while parsing OCI image: ${what}: ${(err as Error).message}\n`);
  }
}

/**
 * parse_and_extract_image: unpack the image's layers (whiteouts honoured) into `rootdir` and return the image config.
 * Unprivileged CTs get the files owned by the mapped ids.
 */
export function extractOciImage(archive: string, rootdir: string, unprivileged: boolean): OciImageConfig {
  // unpack next to the volume, so moving the rootfs into it is a rename on the same file system
  const work = fs.mkdtempSync(path.join(path.dirname(rootdir), '.oci-unpack-'));
  try {
    const layout = path.join(work, 'layout');
    fs.mkdirSync(layout);
    const untar = run('tar', ['-xf', archive, '-C', layout]);
    if (untar.status !== 0) throw new PveError(`Error while parsing OCI image: ${untar.stderr.trim()}\n`);
    const indexFile = path.join(layout, 'index.json');
    if (!fs.existsSync(indexFile)) throw new PveError('Error while parsing OCI image: Missing index.json file\n');
    const index = readJson<{ manifests?: Descriptor[] }>(indexFile, 'index.json');
    const desc = (index.manifests ?? []).find((d) => d.mediaType === MANIFEST);
    if (!desc) throw new PveError('Error while parsing OCI image: Unsupported CPU architecture\n');
    const manifest = readJson<{ config: Descriptor & { mediaType: string }; layers: Descriptor[] }>(blobPath(layout, desc.digest), 'manifest');
    if (manifest.config.mediaType !== CONFIG) throw new PveError('Error while parsing OCI image: Wrong media type\n');
    for (const layer of manifest.layers) {
      if (!LAYER_TYPES.has(layer.mediaType ?? '')) throw new PveError('Error while extracting OCI image: Layer has wrong media type\n');
    }
    const config = readJson<{ config?: OciImageConfig }>(blobPath(layout, manifest.config.digest), 'config').config ?? {};

    // umoci addresses images by tag: name the chosen manifest so a tag-less archive (skopeo's default) works too.
    desc.annotations = { ...desc.annotations, 'org.opencontainers.image.ref.name': 'pvesim-create' };
    fs.writeFileSync(indexFile, JSON.stringify({ ...index, manifests: [desc] }));
    const bundle = path.join(work, 'bundle');
    const maps = unprivileged ? ['--uid-map', `0:${IDMAP_BASE}:65536`, '--gid-map', `0:${IDMAP_BASE}:65536`] : [];
    const args = ['unpack', ...maps, '--image', `${layout}:pvesim-create`, bundle];
    const res = run('umoci', args);
    if (res.status !== 0) {
      throw new PveError(`Error while extracting OCI image: command '${cmdString('umoci', args)}' failed: ${res.stderr.trim()}\n`);
    }
    const unpacked = path.join(bundle, 'rootfs');
    for (const entry of fs.readdirSync(unpacked)) fs.renameSync(path.join(unpacked, entry), path.join(rootdir, entry));
    const st = fs.statSync(unpacked);
    fs.chownSync(rootdir, st.uid, st.gid);
    fs.chmodSync(rootdir, st.mode & 0o7777);
    return config;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** String::ShellQuote::shell_quote for one word. */
export function shellQuote(word: string): string {
  if (word === '') return "''";
  if (/^[\w!%+,\-./:=@^]+$/.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function hasControlChars(value: string): boolean {
  return /[\x00-\x08\x0a-\x1f\x7f]/.test(value);
}
