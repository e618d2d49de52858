// Parse `skopeo inspect` (image summary), `skopeo inspect --config` (OCI config) and `skopeo list-tags` JSON.
import { z } from 'zod';
import { checkJsonOutput as check } from '../json-output.js';


const strings = z.array(z.string()).nullish();
const labels = z.record(z.string()).nullish();

const inspectSchema = z
  .object({
    Name: z.string().optional(),
    Tag: z.string().optional(),
    Digest: z.string(),
    RepoTags: strings,
    Created: z.string().nullish(),
    DockerVersion: z.string().nullish(),
    Labels: labels,
    Architecture: z.string(),
    Os: z.string(),
    Variant: z.string().optional(),
    Layers: strings,
    LayersData: z
      .array(z.object({ MIMEType: z.string(), Digest: z.string(), Size: z.number(), Annotations: labels }).passthrough())
      .nullish(),
    Env: strings,
  })
  .passthrough();

export interface SkopeoLayer {
  mimeType: string;
  digest: string;
  size: number;
  annotations: Record<string, string>;
}

export interface SkopeoImageInfo {
  /** Absent for non-registry references (e.g. an oci-archive). */
  name?: string;
  /** Newer skopeo only. */
  tag?: string;
  /** Manifest digest `sha256:...`. */
  digest: string;
  repoTags: string[];
  created?: string;
  labels: Record<string, string>;
  architecture: string;
  os: string;
  layers: string[];
  /** Newer skopeo only (not 1.9.3). */
  layersData?: SkopeoLayer[];
  env: string[];
}

export function parseSkopeoInspect(stdout: string): SkopeoImageInfo {
  const j = check('skopeo inspect', inspectSchema, stdout);
  const out: SkopeoImageInfo = {
    digest: j.Digest,
    repoTags: j.RepoTags ?? [],
    labels: j.Labels ?? {},
    architecture: j.Architecture,
    os: j.Os,
    layers: j.Layers ?? [],
    env: j.Env ?? [],
  };
  if (j.Name !== undefined) out.name = j.Name;
  if (j.Tag !== undefined && j.Tag !== '') out.tag = j.Tag;
  if (j.Created) out.created = j.Created;
  if (j.LayersData) {
    out.layersData = j.LayersData.map((l) => ({ mimeType: l.MIMEType, digest: l.Digest, size: l.Size, annotations: l.Annotations ?? {} }));
  }
  return out;
}

// The OCI image-spec config; every field of `config` is optional there, and so it is here.
const ociConfigSchema = z
  .object({
    architecture: z.string().optional(),
    os: z.string().optional(),
    created: z.string().optional(),
    config: z
      .object({
        User: z.string().optional(),
        ExposedPorts: z.record(z.unknown()).nullish(),
        Env: strings,
        Entrypoint: strings,
        Cmd: strings,
        Volumes: z.record(z.unknown()).nullish(),
        WorkingDir: z.string().optional(),
        Labels: labels,
        StopSignal: z.string().optional(),
      })
      .passthrough()
      .nullish(),
  })
  .passthrough();

export interface OciImageConfig {
  architecture?: string;
  os?: string;
  created?: string;
  entrypoint: string[];
  cmd: string[];
  /** `K=V` entries in image order. */
  env: string[];
  workingDir?: string;
  user?: string;
  stopSignal?: string;
  /** `80/tcp`, `53/udp`, ... */
  exposedPorts: string[];
  volumes: string[];
  labels: Record<string, string>;
}

export function parseSkopeoConfig(stdout: string): OciImageConfig {
  const j = check('skopeo inspect --config', ociConfigSchema, stdout);
  const c = j.config ?? {};
  const out: OciImageConfig = {
    entrypoint: c.Entrypoint ?? [],
    cmd: c.Cmd ?? [],
    env: c.Env ?? [],
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    volumes: Object.keys(c.Volumes ?? {}),
    labels: c.Labels ?? {},
  };
  if (j.architecture !== undefined) out.architecture = j.architecture;
  if (j.os !== undefined) out.os = j.os;
  if (j.created !== undefined) out.created = j.created;
  if (c.WorkingDir) out.workingDir = c.WorkingDir;
  if (c.User) out.user = c.User;
  if (c.StopSignal) out.stopSignal = c.StopSignal;
  return out;
}

/** `["A=1", "B=x=y"]` → `{A: "1", B: "x=y"}`; later duplicates win, as in a process environment. */
export function envToRecord(env: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env) {
    const eq = e.indexOf('=');
    if (eq > 0) out[e.slice(0, eq)] = e.slice(eq + 1);
  }
  return out;
}

const tagsSchema = z.object({ Repository: z.string(), Tags: z.array(z.string()).nullish() }).passthrough();

export function parseSkopeoListTags(stdout: string): { repository: string; tags: string[] } {
  const j = check('skopeo list-tags', tagsSchema, stdout);
  return { repository: j.Repository, tags: j.Tags ?? [] };
}
