// The instance config in a backup: kept as it is when unchanged or redacted, refused when invalid, planned when it differs.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { INSTANCE_CONFIG_ENTRY, planConfigRestore } from '../../src/backup/instance/config-restore.js';
import { parseOrThrow, type LoadedInstance } from '../../src/instances/load.js';

const YAML = (timeout: number, extra = '') => `app: notes
version: "1.0.0"
container:
  vmid: 550
  hostname: notes-bk
  template: debian-12
  resources: { cores: 1, memory: 512, disk: 4 }
  network: { bridge: vmbr0, ip: 10.203.0.90/24, gateway: 10.203.0.1 }
sources:
  backend: { artifact: "/srv/notes-{version}.tar.gz", sha256_file: "/srv/notes-{version}.tar.gz.sha256" }
health: { timeout: ${timeout}, interval: 0.5 }
${extra}`;

function setup(current: string, archived: string | undefined): { inst: LoadedInstance; extracted: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pxd-cfg-'));
  const file = path.join(dir, 'notes-bk.yaml');
  writeFileSync(file, current);
  const extracted = path.join(dir, 'extracted');
  mkdirSync(path.join(extracted, 'config'), { recursive: true });
  if (archived !== undefined) writeFileSync(path.join(extracted, INSTANCE_CONFIG_ENTRY), archived);
  const parsed = parseOrThrow(current, file);
  return { inst: { id: 'notes-bk', file, config: parsed.config, spec: parsed.spec, lineOf: parsed.lineOf, app: {} as LoadedInstance['app'] }, extracted };
}

describe('planConfigRestore', () => {
  it('nothing to do for an older backup without the entry, or an unchanged config', async () => {
    const warn: string[] = [];
    const a = setup(YAML(15), undefined);
    expect(await planConfigRestore(a.inst, a.extracted, (m) => warn.push(m))).toBeUndefined();
    const b = setup(YAML(15), YAML(15));
    expect(await planConfigRestore(b.inst, b.extracted, (m) => warn.push(m))).toBeUndefined();
    expect(warn).toEqual([]);
  });

  it('a different config is planned with the current one kept for the undo', async () => {
    const { inst, extracted } = setup(YAML(20), YAML(15));
    const plan = await planConfigRestore(inst, extracted, () => undefined);
    expect(plan?.text).toBe(YAML(15));
    expect(plan?.config.health.timeout).toBe(15);
    expect(plan?.previous.text).toBe(YAML(20));
  });

  it('a config with redacted values is not written back: the current one stays, and the user is told', async () => {
    const warn: string[] = [];
    const { inst, extracted } = setup(YAML(20), YAML(15, 'public_url: "https://u:***@x"\n'));
    expect(await planConfigRestore(inst, extracted, (m) => warn.push(m))).toBeUndefined();
    expect(warn).toEqual([expect.stringContaining('has redacted values; the current config is kept')]);
  });

  it('an invalid archived config refuses the restore before anything stops', async () => {
    const { inst, extracted } = setup(YAML(20), YAML(15).replace('cores: 1', 'cores: 999'));
    await expect(planConfigRestore(inst, extracted, () => undefined)).rejects.toThrow(/config\/instance\.yaml in the backup/);
  });
});
