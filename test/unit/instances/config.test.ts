// Instance config: the demo example validates; every problem is reported at once with its line; the container block gets the container spec's rules.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseInstanceConfigText } from '../../../src/instances/config.js';
import { formatProblem } from '../../../src/errors.js';

const repo = path.resolve(import.meta.dirname, '../../..');

describe('parseInstanceConfigText', () => {
  it('accepts examples/instances/demo.yaml and derives the container spec from its container block', () => {
    const r = parseInstanceConfigText(readFileSync(path.join(repo, 'examples/instances/demo.yaml'), 'utf8'), 'demo.yaml', { NOTES_DIST: '/srv/dist' });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config).toMatchObject({ app: 'notes', version: '1.0.0', health: { timeout: 30, interval: 0.5 }, update: { backup: true } });
    expect(r.config.sources.backend).toEqual({ artifact: '/srv/dist/notes-{version}.tar.gz', sha256_file: '/srv/dist/notes-{version}.tar.gz.sha256' });
    expect(r.spec.container).toMatchObject({ vmid: 460, hostname: 'notes-demo', network: { ip: '10.203.0.60/24', gateway: '10.203.0.1' } });
    expect(r.spec.provisioning.packages).toEqual([]);
  });

  it('reports every problem with its line: unknown keys, bad values, container rules and instance rules', () => {
    const text = [
      'app: notes',                                              // 1
      'colour: blue',                                            // 2 unknown key
      'container:',                                              // 3
      '  hostname: Bad_Name',                                    // 4
      '  template: debian-12',                                   // 5
      '  network: { ip: dhcp, gateway: 10.0.0.1 }',              // 6 gateway without static ip (container rule)
      'sources:',                                                // 7
      '  backend: { artifact: "/srv/notes-{version}.tar.gz" }',  // 8 no checksum
      'tls: { cert: /etc/ssl/c.pem }',                           // 9 cert without key
      'health: { timeout: 0 }',                                  // 10
      '',
    ].join('\n');
    const r = parseInstanceConfigText(text, 'i.yaml', {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const shown = r.problems.map(formatProblem);
    expect(shown.some((p) => p.startsWith('i.yaml:2 ') && p.includes('colour'))).toBe(true);
    expect(shown.some((p) => p.startsWith('i.yaml:4 container.hostname'))).toBe(true);
    expect(shown.some((p) => p.startsWith('i.yaml:6 container.network.gateway'))).toBe(true);
    expect(shown.some((p) => p.startsWith('i.yaml:10 health.timeout'))).toBe(true);
    // Instance rules run only once the schema passes; fix the schema problems and they appear.
    const r2 = parseInstanceConfigText(text.replace('colour: blue', '').replace('Bad_Name', 'ok').replace('gateway: 10.0.0.1', 'bridge: vmbr0').replace('timeout: 0', 'timeout: 5'), 'i.yaml', {});
    expect(r2.ok).toBe(false);
    if (r2.ok) return;
    expect(r2.problems.map(formatProblem)).toEqual([
      'i.yaml:8 sources.backend.artifact: needs a checksum: sha256, sha256_file or sha256_member (unverified artifacts are refused)',
      'i.yaml:9 tls: give both cert and key, or neither (a self-signed pair is made in the CT)',
    ]);
  });

  it('refuses a pinned sha256 for an artifact that names {version}, and a relative artifact path', () => {
    const sha = 'a'.repeat(64);
    const r = parseInstanceConfigText(`app: notes\ncontainer: { hostname: n, template: debian-12 }\nsources:\n  backend: { artifact: "notes-{version}.tgz", sha256: ${sha} }\n`, 'i.yaml', {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining(['a pinned sha256 cannot match every {version}; use sha256_file', 'is neither an absolute host path nor an http(s) URL']),
    );
  });
});
