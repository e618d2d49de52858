// Contract: an OCI archive pulled from the local registry becomes an app CT (PVE 9.1 style) that serves HTTP.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configPath, httpStatus, MAC, pct, pctOk, removeCt, ROOT } from './sim.js';

const CT = 9120;
const IP = '10.203.0.25';
const ARCHIVE = path.join(ROOT, 'storage/local/template/cache/app_1.0.tar');

beforeAll(() => {
  removeCt(CT);
  const res = spawnSync('skopeo', ['copy', '-q', '--src-tls-verify=false', 'docker://127.0.0.1:5000/demo/app:1.0', `oci-archive:${ARCHIVE}`], { encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`skopeo copy failed: ${res.stderr}`);
});

afterAll(() => {
  removeCt(CT);
  fs.rmSync(ARCHIVE, { force: true });
});

describe('OCI archive → app container', () => {
  it('pct create detects the OCI archive and maps the image config', () => {
    const out = pctOk(['create', String(CT), 'local:vztmpl/app_1.0.tar', '--hostname', 'app', '--storage', 'local-lvm', '--net0', `name=eth0,bridge=vmbr0,ip=${IP}/24,gw=10.203.0.1`]);
    expect(out).toBe(
      `  Logical volume "vm-${CT}-disk-0" created.\n` +
        'Detected OCI archive\n' +
        'Auto-Enabling host-managed network for network device net0.\n' +
        'Detected container architecture: amd64\n' +
        "/etc/os-release file not found and autodetection failed, falling back to 'unmanaged'\n",
    );
    expect(fs.readFileSync(configPath(CT), 'utf8')).toMatch(
      new RegExp(
        '^arch: amd64\\ncmode: console\\nentrypoint: /app/start\\.sh\\nhostname: app\\nmemory: 512\\n' +
          `net0: name=eth0,bridge=vmbr0,gw=10\\.203\\.0\\.1,host-managed=1,hwaddr=${MAC},ip=${IP.replace(/\./g, '\\.')}/24,type=veth\\n` +
          `ostype: unmanaged\\nrootfs: local-lvm:vm-${CT}-disk-0,size=4G\\nswap: 512\\nunprivileged: 1\\n` +
          'lxc\\.environment\\.runtime: PATH=/bin:/sbin\\nlxc\\.environment\\.runtime: APP_VERSION=1\\.0\\nlxc\\.environment\\.runtime: APP_PORT=3456\\n' +
          'lxc\\.init\\.cwd: /\\nlxc\\.signal\\.halt: SIGTERM\\n$',
      ),
    );
  });

  it('starts with the entrypoint as init and the image env; HTTP 200 from the host', async () => {
    expect(pct(['start', String(CT)])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await httpStatus(`http://${IP}:3456/health`)).toBe(200);
    const info = (await (await fetch(`http://${IP}:3456/cgi-bin/info`)).json()) as Record<string, string>;
    expect(info).toMatchObject({ version: 'demo-app 1.0', app_version_env: '1.0', app_port: '3456', host: 'app', ip: `${IP}/24` });
    expect(pctOk(['exec', String(CT), '--', 'cat', '/proc/1/cmdline'])).toBe('/bin/sh\0/app/start.sh\0');
  });

  it('shutdown uses the image StopSignal and stops within the timeout', () => {
    expect(pct(['shutdown', String(CT), '--timeout', '10'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(pct(['status', String(CT)]).stdout).toBe('status: stopped\n');
  });
});
