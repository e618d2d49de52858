// The host-test lanes (scripts/test-host.sh): every file that adds nodes to pvesim's shared /etc/pve runs in the one cluster lane.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const script = readFileSync(path.join(repo, 'scripts/test-host.sh'), 'utf8');

/** The lanes as the script lists them: one quoted, space-separated string of files per lane. */
function lanes(): string[][] {
  const block = /^LANES=\(\n([\s\S]*?)\n\)/m.exec(script)?.[1];
  if (!block) throw new Error('no LANES=( … ) block in scripts/test-host.sh');
  return [...block.matchAll(/"([^"]+)"/g)].map((m) => m[1]!.split(/\s+/).filter(Boolean));
}

function hostTestFiles(): string[] {
  return ['test/e2e', 'test/pvesim/contract'].flatMap((dir) =>
    readdirSync(path.join(repo, dir))
      .filter((f) => f.endsWith('.test.ts'))
      .map((f) => `${dir}/${f}`),
  );
}

/**
 * A file acts as, or adds, another pvesim node (PVESIM_NODE, sim-memory, node directories) — unless it
 * gives pvesim a private root of its own (`PVESIM_ROOT:`), which no other file sees.
 */
function touchesSharedNodes(file: string): boolean {
  const text = readFileSync(path.join(repo, file), 'utf8');
  const nodeWork = /PVESIM_NODE|sim-memory|removeNodeDir|etc\/pve\/nodes|\{ node: |, NODE\)/.test(text);
  return nodeWork && !/PVESIM_ROOT: /.test(text);
}

describe('host test lanes', () => {
  it('every lane names files that exist, each once', () => {
    const all = lanes().flat();
    expect(all.length).toBeGreaterThan(0);
    expect(new Set(all).size).toBe(all.length);
    const files = new Set(hostTestFiles());
    for (const f of all) expect(files.has(f), f).toBe(true);
  });

  it('the files that change the cluster\'s node set all share one lane, so they never run at the same time', () => {
    const touching = hostTestFiles().filter(touchesSharedNodes);
    // The check finds the known ones (it would pass vacuously if its pattern stopped matching).
    expect(touching).toEqual(expect.arrayContaining(['test/e2e/nodes.test.ts', 'test/e2e/inventory.test.ts', 'test/pvesim/contract/lifecycle.test.ts', 'test/pvesim/contract/pvesh-write.test.ts']));
    const lane = lanes().find((l) => l.includes('test/e2e/nodes.test.ts'));
    expect(lane).toBeDefined();
    for (const f of touching) expect(lane, `${f} must be in the cluster lane`).toContain(f);
  });
});
