// DryRunRunner: mutating commands printed in order and faked; read-only ones delegated to the real runner.
import { describe, expect, it } from 'vitest';
import { DryRunRunner } from '../../../src/host/dry-run-runner.js';
import { pctConfig, pctCreate, pctList, pctStart } from '../../../src/host/pct.js';
import { RecordingRunner } from '../../../src/host/recording-runner.js';
import { skopeoCopy } from '../../../src/host/skopeo.js';

describe('DryRunRunner', () => {
  it('prints mutating commands in order, returns synthetic success, and records them', async () => {
    const inner = new RecordingRunner(); // expects nothing: any delegated mutation would throw
    const lines: string[] = [];
    const dry = new DryRunRunner({ inner, write: (l) => lines.push(l) });
    const create = pctCreate(200, 'local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst', { hostname: 'web', password: 'pw-secret-1' });
    const r1 = await dry.run(create);
    const r2 = await dry.run(pctStart(200));
    expect(r1).toEqual({ exitCode: 0, stdout: '', stderr: '', durationMs: 0 });
    expect(r2.exitCode).toBe(0);
    expect(lines).toEqual([
      '[dry-run] pct create 200 local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst --hostname web --password ***',
      '[dry-run] pct start 200',
    ]);
    expect(dry.planned.map((p) => p.display)).toEqual(lines.map((l) => l.replace('[dry-run] ', '')));
    expect(dry.planned[0]!.args).toEqual(['create', '200', 'local:vztmpl/debian-12-standard_12.12-1_amd64.tar.zst', '--hostname', 'web', '--password', '***']);
    expect(JSON.stringify(dry.planned)).not.toContain('pw-secret-1');
    expect(inner.calls).toHaveLength(0);
    inner.assertDone();
  });

  it('delegates read-only commands to the inner runner and returns its real output', async () => {
    const inner = new RecordingRunner([
      { file: 'pct', args: ['list'], result: { stdout: 'VMID       Status     Lock         Name                \n' } },
      { file: 'pct', args: ['config', '200'], result: { stdout: 'hostname: web\n' } },
    ]);
    const lines: string[] = [];
    const dry = new DryRunRunner({ inner, write: (l) => lines.push(l) });
    expect((await dry.run(pctList())).stdout).toContain('VMID');
    await dry.run(pctStart(200));
    expect((await dry.run(pctConfig(200))).stdout).toBe('hostname: web\n');
    expect(lines).toEqual(['[dry-run] pct start 200']);
    expect(dry.planned).toHaveLength(1);
    inner.assertDone();
  });

  it('can show reads too, marked as reads', async () => {
    const inner = new RecordingRunner([{ file: 'pct', args: ['list'] }]);
    const lines: string[] = [];
    await new DryRunRunner({ inner, write: (l) => lines.push(l), showReads: true }).run(pctList());
    expect(lines).toEqual(['[dry-run] (read) pct list']);
  });

  it('redacts registry credentials in the printed skopeo copy', async () => {
    const lines: string[] = [];
    const dry = new DryRunRunner({ inner: new RecordingRunner(), write: (l) => lines.push(l) });
    await dry.run(skopeoCopy('127.0.0.1:5000/private/app:1.0', '/tmp/app.tar', { tlsVerify: false, creds: { username: 'user', password: 'pa55word' } }));
    expect(lines).toEqual(['[dry-run] skopeo copy -q --src-tls-verify=false --src-creds *** docker://127.0.0.1:5000/private/app:1.0 oci-archive:/tmp/app.tar']);
  });

  it('notes that a command would get stdin without printing it', async () => {
    const dry = new DryRunRunner({ inner: new RecordingRunner(), write: () => {} });
    await dry.run({ file: 'pct', args: ['exec', '200', '--', 'sh', '-s'], input: 'echo secret-script' });
    expect(dry.planned[0]).toMatchObject({ hasInput: true, display: 'pct exec 200 -- sh -s' });
  });
});
