// The `<archive>.sha256` sidecar in the exact format `sha256sum -c` accepts: `<hex>  <basename>\n`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';

export function formatSidecar(sha256: string, archivePath: string): string {
  return `${sha256}  ${path.basename(archivePath)}\n`;
}

/** The hash the sidecar records for `archivePath`, or a sentence saying why there is none. */
export async function readSidecar(sidecarFile: string, archivePath: string): Promise<{ sha256: string } | { problem: string }> {
  let text: string;
  try {
    text = await readFile(sidecarFile, 'utf8');
  } catch (err) {
    return { problem: `checksum file ${sidecarFile} cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})` };
  }
  const m = /^([0-9a-f]{64}) [ *](.+)\n?$/.exec(text);
  if (!m) return { problem: `checksum file ${sidecarFile} is not in sha256sum format` };
  if (m[2] !== path.basename(archivePath)) return { problem: `checksum file ${sidecarFile} names ${m[2]}, not ${path.basename(archivePath)}` };
  return { sha256: m[1] as string };
}
