// Contract: argv handling, usage and error texts, exit codes, empty outputs — no container needs to run.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN, BUSYBOX, DEBIAN, pct, ROOT, sim } from './sim.js';

const MISSING = 9199;

describe('pct argv and errors', () => {
  it('no command: ERROR + USAGE block on stderr, exit 255', () => {
    const res = pct([]);
    expect(res.code).toBe(255);
    expect(res.stdout).toBe('');
    expect(res.stderr.startsWith('ERROR: no command specified\nUSAGE: pct <COMMAND> [ARGS] [OPTIONS]\n\n')).toBe(true);
  });

  it("unknown or ambiguous command: ERROR: unknown command 'pct foo'", () => {
    for (const word of ['foo', 'li']) {
      const res = pct([word]);
      expect(res.code).toBe(255);
      expect(res.stderr.startsWith(`ERROR: unknown command 'pct ${word}'\nUSAGE: pct <COMMAND> [ARGS] [OPTIONS]\n\n`)).toBe(true);
      expect(res.stderr).toContain('       pct create <vmid> <ostemplate> [OPTIONS]\n');
      expect(res.stderr).toContain('       pct exec <vmid> [<extra-args>] [OPTIONS]\n');
    }
  });

  it('a unique prefix runs the command', () => {
    const res = pct(['conf', String(MISSING)]);
    expect(res).toEqual({ code: 255, stdout: '', stderr: `Configuration file 'nodes/pve/lxc/${MISSING}.conf' does not exist\n` });
  });

  it('400 blocks: type check, vmid format, minimum, enumeration', () => {
    expect(pct(['status', 'abc'])).toEqual({
      code: 255,
      stdout: '',
      stderr: "400 Parameter verification failed.\nvmid: type check ('integer') failed - got 'abc'\npct status <vmid> [OPTIONS]\n",
    });
    expect(pct(['start', '99']).stderr).toBe(
      '400 Parameter verification failed.\nvmid: invalid format - value does not look like a valid VM ID\npct start <vmid> [OPTIONS]\n',
    );
    expect(pct(['set', String(MISSING), '--memory', '8']).stderr).toBe(
      '400 Parameter verification failed.\nmemory: value must have a minimum value of 16\npct set <vmid> [OPTIONS]\n',
    );
    expect(pct(['set', String(MISSING), '-cmode=foo']).stderr).toBe(
      "400 Parameter verification failed.\ncmode: value 'foo' does not have a value in the enumeration 'shell, console, tty'\npct set <vmid> [OPTIONS]\n",
    );
    expect(pct(['set', String(MISSING), '--net0', 'bridge=vmbr0']).stderr).toBe(
      '400 Parameter verification failed.\nnet0: invalid format - format error\nnet0.name: property is missing and it is not optional\npct set <vmid> [OPTIONS]\n',
    );
  });

  it('argument count and option parse errors', () => {
    expect(pct(['status'])).toEqual({ code: 255, stdout: '', stderr: '400 not enough arguments\npct status <vmid> [OPTIONS]\n' });
    expect(pct(['status', '100', '101']).stderr).toBe('400 too many arguments\npct status <vmid> [OPTIONS]\n');
    expect(pct(['list', '--foo'])).toEqual({ code: 255, stdout: '', stderr: 'Unknown option: foo\n400 unable to parse option\npct list\n' });
    expect(pct(['destroy', String(MISSING), '--force', 'maybe']).stderr).toBe('400 unable to parse boolean option\npct destroy <vmid> [OPTIONS]\n');
  });

  it('missing config, not running, reboot says VM', () => {
    const missing = `Configuration file 'nodes/pve/lxc/${MISSING}.conf' does not exist\n`;
    for (const cmd of ['config', 'status', 'exec', 'set', 'destroy', 'pending', 'listsnapshot']) {
      const args = cmd === 'set' ? [cmd, String(MISSING), '--onboot', '1'] : [cmd, String(MISSING)];
      expect(pct(args), cmd).toEqual({ code: 255, stdout: '', stderr: missing });
    }
    expect(pct(['stop', String(MISSING)])).toEqual({ code: 255, stdout: '', stderr: `CT ${MISSING} not running\n` });
    expect(pct(['shutdown', String(MISSING)]).stderr).toBe(`CT ${MISSING} not running\n`);
    expect(pct(['reboot', String(MISSING)]).stderr).toBe(`VM ${MISSING} not running\n`);
    // start checks "already running" first; the missing config then fails inside the worker
    expect(pct(['start', String(MISSING)])).toEqual({ code: 255, stdout: '', stderr: missing });
  });

  it('pct list prints nothing at all on a node without CTs', () => {
    expect(pct(['list'], { node: 'contract-empty' })).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('please run as root', () => {
    const res = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', `${BIN}/pct`, 'list'], { encoding: 'utf8', cwd: '/' });
    expect(res.stderr).toBe('please run as root\n');
    expect(res.status).toBe(255);
  });
});

describe('pveam', () => {
  it('update / available / list', () => {
    expect(sim('pveam', ['update'])).toEqual({ code: 0, stdout: 'update successful\n', stderr: '' });
    const avail = sim('pveam', ['available']);
    expect(avail.code).toBe(0);
    expect(avail.stdout).toContain(`system          ${DEBIAN}\n`);
    expect(avail.stdout).toContain(`system          ${BUSYBOX}\n`);
    const list = sim('pveam', ['list', 'local']);
    expect(list.stdout.startsWith(`${'NAME'.padEnd(60)} SIZE  \n`)).toBe(true);
    expect(list.stdout).toMatch(new RegExp(`\\nlocal:vztmpl/${DEBIAN.replace(/\./g, '\\.')} +\\d+\\.\\d\\dMB\\n`));
    expect(sim('pveam', ['list', 'local-lvm'])).toEqual({ code: 255, stdout: '', stderr: 'Storage does not support templates!\n' });
    expect(sim('pveam', ['list', 'nosuch']).stderr).toBe("storage 'nosuch' does not exist\n");
  });

  it('download: unknown template is a 400; a known one is verified', () => {
    expect(sim('pveam', ['download', 'local', 'nosuch.tar.zst'])).toEqual({
      code: 255,
      stdout: '',
      stderr: '400 Parameter verification failed.\ntemplate: no such template\npveam download <storage> <template>\n',
    });
    const res = sim('pveam', ['download', 'local', BUSYBOX]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/checksum/);
  });
});

describe('pvesm', () => {
  it('status uses PVE widths', () => {
    const res = sim('pvesm', ['status']);
    expect(res.code).toBe(0);
    const lines = res.stdout.split('\n');
    expect(lines[0]).toBe(`${'Name'.padEnd(10)} ${'Type'.padStart(10)} ${'Status'.padStart(10)} ${'Total (KiB)'.padStart(15)} ${'Used (KiB)'.padStart(15)} ${'Available (KiB)'.padStart(15)} ${'%'.padStart(8)}`);
    expect(lines[1]).toMatch(new RegExp(`^${'local'.padEnd(10)} ${'dir'.padStart(10)} ${'active'.padStart(10)} +\\d+ +\\d+ +\\d+ +\\d+\\.\\d\\d%$`));
    expect(lines[4]!.startsWith(`${'local-lvm'.padEnd(10)} ${'lvmthin'.padStart(10)} ${'active'.padStart(10)} `)).toBe(true);
  });

  it('path and list', () => {
    expect(sim('pvesm', ['path', `local:vztmpl/${DEBIAN}`]).stdout).toBe(`${ROOT}/storage/local/template/cache/${DEBIAN}\n`);
    const list = sim('pvesm', ['list', 'local', '--content', 'vztmpl']);
    expect(list.stdout.split('\n')[0]).toMatch(/^Volid +Format  Type      +Size VMID$/);
    expect(list.stdout).toMatch(new RegExp(`local:vztmpl/${DEBIAN.replace(/\./g, '\\.')} +tzst    vztmpl +\\d+\\n`));
    expect(sim('pvesm', ['path', 'nosuch:vztmpl/x.tar.gz']).stderr).toBe("storage 'nosuch' does not exist\n");
  });
});

describe('pvesh', () => {
  it('nextid, nodes, node status', () => {
    expect(sim('pvesh', ['get', '/cluster/nextid']).stdout).toMatch(/^\d+\n$/);
    expect(sim('pvesh', ['get', '/cluster/nextid', '--vmid', String(MISSING), '--output-format', 'json']).stdout).toBe(`"${MISSING}"\n`);
    const nodes = JSON.parse(sim('pvesh', ['get', '/nodes', '--output-format', 'json']).stdout) as { node: string; status: string }[];
    expect(nodes.find((n) => n.node === 'pve')?.status).toBe('online');
    const status = sim('pvesh', ['get', '/nodes/localhost/status', '--output-format', 'json']).stdout;
    expect(status.endsWith('}\n') && !status.slice(0, -1).includes('\n')).toBe(true);
    const obj = JSON.parse(status) as Record<string, unknown>;
    for (const key of ['uptime', 'loadavg', 'kversion', 'cpuinfo', 'memory', 'swap', 'pveversion', 'rootfs', 'current-kernel', 'boot-info']) expect(obj).toHaveProperty(key);
    expect(Object.keys(obj)).toEqual(Object.keys(obj).sort());
  });

  it('errors', () => {
    expect(sim('pvesh', ['get', '/cluster/resources', '--type', 'x']).stderr).toBe(
      "400 Parameter verification failed.\ntype: value 'x' does not have a value in the enumeration 'vm, storage, node, sdn'\npvesh get <api_path> [OPTIONS] [FORMAT_OPTIONS]\n",
    );
    expect(sim('pvesh', ['get', '/nosuch']).code).toBe(255);
  });
});
