// Stacks on several nodes: a resource's `node:` (a container's `container.node`) is checked as a node name, shown in the plan, and absent from a single-node plan.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { loadStack } from '../../../src/stacks/load.js';
import { planStack } from '../../../src/stacks/plan.js';
import { testContext } from '../../helpers/context.js';

function stackFile(cloneNode: string): string {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'pxd-stack-node-')), 'stack.yaml');
  writeFileSync(
    file,
    `name: multi
resources:
  web:
    kind: container
    spec:
      container: { vmid: 596, hostname: web, template: debian-12, node: pvex3, network: { ip: 10.203.0.137/24, gateway: 10.203.0.1 } }
  copy:
    kind: clone
    template: base
    vmid: 597
    ip: 10.203.0.138/24
${cloneNode}`,
  );
  return file;
}

describe('stack node field', () => {
  it('the plan says which node each resource goes to', async () => {
    const stack = await loadStack(stackFile('    node: pvex2\n'));
    const runner = new RecordingRunner([{ file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], result: { stdout: '[]' } }]);
    const plan = await planStack(testContext(runner).ctx, stack, { prune: false });
    expect(plan.resources.map((r) => r.what)).toEqual(['container web, vmid 596, on node pvex3', 'clone of base, vmid 597, on node pvex2, 10.203.0.138/24']);
  });

  it('without node: the description as before; a bad node name is refused naming the field', async () => {
    const stack = await loadStack(stackFile(''));
    const runner = new RecordingRunner([{ file: 'pvesh', args: ['get', '/cluster/resources', '--type', 'vm', '--output-format', 'json'], result: { stdout: '[]' } }]);
    const plan = await planStack(testContext(runner).ctx, stack, { prune: false });
    expect(plan.resources[1]!.what).toBe('clone of base, vmid 597, 10.203.0.138/24');
    await expect(loadStack(stackFile('    node: "bad node"\n'))).rejects.toThrow(/resources\.copy\.node/);
  });
});
