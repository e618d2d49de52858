// The planner against what pvesim really answered after the e2e apply (test/fixtures/stacks/recorded/): in sync but for the failed service and its skipped dependent; one memory edit is one ~; --prune spares other stacks' and hand-made CTs.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner, type ExpectedCommand } from '../../src/host/recording-runner.js';
import { loadStack } from '../../src/stacks/load.js';
import { planStack } from '../../src/stacks/plan.js';
import { templateSpecHash } from '../../src/templates/build.js';
import { templatesFile } from '../../src/templates/state.js';
import { testContext } from '../helpers/context.js';

const dir = path.resolve(import.meta.dirname, '../fixtures/stacks/recorded');
const recorded = (f: string) => path.join(dir, f);

/** The recorded stack file, optionally edited, in a temp dir (its spec paths made absolute). */
function stackText(edit: (t: string) => string = (t) => t): string {
  const f = path.join(mkdtempSync(path.join(os.tmpdir(), 'pxd-stack-rec-')), 'homelab-e2e.yaml');
  writeFileSync(f, edit(readFileSync(recorded('homelab-e2e.yaml'), 'utf8').replaceAll('file: ../../../../', `file: ${path.resolve(dir, '../../../..')}/`)));
  return f;
}

async function plan(file: string, opts: { prune: boolean } = { prune: false }, located = [270, 271, 272, 273, 274, 276]) {
  const stack = await loadStack(file);
  const expected: ExpectedCommand[] = [{ file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], stdoutFile: recorded('cluster-resources.json') }];
  for (const id of located) expected.push({ file: 'pct', args: ['config', String(id)], stdoutFile: recorded(`pct-config-${id}.txt`) });
  const runner = new RecordingRunner(expected, { order: 'any' });
  const { ctx } = testContext(runner);
  // The records pxdeploy kept of what it built: templates (spec hashes of the example's files) and the app.
  mkdirSync(path.dirname(templatesFile(ctx.paths)), { recursive: true });
  const tpl = (name: string, vmid: number) => ({ name, vmid, node: 'pve', storage: 'local-hdd', specHash: templateSpecHash(stack.specs[name]!.spec), builtAt: '2026-12-02T11:23:30Z' });
  writeFileSync(templatesFile(ctx.paths), JSON.stringify({ schemaVersion: 1, templates: [tpl('tpl-db', 970), tpl('tpl-web', 971)] }));
  mkdirSync(ctx.paths.appsDir, { recursive: true });
  writeFileSync(
    ctx.paths.appState('demo-e2e'),
    JSON.stringify({
      schemaVersion: 1, hostname: 'demo-e2e', package: 'demo', vmid: 273, node: 'pve', image: '127.0.0.1:5000/demo/app', tag: '1.0', digest: 'sha256:' + 'a'.repeat(64),
      archive: { volid: 'local:vztmpl/app_1.0.tar', path: '/var/lib/pvesim/storage/local/template/cache/app_1.0.tar' }, storage: 'local-lvm',
      network: { bridge: 'vmbr0', ip: '10.203.0.113/24', gateway: '10.203.0.1' }, env: { GREETING: 'hello-homelab', APP_PORT: '3456' }, secret_keys: [],
      volumes: [], url: 'http://10.203.0.113:3456/', installed_at: '2026-12-02T11:23:40Z',
    }),
  );
  const p = await planStack(ctx, stack, opts);
  runner.assertDone();
  expect(runner.calls.every((c) => c.readOnly)).toBe(true);
  return p.resources.map((r) => `${r.action} ${r.name}${r.changes.map((c) => ` ${c.field}:${c.have}→${c.want}`).join('')}`);
}

describe('planStack on recorded pvesim state', () => {
  it('as applied: the failed service is ~ provisioning, its skipped dependent +, everything else =', async () => {
    expect(await plan(stackText())).toEqual([
      '= tpl-db', '= tpl-web', '= postgres', '= redis', '= web', '= demo-e2e', '~ broken provisioning:failed→done', '+ after-broken', '= extra',
    ]);
  });

  it('redis back to 256 MB: exactly one ~ memory', async () => {
    const edited = await plan(stackText((t) => t.replace(/(\n {2}redis:\n(?: {4}.*\n)*? {4}memory: )512/, '$1256')));
    expect(edited.filter((l) => !l.startsWith('='))).toEqual(['~ redis memory:512→256', '~ broken provisioning:failed→done', '+ after-broken']);
  });

  it('--prune without `extra` in the file: only CT 276 is destroyed (CT 581 has no stack tag)', async () => {
    const lines = await plan(stackText((t) => t.replace(/\n {2}extra:\n(?: {4}.*\n)*/, '\n')), { prune: true }, [270, 271, 272, 273, 274]);
    expect(lines.filter((l) => l.startsWith('-'))).toEqual(['- extra']);
  });
});
