// Where a blue/green component comes from: a release artifact (URL template or local path, with a checksum) or a git repository at a ref.
import { z } from 'zod';
import { absolutePath, httpUrl, sha256, text } from './primitives.js';

export const artifactSchema = z
  .object({
    /** May hold `{version}` and `{arch}`. Exactly one of url/path (rules). */
    url: httpUrl().optional(),
    /** An archive already on the PVE host. */
    path: absolutePath().optional(),
    /** Pinned digest of the downloaded file (only meaningful for a URL without `{version}`, or a path). */
    sha256: sha256().optional(),
    /** A `.sha256` file next to the download (`sha256sum` format), may hold placeholders. */
    sha256_url: httpUrl().optional(),
    /** A `.sha256` file inside the archive that covers `binary` (`<hex>  <name>`), may hold placeholders. */
    sha256_member: text().optional(),
    /** The executable inside the archive, may hold placeholders. */
    binary: text().optional(),
    /** zip or tar (tar.gz etc.); guessed from the name when absent. */
    format: z.enum(['zip', 'tar']).optional(),
  })
  .strict();

export const gitSourceSchema = z
  .object({
    repo: text(),
    /** Branch, tag or commit; `{version}` allowed. */
    ref: text().default('main'),
  })
  .strict();

export const sourceSchema = z
  .object({
    artifact: artifactSchema.optional(),
    git: gitSourceSchema.optional(),
  })
  .strict();

export type Artifact = z.output<typeof artifactSchema>;
export type ComponentSource = z.output<typeof sourceSchema>;
