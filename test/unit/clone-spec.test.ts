// The spec's `post_clone` scripts and the node config's `id_ranges`/`storage`: validated with every problem named, defaults applied.
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readNodeConfig } from '../../src/config/node-config.js';
import { RecordingRunner } from '../../src/host/recording-runner.js';
import { problemsOf, specOf } from './config/helpers.js';
import { testContext } from '../helpers/context.js';

const BASE = 'container:\n  hostname: base\n  template: debian-12\n';

describe('post_clone in the container spec', () => {
  it('takes scripts like provisioning.scripts; their ${VAR} belongs to the script', () => {
    const spec = specOf(`${BASE}post_clone:\n  - name: serve\n    content: echo \${HOME}\n`, {});
    expect(spec.post_clone).toEqual([expect.objectContaining({ name: 'serve', content: 'echo ${HOME}', interpreter: 'bash', timeout: 300 })]);
  });

  it('is absent (not []) when not given, so older specs keep their hash', () => {
    expect('post_clone' in specOf(BASE)).toBe(false);
  });

  it('names each problem with its line', () => {
    expect(problemsOf(`${BASE}post_clone:\n  - name: a\n    content: x\n  - name: b\n`)).toEqual(['ct.yaml:7 post_clone[1].content: required']);
    expect(problemsOf(`${BASE}post_clone:\n  - name: a\n    content: x\n  - name: a\n    content: y\n`)).toEqual(['ct.yaml:7 post_clone[1].name: script name "a" is used twice']);
  });
});

describe('readNodeConfig', () => {
  const withConfig = (text?: string) => {
    const t = testContext(new RecordingRunner(), { root: mkdtempSync(path.join(tmpdir(), 'pxd-nodecfg-')) });
    if (text !== undefined) {
      mkdirSync(t.ctx.paths.configDir, { recursive: true });
      writeFileSync(t.ctx.paths.configFile, text);
    }
    return readNodeConfig(t.ctx.effects, t.ctx.paths);
  };

  it('defaults to templates 900-999 and services 200-299 without a file', async () => {
    expect(await withConfig()).toMatchObject({ id_ranges: { templates: { from: 900, to: 999 }, services: { from: 200, to: 299 } }, storage: {} });
  });

  it('reads ranges and storages, leaving other sections to their readers', async () => {
    const cfg = await withConfig('backup:\n  retention: { keep-last: 3 }\nid_ranges:\n  services: 300-349\nstorage:\n  templates: bulk\n');
    expect(cfg).toMatchObject({ id_ranges: { templates: { from: 900, to: 999 }, services: { from: 300, to: 349 } }, storage: { templates: 'bulk' } });
  });

  it('refuses a bad range or an unknown key, naming it', async () => {
    await expect(withConfig('id_ranges:\n  services: 299-200\n  other: 1-2\n')).rejects.toThrow(/id_ranges\.services: "299-200" is not a vmid range[^\n]*\n.*id_ranges: Unrecognized key/s);
  });
});
