// Contract (acceptance): the Debian template boots systemd to `running` in an unprivileged CT and nginx answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN, httpStatus, pct, removeCt } from './sim.js';

const CT = 200;
const IP = '10.203.0.20';

beforeAll(() => removeCt(CT));
afterAll(() => removeCt(CT));

describe('Debian CT (systemd + nginx)', () => {
  it('pct create … && pct start && pct exec -- systemctl is-system-running → running', async () => {
    const create = pct([
      'create', String(CT), `local:vztmpl/${DEBIAN}`, '--hostname', 'web', '--memory', '512',
      '--net0', `name=eth0,bridge=vmbr0,ip=${IP}/24,gw=10.203.0.1`, '--storage', 'local-lvm',
    ]);
    expect(create.code, create.stderr).toBe(0);
    expect(create.stdout).toContain('Detected container architecture: amd64\n');
    expect(pct(['config', String(CT)]).stdout).toContain('\nostype: debian\n');
    expect(pct(['start', String(CT)])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(pct(['exec', String(CT), '--', 'systemctl', 'is-system-running'])).toEqual({ code: 0, stdout: 'running\n', stderr: '' });
    expect(pct(['exec', String(CT), '--', 'hostname']).stdout).toBe('web\n');
    expect(await httpStatus(`http://${IP}/`)).toBe(200);
  });

  it('cgroup limits follow memory/swap/cores, also when changed on the running CT', () => {
    const mem = (file: string): string => pct(['exec', String(CT), '--', 'cat', `/sys/fs/cgroup/memory/${file}`]).stdout.trim();
    expect(mem('memory.limit_in_bytes')).toBe(String(512 * 1024 * 1024));
    expect(pct(['set', String(CT), '--memory', '768', '--swap', '256', '--cores', '1']).code).toBe(0);
    expect(mem('memory.limit_in_bytes')).toBe(String(768 * 1024 * 1024));
    expect(mem('memory.memsw.limit_in_bytes')).toBe(String(1024 * 1024 * 1024));
  });

  it('shutdown is clean (SIGPWR → systemd), reboot brings it back', () => {
    expect(pct(['reboot', String(CT)])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(pct(['exec', String(CT), '--', 'systemctl', 'is-system-running']).stdout).toBe('running\n');
    expect(pct(['shutdown', String(CT), '--timeout', '30'])).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(pct(['status', String(CT)]).stdout).toBe('status: stopped\n');
  });
});
