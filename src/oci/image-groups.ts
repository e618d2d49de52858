// The image's own /etc/group, read from its layers in-process (newest layer first), so a device can be given the gid a group has inside the CT.
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import { listTarMembers } from './tar-members.js';
import type { ArchiveImage } from './derive.js';

const BLOCK = 512;

/** `render:x:107:` lines → name → gid. */
export function parseGroupFile(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const [name, , gid] = line.split(':');
    if (name && gid !== undefined && /^\d+$/.test(gid)) out.set(name, Number(gid));
  }
  return out;
}

type Found = { kind: 'file'; text: string } | { kind: 'deleted' } | undefined;

/** Scan one layer's tar stream for etc/group (or its whiteout); stops reading once found. */
async function scanLayer(stream: Readable): Promise<Found> {
  let buf = Buffer.alloc(0);
  let skip = 0;
  let want: { size: number } | undefined;
  for await (const chunk of stream) {
    buf = Buffer.concat([buf, chunk as Buffer]);
    for (;;) {
      if (skip > 0) {
        const n = Math.min(skip, buf.length);
        buf = buf.subarray(n);
        skip -= n;
        if (skip > 0) break;
      }
      if (want) {
        if (buf.length < want.size) break;
        stream.destroy();
        return { kind: 'file', text: buf.subarray(0, want.size).toString('utf8') };
      }
      if (buf.length < BLOCK) break;
      const h = buf.subarray(0, BLOCK);
      buf = buf.subarray(BLOCK);
      if (h.every((b) => b === 0)) continue;
      const nameEnd = h.indexOf(0);
      const name = h.subarray(0, nameEnd < 0 || nameEnd > 100 ? 100 : nameEnd).toString('utf8').replace(/^\.?\//, '');
      const size = parseInt(h.subarray(124, 136).toString('utf8').replace(/\0.*$/s, '').trim() || '0', 8);
      const type = h[156] ? String.fromCharCode(h[156]) : '0';
      if (name === 'etc/.wh.group') {
        stream.destroy();
        return { kind: 'deleted' };
      }
      if (name === 'etc/group' && (type === '0' || type === '7')) want = { size };
      else skip = Math.ceil(size / BLOCK) * BLOCK;
    }
  }
  return undefined;
}

/**
 * Group name → gid as the CT will see it. Layers are read newest first; gzip and plain tar layers
 * only (a zstd layer ends the search: undefined, and the caller says the gid is unknown).
 */
export async function readImageGroups(archive: string, img: ArchiveImage): Promise<Map<string, number> | undefined> {
  const members = await listTarMembers(archive);
  for (const layer of [...img.manifest.layers].reverse()) {
    const m = members.find((x) => x.name === `blobs/${layer.digest.replace(':', '/')}`);
    if (!m || m.size === 0) continue;
    const media = layer.mediaType ?? '';
    if (!/tar(\+gzip)?$/.test(media) && !media.endsWith('.tar.gzip') && !media.endsWith('.tar')) return undefined;
    const raw = createReadStream(archive, { start: m.offset, end: m.offset + m.size - 1 });
    const stream = /gzip/.test(media) ? raw.pipe(createGunzip()) : raw;
    const found = await scanLayer(stream).finally(() => raw.destroy());
    if (found?.kind === 'file') return parseGroupFile(found.text);
    if (found?.kind === 'deleted') return new Map();
  }
  return new Map();
}
